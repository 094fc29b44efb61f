"""The two seeds against the curated data/ made from them: every fact, 100% recall."""

from __future__ import annotations

from typing import Any

import yaml

from app.profiles.parser import parse
from tests.conftest import DATA_DIR, shared_path
from tests.profiles.facts import facts, keys, score

SEEDS = {
    "monitor-kgz-mine-ban-policy-2019": "000_fa6237349ec68be0.txt",
    "monitor-kgz-cluster-munition-ban-policy": "003_2e491714bf667bad.txt",
}
LISTS = {
    "status_statements": "statuses",
    "votes": "votes",
    "participations": "participations",
    "stockpiles": "stockpiles",
    "practices": "practices",
    "positions": "positions",
}


def _curated(source: str) -> set[tuple[Any, ...]]:
    kgz = yaml.safe_load((DATA_DIR / "countries" / "kgz.yaml").read_text(encoding="utf-8"))
    sources = yaml.safe_load((DATA_DIR / "sources.yaml").read_text(encoding="utf-8"))
    expected: set[tuple[Any, ...]] = set()
    for key, kind in LISTS.items():
        for record in kgz[key]:
            if record["source"] == source:
                expected.add((kind, keys(kind, record)))
    doc = next(s for s in sources["sources"] if s["id"] == source)
    for c in doc["citations"]:
        expected.add(("citations", keys("citations", c)))
    return expected


def test_every_curated_fact_is_read_from_the_seeds() -> None:
    got_all: set[Any] = set()
    expected_all: set[Any] = set()
    for source, name in SEEDS.items():
        result = parse(shared_path("seeds", name).read_text(encoding="utf-8"))
        assert result.country == "KGZ"
        assert result.warnings == []
        got = {(source, f) for f in facts(result)}
        expected = {(source, f) for f in _curated(source)}
        score(source, got, expected)
        got_all |= got
        expected_all |= expected
    precision, recall = score("both seeds", got_all, expected_all)
    assert len(expected_all) == 61  # 62 records; two status statements share a key
    assert recall == 1.0
    assert precision == 1.0


def test_seed_headers() -> None:
    mine = parse(shared_path("seeds", SEEDS["monitor-kgz-mine-ban-policy-2019"]).read_text())
    assert (mine.kind, mine.title, mine.last_updated) == (
        "mine_ban_policy",
        "Kyrgyzstan: Mine Ban Policy",
        "2019-12-18",
    )
    cluster = parse(
        shared_path("seeds", SEEDS["monitor-kgz-cluster-munition-ban-policy"]).read_text()
    )
    assert (cluster.kind, cluster.title, cluster.last_updated) == (
        "cluster_munition_ban_policy",
        "Kyrgyzstan: Cluster Munition Ban Policy",
        None,
    )
    assert [c.number for c in cluster.citations] == [1, 2, 3, 4, 5]
    assert len(mine.citations) == 11
