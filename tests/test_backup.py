"""Backups that restore exactly: `python -m app backup FILE` and `restore FILE` through the
real command line, on the suite's engine (SQLite, or PostgreSQL with DATABASE_URL)."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app import dataversion
from app.config import Settings
from app.db import alembic_config
from app.main import create_app, schema_head
from tests.conftest import migrate, scratch_database
from tests.test_cli import run
from tests.writing import write

RECORD = "stockpiles/kgz-stockpile-mod-2010"
#: The data version of the source: the load (1), a curator's patch (2) and its revert (3).
VERSION = 3
#: Answers compared between the database backed up and the one restored.
URLS = [
    "/v1/countries/POL",
    "/v1/treaties/mbt/members",
    "/v1/treaties/mbt/members?format=csv",
    f"/v1/records/{RECORD}",
    f"/v1/records/{RECORD}/history",
    "/v1/changes",
]
REFUSED = "restore refused, nothing was written: "


@dataclass(frozen=True)
class Source:
    """A database built by the command line, its curator's key and its backup file."""

    url: str
    key: str
    backup: Path


def ok(url: str, *args: str, **env: str) -> str:
    """The output of a command that must succeed."""
    done = run(url, *args, **env)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def source(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Source]:
    """data/ loaded by `migrate` and `load`, a curator's patch through the API, its
    `revert`, and a `backup` of the result."""
    folder = tmp_path_factory.mktemp("source")
    with scratch_database(database_url, folder) as url:
        ok(url, "migrate")
        ok(url, "load")
        key = ok(url, "keys", "create", "--name", "anna", "--scope", "write").strip()
        with TestClient(create_app(Settings(database_url=url))) as client:
            patched = write(client, "PATCH", RECORD, key, {"holder": "MoD"}, 1, reason="update")
            assert patched.status_code == 200, patched.text
        change = patched.headers["change-id"]
        assert ok(url, "revert", change, "--by", "anna") == (
            f"change {change} reverted by change {int(change) + 1}\n"
        )
        backup = folder / "treaty.backup"
        written = ok(url, "backup", str(backup))
        size = backup.stat().st_size
        assert written == (
            f"backup written: {backup} (schema {schema_head()}, data version {VERSION}, "
            f"{size:,} bytes)\n"
        )
        assert not list(folder.glob(".*partial"))
        yield Source(url, key, backup)


def data_version(url: str) -> int:
    """The data version of the database at `url`."""
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            return dataversion.current(session)
    finally:
        engine.dispose()


def is_empty(url: str) -> bool:
    """Whether the database at `url` holds no table (a SQLite file: does not exist)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return not Path(str(parsed.database)).exists()
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return inspect(conn).get_table_names() == []
    finally:
        engine.dispose()


def restored(source: Source, url: str, backup: Path | None = None) -> str:
    """Restore a backup (the source's by default) into the empty database at `url`."""
    return ok(url, "restore", str(backup or source.backup))


def every_change(client: TestClient) -> list[tuple[str, str, Any]]:
    """Every page of the change feed: (URL, ETag, body)."""
    pages, url = [], "/v1/changes?since=0&limit=1000"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.text
        pages.append((url, response.headers["etag"], response.json()))
        url = response.json()["next"]
    return pages


def test_a_restore_gives_the_same_data_version_feed_and_etags(
    source: Source, scratch_url: str
) -> None:
    shown = make_url(scratch_url).render_as_string(hide_password=True)
    assert restored(source, scratch_url) == (
        f"restored {source.backup} into {shown} (schema {schema_head()}, data version {VERSION})\n"
    )
    assert data_version(source.url) == data_version(scratch_url) == VERSION
    with (
        TestClient(create_app(Settings(database_url=source.url))) as before,
        TestClient(create_app(Settings(database_url=scratch_url))) as after,
    ):
        for url in URLS:
            original, copy = before.get(url), after.get(url)
            assert (copy.status_code, copy.headers["etag"]) == (200, original.headers["etag"])
            assert copy.content == original.content
            unchanged = after.get(url, headers={"If-None-Match": original.headers["etag"]})
            assert unchanged.status_code == 304
        feed = every_change(before)
        assert every_change(after) == feed
        last = [(c["actor"], c["action"], c["version"]) for c in feed[-1][2]["data"][-2:]]
        assert last == [("anna", "patch", 2), ("anna", "revert", 3)]
        assert after.get(f"/v1/records/{RECORD}").json()["holder"] == "Ministry of Defense"
        # the key was restored with the rest: the restored database takes the curator's writes
        patched = write(after, "PATCH", RECORD, source.key, {"holder": "MoD"}, 3)
        assert (patched.status_code, patched.headers["etag"]) == (200, '"4"')
    assert data_version(scratch_url) == VERSION + 1
    assert data_version(source.url) == VERSION


def test_a_database_that_is_not_empty_is_left_alone(source: Source, scratch_url: str) -> None:
    ok(scratch_url, "migrate")
    refused = run(scratch_url, "restore", str(source.backup))
    assert refused.returncode == 1
    assert refused.stderr.startswith(f"{REFUSED}the database ")
    assert "is not empty" in refused.stderr
    engine = create_engine(scratch_url)
    try:
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM countries")) == 0
            assert conn.scalar(text("SELECT count(*) FROM meta")) == 0
    finally:
        engine.dispose()


def test_a_backup_of_a_newer_schema_is_refused(
    source: Source, database_url: str, tmp_path: Path
) -> None:
    newer, future = tmp_path / "newer.backup", "2099_01_01_future"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with scratch_database(database_url, tmp_path / "a") as url:
        restored(source, url)
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": future})
        engine.dispose()
        assert ok(url, "backup", str(newer)).startswith(
            f"backup written: {newer} (schema {future}, data version {VERSION}, "
        )
    with scratch_database(database_url, tmp_path / "b") as empty:
        refused = run(empty, "restore", str(newer))
        assert (refused.returncode, refused.stdout) == (1, "")
        assert refused.stderr == (
            f"{REFUSED}{newer} holds schema revision {future!r}, which this code does not know "
            f"(its newest is {schema_head()!r}): the backup was written by a newer release; "
            "restore it with that release\n"
        )
        assert is_empty(empty)


def test_a_backup_of_an_older_schema_restores_then_migrates(
    database_url: str, tmp_path: Path
) -> None:
    script = ScriptDirectory.from_config(alembic_config())  # type: ignore[arg-type]
    older = str(script.get_revision(str(schema_head())).down_revision)
    backup = tmp_path / "older.backup"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with scratch_database(database_url, tmp_path / "a") as url:
        engine = create_engine(url)
        with engine.begin() as conn:
            migrate(conn, older)
        engine.dispose()
        ok(url, "backup", str(backup))
    with scratch_database(database_url, tmp_path / "b") as url:
        shown = make_url(url).render_as_string(hide_password=True)
        assert ok(url, "restore", str(backup)) == (
            f"restored {backup} into {shown} (schema {older}, data version 0)\n"
            f"the schema is at {older}, older than {schema_head()}: run `python -m app migrate`\n"
        )
        ok(url, "migrate")
        with TestClient(create_app(Settings(database_url=url))) as client:
            assert client.get("/readyz").json() == {"status": "ready", "schema": schema_head()}


def not_ours(path: Path) -> Path:
    """A SQLite database of some other application."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.commit()
    return path


@pytest.mark.parametrize("kind", ["text", "empty", "truncated", "other sqlite"])
def test_a_file_that_is_not_a_backup_is_refused(
    source: Source, scratch_url: str, tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "file"
    if kind == "text":
        path.write_text("COPY countries FROM stdin;\n")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncated":
        path.write_bytes(source.backup.read_bytes()[:1000])
    else:
        not_ours(path)
    refused = run(scratch_url, "restore", str(path))
    assert (refused.returncode, refused.stdout) == (1, "")
    sqlite = make_url(scratch_url).get_backend_name() == "sqlite"
    expected = {
        "text": f"{path} is not a backup: neither a SQLite database nor a pg_dump "
        "custom-format archive",
        "truncated": f"{path} is not a readable SQLite database (database disk image is malformed)"
        if sqlite
        else f"{path} is not a readable pg_dump archive: pg_restore failed (exit 1): "
        "pg_restore: error: could not read from input file: end of file",
        "other sqlite": f"{path} is a SQLite database but not a backup of this API "
        "(no table alembic_version, meta)"
        if sqlite
        else f"{path} is a SQLite backup and DATABASE_URL a PostgreSQL database: restore it "
        "into a SQLite database",
    }
    expected["empty"] = expected["text"]
    assert refused.stderr == f"{REFUSED}{expected[kind]}\n"
    assert is_empty(scratch_url)


def test_missing_postgresql_tools_are_named(tmp_path: Path) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:9/none"  # never reached: the tools come first
    target = tmp_path / "treaty.backup"
    missing = "not found on PATH: install the PostgreSQL client tools (Debian: "
    backup = run(url, "backup", str(target), PATH="")
    assert (backup.returncode, backup.stdout) == (1, "")
    assert backup.stderr.startswith(f"backup failed, nothing was written: pg_dump {missing}")
    assert not target.exists()
    (tmp_path / "archive").write_bytes(b"PGDMP\x01\x0f\x00")
    restore = run(url, "restore", str(tmp_path / "archive"), PATH="")
    assert restore.returncode == 1
    assert restore.stderr.startswith(f"{REFUSED}pg_restore {missing}")


def test_a_backup_never_replaces_its_own_database(tmp_path: Path) -> None:
    database = tmp_path / "treaty.db"
    url = f"sqlite:///{database}"
    ok(url, "migrate")
    before = database.read_bytes()
    refused = run(url, "backup", str(database))
    assert (refused.returncode, refused.stdout) == (1, "")
    assert refused.stderr == (
        f"backup failed, nothing was written: {database} is the database itself: "
        "name another file\n"
    )
    assert database.read_bytes() == before


class Writer(threading.Thread):
    """A curator patching one record over and over through the API."""

    def __init__(self, client: TestClient, key: str) -> None:
        super().__init__(daemon=True)
        self.client, self.key = client, key
        self.stop, self.done = threading.Event(), 0
        self.failures: list[str] = []

    def run(self) -> None:
        while not self.stop.is_set() and not self.failures:
            body = {"holder": f"holder {self.done + 1}"}
            response = write(self.client, "PATCH", RECORD, self.key, body, VERSION + self.done)
            if response.status_code != 200:
                self.failures.append(response.text)
            else:
                self.done += 1

    def wait_for(self, count: int) -> None:
        """Wait until `count` writes are done."""
        deadline = time.monotonic() + 60
        while self.done < count and not self.failures and time.monotonic() < deadline:
            time.sleep(0.01)
        assert self.done >= count, self.failures


def impatient(url: str) -> str:
    """`url` with a connection that fails at once instead of waiting on a lock (SQLite:
    no busy timeout; PostgreSQL: a lock timeout of 100 ms)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        query = {"timeout": "0"}
    else:
        query = {"options": "-c lock_timeout=100"}
    return parsed.update_query_dict(query).render_as_string(hide_password=False)


def test_a_backup_taken_while_the_api_writes_is_one_consistent_state(
    source: Source, database_url: str, tmp_path: Path
) -> None:
    busy, copy = tmp_path / "busy.backup", tmp_path / "copy"
    copy.mkdir()
    with scratch_database(database_url, tmp_path) as url:
        restored(source, url)
        settings = Settings(database_url=impatient(url), rate_limit_writes=0)
        with TestClient(create_app(settings)) as client:
            writer = Writer(client, source.key)
            writer.start()
            try:
                writer.wait_for(3)
                before = writer.done
                written = ok(url, "backup", str(busy))
                during = writer.done
                writer.wait_for(during + 3)
            finally:
                writer.stop.set()
                writer.join()
        assert writer.failures == []  # no write waited on a lock
        assert during > before  # and they went on while the backup ran
    with scratch_database(database_url, copy) as url:
        restored(source, url, busy)
        n = data_version(url) - VERSION
        assert before <= n <= during
        assert f"data version {VERSION + n}, " in written
        with TestClient(create_app(Settings(database_url=url))) as client:
            record = client.get(f"/v1/records/{RECORD}")
            assert (record.headers["etag"], record.json()["holder"]) == (
                f'"{VERSION + n}"',
                f"holder {n}",
            )
            history = client.get(f"/v1/records/{RECORD}/history").json()["data"]
            assert [c["version"] for c in history] == list(range(1, VERSION + n + 1))
            last = every_change(client)[-1][2]["data"][-1]
            assert (last["record_id"], last["version"]) == ("kgz-stockpile-mod-2010", VERSION + n)
