"""The links a response gives a client to follow, and the query a page's cursor belongs to."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote, urlencode, urlunsplit

import orjson
from fastapi import Request
from fastapi.dependencies.models import Dependant

from app.clock import today_of

#: Characters a path keeps as they are: its separators; every other one is percent-encoded.
PATH_SAFE = "/"
#: Characters a query value keeps as they are: the separator of a list (`status=a,b`).
QUERY_SAFE = ","
#: Characters a host keeps as they are (RFC 3986 authority: host, port, IPv6 brackets).
HOST_SAFE = ":[]@!$&'()*+;=,"
#: Query parameters that choose the slice of a list or its form, not the list itself.
NOT_THE_LIST = frozenset({"cursor", "limit", "format"})


def follow(request: Request, **given: str) -> str:
    """The request's own URL with the query parameters `given` set, as percent-encoded ASCII
    (RFC 3986) a client can follow: the path and each query name and value quoted, `/` kept.

    A parameter already in the query keeps its place; new ones come last.
    """
    items: list[tuple[str, str]] = []
    rest = dict(given)
    for name, value in request.query_params.multi_items():
        if name not in given:
            items.append((name, value))
        elif name in rest:
            items.append((name, rest.pop(name)))
    items.extend(rest.items())
    path = quote(request.scope["path"], safe=PATH_SAFE)
    query = urlencode(items, safe=QUERY_SAFE, quote_via=quote)
    netloc = quote(request.url.netloc, safe=HOST_SAFE)
    if not netloc:
        return f"{path}?{query}" if query else path
    return urlunsplit((request.url.scheme, netloc, path, query, ""))


def declared(request: Request) -> frozenset[str]:
    """The query parameters the request's route takes (worked out once per route)."""
    route: Any = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return frozenset()
    allowed: frozenset[str] | None = getattr(route, "allowed_query", None)
    if allowed is None:
        allowed = route.allowed_query = frozenset(_query_names(dependant))
    return allowed


def _query_names(dependant: Dependant) -> Iterator[str]:
    for param in dependant.query_params:
        yield param.alias
    for sub in dependant.dependencies:
        yield from _query_names(sub)


def pinned(request: Request) -> dict[str, str]:
    """What a list read without `as_of` was read for: `as_of`, today in UTC as pinned for the
    request, on a route that takes one (the next page's link carries it, so it is the same
    day's list after midnight too); nothing otherwise."""
    if "as_of" in request.query_params or "as_of" not in declared(request):
        return {}
    return {"as_of": today_of(request).isoformat()}


def query_scope(path: str, params: Iterable[tuple[str, str]], representation: str) -> str:
    """The canonical form of a list's query, which its cursors are bound to: the path, the
    parameters choosing the list (sorted; not `cursor`, `limit` or `format`) and the
    representation (`json`, `csv` or `ndjson`)."""
    chosen = sorted((n, v) for n, v in params if n not in NOT_THE_LIST)
    return orjson.dumps([path, chosen, representation]).decode()


def request_scope(request: Request, representation: str) -> str:
    """`query_scope` of the list a request reads, its `as_of` resolved (see `pinned`)."""
    params = [*request.query_params.multi_items(), *pinned(request).items()]
    return query_scope(request.scope["path"], params, representation)
