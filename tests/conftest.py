"""Fixtures: one migrated and loaded database per run; each test rolls back.

The engine is SQLite (a temporary file) unless DATABASE_URL is set, e.g. to
postgresql+psycopg://postgres@127.0.0.1:5432/test. A PostgreSQL run that cannot connect
fails: nothing here skips on a connection error.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app import dataversion
from app.clock import Clock
from app.config import PROJECT_ROOT, Settings
from app.db import alembic_config, make_engine
from app.main import create_app
from app.public.load import load
from app.readmodel.store import ModelStore
from app.routers.params import get_session

SHARED = PROJECT_ROOT.parent / "shared"
DATA_DIR = PROJECT_ROOT / "data"
#: Moves the app's clock to an ISO 8601 UTC instant.
SetClock = Callable[[str], object]


def shared_path(*parts: str) -> Path:
    """A file of ../shared; the test skips (with the reason) only where ../shared is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"../shared is not beside the project ({SHARED} missing)")
    return SHARED.joinpath(*parts)


def migrate(connection: Connection, revision: str = "head", down: bool = False) -> None:
    """Run Alembic on an open connection."""
    cfg = alembic_config()
    cfg.attributes["connection"] = connection  # type: ignore[attr-defined]
    (command.downgrade if down else command.upgrade)(cfg, revision)  # type: ignore[arg-type]


def _reset(engine: Engine) -> None:
    """Empty the database so the run starts from nothing."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))


@contextmanager
def count_queries(connection: Connection) -> Iterator[list[str]]:
    """The SQL statements run on `connection` inside the block (savepoints left out)."""
    statements: list[str] = []

    def record(*args: Any) -> None:
        statement = str(args[2])
        if not statement.startswith(("SAVEPOINT", "RELEASE")):
            statements.append(statement)

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", record)


def prepare(engine: Engine) -> None:
    """Migrate an empty database to head and load data/ into it."""
    with engine.begin() as conn:
        migrate(conn)
    with Session(engine) as session, session.begin():
        load(session, DATA_DIR)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The database under test."""
    url = os.environ.get("DATABASE_URL")
    return url or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    """Settings pointing at the database under test."""
    return Settings(database_url=database_url)


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    """The database, migrated to head and loaded with data/ once per run."""
    engine = make_engine(settings)
    _reset(engine)
    prepare(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back after the test."""
    with engine.connect() as conn:
        trans = conn.begin()
        yield conn
        trans.rollback()


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    """A session whose commits become savepoints of the test's transaction."""
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        yield session


@pytest.fixture
def client(settings: Settings, session: Session) -> Iterator[TestClient]:
    """The real app over httpx, reading through the test's session."""
    app = create_app(settings)
    app.dependency_overrides[get_session] = lambda: session
    app.state.version_reader = lambda: dataversion.current(session)
    app.state.read_models = ModelStore(lambda: nullcontext(session))
    with TestClient(app) as client:
        yield client


@pytest.fixture
def set_clock(client: TestClient, tmp_path: Path) -> SetClock:
    """Set the app's clock to an ISO 8601 UTC instant (test-only fake clock file; starts at
    noon UTC, 2026-02-19)."""
    path = tmp_path / "now"
    path.write_text("2026-02-19T12:00:00Z")
    client.app.state.clock = Clock(path)  # type: ignore[attr-defined]
    return lambda instant: path.write_text(instant)


@pytest.fixture
def scratch_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the same engine, dropped after the test."""
    with scratch_database(database_url, tmp_path) as url:
        yield url


@contextmanager
def scratch_database(database_url: str, folder: Path) -> Iterator[str]:
    """An empty database of the engine of `database_url` (SQLite: in `folder`), then dropped."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{folder / 'scratch.db'}"
        return
    name = f"scratch_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def whole_file(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A scratch database holding data/ and the whole UN vote file (imported with --all),
    built once for the tests that read the whole record."""
    from tests.test_cli import run

    big = shared_path("refdata", "undl", "ga_voting_1946-2026.csv.gz")
    with scratch_database(database_url, tmp_path_factory.mktemp("whole")) as url:
        for step in (["migrate"], ["load"], ["import", "undl", "--all", str(big)]):
            done = run(url, *step)
            assert done.returncode == 0, done.stderr
        yield url


@pytest.fixture
def scratch_engine(scratch_url: str) -> Iterator[Engine]:
    """A fresh database with the curated data loaded, for a command's own transaction."""
    engine = make_engine(Settings(database_url=scratch_url))
    prepare(engine)
    yield engine
    engine.dispose()


def brief(others: list[dict[str, Any]]) -> list[tuple[str, str, list[str]]]:
    """Other sources' records of a vote: (source, vote, ids of the footnotes backing it)."""
    return [(o["source"], o["vote"], [c["id"] for c in o["citations"]]) for o in others]
