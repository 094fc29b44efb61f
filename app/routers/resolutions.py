"""UNGA resolution endpoints."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from app import respond
from app.paging import Page, Window
from app.queries import resolutions, treaties, votes
from app.queries.common import list_sources
from app.routers.params import DbSession, Listing, TreatyFilter
from app.routers.records import record_link
from app.schemas import ResolutionDetail, ResolutionOut, VoteOut

router = APIRouter(prefix="/v1/resolutions", tags=["resolutions"])


@router.get("", response_model=Page[ResolutionOut])
def list_resolutions(
    request: Request,
    session: DbSession,
    listing: Listing,
    treaty: TreatyFilter = None,
    session_no: Annotated[
        int | None, Query(alias="session", ge=1, le=200, description="UNGA session number.")
    ] = None,
    year: Annotated[int | None, Query(ge=1945, le=2100, description="Year of adoption.")] = None,
) -> Response:
    """UNGA resolutions in date order, filtered by treaty, session and year."""
    slug = treaties.resolve_treaty(session, treaty).slug if treaty else None
    return respond.listed(
        request,
        listing,
        ResolutionOut,
        lambda window: resolutions.list_resolutions(session, window, slug, session_no, year),
        (date, str),
    )


SymbolKey = Annotated[
    str,
    Path(
        description="Symbol as `A/RES/73/61`, `73/61` or `51/45 S`.",
        examples=["A/RES/73/61", "73/61"],
        max_length=40,
    ),
]


@router.get("/{symbol:path}/votes", response_model=Page[VoteOut])
def list_resolution_votes(
    request: Request, symbol: SymbolKey, session: DbSession, listing: Listing
) -> Response:
    """A resolution's votes, one row per member by country, as JSON pages or CSV."""
    found = resolutions.resolve_resolution(session, symbol)

    def fetch(window: Window) -> respond.Fetched:
        items, cursor, used = votes.all_votes(session, window, symbol=found.symbol)
        return items, cursor, list_sources(session, used)

    return respond.listed(request, listing, VoteOut, fetch, (date, str, str))


@router.get(
    "/{symbol:path}",
    response_model=ResolutionDetail,
    responses=record_link("resolutions", "$response.body#/symbol"),
)
def get_resolution(
    symbol: SymbolKey,
    session: DbSession,
) -> Response:
    """A resolution: official and counted totals, and every vote with the voter's treaty status."""
    found = resolutions.resolve_resolution(session, symbol)
    return respond.one(resolutions.resolution_detail(session, found))
