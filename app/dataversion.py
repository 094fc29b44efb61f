"""The data version: a counter bumped by every write, behind ETags and response caching.

Bumping it also rebuilds the full-text index, so search always matches the data.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import anyio
from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app import search
from app.db import fetch_raw
from app.errors import DatabaseUnavailableError
from app.models import Meta

KEY = "data_version"
#: The version read of `VersionReader` (one row by primary key).
READ_SQL = 'SELECT value FROM meta WHERE "key" = ?'


def current(session: Session) -> int:
    """The data version now (0 before anything was written)."""
    value = session.scalar(select(Meta.value).where(Meta.key == KEY))
    return int(value) if value is not None else 0


def bump(session: Session) -> int:
    """Record that data changed; returns the new version (committed with the caller's write)."""
    row = session.get(Meta, KEY, with_for_update=True)
    if row is None:
        row = Meta(key=KEY, value="0")
        session.add(row)
    row.value = str(int(row.value) + 1)
    session.flush()
    search.reindex(session)
    return int(row.value)


class VersionReader:
    """The data version as one process sees it, read on its own autocommit connection.

    The query is tiny (one row by primary key) and runs without a thread hop. With `ttl` 0
    (the default) every request reads it, so a write in any process shows at once; a small
    `ttl` saves that query on busy replicas at the cost of up to `ttl` seconds of staleness.
    A held connection that fails (the server restarted) is replaced at once; a failed connect
    makes later reads fail fast for `cooldown` seconds instead of each waiting on the network.
    """

    def __init__(self, engine: Engine, ttl: float, cooldown: float = 1.0) -> None:
        self.engine, self.ttl, self.cooldown = engine, ttl, cooldown
        self.value, self.expires, self.retry_at = 0, 0.0, 0.0
        self.conn: Connection | None = None
        self.lock = threading.Lock()

    def __call__(self) -> int:
        """The data version now (or as read less than `ttl` seconds ago)."""
        value = self.held()
        return self.reconnect() if value is None else value

    def held(self) -> int | None:
        """The version read on the held connection; None without one, or when it just failed."""
        if self.ttl and time.monotonic() < self.expires:
            return self.value
        conn = self.conn
        if conn is None:
            return None
        try:
            return self._read(conn)
        except DBAPIError:
            self.close()
            return None

    def reconnect(self) -> int:
        """Open a fresh connection and read on it (one thread at a time; may wait on network)."""
        with self.lock:
            value = self.held()  # another thread may have connected meanwhile
            if value is not None:
                return value
            if time.monotonic() < self.retry_at:
                raise DatabaseUnavailableError(f"unreachable less than {self.cooldown:g} s ago")
            try:
                self.conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
                return self._read(self.conn)
            except DBAPIError:
                self.close()
                self.retry_at = time.monotonic() + self.cooldown
                raise

    def _read(self, conn: Connection) -> int:
        # on the driver's own cursor: this runs before every request, and the driver does in
        # a few microseconds what a SQLAlchemy execute wraps in a hundred
        sql = READ_SQL.replace("?", "?" if conn.dialect.paramstyle == "qmark" else "%s")
        rows = fetch_raw(conn, sql, (KEY,))
        row = rows[0] if rows else None
        value = row[0] if row else None
        self.value = int(value) if value is not None else 0
        self.expires = time.monotonic() + self.ttl
        return self.value

    def close(self) -> None:
        """Give the connection back (on errors and at shutdown)."""
        if self.conn is not None:
            self.conn.invalidate()
            self.conn.close()
            self.conn = None


async def read_version(reader: Callable[[], int]) -> int:
    """The version for a request: inline on a held connection, else connecting in a thread.

    A connect to a slow or dead database then never blocks the event loop (and /healthz).
    A reader that reads on the event loop itself (`aread`: PostgreSQL's, app/readmodel/pgreads)
    is awaited.
    """
    if isinstance(reader, VersionReader):
        value = reader.held()
        if value is not None:
            return value
        return await anyio.to_thread.run_sync(reader.reconnect)
    aread = getattr(reader, "aread", None)
    if aread is not None:
        return int(await aread())
    return reader()
