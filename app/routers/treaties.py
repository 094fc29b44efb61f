"""Treaty endpoints: the treaties, their members on a date (the map call), timeline, events."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app import respond
from app.clock import Today
from app.paging import DatedPage, Page, Window
from app.queries import regions, treaties
from app.queries.common import list_sources
from app.readmodel import answers, lookup, store
from app.routers.lean import LeanRoute
from app.routers.params import (
    AsOf,
    Between,
    DbSession,
    EventKinds,
    Listing,
    Model,
    RegionFilter,
    StatusList,
    SubregionFilter,
    TreatyKey,
)
from app.schemas import Member, TimelinePoint, Treaty, TreatyDetail, TreatyEvent

router = APIRouter(prefix="/v1/treaties", tags=["treaties"], route_class=LeanRoute)

Include = Annotated[
    Literal["territories"] | None,
    Query(
        description="`territories` adds a row for each area that is not a state (`state: "
        "false`, with `administered_by`), its `status` null unless a record of its own gives "
        "one: no status is taken from the administering state. Without it, the 197 states.",
        examples=["territories"],
    ),
]


@router.get(
    "",
    response_model=Page[Treaty],
    description="The treaties and protocols the record covers, parents before their protocols, "
    "with their slugs, aliases, UNTC numbers and dates: the values a `{treaty}` path or a "
    "`treaty=` filter takes (a slug, the short name, the UNTC number or an alias). Paged JSON "
    "or CSV.",
)
def list_treaties(request: Request, session: DbSession, listing: Listing) -> Response:
    """Every treaty and protocol, parents before their protocols."""
    items, used = treaties.list_treaties(session)
    order = {t.slug: i for i, t in enumerate(items)}

    def fetch(window: Window) -> respond.Fetched:
        return (*window.slice(items, lambda t: (order[t.slug],)), used)

    return respond.listed(request, listing, Treaty, fetch, (int,))


@router.get(
    "/{treaty}",
    response_model=TreatyDetail,
    description="One treaty or protocol, found by slug, short name, UNTC number or alias (case, "
    "accents and punctuation ignored): its titles, aliases, UNTC number, adoption, opening for "
    "signature, entry into force, parent treaty, `eif_rule` and the source of these facts. An "
    "unknown treaty is a 404 problem with close matches in `suggestions`.",
)
def get_treaty(treaty: TreatyKey, session: DbSession) -> Response:
    """One treaty: titles, aliases, UNTC number, adoption and entry into force."""
    found = treaties.resolve_treaty(session, treaty)
    return respond.one(
        TreatyDetail(
            **dict(treaties.treaty_out(found)), sources=list_sources(session, [found.source])
        )
    )


@router.get(
    "/{treaty}/members",
    response_model=DatedPage[Member],
    description="What a map or a member table needs: each state's status toward a treaty on "
    "`as_of` (default: today in UTC) with its codes, M49 regions and the dates behind the "
    "status, one row per state by alpha-3 code. The rows are the 197 states (UN members, the two "
    "observer states, the Cook Islands and Niue); `include=territories` adds the other areas, "
    "with `status: null` unless a record of their own gives one. `record_as_at` is the date the "
    "treaty's record is known up to. Paged JSON, or CSV (without `limit`, the whole list).",
)
async def list_treaty_members(
    request: Request,
    treaty: TreatyKey,
    model: Model,
    listing: Listing,
    today: Today,
    status: StatusList = None,
    as_of: AsOf = None,
    region: RegionFilter = None,
    subregion: SubregionFilter = None,
    include: Include = None,
) -> Response:
    """Every state's status toward a treaty on a date, one row per state (the map call)."""
    slug = lookup.treaty(request, model, treaty)
    keep = None
    if region is not None or subregion is not None:
        with store.session(request) as session:
            keep = regions.countries_in(session, region, subregion)
    with_territories = include == "territories"
    items, cited = answers.members(model, slug, as_of or today, status, keep, with_territories)

    def fetch(window: Window) -> respond.Fetched:
        return (*window.slice(items, lambda m: (m["country"],)), cited)

    known = model.treaties[slug].record_as_at
    return respond.listed(request, listing, Member, fetch, (str,), record_as_at=known)


@router.get(
    "/{treaty}/timeline",
    response_model=DatedPage[TimelinePoint],
    description="For a chart of a treaty over the years: the number of states parties (bound: "
    "`state_party` and `withdrawal_pending`), states whose instrument is not yet in force for "
    "them, signatories and withdrawn states among the 197 states on 31 December of each year, "
    "this year's point being today (UTC). Years run from the treaty's adoption, or `from`, to "
    "this year, or `to`, within 1945-2100; `record_as_at` is the date the treaty's record is "
    "known up to. Paged JSON or CSV.",
)
def get_treaty_timeline(
    request: Request,
    treaty: TreatyKey,
    session: DbSession,
    model: Model,
    listing: Listing,
    today: Today,
    period: Between,
) -> Response:
    """States parties, states not yet bound, signatories and withdrawn states at each year end."""
    found = treaties.resolve_treaty(session, treaty)
    items, used = answers.timeline(model, found, period.since, period.until, today)
    cited = list_sources(session, used)

    def fetch(window: Window) -> respond.Fetched:
        return (*window.slice(items, lambda p: (p.year,)), cited)

    known = model.treaties[found.slug].record_as_at
    return respond.listed(request, listing, TimelinePoint, fetch, (int,), record_as_at=known)


@router.get(
    "/{treaty}/events",
    response_model=Page[TreatyEvent],
    description="The dated changes in each state's relation to a treaty, past and coming "
    "(signature, deposit, entry into force, withdrawal notified, withdrawal effective), by date "
    "then country, for a news feed or an agenda: each with the status the day before and on the "
    "day, and the action and source behind it. `from`/`to` (inclusive) and `kind` filter. Paged "
    "JSON or CSV.",
)
def list_treaty_events(
    request: Request,
    treaty: TreatyKey,
    session: DbSession,
    listing: Listing,
    period: Between,
    kind: EventKinds = None,
) -> Response:
    """Past and coming changes of each state's status toward a treaty, by date then country."""
    found = treaties.resolve_treaty(session, treaty)
    items = treaties.events(session, found, period.since, period.until, kind)

    def fetch(window: Window) -> respond.Fetched:
        page, cursor = window.slice(
            items, lambda e: (e.date, e.country, treaties.EVENT_RANK[e.kind])
        )
        used = {e.source for e in page} | {found.source}
        return page, cursor, list_sources(session, used)

    return respond.listed(request, listing, TreatyEvent, fetch, (date, str, int))
