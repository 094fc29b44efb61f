"""Treaty endpoints: the treaties, their members on a date (the map call), timeline, events."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app import respond
from app.clock import Today
from app.errors import ProblemError
from app.importers.m49 import SOURCE_ID as M49_SOURCE
from app.paging import Page, Window
from app.queries import regions, treaties
from app.queries.common import list_sources
from app.routers.params import (
    AsOf,
    DbSession,
    Listing,
    RegionFilter,
    StatusList,
    SubregionFilter,
    TreatyKey,
    parse_set,
    word_list,
)
from app.schemas import Member, TimelinePoint, Treaty, TreatyDetail, TreatyEvent
from app.vocab import EventKind, StatusKind

router = APIRouter(prefix="/v1/treaties", tags=["treaties"])


@router.get("", response_model=Page[Treaty])
def list_treaties(request: Request, session: DbSession, listing: Listing) -> Response:
    """Every treaty and protocol, parents before their protocols."""
    items, used = treaties.list_treaties(session)
    order = {t.slug: i for i, t in enumerate(items)}

    def fetch(window: Window) -> respond.Fetched:
        return (*window.slice(items, lambda t: (order[t.slug],)), used)

    return respond.listed(request, listing, Treaty, fetch, (int,))


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
    region: RegionFilter = None,
    subregion: SubregionFilter = None,
) -> Response:
    """Every country's status toward a treaty on a date, one row per country (the map call)."""
    found = treaties.resolve_treaty(session, treaty)
    wanted = parse_set(status, StatusKind, "status")
    where = regions.region_filter(session, region, subregion)
    items, used = treaties.members(session, found, as_of or today, wanted, where)
    cited = list_sources(session, used | {M49_SOURCE})

    def fetch(window: Window) -> respond.Fetched:
        return (*window.slice(items, lambda m: (m.country,)), cited)

    return respond.listed(request, listing, Member, fetch, (str,))


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
    """States parties, states not yet bound, signatories and withdrawn states at each year end."""
    found = treaties.resolve_treaty(session, treaty)
    items, used = treaties.timeline(session, found, since, until, today)
    cited = list_sources(session, used)

    def fetch(window: Window) -> respond.Fetched:
        return (*window.slice(items, lambda p: (p.year,)), cited)

    return respond.listed(request, listing, TimelinePoint, fetch, (int,))


def year_or_date_query(alias: str, bound: str) -> Any:
    """A query parameter taking a year or a date, an inclusive bound."""
    return Query(
        alias=alias,
        max_length=10,
        description=f"{bound}: a year (`2026`) or a date (`2026-02-01`), inclusive; default: "
        "no bound.",
        examples=["2026"],
    )


EventKinds = Annotated[
    str | None,
    word_list([k.value for k in EventKind], "Event kinds to keep.", "entry_into_force"),
]


def year_or_date(raw: str | None, parameter: str, end: bool) -> date | None:
    """A year (its first or, for an `end`, last day) or an ISO date; a 422 problem otherwise."""
    if raw is None:
        return None
    try:
        if re.fullmatch(r"[0-9]{4}", raw):
            return date(int(raw), 12, 31) if end else date(int(raw), 1, 1)
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw):
            return date.fromisoformat(raw)
    except ValueError:
        pass
    raise ProblemError(
        422,
        "Invalid parameter",
        f"{parameter}: {raw!r} is not a year (YYYY) or a date (YYYY-MM-DD)",
        kind="invalid-parameter",
        parameter=parameter,
    )


@router.get("/{treaty}/events", response_model=Page[TreatyEvent])
def list_events(
    request: Request,
    treaty: TreatyKey,
    session: DbSession,
    listing: Listing,
    since: Annotated[str | None, year_or_date_query("from", "First day")] = None,
    until: Annotated[str | None, year_or_date_query("to", "Last day")] = None,
    kind: EventKinds = None,
) -> Response:
    """Past and coming changes of each state's status toward a treaty, by date then country."""
    first = year_or_date(since, "from", end=False)
    last = year_or_date(until, "to", end=True)
    found = treaties.resolve_treaty(session, treaty)
    kinds = parse_set(kind, EventKind, "kind")
    items = treaties.events(session, found, first, last, kinds)

    def fetch(window: Window) -> respond.Fetched:
        page, cursor = window.slice(
            items, lambda e: (e.date, e.country, treaties.EVENT_RANK[e.kind])
        )
        used = {e.source for e in page} | {found.source}
        return page, cursor, list_sources(session, used)

    return respond.listed(request, listing, TreatyEvent, fetch, (date, str, int))
