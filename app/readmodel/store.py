"""The read model of the data version a request reads: rebuilt once when the version moves."""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from sqlalchemy import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from starlette.requests import Request

from app.dataversion import read_version
from app.readmodel import rawsql
from app.readmodel.model import ReadModel, build
from app.readmodel.pgreads import AsyncReads, Rows


class ModelStore:
    """Holds the newest read model; one thread rebuilds it while the others wait for it.

    `sessions` opens the session the model is read with (the app's session factory; the
    tests hand in theirs).
    """

    def __init__(self, sessions: Callable[[], AbstractContextManager[Session]]) -> None:
        self.sessions = sessions
        self.model: ReadModel | None = None
        self.lock = threading.Lock()

    def of(
        self,
        version: int,
        sessions: Callable[[], AbstractContextManager[Session]] | None = None,
    ) -> ReadModel:
        """The model of `version` (built now, read with `sessions` if given, if the held one
        is of another version)."""
        model = self.model
        if model is not None and model.version == version:
            return model
        with self.lock:
            model = self.model
            if model is None or model.version != version:
                with (sessions or self.sessions)() as session:
                    model = build(session, version)
                self.model = model
                settle()
            return model


def settle() -> None:
    """Keep the cyclic collector off the model just built: it lives until the data version
    moves, and walking it on every full collection paused every request in flight.

    The young garbage is collected first, then everything alive is frozen. The model holds no
    reference cycle, so the one it replaces is freed by reference counting, frozen or not
    (a test rebuilds it and counts the frozen objects).
    """
    gc.collect(1)
    gc.freeze()


async def current(request: Request) -> ReadModel:
    """FastAPI dependency: the read model of the data version this request reads.

    The version is the one the cache middleware read for the request's ETag (one indexed
    read per request); requests that did not pass it read it here.
    """
    state = request.scope.setdefault("state", {})
    version = state.get("data_version")
    if version is None:
        version = state["data_version"] = await read_version(request.app.state.version_reader)
    store: ModelStore = request.app.state.read_models
    chosen = request.scope["state"].get("source")
    return store.of(version, chosen.sessionmaker if chosen is not None else None)


def source(request: Request) -> Any:
    """Where the request reads: the database a read router chose for it (app/replica), else
    the app's own (its `engine`, `sessionmaker` and `version_reader`)."""
    return request.scope.get("state", {}).get("source") or request.app.state


def session(request: Request) -> AbstractContextManager[Session]:
    """A session for the reads the model does not answer (names, regions, first uses)."""
    chosen = request.scope.get("state", {}).get("source")
    if chosen is not None:
        return chosen.sessionmaker()  # type: ignore[no-any-return]
    store: ModelStore = request.app.state.read_models
    return store.sessions()


@contextmanager
def reading(request: Request) -> Iterator[Connection]:
    """A connection for a hot read run inline: the data-version reader's held autocommit one
    (no pool checkout, no BEGIN or ROLLBACK), else one from the pool.

    Hot reads run on the event loop, one at a time, so one held connection serves them all;
    a failure gives it up, as the version reader does.
    """
    reader = source(request).version_reader
    held: Connection | None = getattr(reader, "conn", None)
    if held is None or not _on_event_loop():  # a streamed CSV reads its later slices in threads
        with session(request) as opened:
            yield opened.connection()
        return
    try:
        yield held
    except DBAPIError:
        reader.close()
        raise


class Reads:
    """How a request's hot reads reach the database: awaited on the event loop on PostgreSQL
    (app/readmodel/pgreads), run inline on the held connection on SQLite; `connection` for
    the rare statements around them (run inline)."""

    def __init__(self, request: Request) -> None:
        self.request = request
        chosen = source(request)
        self.dialect: Dialect = chosen.engine.dialect
        self.reads: AsyncReads | None = getattr(chosen.version_reader, "reads", None)

    async def rows(self, prepared: rawsql.Prepared, values: dict[str, Any]) -> Rows:
        """The rows of a prepared statement for `values`, as the driver returns them."""
        if self.reads is not None:
            return await self.reads.rows(prepared.sql, rawsql.arguments(prepared, values))
        with reading(self.request) as conn:
            return rawsql.run(conn, prepared, values)

    def connection(self) -> AbstractContextManager[Connection]:
        """A connection for a statement run inline (see `reading`)."""
        return reading(self.request)


def _on_event_loop() -> bool:
    """Whether this code runs on the event loop's thread (not in a worker thread)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
