"""Request size limits (413) and per-client rate limits (429 with Retry-After)."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any

import orjson
from fastapi import Request
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import PROBLEM_TYPE, ProblemError


async def send_problem(
    send: Send,
    scope: Scope,
    status: int,
    title: str,
    detail: str,
    kind: str,
    parameter: str | None = None,
    headers: tuple[tuple[bytes, bytes], ...] = (),
) -> None:
    """Answer with an RFC 9457 problem from a middleware, before any handler runs."""
    problem: dict[str, Any] = {
        "type": PROBLEM_TYPE + kind,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": scope["path"],
    }
    if parameter is not None:
        problem["parameter"] = parameter
    body = orjson.dumps(problem)
    start = [
        (b"content-type", b"application/problem+json"),
        *headers,
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": start})
    await send({"type": "http.response.body", "body": body})


class BodyLimitMiddleware:
    """Refuse request bodies over `max_bytes` with a 413 problem, declared or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, send)
            return
        seen, too_large, started = 0, False, False

        async def counting() -> Message:
            nonlocal seen, too_large
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    too_large = True
                    raise _TooLargeError
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if too_large:
                return  # whatever the app answers to the aborted read is replaced by the 413
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting, guarded)
        except Exception:
            if not too_large:
                raise
        if too_large and not started:
            await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        await send_problem(
            send,
            scope,
            413,
            "Request body too large",
            f"the body is over the limit of {self.max_bytes} bytes",
            "body-too-large",
            parameter="body",
        )


class _TooLargeError(Exception):
    pass


class RateLimiter:
    """A token bucket per client: `per_minute` requests, refilled continuously (0 = off)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self.buckets: dict[str, tuple[float, float]] = {}
        self.lock = threading.Lock()

    def wait(self, client: str, now: float | None = None) -> float:
        """Seconds the client must wait, 0 when the request may go ahead (and is counted)."""
        if self.per_minute <= 0:
            return 0.0
        now = time.monotonic() if now is None else now
        rate = self.per_minute / 60
        with self.lock:
            tokens, last = self.buckets.get(client, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * rate)
            if tokens >= 1:
                self.buckets[client] = (tokens - 1, now)
                return 0.0
            self.buckets[client] = (tokens, now)
            return (1 - tokens) / rate


def rate_limited(kind: str) -> Callable[[Request], Coroutine[Any, Any, None]]:
    """A dependency applying the app's `kind` limiter ("search", "writes") per client address."""

    async def dependency(request: Request) -> None:
        limiter: RateLimiter = request.app.state.rate_limiters[kind]
        client = request.client.host if request.client else "unknown"
        wait = limiter.wait(client)
        if wait > 0:
            raise ProblemError(
                429,
                "Too many requests",
                f"over {limiter.per_minute} {kind} requests a minute; retry later",
                kind="rate-limited",
                retry_after=math.ceil(wait),
            )

    return dependency


_writes = rate_limited("writes")
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


async def limit_writes(request: Request) -> None:
    """Every write request counts against the client's write limit (run by every route, `admit`)."""
    if request.method in WRITE_METHODS:
        await _writes(request)
