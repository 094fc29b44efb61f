"""Sends each read request to the database `ReadRouter` chooses, and says which it was."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.cache import is_cached
from app.replica.router import Choice, ReadRouter, Reason, version

#: Reads that stay on the primary: the change feed (its cursor follows the primary's ids).
PRIMARY_ONLY = ("/v1/changes",)
HEADER = b"x-read-from"


class ReadRoutingMiddleware:
    """For a GET of the API or the pages (what the cache tags), puts the chosen database and
    its data version in the request's state (app/readmodel/store.py `source`, app/cache.py),
    adds X-Read-From to the answer, and:

    - reads a request again on the primary when the replica failed it (a 503 never sent);
    - drops the ETag (and keeps the answer out of the response cache) when the database's
      version moved while the request read it, so no answer is tagged with a version its rows
      may not belong to.
    Other requests (writes, the change feed, probes) go to the primary, as without a replica.
    """

    def __init__(self, app: ASGIApp, router: ReadRouter) -> None:
        self.app, self.router = app, router

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not routed(scope):
            await self.app(scope, receive, send)
            return
        choice = await self.router.choose()
        if choice is None:  # neither answers: the cache middleware's 503
            await self.app(scope, receive, send)
            return
        retry = choice.source is self.router.replica and choice.reason is not Reason.primary_down
        if await self._read(scope, receive, send, choice, retry):
            return
        again = await self.router.on_primary()
        if again is None:
            await self.app(scope, receive, send)
            return
        await self._read(scope, receive, send, again, False)

    async def _read(
        self, scope: Scope, receive: Receive, send: Send, choice: Choice, retry: bool
    ) -> bool:
        """Serve the request from `choice`; False (nothing sent) when `retry` and it failed
        with a 503 (the database unreachable)."""
        state = scope.setdefault("state", {})
        state.pop("untagged", None)
        state["source"], state["data_version"] = choice.source, choice.version
        failed = False

        async def wrapped(message: Message) -> None:
            nonlocal failed
            if message["type"] == "http.response.start":
                if retry and message["status"] == 503:
                    failed = True
                    return
                headers = [*message.get("headers", []), (HEADER, choice.header)]
                if "endpoint" in scope and message["status"] == 200 and await moved(choice):
                    state["untagged"] = True  # app/cache.py stores no such answer
                    headers = [h for h in headers if h[0].lower() != b"etag"]
                message = {**message, "headers": headers}
            elif failed:
                return
            await send(message)

        await self.app(scope, receive, wrapped)
        if failed:
            state.pop("source", None)
            state.pop("data_version", None)
        return not failed


async def moved(choice: Choice) -> bool:
    """Whether the chosen database's version is no longer the one the request read at (a
    cached answer, served without running a handler, is not asked)."""
    return await version(choice.source) != choice.version


def routed(scope: Scope) -> bool:
    """Whether a request is a read the router places (a GET of what the cache tags)."""
    if scope["type"] != "http" or scope["method"] != "GET":
        return False
    path: str = scope["path"]
    return is_cached(path) and not path.startswith(PRIMARY_ONLY)
