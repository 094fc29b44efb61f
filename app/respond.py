"""Rendering lists and single records as JSON or CSV, with the list conventions."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Annotated, Any, Literal, Protocol

import orjson
from fastapi import Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel

from app import csvout, links
from app.errors import ProblemError
from app.paging import CoveredPage, DatedPage, Page, Window
from app.schemas import CoverageSource, SourceOut

JSON = "application/json"
CSV = "text/csv; charset=utf-8"
NDJSON = "application/x-ndjson"

Format = Literal["json", "csv"]

#: Rows per JSON page when no `limit` is given.
DEFAULT_LIMIT = 100
#: Rows fetched from the database at a time for a complete CSV.
CSV_CHUNK = 1000

#: A record, or the same record already in its JSON form (the read model's lean paths).
Row = BaseModel | dict[str, Any]
Fetched = tuple[Sequence[Row], str | None, Sequence[SourceOut | dict[str, Any]]]
#: How a list endpoint reads one slice of its list: rows, next cursor, sources.
Fetch = Callable[[Window], Fetched]


class Pages(Protocol):
    """A list read both ways: a page awaited on the event loop (`fetch`), or a slice inline."""

    def __call__(self, window: Window) -> Fetched: ...

    async def fetch(self, window: Window, json: bool = False) -> Fetched: ...


#: A list's `record_as_at`: a date, None (no dated record), or not a list of statuses.
Known = date | None | Literal[False]
NOT_DATED: Known = False


class ListParams:
    """Query parameters every list endpoint takes, and the query of the list they page."""

    def __init__(
        self, request: Request, limit: int | None, cursor: str | None, format: Format | None
    ) -> None:
        self.request = request
        self.limit, self.cursor, self.format = limit, cursor, format

    @property
    def csv(self) -> bool:
        """Whether the list is asked for as CSV (see `wants_csv`)."""
        return wants_csv(self.request, self.format)

    @property
    def scope(self) -> str:
        """The query the list's cursors belong to (`links.request_scope`)."""
        return links.request_scope(self.request, "csv" if self.csv else "json")

    def window(self, *types: type, limit: int | None = None) -> Window:
        """The slice of the list these parameters ask for (or `limit` rows of it), sorted by
        a key of `types`, from the cursor on."""
        return Window(limit or self.limit or DEFAULT_LIMIT, self.cursor, types, self.scope)


async def list_params(
    request: Request,
    limit: Annotated[
        int | None,
        Query(
            ge=1,
            le=1000,
            description="Rows per page (1 to 1000; default 100). A CSV without `limit` is "
            "the whole list, streamed as an attachment.",
            examples=[100],
        ),
    ] = None,
    cursor: Annotated[
        str | None,
        Query(
            max_length=512,
            description="Opaque cursor from the `next` link of a page. It continues only the "
            "list it came from: the same path, filters, `as_of` (that of the first page, today's "
            "date then if it had none) and format; with another query it is a 400.",
        ),
    ] = None,
    format: Annotated[
        Format | None,
        Query(description="`csv` for CSV (same as `Accept: text/csv`); default JSON."),
    ] = None,
) -> ListParams:
    """FastAPI dependency: the list parameters (async: read on the event loop)."""
    return ListParams(request, limit, cursor, format)


def accepted(accept: str) -> frozenset[str]:
    """The other representations than JSON an Accept header asks for: `csv`, `ndjson`.

    CSV when the client accepts text/csv and did not ask for JSON; NDJSON when it accepts
    application/x-ndjson. An endpoint answers in one of these it offers, else in JSON; the
    response cache keys and tags on this set, so each representation is cached apart.
    """
    asked = set()
    if "text/csv" in accept and JSON not in accept:
        asked.add("csv")
    if NDJSON in accept:
        asked.add("ndjson")
    return frozenset(asked)


def wants_csv(request: Request, fmt: str | None) -> bool:
    """CSV when `?format=csv`, or when the Accept header asks for CSV (see `accepted`)."""
    if fmt is not None:
        return fmt == "csv"
    return "csv" in accepted(request.headers.get("accept", ""))


def page(
    request: Request,
    params: ListParams,
    schema: type[BaseModel],
    items: Sequence[Row],
    next_cursor: str | None,
    sources: Sequence[SourceOut | dict[str, Any]] | None = None,
    coverage: list[CoverageSource] | None = None,
    record_as_at: Known = NOT_DATED,
) -> Response:
    """One page of a list as JSON (with `next` and sources) or streamed CSV; `Link` header.

    Given `coverage` (a list of curated records about a country), the JSON body carries it;
    given `record_as_at` (a list of statuses), so does it (`DatedPage`). Rows and sources
    already in their JSON form (dicts) are written as they are.
    """
    next_url = None
    if next_cursor:
        next_url = links.follow(request, **links.pinned(request), cursor=next_cursor)
    headers = {"Link": f'<{next_url}>; rel="next"'} if next_url else {}
    if params.csv:
        return StreamingResponse(csvout.stream(schema, items), media_type=CSV, headers=headers)
    dated = {} if record_as_at is NOT_DATED else {"record_as_at": record_as_at}
    if coverage is None and _as_json(items, sources or []):
        lean = {
            "data": items,
            "next": next_url,
            "next_cursor": next_cursor or None,
            "sources": sources or [],
            **dated,
        }
        return Response(orjson.dumps(lean), media_type=JSON, headers=headers)
    body: Page[Any]
    if dated:
        body = DatedPage[schema](  # type: ignore[valid-type]
            data=list(items),
            next=next_url,
            next_cursor=next_cursor or None,
            sources=sources or [],
            **dated,
        )
    elif coverage is None:
        body = Page[schema](  # type: ignore[valid-type]
            data=list(items), next=next_url, next_cursor=next_cursor or None, sources=sources or []
        )
    else:
        body = CoveredPage[schema](  # type: ignore[valid-type]
            data=list(items),
            next=next_url,
            next_cursor=next_cursor or None,
            sources=sources or [],
            coverage=coverage,
        )
    return Response(body.model_dump_json(), media_type=JSON, headers=headers)


def _as_json(items: Sequence[Row], sources: Sequence[SourceOut | dict[str, Any]]) -> bool:
    """Whether a page's rows or sources are given in JSON form already."""
    first = [*items[:1], *sources[:1]]
    return any(isinstance(x, dict) for x in first)


def listed(
    request: Request,
    params: ListParams,
    schema: type[BaseModel],
    fetch: Fetch,
    types: Sequence[type],
    coverage: list[CoverageSource] | None = None,
    record_as_at: Known = NOT_DATED,
) -> Response:
    """A list endpoint's response: one page (JSON, or CSV with `limit`), or, for a CSV without
    `limit`, the whole list streamed as an attachment, read `CSV_CHUNK` rows at a time."""
    if params.limit is None and params.csv:
        # the first slice is read before the answer starts: a bad cursor or parameter the
        # query refuses is a problem response, not a broken stream
        first = params.window(*types, limit=CSV_CHUNK)
        items, cursor, _ = fetch(first)
        name = request.url.path.rstrip("/").rsplit("/", 1)[-1]
        return StreamingResponse(
            csvout.stream(schema, _every_row(fetch, items, cursor, types, first.scope)),
            media_type=CSV,
            headers={"Content-Disposition": f"attachment; filename={name}.csv"},
        )
    items, cursor, sources = fetch(params.window(*types))
    return page(request, params, schema, items, cursor, sources, coverage, record_as_at)


async def alisted(
    request: Request,
    params: ListParams,
    schema: type[BaseModel],
    pages: Pages,
    types: Sequence[type],
) -> Response:
    """`listed`, with a page's statement awaited (a whole CSV is read as `listed` reads it)."""
    csv = params.csv
    if params.limit is None and csv:
        return listed(request, params, schema, pages, types)
    items, cursor, sources = await pages.fetch(params.window(*types), not csv)
    return page(request, params, schema, items, cursor, sources)


def _every_row(
    fetch: Fetch, items: Sequence[Row], cursor: str | None, types: Sequence[type], scope: str
) -> Iterator[Row]:
    """The rows of the first slice, then every later one, one slice at a time."""
    yield from items
    while cursor is not None:
        items, cursor, _ = fetch(Window(CSV_CHUNK, cursor, types, scope))
        yield from items


def one(model: BaseModel | dict[str, Any]) -> Response:
    """A single record as JSON (a dict: the record already in its JSON form)."""
    if isinstance(model, dict):
        return Response(orjson.dumps(model), media_type=JSON)
    return Response(model.model_dump_json(), media_type=JSON)


async def reject_unknown_params(request: Request) -> None:
    """A query parameter the endpoint does not declare is a 400, not silently ignored."""
    if getattr(request.scope.get("route"), "dependant", None) is None:
        return
    allowed = links.declared(request)
    for name in request.query_params:
        if name not in allowed:
            known = ", ".join(sorted(allowed)) or "none"
            raise ProblemError(
                400,
                "Unknown parameter",
                f"unknown query parameter {name!r}; this endpoint takes: {known}",
                kind="unknown-parameter",
                parameter=name,
            )


#: Opaque cursors: one we did not issue is a 400 of its own, NUL or not.
CURSORS = {"cursor", "since"}


async def reject_nul(request: Request) -> None:
    """A NUL character in a path or query value is a 422: the engines cannot store or match it."""
    for name, value in [*request.path_params.items(), *request.query_params.multi_items()]:
        if name not in CURSORS and isinstance(value, str) and "\x00" in value:
            raise ProblemError(
                422,
                "Invalid parameter",
                f"{name}: NUL characters are not allowed",
                kind="invalid-parameter",
                parameter=name,
            )
