"""`python -m app sync undl` through its real entry point, against a local HTTP server."""

from __future__ import annotations

import gzip
import hashlib
import socket
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app import dataversion, models
from app.config import Settings
from app.importers.fetch import SyncError, client, download_to
from app.importers.undl_sync import file_name
from app.importers.undl_write import SOURCE_ID
from tests.test_cli import run
from tests.undl_files import csv_2026

PATH = "/record/4060887/files/ga_voting.csv.gz"


class Site:
    """What the local server answers: first the `failures` (status, Retry-After), then `body`."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.failures: list[tuple[int, str | None]] = []
        self.requests: list[str] = []
        self.cut = 0  # answers that stop half-way through the body


@pytest.fixture
def site() -> Iterator[tuple[Site, str]]:
    """A vote file served on 127.0.0.1 (gzip-compressed, as a .csv.gz download), and its URL."""
    state = Site(gzip.compress(served().encode()))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append(self.path)
            if state.failures:
                status, retry_after = state.failures.pop(0)
                self.send_response(status)
                if retry_after is not None:
                    self.send_header("Retry-After", retry_after)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if state.cut:
                state.cut -= 1
                self.send_response(200)
                self.send_header("Content-Length", str(len(state.body)))
                self.end_headers()
                self.wfile.write(state.body[: len(state.body) // 2])
                self.close_connection = True
                return
            if self.path != PATH:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/gzip")
            self.send_header("Content-Length", str(len(state.body)))
            self.end_headers()
            self.wfile.write(state.body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}{PATH}"
    server.shutdown()
    server.server_close()
    thread.join()


def sync(engine: Engine, url: str, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m app sync undl ARGS` with UNDL_VOTING_URL set and its own TMPDIR."""
    db = engine.url.render_as_string(hide_password=False)
    return run(db, "sync", "undl", *args, UNDL_VOTING_URL=url, TMPDIR=str(tmp))


@pytest.fixture
def tmp(tmp_path: Path) -> Path:
    """The temporary folder of the command (empty again after every run)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    return folder


def snapshot(engine: Engine) -> dict[str, Any]:
    """Every row of the tables an import writes, and the data version."""
    tables = (models.Vote, models.Resolution, models.Source, models.Change)
    with Session(engine) as session:
        rows = {
            m.__tablename__: [tuple(r) for r in session.execute(select(m.__table__)).all()]
            for m in tables
        }
        return {**rows, "data_version": dataversion.current(session)}


#: The test file's resolutions, renumbered out of the public record's way (it holds 77/63 and
#: 77/79), so that a sync into a loaded database inserts them.
RENUMBERED = {
    "A/RES/77/63": "A/RES/77/163",
    "A/RES/77/79": "A/RES/77/179",
    "A/RES/77/80": "A/RES/77/180",
}


def served() -> str:
    """The small vote file the local server offers."""
    text = csv_2026()
    for old, new in RENUMBERED.items():
        text = text.replace(f",{old},", f",{new},")
    return text


def imported_votes(engine: Engine) -> int:
    """Votes stored on the served file's resolutions."""
    with Session(engine) as session:
        query = select(func.count()).where(models.Vote.resolution.in_(RENUMBERED.values()))
        return int(session.scalar(query.select_from(models.Vote)) or 0)


def test_sync_imports_the_file_then_is_up_to_date(
    site: tuple[Site, str], scratch_engine: Engine, tmp: Path
) -> None:
    state, url = site
    sha256 = hashlib.sha256(state.body).hexdigest()
    first = sync(scratch_engine, url, tmp)
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""
    lines = first.stdout.splitlines()
    assert lines[:9] == [
        f"downloaded    {url}",
        f"size          {len(state.body)} bytes",
        f"sha256        {sha256}",
        f"file          ga_voting.csv.gz (2026 layout), source {SOURCE_ID}",
        "rows read     8",
        "resolutions   2 kept of 3: 2 inserted 0 updated 0 unchanged",
        "votes         6 inserted 0 updated 0 unchanged",
        "mismatches    0",
        lines[8],
    ]
    assert lines[8].startswith("seconds       ")
    assert lines[9:] == ["imported"]
    assert list(tmp.iterdir()) == []
    assert imported_votes(scratch_engine) == 6
    with Session(scratch_engine) as session:
        source = session.get_one(models.Source, SOURCE_ID)
        assert (source.checksum, source.row_count) == (sha256, 8)
        assert source.title.endswith("file ga_voting.csv.gz")
        change = session.scalars(select(models.Change).where(models.Change.action == "import"))
        summaries = [c.summary for c in change if c.summary is not None]
        assert [
            (s["file"], s["checksum"], s["rows"]) for s in summaries if s["importer"] == "undl"
        ] == [("ga_voting.csv.gz", sha256, 8)]
    before = snapshot(scratch_engine)
    second = sync(scratch_engine, url, tmp)
    assert second.returncode == 0, second.stderr
    assert "votes         0 inserted 0 updated 6 unchanged" in second.stdout
    assert second.stdout.splitlines()[-1] == "already up to date"
    assert snapshot(scratch_engine) == before
    assert state.requests == [PATH, PATH]
    assert list(tmp.iterdir()) == []


def test_dry_run_and_treaty_options(
    site: tuple[Site, str], scratch_engine: Engine, tmp: Path
) -> None:
    state, url = site
    state.body = served().encode()
    before = snapshot(scratch_engine)
    dry = sync(scratch_engine, url, tmp, "--dry-run", "--all")
    assert dry.returncode == 0, dry.stderr
    assert "votes         8 inserted 0 updated 0 unchanged" in dry.stdout
    assert dry.stdout.splitlines()[-1] == "dry run: nothing was written"
    assert snapshot(scratch_engine) == before
    one = sync(scratch_engine, url, tmp, "--treaty", "ccm")
    assert one.returncode == 0, one.stderr
    assert "resolutions   1 kept of 3: 1 inserted 0 updated 0 unchanged" in one.stdout
    assert imported_votes(scratch_engine) == 2
    assert list(tmp.iterdir()) == []


def test_two_503s_are_retried(site: tuple[Site, str], scratch_engine: Engine, tmp: Path) -> None:
    state, url = site
    state.failures = [(503, "0"), (503, "0")]
    result = sync(scratch_engine, url, tmp, "--all")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "votes         8 inserted 0 updated 0 unchanged" in result.stdout
    assert len(state.requests) == 3
    assert imported_votes(scratch_engine) == 8


def test_backoff_doubles_and_honours_retry_after(site: tuple[Site, str], tmp_path: Path) -> None:
    state, url = site
    state.failures = [(503, None), (429, "7")]
    sleeps: list[float] = []
    with client("undl", 5.0) as http:
        got = download_to(http, url, tmp_path / "votes.csv.gz", sleep=sleeps.append)
    assert sleeps == [1.0, 7.0]
    assert got.size == len(state.body)
    assert got.sha256 == hashlib.sha256(state.body).hexdigest()
    assert got.path.read_bytes() == state.body
    state.failures = [(500, None), (502, None), (504, "soon")]
    with client("undl", 5.0) as http, pytest.raises(SyncError) as exc:
        download_to(http, url, tmp_path / "votes.csv.gz", backoff=0.5, sleep=sleeps.append)
    assert sleeps[2:] == [0.5, 1.0]
    assert str(exc.value) == (
        f"cannot download {url} after 3 attempt(s): HTTP 504 (offline, or 127.0.0.1 unreachable?)"
    )


def test_a_body_cut_off_is_downloaded_again(site: tuple[Site, str], tmp_path: Path) -> None:
    state, url = site
    state.cut = 1
    sleeps: list[float] = []
    with client("undl", 5.0) as http:
        got = download_to(http, url, tmp_path / "votes.csv.gz", sleep=sleeps.append)
    assert (len(state.requests), sleeps) == (2, [1.0])
    assert got.path.read_bytes() == state.body
    assert (got.size, got.sha256) == (len(state.body), hashlib.sha256(state.body).hexdigest())


def test_a_404_fails_at_once_and_writes_nothing(
    site: tuple[Site, str], scratch_engine: Engine, tmp: Path
) -> None:
    state, url = site
    missing = url.replace("ga_voting", "gone")
    before = snapshot(scratch_engine)
    result = sync(scratch_engine, missing, tmp)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"sync failed, nothing was written: cannot download {missing}: HTTP 404\n"
    )
    assert len(state.requests) == 1
    assert snapshot(scratch_engine) == before
    assert list(tmp.iterdir()) == []


def test_a_refused_connection_fails_and_writes_nothing(scratch_engine: Engine, tmp: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}{PATH}"
    before = snapshot(scratch_engine)
    result = sync(scratch_engine, url, tmp, "--retries", "2")
    assert result.returncode == 1
    assert result.stdout == ""
    prefix = f"sync failed, nothing was written: cannot download {url} after 2 attempt(s): "
    assert result.stderr.startswith(prefix + "ConnectError: ")
    assert result.stderr.endswith(" (offline, or 127.0.0.1 unreachable?)\n")
    assert result.stderr.count("\n") == 1
    assert snapshot(scratch_engine) == before
    assert list(tmp.iterdir()) == []


def test_an_unknown_treaty_fails_before_downloading(
    site: tuple[Site, str], scratch_engine: Engine, tmp: Path
) -> None:
    state, url = site
    result = sync(scratch_engine, url, tmp, "--treaty", "mbt,geneva")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "sync failed, nothing was written: --treaty: 'geneva' is not one of mbt, ccm, ccw\n"
    )
    assert state.requests == []


def test_an_empty_database_fails_before_downloading(
    site: tuple[Site, str], scratch_url: str, tmp: Path
) -> None:
    state, url = site
    assert run(scratch_url, "migrate").returncode == 0
    result = run(scratch_url, "sync", "undl", UNDL_VOTING_URL=url, TMPDIR=str(tmp))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "sync failed, nothing was written: the database has no countries or lacks treaties "
        "ccm, ccw, mbt: run `python -m app load` first\n"
    )
    assert state.requests == []


def test_a_file_that_is_not_vote_data_writes_nothing(
    site: tuple[Site, str], scratch_engine: Engine, tmp: Path
) -> None:
    state, url = site
    state.body = b"<html><body>Site under maintenance</body></html>\n"
    before = snapshot(scratch_engine)
    result = sync(scratch_engine, url, tmp)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == f"downloaded    {url}"
    assert result.stderr.startswith(f"sync failed, nothing was written: {url}: ")
    assert result.stderr.count("\n") == 1
    assert snapshot(scratch_engine) == before
    assert list(tmp.iterdir()) == []


def test_the_download_is_named_after_the_url() -> None:
    assert file_name(Settings().undl_voting_url).endswith("_ga_voting.csv")
    assert file_name("https://example.org/files/ga%20voting.csv.gz?ln=en") == "ga_voting.csv.gz"
    assert file_name("https://example.org/files/../") == "ga_voting.csv"
