"""The read replica (app/replica) on real servers: a primary and a streaming replica of the
test's own (tests/pgcluster.py), whatever DATABASE_URL the suite runs on."""

from __future__ import annotations

import logging
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import PROJECT_ROOT, Settings
from app.main import create_app
from tests.pgcluster import Cluster, cluster, spare_port
from tests.writing import write

STOCKPILES = "/v1/countries/KGZ/stockpiles"
RECORD = "stockpiles/kgz-stockpile-mod-2010"
HEADER = "x-read-from"


def cli(url: str, *args: str) -> str:
    """Run `python -m app ARGS` on the database at `url`; its standard output."""
    env = {"DATABASE_URL": url, "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[Cluster, str]]:
    """A primary migrated and loaded by the CLI, its replica, and a curator's write key."""
    keys: list[str] = []

    def prepare(url: str) -> None:
        cli(url, "migrate")
        cli(url, "load")
        keys.append(cli(url, "keys", "create", "--name", "curator").strip())

    with cluster(prepare) as made:
        yield made, keys[0]


def app_of(made: Cluster, **settings: Any) -> TestClient:
    """A client of the API reading from `made`'s replica, writing to its primary."""
    return TestClient(
        create_app(
            Settings(database_url=made.primary.url, database_read_url=made.replica.url, **settings)
        )
    )


def counted(client: TestClient, source: str, reason: str) -> float:
    """The db_reads_total sample of `source` and `reason` in /metrics (0 when absent)."""
    text = client.get("/metrics").text
    pattern = rf'^db_reads_total{{reason="{reason}",source="{source}"}} (\S+)$'
    found = re.search(pattern, text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def holder(client: TestClient) -> tuple[str, str, str]:
    """The holder of the written stockpile, the answer's ETag and where it was read."""
    response = client.get(STOCKPILES)
    assert response.status_code == 200
    holders = {s["id"]: s["holder"] for s in response.json()["data"]}
    return (
        holders["kgz-stockpile-mod-2010"],
        response.headers["etag"],
        response.headers.get(HEADER, ""),
    )


def patch_holder(client: TestClient, key: str, value: str) -> Any:
    """Set the stockpile's holder through the API (If-Match: its current version)."""
    version = client.get(f"/v1/records/{RECORD}").headers["etag"].strip('"')
    return write(client, "PATCH", RECORD, key, {"holder": value}, version)


def back_on_replica(client: TestClient, timeout: float = 30.0) -> None:
    """Wait until reads are served by the replica again."""
    deadline = time.monotonic() + timeout
    while client.get(STOCKPILES).headers[HEADER] != "replica":
        assert time.monotonic() < deadline, "reads did not go back to the replica"
        time.sleep(0.1)


def test_reads_go_to_the_replica_in_step(servers: tuple[Cluster, str]) -> None:
    made, _key = servers
    primary_only = Settings(database_url=made.primary.url)
    with TestClient(create_app(primary_only)) as alone:
        expected = alone.get(STOCKPILES)
        assert HEADER not in expected.headers
    with app_of(made) as client:
        before = counted(client, "replica", "in_step")
        response = client.get(STOCKPILES)
        assert response.status_code == 200
        assert response.headers[HEADER] == "replica"
        assert response.headers["etag"] == expected.headers["etag"]
        assert response.json() == expected.json()
        assert client.get("/v1/countries/KGZ").headers[HEADER] == "replica"
        assert counted(client, "replica", "in_step") == before + 2
        feed = client.get("/v1/changes")  # the change feed stays on the primary
        assert feed.status_code == 200
        assert HEADER not in feed.headers


def test_a_write_reads_back_at_once_while_replay_is_paused(
    servers: tuple[Cluster, str],
) -> None:
    made, key = servers
    with (
        app_of(made) as client,
        TestClient(create_app(Settings(database_url=made.replica.url))) as replica_only,
    ):
        old, old_tag, where = holder(client)
        assert (old, where) == ("Ministry of Defense", "replica")
        made.replica.query("SELECT pg_wal_replay_pause()")
        try:
            assert patch_holder(client, key, "Army").status_code == 200
            new, new_tag, where = holder(client)
            assert (new, where) == ("Army", "primary; replica=lagging")
            assert new_tag != old_tag
            assert holder(replica_only)[:2] == ("Ministry of Defense", old_tag)  # not replayed
            assert counted(client, "primary", "replica_lagging") >= 1
        finally:
            made.replica.query("SELECT pg_wal_replay_resume()")
        made.caught_up()
        assert holder(client) == ("Army", new_tag, "replica")
        assert patch_holder(client, key, "Ministry of Defense").status_code == 200
        made.caught_up()


def test_reads_go_on_from_the_replica_while_the_primary_is_down(
    servers: tuple[Cluster, str],
) -> None:
    made, key = servers
    with app_of(made) as client:
        back_on_replica(client)
        expected = client.get(STOCKPILES)
        made.primary.stop()
        try:
            response = client.get(STOCKPILES)
            assert response.status_code == 200
            assert response.headers[HEADER] == "replica; primary=unavailable"
            assert response.headers["etag"] == expected.headers["etag"]
            assert response.json() == expected.json()
            fresh = client.get("/v1/countries/KGZ/profile")  # not cached: read on the replica
            assert fresh.status_code == 200
            assert fresh.headers[HEADER] == "replica; primary=unavailable"
            refused = write(client, "PATCH", RECORD, key, {"holder": "Army"}, 1)
            assert refused.status_code == 503
            assert refused.headers["retry-after"] == "5"
            assert refused.json()["type"].endswith("/database-unavailable")
            assert client.get("/v1/changes").status_code == 503
        finally:
            made.primary.start()
        back_on_replica(client)
        assert patch_holder(client, key, "Army").status_code == 200
        assert holder(client)[0] == "Army"  # wherever it was read
        made.caught_up()
        back_on_replica(client)
        assert holder(client)[::2] == ("Army", "replica")
        assert patch_holder(client, key, "Ministry of Defense").status_code == 200
        made.caught_up()


def median_choice(client: TestClient, reads: int = 200) -> float:
    """The median time the read router takes to choose, in milliseconds (on the app's loop)."""
    router = client.app.state.read_router  # type: ignore[attr-defined]

    async def timed() -> float:
        started = time.perf_counter()
        await router.choose()
        return time.perf_counter() - started

    return statistics.median(client.portal.call(timed) for _ in range(reads)) * 1000  # type: ignore[union-attr]


def test_reads_go_on_from_the_primary_while_the_replica_is_down(
    servers: tuple[Cluster, str],
) -> None:
    made, _key = servers
    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("app")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        with app_of(made, response_cache_entries=0) as client:
            back_on_replica(client)
            made.replica.stop()
            try:
                for _ in range(20):
                    response = client.get(STOCKPILES)
                    assert response.status_code == 200
                    assert response.headers[HEADER] == "primary; replica=unavailable"
                assert counted(client, "primary", "replica_unavailable") == 20
                warned = "read replica: replica_unavailable (was in_step); reads go to the primary"
                assert any(line.startswith(warned) for line in lines), lines
            finally:
                made.replica.start()
            back_on_replica(client)
            assert any(line.startswith("read replica: in_step") for line in lines), lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_the_fallback_adds_little_latency(
    servers: tuple[Cluster, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Uncached reads with the replica up, down (nothing listening where it should be) and
    not configured, interleaved so that the machine's load weighs on the three alike."""
    made, _key = servers
    nowhere = f"postgresql+psycopg://postgres@127.0.0.1:{spare_port()}/treaty"
    uncached: dict[str, Any] = {"response_cache_entries": 0}
    clients = {
        "up": app_of(made, **uncached),
        "down": TestClient(
            create_app(
                Settings(database_url=made.primary.url, database_read_url=nowhere, **uncached)
            )
        ),
        "none": TestClient(create_app(Settings(database_url=made.primary.url, **uncached))),
    }
    expected = {"up": "replica", "down": "primary; replica=unavailable", "none": None}
    times: dict[str, list[float]] = {name: [] for name in clients}
    with clients["up"], clients["down"], clients["none"]:
        for name, client in clients.items():
            assert client.get(STOCKPILES).headers.get(HEADER) == expected[name]
        for round_ in range(200):
            names = list(clients)
            for name in names[round_ % 3 :] + names[: round_ % 3]:
                started = time.perf_counter()
                response = clients[name].get(STOCKPILES)
                times[name].append(time.perf_counter() - started)
                assert response.headers.get(HEADER) == expected[name]
        choice = {name: median_choice(clients[name]) for name in ("up", "down")}
    up, down, none = (statistics.median(times[n]) * 1000 for n in ("up", "down", "none"))
    with capsys.disabled():
        print(
            f"\nread replica fallback, median of 200 interleaved uncached reads of {STOCKPILES}: "
            f"{up:.2f} ms from the replica, {down:.2f} ms from the primary with the replica "
            f"down (added {down - up:+.2f} ms), {none:.2f} ms with no replica configured; the "
            f"choice itself {choice['up']:.3f} ms up, {choice['down']:.3f} ms down"
        )
