"""`python -m app profiles …` through the real entry point."""

from __future__ import annotations

import json

from tests.conftest import shared_path
from tests.test_cli import run


def test_parse_ingest_twice_and_publish(scratch_url: str) -> None:
    seed = str(shared_path("seeds", "003_2e491714bf667bad.txt"))
    parsed = run(scratch_url, "profiles", "parse", seed, "--format", "json")
    assert parsed.returncode == 0, parsed.stderr
    body = json.loads(parsed.stdout)
    assert (body["country"], body["kind"], body["last_updated"]) == (
        "KGZ",
        "cluster_munition_ban_policy",
        None,
    )
    assert [v["resolution"] for v in body["votes"]][:2] == ["A/RES/70/54", "A/RES/71/45"]
    assert run(scratch_url, "migrate").returncode == 0
    assert run(scratch_url, "load").returncode == 0
    first = run(scratch_url, "profiles", "ingest", seed)
    second = run(scratch_url, "profiles", "ingest", seed)
    line = "profile-kgz-cluster-munition-ban-policy-716fbb6162: 5 citations, 23 drafts, 0 published"
    assert first.stdout.strip() == second.stdout.strip() == line
    drafts = run(scratch_url, "profiles", "drafts", "--status", "draft")
    assert len(drafts.stdout.splitlines()) == 23
    published = run(
        scratch_url, "profiles", "publish", "profile-kgz-cluster-munition-ban-policy-716fbb6162"
    )
    assert published.stdout.strip() == "published 23 draft(s)"
    assert run(scratch_url, "load").stdout.rstrip().endswith("already up to date")
