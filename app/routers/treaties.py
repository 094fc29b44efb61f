"""Treaty endpoints: the treaties, their members on a date (the map call), the timeline."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app import respond
from app.clock import Today
from app.paging import Page
from app.queries import treaties
from app.queries.common import list_sources
from app.routers.params import AsOf, DbSession, Listing, StatusList, TreatyKey, parse_set
from app.schemas import Member, TimelinePoint, Treaty, TreatyDetail
from app.vocab import StatusKind

router = APIRouter(prefix="/v1/treaties", tags=["treaties"])


@router.get("", response_model=Page[Treaty])
def list_treaties(request: Request, session: DbSession, listing: Listing) -> Response:
    """Every treaty and protocol, parents before their protocols."""
    items, used = treaties.list_treaties(session)
    order = {t.slug: i for i, t in enumerate(items)}
    page, cursor = listing.window(int).slice(items, lambda t: (order[t.slug],))
    return respond.page(request, listing, Treaty, page, cursor, used)


@router.get("/{treaty}", response_model=TreatyDetail)
def get_treaty(treaty: TreatyKey, session: DbSession) -> Response:
    """One treaty: titles, aliases, UNTC number, adoption and entry into force."""
    found = treaties.resolve_treaty(session, treaty)
    return respond.one(
        TreatyDetail(
            **dict(treaties.treaty_out(found)), sources=list_sources(session, [found.source])
        )
    )


@router.get("/{treaty}/members", response_model=Page[Member])
def list_members(
    request: Request,
    treaty: TreatyKey,
    session: DbSession,
    listing: Listing,
    today: Today,
    status: StatusList = None,
    as_of: AsOf = None,
) -> Response:
    """Every country's status toward a treaty on a date, one row per country (the map call)."""
    found = treaties.resolve_treaty(session, treaty)
    wanted = parse_set(status, StatusKind, "status")
    items, used = treaties.members(session, found, as_of or today, wanted)
    page, cursor = listing.window(str).slice(items, lambda m: (m.country,))
    return respond.page(request, listing, Member, page, cursor, list_sources(session, used))


@router.get("/{treaty}/timeline", response_model=Page[TimelinePoint])
def get_timeline(
    request: Request,
    treaty: TreatyKey,
    session: DbSession,
    listing: Listing,
    today: Today,
    since: Annotated[
        int | None,
        Query(alias="from", ge=1945, le=2100, description="First year (default: adoption)."),
    ] = None,
    until: Annotated[
        int | None,
        Query(alias="to", ge=1945, le=2100, description="Last year (default: this year, UTC)."),
    ] = None,
) -> Response:
    """States parties, signatories and withdrawn states at the end of each year."""
    found = treaties.resolve_treaty(session, treaty)
    items, used = treaties.timeline(session, found, since, until, today)
    page, cursor = listing.window(int).slice(items, lambda p: (p.year,))
    return respond.page(request, listing, TimelinePoint, page, cursor, list_sources(session, used))
