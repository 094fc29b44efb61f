"""PostgreSQL's hot reads awaited on the event loop, so that it serves other requests meanwhile.

A blocking driver call stops the whole process while the server answers: under load the
process then waited for about half its time (two round trips a request, the data version
and the page), and the vote pages had a p99 of 180 to 500 ms behind those waits. Here each read
runs on one of a few autocommit connections of psycopg's own asyncio API: no pool checkout,
no transaction, no SQLAlchemy on the way, and the loop runs other requests' Python code while
the server works. SQLite needs none of this (it answers in-process, without waiting).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus
from sqlalchemy import make_url
from sqlalchemy.exc import DBAPIError

from app.dataversion import KEY, READ_SQL
from app.errors import DatabaseUnavailableError

Rows = list[tuple[Any, ...]]
ECHO = logging.getLogger("sqlalchemy.engine.Engine")


class AsyncReads:
    """Up to `size` reads at a time, each on an idle connection or a new one.

    A connection that failed (the server restarted while it was idle) is replaced and the
    read tried once more on a new one, unseen by the client; a failed connect makes later
    reads fail fast for `cooldown` seconds instead of each waiting on the network. The
    connections belong to the event loop that opened them: on another loop (a test client
    started again) they are dropped and new ones opened.
    """

    def __init__(
        self, url: str, size: int, timeout: int, cooldown: float = 1.0, echo: bool = False
    ) -> None:
        plain = make_url(url).set(drivername="postgresql")
        self.conninfo = plain.render_as_string(hide_password=False)
        self.size, self.timeout, self.cooldown, self.echo = size, timeout, cooldown, echo
        self.idle: list[psycopg.AsyncConnection[Any]] = []
        self.loop: asyncio.AbstractEventLoop | None = None
        self.slots = asyncio.Semaphore(size)
        self.retry_at = 0.0

    async def rows(self, sql: str, args: Any) -> Rows:
        """The rows of `sql` (psycopg's `%(name)s` or `%s` parameters) for `args`."""
        self._on_this_loop()
        if self.echo:  # ECHO_SQL, as the engine logs its own statements
            ECHO.info("%s\n[awaited] %r", sql, args)
        async with self.slots:
            if self.idle:
                conn = self.idle.pop()
                try:
                    return await self._run(conn, sql, args)
                except DBAPIError:
                    if not conn.closed:  # the statement failed, not the connection
                        raise
            return await self._run(await self._connect(), sql, args)

    async def _run(self, conn: psycopg.AsyncConnection[Any], sql: str, args: Any) -> Rows:
        """Run on `conn` and give it back; a connection left in doubt is closed instead."""
        try:
            async with conn.cursor() as cursor:
                await cursor.execute(sql, args)
                rows = await cursor.fetchall()
        except psycopg.Error as exc:
            if conn.closed or conn.info.transaction_status != TransactionStatus.IDLE:
                conn.pgconn.finish()
            else:
                self.idle.append(conn)
            raise DBAPIError.instance(sql, args, exc, psycopg.Error) from exc
        except BaseException:  # cancelled mid-read: the connection's state is unknown
            conn.pgconn.finish()
            raise
        self.idle.append(conn)
        return rows

    async def _connect(self) -> psycopg.AsyncConnection[Any]:
        if time.monotonic() < self.retry_at:
            raise DatabaseUnavailableError(f"unreachable less than {self.cooldown:g} s ago")
        try:
            return await psycopg.AsyncConnection.connect(
                self.conninfo,
                autocommit=True,
                connect_timeout=self.timeout,
                tcp_user_timeout=self.timeout * 1000,
            )
        except psycopg.Error as exc:
            self.retry_at = time.monotonic() + self.cooldown
            raise DBAPIError.instance("connect", None, exc, psycopg.Error) from exc

    def _on_this_loop(self) -> None:
        loop = asyncio.get_running_loop()
        if loop is not self.loop:
            self.close()
            self.loop, self.slots = loop, asyncio.Semaphore(self.size)

    def close(self) -> None:
        """Close the idle connections (at shutdown, or when the event loop changed)."""
        while self.idle:
            self.idle.pop().pgconn.finish()


class AsyncVersionReader:
    """The data version read through `reads` (PostgreSQL), as `dataversion.VersionReader`
    reads it on SQLite: every request (`ttl` 0), or once per `ttl` seconds."""

    SQL = READ_SQL.replace("?", "%s")

    def __init__(self, reads: AsyncReads, ttl: float) -> None:
        self.reads, self.ttl = reads, ttl
        self.value, self.expires = 0, 0.0

    async def aread(self) -> int:
        """The data version now (or as read less than `ttl` seconds ago)."""
        if self.ttl and time.monotonic() < self.expires:
            return self.value
        rows = await self.reads.rows(self.SQL, (KEY,))
        self.value = int(rows[0][0]) if rows and rows[0][0] is not None else 0
        self.expires = time.monotonic() + self.ttl
        return self.value

    def close(self) -> None:
        """Close the connections (at shutdown)."""
        self.reads.close()
