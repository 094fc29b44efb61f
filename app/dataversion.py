"""The data version: a counter bumped by every write, behind ETags and response caching.

Bumping it also rebuilds the full-text index, so search always matches the data.
"""

from __future__ import annotations

import time

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app import search
from app.models import Meta

KEY = "data_version"


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
    """

    def __init__(self, engine: Engine, ttl: float) -> None:
        self.engine, self.ttl = engine, ttl
        self.value, self.expires = 0, 0.0
        self.conn: Connection | None = None

    def __call__(self) -> int:
        """The data version now (or as read less than `ttl` seconds ago)."""
        if self.ttl and time.monotonic() < self.expires:
            return self.value
        try:
            if self.conn is None:
                self.conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            value = self.conn.execute(select(Meta.value).where(Meta.key == KEY)).scalar()
        except DBAPIError:
            self.close()
            raise
        self.value = int(value) if value is not None else 0
        self.expires = time.monotonic() + self.ttl
        return self.value

    def close(self) -> None:
        """Give the connection back (on errors and at shutdown)."""
        if self.conn is not None:
            self.conn.invalidate()
            self.conn.close()
            self.conn = None
