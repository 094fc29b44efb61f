"""Full-text search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from app import respond
from app.errors import problem_responses
from app.limits import rate_limited
from app.paging import Page, Window, invalid_cursor
from app.queries.common import list_sources
from app.queries.search import search
from app.routers.lean import LeanRoute
from app.routers.params import DbSession, HitKinds, Listing
from app.schemas import SearchHit

router = APIRouter(prefix="/v1", tags=["search"], route_class=LeanRoute)


@router.get(
    "/search",
    response_model=Page[SearchHit],
    dependencies=[Depends(rate_limited("search"))],
    responses=problem_responses(429),
    description="Finds positions, footnotes and sources by their words, best match first "
    "(`rank`), each hit with a `snippet` marking the words found in `[…]`. `q` is plain words, "
    "all of which must match (search syntax such as quotes, `*` or `-` is ignored); `kind` keeps "
    "some kinds of hit. Limited per client to a number of requests a minute (429 with "
    "`Retry-After` beyond it). Paged JSON or CSV.",
)
def search_text(
    request: Request,
    session: DbSession,
    listing: Listing,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=200,
            description="Words to find (all must match): at least one word (letters, digits); "
            "search syntax and punctuation are ignored.",
            json_schema_extra={"pattern": "^[^\\u0000]*\\w[^\\u0000]*$"},
            examples=["border defense"],
        ),
    ],
    kind: HitKinds = None,
) -> Response:
    """Full-text search over positions, citations and sources, best match first."""

    def fetch(window: Window) -> respond.Fetched:
        offset = window.after[0] if window.after else 0
        if offset < 0:
            raise invalid_cursor()
        hits, sources = search(session, q, kind, offset, window.limit + 1)
        more = len(hits) > window.limit
        cursor = window.cursor_after((offset + window.limit,)) if more else None
        return hits[: window.limit], cursor, list_sources(session, sources)

    return respond.listed(request, listing, SearchHit, fetch, (int,))
