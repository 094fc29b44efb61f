"""/metrics: import counts from the history, and one set of figures across uvicorn workers."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import history, models
from app.config import PROJECT_ROOT
from app.importers.undl import import_votes
from app.observability import MULTIPROC_ENV, multiprocess_directory
from tests.test_cli import free_port, run, wait_healthy
from tests.undl_files import csv_2026, write

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
ROUTE = "/v1/countries/{country}"


def samples(body: str) -> Samples:
    """Every sample of a text exposition, by name and labels."""
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(body)
        for s in family.samples
    }


def value(found: Samples, name: str, **labels: str) -> float | None:
    """One sample's value (None: absent)."""
    return found.get((name, frozenset(labels.items())))


def test_imports_are_counted_by_importer_from_the_history(
    client: TestClient, session: Session, tmp_path: Path
) -> None:
    loaded = session.scalars(
        select(models.Change).where(models.Change.actor == "load", models.Change.action == "import")
    ).one()
    before = samples(client.get("/metrics").text)
    # Loading data/ (the fixture) records one import: the public record.
    assert [k for k in before if k[0] == "data_imports_total"] == [
        ("data_imports_total", frozenset({("importer", "public-record")}))
    ]
    assert value(before, "data_imports_total", importer="public-record") == 1.0
    assert (
        value(before, "data_import_last_timestamp_seconds", importer="public-record")
        == loaded.at.timestamp()
    )
    path = write(tmp_path / "votes.csv", csv_2026())
    import_votes(session, str(path))
    import_votes(session, str(path))  # unchanged: no second entry
    untc = history.record_import(session, "import untc", {"importer": "untc", "pages": []})
    undl = session.scalars(select(models.Change).where(models.Change.actor == "import undl")).one()
    found = samples(client.get("/metrics").text)
    assert value(found, "data_imports_total", importer="undl") == 1.0
    assert value(found, "data_imports_total", importer="untc") == 1.0
    assert value(found, "data_imports_total", importer="public-record") == 1.0
    last = "data_import_last_timestamp_seconds"
    assert value(found, last, importer="undl") == undl.at.timestamp()
    assert value(found, last, importer="untc") == untc.at.timestamp()


def test_cache_hits_and_304s_count_under_their_route(client: TestClient) -> None:
    etag = client.get("/v1/countries/KGZ").headers["etag"]
    assert client.get("/v1/countries/KGZ").status_code == 200  # from the response cache
    assert client.get("/v1/countries/KGZ", headers={"If-None-Match": etag}).status_code == 304
    client.get("/v1/nothing-here")
    found = samples(client.get("/metrics").text)
    assert value(found, "http_requests_total", method="GET", route=ROUTE, status="200") == 2.0
    assert value(found, "http_requests_total", method="GET", route=ROUTE, status="304") == 1.0
    assert value(found, "http_request_duration_seconds_count", route=ROUTE) == 3.0
    assert value(found, "http_requests_total", method="GET", route="unmatched", status="404") == 1.0


def test_metrics_directory_of_the_operator_is_kept_and_cleaned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    given = tmp_path / "prom"
    given.mkdir()
    (given / "counter_12345.db").write_bytes(b"stale")
    (given / "notes.txt").write_text("kept")
    monkeypatch.setenv(MULTIPROC_ENV, str(given))
    with multiprocess_directory(4) as path:
        assert path == given
        assert sorted(p.name for p in given.iterdir()) == ["notes.txt"]
    assert os.environ[MULTIPROC_ENV] == str(given)
    assert given.is_dir()


def test_several_workers_get_a_fresh_private_metrics_directory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(MULTIPROC_ENV, raising=False)
    with multiprocess_directory(1) as none:
        assert none is None
        assert MULTIPROC_ENV not in os.environ
    with multiprocess_directory(2) as path:
        assert path is not None
        assert os.environ[MULTIPROC_ENV] == str(path)
        assert list(path.iterdir()) == []
        assert stat.S_IMODE(path.stat().st_mode) == 0o700
    assert MULTIPROC_ENV not in os.environ
    assert not path.exists()


def worker_environ(pid: int) -> dict[str, str]:
    """The environment of the first child of process `pid` (Linux /proc)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    raw = Path(f"/proc/{children[0]}/environ").read_bytes()
    return dict(item.split("=", 1) for item in raw.decode().split("\0") if "=" in item)


def test_two_workers_report_the_same_totals_and_stop_cleanly(
    scratch_url: str, tmp_path: Path
) -> None:
    assert run(scratch_url, "migrate").returncode == 0
    assert run(scratch_url, "load").returncode == 0
    imported = run(scratch_url, "import", "undl", str(write(tmp_path / "v.csv", csv_2026())))
    assert imported.returncode == 0, imported.stderr
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != MULTIPROC_ENV}
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--port", str(port), "--workers", "2"],
        cwd=PROJECT_ROOT,
        env={**env, "DATABASE_URL": scratch_url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base)
        shared = Path(worker_environ(proc.pid)[MULTIPROC_ENV])
        with ThreadPoolExecutor(8) as pool:
            codes = list(
                pool.map(lambda _: httpx.get(f"{base}/v1/countries/KGZ").status_code, range(40))
            )
        assert codes == [200] * 40
        for _ in range(10):  # a new connection each time: either worker may answer
            found = samples(httpx.get(f"{base}/metrics").text)
            requests = value(found, "http_requests_total", method="GET", route=ROUTE, status="200")
            assert requests == 40.0
            assert value(found, "http_request_duration_seconds_count", route=ROUTE) == 40.0
            assert value(found, "data_imports_total", importer="undl") == 1.0
            assert value(found, "data_version") == 2.0
        assert shared.is_dir()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert not shared.exists()
