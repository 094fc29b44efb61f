"""Faults of the process itself: an import killed mid-way, a server stopped with SIGTERM.

`python -m app load` is not interrupted here: data/ is read and validated in full before its
single transaction starts, and that transaction takes a few milliseconds, so no kill can be
timed to land inside it; the vote import below exercises the same all-or-nothing commit
with a transaction that lasts seconds.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.config import PROJECT_ROOT
from tests.conftest import shared_path
from tests.dbproxy import DbProxy
from tests.test_cli import free_port, run, wait_healthy
from tests.test_load import dump


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return dump(conn)
    finally:
        engine.dispose()


def read_position(pid: int, path: Path) -> int | None:
    """How far process `pid` has read into its open file `path` (None: not open)."""
    fds = Path(f"/proc/{pid}/fd")
    for fd in fds.iterdir():
        try:
            if Path(os.readlink(fd)) == path:
                info = (Path(f"/proc/{pid}/fdinfo") / fd.name).read_text()
                return int(info.split("pos:")[1].split()[0])
        except OSError:
            continue
    return None


def test_killed_vote_import_leaves_no_partial_data(scratch_url: str) -> None:
    big = shared_path("refdata", "undl", "ga_voting_1946-2026.csv.gz").resolve()
    assert run(scratch_url, "migrate").returncode == 0
    assert run(scratch_url, "load").returncode == 0
    before = snapshot(scratch_url)
    assert len(before["votes"]) == 8043 + 8  # the public record's and the curated ones
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "import", "undl", "--all", str(big)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": scratch_url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    size = big.stat().st_size
    position = None
    try:
        # Inside its transaction the importer streams the file into the staging table: kill it
        # once it has read a quarter of the file, well before the end.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            position = read_position(proc.pid, big)
            if position is not None and position >= size // 4:
                break
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
    finally:
        assert proc.wait(timeout=10) == -signal.SIGKILL
    assert position is not None
    assert size // 4 <= position < size
    assert snapshot(scratch_url) == before
    # and the database still takes the whole import afterwards
    again = run(scratch_url, "import", "undl", "--all", str(big))
    assert again.returncode == 0, again.stderr
    # the file's 848,241 votes; of the public record's, the 415 non-votes of sessions 51-73
    # (the file has no X rows there) and 20 it files under YUG after 2003 (the record under
    # SCG and SRB); the 8 curated
    assert len(snapshot(scratch_url)["votes"]) == 848_241 + 415 + 20 + 8


def slow_body(text: str, started: threading.Event, pieces: int = 20) -> Iterator[bytes]:
    """The text in `pieces` chunks about 0.1 s apart: a request in flight for ~2 s."""
    data = text.encode()
    step = len(data) // pieces + 1
    for i in range(0, len(data), step):
        yield data[i : i + step]
        started.set()
        time.sleep(0.1)


def test_sigterm_lets_the_request_in_flight_finish_then_exits_0(scratch_url: str) -> None:
    assert run(scratch_url, "migrate").returncode == 0
    assert run(scratch_url, "load").returncode == 0
    created = run(scratch_url, "keys", "create", "--name", "curator")
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip()
    text = shared_path("seeds", "000_fa6237349ec68be0.txt").read_text(encoding="utf-8")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": scratch_url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base)
        started = threading.Event()
        answer: list[httpx.Response] = []

        def post() -> None:
            answer.append(
                httpx.post(
                    f"{base}/v1/profiles",
                    content=slow_body(text, started),
                    headers={"Authorization": f"Bearer {key}", "Content-Type": "text/plain"},
                    timeout=30,
                )
            )

        client = threading.Thread(target=post)
        client.start()
        assert started.wait(10)
        time.sleep(0.3)
        sent_at = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        client.join(30)
        assert not client.is_alive()
        assert proc.wait(timeout=30) == 0
        assert time.monotonic() - sent_at >= 1.0  # it waited for the upload to end
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    response = answer[0]
    assert response.status_code == 201, response.text
    assert [b["source"] for b in response.json()] == ["profile-kgz-mine-ban-policy-2019-12-18"]
    assert len(response.json()[0]["drafts"]) == 23
    assert proc.stderr is not None
    assert "Waiting for connections to close" in proc.stderr.read()


def terminate_backends(url: str) -> int:
    """End every server process connected to `url`'s database, as a server restart does."""
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            ended = conn.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": make_url(url).database},
            )
            return int(ended or 0)
    finally:
        admin.dispose()


def timed_get(url: str) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = httpx.get(url, timeout=30)
    return response, time.monotonic() - started


RESTART_PATHS = [
    "/v1/countries?limit={}",
    "/v1/countries/KGZ/votes?limit={}",
    "/v1/treaties/mbt/members?limit={}",
    "/v1/search?q=mines&limit={}",
    "/v1/changes?limit={}",
]


def urls(base: str, limits: range) -> list[str]:
    """Each path with each limit: distinct requests, so none is answered from the cache."""
    return [base + path.format(limit) for limit in limits for path in RESTART_PATHS]


def test_database_restart_is_a_quick_503_then_service_recovers_by_itself(
    scratch_url: str,
) -> None:
    url = make_url(scratch_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("a database server going away applies to PostgreSQL (SQLite is a file)")
    assert run(scratch_url, "migrate").returncode == 0
    assert run(scratch_url, "load").returncode == 0
    connect_timeout = 2
    with DbProxy((url.host or "127.0.0.1", url.port or 5432)) as proxy:
        through_proxy = url.set(host="127.0.0.1", port=proxy.port)
        port = free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--port", str(port), "--workers", "2"],
            cwd=PROJECT_ROOT,
            env={
                **os.environ,
                "DATABASE_URL": through_proxy.render_as_string(hide_password=False),
                "DB_CONNECT_TIMEOUT": str(connect_timeout),
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(base)
            with ThreadPoolExecutor(8) as pool:
                # both workers hold pooled connections before the restart
                warm = list(pool.map(timed_get, urls(base, range(1, 5))))
                assert [r.status_code for r, _ in warm] == [200] * 20
                assert terminate_backends(scratch_url) >= 2
                proxy.down()
                down = list(pool.map(timed_get, urls(base, range(5, 13))))
                assert [r.status_code for r, _ in down] == [503] * 40
                assert max(seconds for _, seconds in down) < connect_timeout + 1
                for response, _ in down:
                    assert response.headers["content-type"] == "application/problem+json"
                    assert response.headers["retry-after"] == "5"
                    assert response.json()["title"] == "Service unavailable"
                assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
                ready, seconds = timed_get(f"{base}/readyz")
                assert (ready.status_code, ready.json()["title"]) == (503, "Not ready")
                assert seconds < connect_timeout + 1
                proxy.up()
                time.sleep(1.1)  # the data-version reader retries a failed connect after 1 s
                back = list(pool.map(timed_get, urls(base, range(13, 21))))
                assert [r.status_code for r, _ in back] == [200] * 40
                # a restart while idle: the dead pooled connections are replaced unseen
                assert terminate_backends(scratch_url) >= 2
                proxy.down()
                proxy.up()
                again = list(pool.map(timed_get, urls(base, range(21, 29))))
                assert [r.status_code for r, _ in again] == [200] * 40
            assert httpx.get(f"{base}/readyz").json()["status"] == "ready"
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
