"""Full-text search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from app import respond, search
from app.errors import problem_responses
from app.limits import rate_limited
from app.paging import Page, decode_offset, encode_cursor
from app.queries.common import list_sources
from app.routers.params import DbSession, HitKinds, Listing
from app.schemas import SearchHit

router = APIRouter(prefix="/v1", tags=["search"])


@router.get(
    "/search",
    response_model=Page[SearchHit],
    dependencies=[Depends(rate_limited("search"))],
    responses=problem_responses(429),
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
            description="Words to find (all must match).",
            examples=["border defense"],
        ),
    ],
    kind: HitKinds = None,
) -> Response:
    """Full-text search over positions, citations and sources, best match first."""
    offset = decode_offset(listing.cursor)
    hits, sources = search.search(session, q, kind, offset, listing.limit + 1)
    cursor = encode_cursor((offset + listing.limit,)) if len(hits) > listing.limit else None
    hits = hits[: listing.limit]
    return respond.page(request, listing, SearchHit, hits, cursor, list_sources(session, sources))
