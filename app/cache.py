"""HTTP caching for GET: ETags from the data version, 304s, and a small response cache."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Any

from sqlalchemy.exc import DBAPIError
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.dataversion import read_version
from app.errors import DatabaseUnavailableError
from app.limits import send_problem

Entry = tuple[int, list[tuple[bytes, bytes]], bytes]


class CacheMiddleware:
    """ETag on every successful GET, 304 on a matching If-None-Match, cached bodies.

    The ETag is derived from the data version (bumped by every write), the path, the query and
    the representation (JSON or CSV), so it changes exactly when the data behind it may have.
    """

    def __init__(self, app: ASGIApp, max_entries: int = 1024, max_body: int = 1 << 21) -> None:
        self.app = app
        self.max_entries, self.max_body = max_entries, max_body
        self.entries: OrderedDict[tuple[Any, ...], Entry] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or not scope["path"].startswith("/v1/")
        ):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        try:
            version = await read_version(scope["app"].state.version_reader)
        except (DBAPIError, DatabaseUnavailableError):
            await _unavailable(scope, send)
            return
        accept = "csv" if "text/csv" in headers.get("accept", "") else "json"
        gzip = "gzip" in headers.get("accept-encoding", "")
        key = (version, scope["method"], scope["path"], scope["query_string"], accept, gzip)
        tag = hashlib.blake2b(repr(key).encode(), digest_size=12).hexdigest()
        etag = f'W/"{tag}"'.encode()
        cache_control = scope["app"].state.settings.cache_control.encode()
        extra = [
            (b"etag", etag),
            (b"cache-control", cache_control),
            (b"vary", b"Accept, Accept-Encoding"),
        ]
        if etag.decode() in headers.get("if-none-match", ""):
            await send({"type": "http.response.start", "status": 304, "headers": extra})
            await send({"type": "http.response.body", "body": b""})
            return
        cached = self.entries.get(key)
        if cached is not None:
            self.entries.move_to_end(key)
            status, raw_headers, body = cached
            await send({"type": "http.response.start", "status": status, "headers": raw_headers})
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, self._capture(send, key, extra))

    def _capture(self, send: Send, key: tuple[Any, ...], extra: list[tuple[bytes, bytes]]) -> Send:
        start: dict[str, Any] = {}
        chunks: list[bytes] = []
        size = 0

        async def wrapped(message: Message) -> None:
            nonlocal size
            if message["type"] == "http.response.start":
                if message["status"] == 200:
                    own = [h for h in message.get("headers", []) if h[0].lower() == b"etag"]
                    # A record's own ETag (its version) wins over the data-version tag.
                    add = extra[1:] if own else extra
                    message["headers"] = [*message.get("headers", []), *add]
                start.update(message)
            elif message["type"] == "http.response.body" and start.get("status") == 200:
                size += len(message.get("body", b""))
                if size <= self.max_body:
                    chunks.append(message.get("body", b""))
                if not message.get("more_body", False) and size <= self.max_body:
                    self._store(key, (200, list(start["headers"]), b"".join(chunks)))
            await send(message)

        return wrapped

    def _store(self, key: tuple[Any, ...], entry: Entry) -> None:
        self.entries[key] = entry
        if len(self.entries) > self.max_entries:
            self.entries.popitem(last=False)


async def _unavailable(scope: Scope, send: Send) -> None:
    """The 503 problem of a database that cannot be reached (before any handler ran)."""
    await send_problem(
        send,
        scope,
        503,
        "Service unavailable",
        "the database cannot be reached; retry shortly",
        "database-unavailable",
        headers=((b"retry-after", b"5"),),
    )
