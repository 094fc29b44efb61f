"""HTTP caching for GET: ETags from the data version, 304s, and a small response cache."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from enum import Enum
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from sqlalchemy.exc import DBAPIError
from starlette.datastructures import Headers, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import clock, conditional
from app.conditional import RawHeaders, Wanted
from app.dataversion import read_version
from app.embeds.errors import problem_page
from app.errors import DatabaseUnavailableError
from app.framing import EMBED_PREFIX
from app.limits import send_problem
from app.respond import accepted

Entry = tuple[RawHeaders, bytes]
VARY = (b"vary", b"Accept, Accept-Encoding")
#: The paths tagged and cached besides the API's (`/v1/…`): the HTML pages and oEmbed.
PAGES = ("/", "/dashboard", "/oembed")
PREFIXES = ("/v1/", EMBED_PREFIX)
#: Times a request is read while the data version keeps moving before it is sent untagged.
ATTEMPTS = 3


class Check(Enum):
    """What becomes of an answer whose data version moved while it was read."""

    off = "off"  # not asked (a read router checks its own answers)
    retry = "retry"  # dropped before anything is sent, and read again
    untag = "untag"  # sent without an ETag, and not cached


class Checked:
    """Whether the data version moved while a request was read: asked when its answer starts.

    Every read of the answer (the read model's, the hot reads', the session's) ran after the
    version was read for it; if the version is still the same when the answer starts, no
    write was committed in between, so the answer is of that one version. The rows a streamed
    CSV reads after its start are not covered.
    """

    def __init__(self, scope: Scope, mode: Check, version: int, found: list[int]) -> None:
        self.scope, self.mode, self.version, self.found = scope, mode, version, found

    async def verdict(self) -> Check | None:
        """None while the version is still the one read for the answer; else `Check.retry`
        (the new version recorded in `found`) or, on the last attempt or when the version
        cannot be read, `Check.untag`."""
        if self.mode is Check.off:
            return None
        try:
            now = await read_version(self.scope["app"].state.version_reader)
        except (DBAPIError, DatabaseUnavailableError):
            return Check.untag
        if now == self.version:
            return None
        if self.mode is Check.retry:
            self.found.append(now)
        return self.mode


class CacheMiddleware:
    """ETag on every successful GET of the API and the pages (`is_cached`), 304 on a matching
    If-None-Match, cached bodies.

    The ETag and the cache key are derived from the data version (bumped by every write), the
    path, the query, the negotiated representation (JSON, CSV or NDJSON; gzip or not) and, for
    a route that defaults to today (it takes `clock.Today`) asked without `as_of`, today's UTC
    date; such a response's max-age never reaches past the next UTC midnight. HEAD comes here
    as a GET (app/head.py). The version is read again as the app's answer starts (`Checked`):
    any process may commit a write meanwhile, and an answer is tagged only with the one
    version all its reads belong to.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_entries: int = 1024,
        max_body: int = 1 << 21,
        dated: Sequence[APIRoute] = (),
    ) -> None:
        self.app = app
        self.max_entries, self.max_body = max_entries, max_body
        self.entries: OrderedDict[tuple[Any, ...], Entry] = OrderedDict()
        self.dated = [r.path_regex for r in dated if answers_for_today(r)]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not is_cached(scope["path"]):
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        version = state.get("data_version")  # a read router's choice (app/replica) comes first
        if version is None:
            try:
                version = await read_version(scope["app"].state.version_reader)
            except (DBAPIError, DatabaseUnavailableError):
                await _unavailable(scope, send)
                return
            state["data_version"] = version  # the read model (app/readmodel) keys on the same read
        # a read router (app/replica) checks its own answers; here one read while the data
        # version moved is read again, up to `ATTEMPTS` times, then sent without an ETag
        check = [Check.off] if "source" in state else [*[Check.retry] * (ATTEMPTS - 1), Check.untag]
        for mode in check:
            moved = await self._answer(scope, receive, send, version, mode)
            if moved is None:
                return
            version = state["data_version"] = moved

    async def _answer(
        self, scope: Scope, receive: Receive, send: Send, version: int, check: Check
    ) -> int | None:
        """Answer at `version`: a 304, a cached body or the app's; the version the data moved
        to when the app's answer was dropped to be read again (`Check.retry`), else None."""
        headers = Headers(scope=scope)
        state = scope["state"]
        now = clock.pin(state, scope["app"].state.clock)
        cache_control = scope["app"].state.settings.cache_control
        today = None
        if self._is_dated(scope):
            today = now.date().isoformat()
            cache_control = conditional.cap_max_age(cache_control, clock.seconds_to_midnight(now))
        representation = "+".join(sorted(accepted(headers.get("accept", "")))) or "json"
        gzip = "gzip" in headers.get("accept-encoding", "")
        key = (version, scope["path"], scope["query_string"], representation, gzip, today)
        tag = hashlib.blake2b(repr(key).encode(), digest_size=12).hexdigest()
        etag = f'W/"{tag}"'
        extra = [(b"etag", etag.encode()), (b"cache-control", cache_control.encode()), VARY]
        wanted = conditional.if_none_match(headers.get("if-none-match"))
        if wanted != conditional.ANY and conditional.matches(wanted, etag):
            await _send(send, 304, extra, b"")
            return None
        cached = self.entries.get(key)
        if cached is not None:
            self.entries.move_to_end(key)
            full = _finish(cached[0], extra)
            if conditional.matches(wanted, conditional.header(full, b"etag")):
                await _send(send, 304, conditional.not_modified(full), b"")
            else:
                await _send(send, 200, full, cached[1])
            return None
        moved: list[int] = []
        capture = self._capture(
            send, key, extra, wanted, state, Checked(scope, check, version, moved)
        )
        await self.app(scope, receive, capture)
        return moved[0] if moved else None

    def _is_dated(self, scope: Scope) -> bool:
        """Whether the request is to a route taking today, without an `as_of` of its own."""
        if QueryParams(scope["query_string"]).get("as_of"):
            return False
        return any(p.match(scope["path"]) for p in self.dated)

    def _capture(
        self,
        send: Send,
        key: tuple[Any, ...],
        extra: RawHeaders,
        wanted: Wanted,
        scoped: dict[str, Any],
        checked: Checked,
    ) -> Send:
        inner: RawHeaders = []
        state = {"status": 0, "size": 0, "unchanged": False, "dropped": False}
        chunks: list[bytes] = []

        async def wrapped(message: Message) -> None:
            if state["dropped"]:
                return
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                if message["status"] == 200:
                    verdict = await checked.verdict()
                    if verdict is Check.retry:
                        state["dropped"] = True  # read again at the new version
                        return
                    if verdict is Check.untag:
                        scoped["untagged"] = True  # not stored below, sent without the tag
                    inner.extend(message.get("headers", []))
                    tagged = [h for h in extra if h[0] != b"etag" or not scoped.get("untagged")]
                    full = _finish(inner, tagged)
                    if conditional.matches(wanted, conditional.header(full, b"etag")):
                        state["unchanged"] = True
                        message = {**message, "status": 304}
                        full = conditional.not_modified(full)
                    message = {**message, "headers": full}
            elif message["type"] == "http.response.body" and state["status"] == 200:
                body = message.get("body", b"")
                state["size"] = int(state["size"]) + len(body)
                if self.max_entries and int(state["size"]) <= self.max_body:
                    chunks.append(body)
                    if not message.get("more_body", False) and not scoped.get("untagged"):
                        self._store(key, (inner, b"".join(chunks)))
                if state["unchanged"]:
                    if message.get("more_body", False):
                        return
                    message = {"type": "http.response.body", "body": b""}
            await send(message)

        return wrapped

    def _store(self, key: tuple[Any, ...], entry: Entry) -> None:
        if self.max_entries == 0:
            return
        self.entries[key] = entry
        if len(self.entries) > self.max_entries:
            self.entries.popitem(last=False)


def is_cached(path: str) -> bool:
    """Whether GETs of `path` are tagged and cached: the API, the embeds, the other pages."""
    return path.startswith(PREFIXES) or path in PAGES


def answers_for_today(route: APIRoute) -> bool:
    """Whether the route takes `clock.Today` (its answer without `as_of` changes each day)."""
    return _uses(route.dependant, clock.today)


def _uses(dependant: Dependant, call: object) -> bool:
    """Whether `call` is among the dependencies of `dependant`, at any depth."""
    return any(d.call is call or _uses(d, call) for d in dependant.dependencies)


def _finish(inner: RawHeaders, extra: RawHeaders) -> RawHeaders:
    """A response's own headers plus the cache's; a record's own ETag (its version) wins."""
    own = any(name.lower() == b"etag" for name, _ in inner)
    add = [h for h in extra if not (own and h[0] == b"etag")]
    return conditional.merge_vary([*add, *inner])


async def _send(send: Send, status: int, headers: RawHeaders, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _unavailable(scope: Scope, send: Send) -> None:
    """The 503 problem of a database that cannot be reached (before any handler ran); an
    embed's is a page."""
    if scope["path"].startswith(EMBED_PREFIX):
        title, detail = "Service unavailable", "The data cannot be read just now; retry shortly."
        body = problem_page(503, title, detail).encode()
        headers = [
            (b"content-type", b"text/html; charset=utf-8"),
            (b"retry-after", b"5"),
            (b"content-length", str(len(body)).encode()),
        ]
        await _send(send, 503, headers, body)
        return
    await send_problem(
        send,
        scope,
        503,
        "Service unavailable",
        "the database cannot be reached; retry shortly",
        "database-unavailable",
        headers=((b"retry-after", b"5"),),
    )
