"""Engine and session handling shared by the API, the CLI and the tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from app.config import PROJECT_ROOT, Settings


def alembic_config(database_url: str | None = None) -> object:
    """The Alembic config of this project, optionally pointed at another database."""
    from alembic.config import Config

    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    if database_url:
        cfg.set_main_option("sqlalchemy.url", database_url)
    return cfg


def make_engine(settings: Settings) -> Engine:
    """Create the engine for the configured database (SQLite file directory made on demand)."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=settings.echo_sql)
        cache_kib = settings.sqlite_cache_mb * 1024

        def pragmas(dbapi_connection: Any, _record: object) -> None:
            _sqlite_pragmas(dbapi_connection, cache_kib)

        event.listen(engine, "connect", pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(
        url,
        echo=settings.echo_sql,
        pool_pre_ping=True,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_connect_timeout,
        # tcp_user_timeout: a server that stops acknowledging (network cut) fails a
        # connection after that long instead of the kernel's many minutes.
        connect_args={
            "connect_timeout": settings.db_connect_timeout,
            "tcp_user_timeout": settings.db_connect_timeout * 1000,
        },
    )


def _sqlite_pragmas(dbapi_connection: Any, cache_kib: int) -> None:
    # SQLAlchemy, not pysqlite, opens transactions (see _sqlite_begin): pysqlite's own
    # handling starts them only before a data change, so a SAVEPOINT could be the outermost
    # transaction and commit when released.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # a negative size is in KiB; the default (2 MiB) held too few pages of a 160 MB file for a
    # page of 200 votes to be read without going to the operating system for most of them
    cursor.execute(f"PRAGMA cache_size=-{int(cache_kib)}")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    if connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
        connection.exec_driver_sql("BEGIN")


@contextmanager
def _raw_cursor(conn: Connection, sql: str, args: Any, name: str | None = None) -> Iterator[Any]:
    """The driver's own cursor of `conn` (with a `name`, psycopg's server-side cursor), `sql`
    executed on it: listeners of `before_cursor_execute` (echo, statement counts) still see
    it; a driver error is raised as SQLAlchemy's."""
    dbapi = conn.dialect.loaded_dbapi
    raw: Any = conn.connection.dbapi_connection
    try:
        cursor = raw.cursor() if name is None else raw.cursor(name=name)
        try:
            conn.dispatch.before_cursor_execute(conn, cursor, sql, args, None, False)
            cursor.execute(sql, args)
            yield cursor
        finally:
            cursor.close()
    except dbapi.Error as exc:
        raise DBAPIError(sql, args, exc) from exc


def fetch_raw(conn: Connection, sql: str, args: Any) -> list[tuple[Any, ...]]:
    """Rows of `sql` run on the driver's own cursor of `conn`: no statement building, no
    result processing (values as the driver gives them)."""
    with _raw_cursor(conn, sql, args) as cursor:
        return list(cursor.fetchall())


def stream_raw(conn: Connection, sql: str, args: Any, size: int) -> Iterator[list[tuple[Any, ...]]]:
    """`fetch_raw`'s rows `size` at a time, for a statement whose rows are not all kept: on
    PostgreSQL from a server-side cursor (psycopg would otherwise receive every row first)."""
    name = f"stream_{uuid.uuid4().hex}" if conn.dialect.name == "postgresql" else None
    with _raw_cursor(conn, sql, args, name) as cursor:
        while chunk := cursor.fetchmany(size):
            yield list(chunk)


def refresh_statistics(engine: Engine, *tables: str) -> None:
    """PostgreSQL: ANALYZE `tables` after a bulk write, so that the planner knows their new
    size at once (autovacuum may be off, or not come round for a while; without statistics a
    page of votes once took 300 ms instead of 20). SQLite plans by its indexes and keeps no
    statistics unless asked: nothing is done there."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as conn:
        for table in tables:
            conn.execute(text(f"ANALYZE {conn.dialect.identifier_preparer.quote(table)}"))
        conn.commit()


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to the engine."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(settings: Settings) -> Iterator[Session]:
    """A session in one transaction on its own engine, for commands: commit, or roll back."""
    engine = make_engine(settings)
    try:
        with make_sessionmaker(engine)() as session, session.begin():
            yield session
    finally:
        engine.dispose()
