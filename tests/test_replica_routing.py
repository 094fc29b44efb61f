"""The read router's choices and its middleware, on databases whose versions the test sets
(the servers themselves: tests/test_replica.py)."""

from __future__ import annotations

import time
from typing import Any, cast

import anyio
from prometheus_client import CollectorRegistry
from sqlalchemy import create_engine
from starlette.types import Message, Receive, Scope, Send

from app.db import make_sessionmaker
from app.errors import DatabaseUnavailableError
from app.replica.middleware import ReadRoutingMiddleware
from app.replica.router import Choice, ReadRouter, Reason
from app.replica.sources import Source


class Versions:
    """A version reader whose answer the test sets; None: the database is unreachable."""

    def __init__(self, value: int | None) -> None:
        self.value: int | None = value

    def __call__(self) -> int:
        if self.value is None:
            raise DatabaseUnavailableError("down")
        return self.value

    def close(self) -> None:
        """Nothing held."""


def source(name: str, versions: Versions) -> Source:
    """A source reporting `versions` (its engine is never used here)."""
    engine = create_engine("sqlite://")
    return Source(name, engine, make_sessionmaker(engine), cast(Any, versions))


def router(primary: int | None, replica: int | None) -> tuple[ReadRouter, Versions, Versions]:
    """A router over two sources at the given versions, and their readers."""
    p, r = Versions(primary), Versions(replica)
    return ReadRouter(source("primary", p), source("replica", r), CollectorRegistry()), p, r


def chosen(made: ReadRouter) -> tuple[str, int, Reason] | None:
    """Where the router sends a read now, at which version and why."""
    choice: Choice | None = anyio.run(made.choose)
    return None if choice is None else (choice.source.name, choice.version, choice.reason)


def test_the_replica_serves_only_at_the_primarys_version() -> None:
    made, primary, replica = router(7, 7)
    assert chosen(made) == ("replica", 7, Reason.in_step)
    replica.value = 6
    assert chosen(made) == ("primary", 7, Reason.lagging)
    assert made.behind._value.get() == 1
    replica.value = 8  # replayed a write committed after the primary's version was read
    assert chosen(made) == ("primary", 7, Reason.lagging)
    replica.value = None
    assert chosen(made) == ("primary", 7, Reason.replica_down)
    primary.value, replica.value = None, 6
    assert chosen(made) == ("replica", 6, Reason.primary_down)
    replica.value = None
    assert chosen(made) is None
    counts = {
        (s.labels["source"], s.labels["reason"]): s.value
        for s in next(iter(made.reads.collect())).samples
        if s.name == "db_reads_total"
    }
    assert counts == {
        ("replica", "in_step"): 1,
        ("primary", "replica_lagging"): 2,
        ("primary", "replica_unavailable"): 1,
        ("replica", "primary_unavailable"): 1,
    }


def serve(
    made: ReadRouter, app: Any, method: str = "GET", path: str = "/v1/countries"
) -> tuple[list[Message], dict[str, Any]]:
    """The messages a request sends through the middleware, and its state."""
    scope: Scope = {"type": "http", "method": method, "path": path, "state": {}}
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    anyio.run(ReadRoutingMiddleware(app, made), scope, receive, send)
    return sent, scope["state"]


def answer(status: int, body: bytes) -> list[Message]:
    """An answer's two messages, tagged."""
    headers = [(b"etag", b'W/"v7"'), (b"content-type", b"text/plain")]
    return [
        {"type": "http.response.start", "status": status, "headers": headers},
        {"type": "http.response.body", "body": body},
    ]


def test_an_answer_whose_database_moved_while_it_was_read_is_not_tagged() -> None:
    made, _primary, replica = router(7, 7)

    async def app(scope: Scope, _receive: Receive, send: Send) -> None:
        scope["endpoint"] = app  # a handler ran
        assert (scope["state"]["source"].name, scope["state"]["data_version"]) == ("replica", 7)
        replica.value = 8  # the replica replayed a write while the handler read
        for message in answer(200, b"rows"):
            await send(message)

    sent, state = serve(made, app)
    assert sent[0]["headers"] == [(b"content-type", b"text/plain"), (b"x-read-from", b"replica")]
    assert state["untagged"] is True  # app/cache.py does not store it
    replica.value = 7

    async def steady(scope: Scope, _receive: Receive, send: Send) -> None:
        scope["endpoint"] = steady
        for message in answer(200, b"rows"):
            await send(message)

    sent, state = serve(made, steady)
    assert (b"etag", b'W/"v7"') in sent[0]["headers"]
    assert "untagged" not in state


def test_a_read_the_replica_fails_is_read_again_on_the_primary() -> None:
    made, _primary, _replica = router(7, 7)
    sources: list[str] = []

    async def app(scope: Scope, _receive: Receive, send: Send) -> None:
        name = scope["state"]["source"].name
        sources.append(name)
        for message in answer(503 if name == "replica" else 200, name.encode()):
            await send(message)

    sent, state = serve(made, app)
    assert sources == ["replica", "primary"]
    assert [m.get("status") for m in sent] == [200, None]
    assert sent[1]["body"] == b"primary"
    assert (b"x-read-from", b"primary; replica=unavailable") in sent[0]["headers"]
    assert state["source"].name == "primary"


def test_with_the_primary_down_a_replica_failure_is_the_answer() -> None:
    made, _primary, _replica = router(None, 7)

    async def app(scope: Scope, _receive: Receive, send: Send) -> None:
        for message in answer(503, b"down"):
            await send(message)

    sent, _state = serve(made, app)
    assert sent[0]["status"] == 503
    assert (b"x-read-from", b"replica; primary=unavailable") in sent[0]["headers"]


def test_writes_and_the_change_feed_are_not_placed() -> None:
    made, _primary, _replica = router(7, 7)
    seen: list[dict[str, Any]] = []

    async def app(scope: Scope, _receive: Receive, send: Send) -> None:
        seen.append(dict(scope["state"]))
        for message in answer(200, b""):
            await send(message)

    for method, path in (("PATCH", "/v1/records/stockpiles/x"), ("GET", "/v1/changes")):
        sent, _state = serve(made, app, method, path)
        assert all(name != b"x-read-from" for name, _ in sent[0]["headers"])
    assert seen == [{}, {}]


class Stalled(Versions):
    """A reader that stops answering (a replica cut off without its connections closing)."""

    async def aread(self) -> int:
        await anyio.sleep(30)
        return 0


def test_a_replica_that_stops_answering_holds_a_read_half_a_second_once_a_second() -> None:
    primary, replica = Versions(7), Stalled(7)
    made = ReadRouter(source("primary", primary), source("replica", replica), CollectorRegistry())
    started = time.monotonic()
    assert chosen(made) == ("primary", 7, Reason.replica_down)
    assert 0.5 <= time.monotonic() - started < 1.0
    started = time.monotonic()
    assert chosen(made) == ("primary", 7, Reason.replica_down)  # left alone for a second
    assert time.monotonic() - started < 0.1
