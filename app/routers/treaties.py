"""Treaty endpoints: the treaties, their members on a date (the map call), timeline, events."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app import respond
from app.importers.m49 import SOURCE_ID as M49_SOURCE
from app.paging import Page
from app.queries import regions, treaties
from app.queries.common import list_sources
from app.routers.params import (
    AsOf,
    DbSession,
    EventKinds,
    Listing,
    RegionFilter,
    Since,
    StatusList,
    SubregionFilter,
    TreatyKey,
    Until,
)
from app.schemas import Member, TimelinePoint, Treaty, TreatyDetail, TreatyEvent

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
    status: StatusList = None,
    as_of: AsOf = None,
    region: RegionFilter = None,
    subregion: SubregionFilter = None,
) -> Response:
    """Every country's status toward a treaty on a date, one row per country (the map call)."""
    found = treaties.resolve_treaty(session, treaty)
    where = regions.region_filter(session, region, subregion)
    items, used = treaties.members(session, found, as_of or date.today(), status, where)
    used.add(M49_SOURCE)
    page, cursor = listing.window(str).slice(items, lambda m: (m.country,))
    return respond.page(request, listing, Member, page, cursor, list_sources(session, used))


@router.get("/{treaty}/timeline", response_model=Page[TimelinePoint])
def get_timeline(
    request: Request,
    treaty: TreatyKey,
    session: DbSession,
    listing: Listing,
    since: Since = None,
    until: Until = None,
) -> Response:
    """States parties, states not yet bound, signatories and withdrawn states at each year end."""
    found = treaties.resolve_treaty(session, treaty)
    items, used = treaties.timeline(session, found, since, until, date.today())
    page, cursor = listing.window(int).slice(items, lambda p: (p.year,))
    return respond.page(request, listing, TimelinePoint, page, cursor, list_sources(session, used))


@router.get("/{treaty}/events", response_model=Page[TreatyEvent])
def list_events(
    request: Request,
    treaty: TreatyKey,
    session: DbSession,
    listing: Listing,
    since: Since = None,
    until: Until = None,
    kind: EventKinds = None,
) -> Response:
    """Past and coming changes of each state's status toward a treaty, by date then country."""
    found = treaties.resolve_treaty(session, treaty)
    items = treaties.events(session, found, since, until, kind)
    page, cursor = listing.window(date, str, int).slice(
        items, lambda e: (e.date, e.country, treaties.EVENT_RANK[e.kind])
    )
    used = {e.source for e in page} | {found.source}
    return respond.page(request, listing, TreatyEvent, page, cursor, list_sources(session, used))
