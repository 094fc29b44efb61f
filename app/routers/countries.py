"""Country endpoints: lookup, profile, treaty status, votes, stockpiles, practices, citations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app import respond
from app.clock import Today
from app.paging import CoveredPage, Page, Window
from app.queries import countries, profile, regions, sources, treaties
from app.queries.common import list_sources
from app.readmodel import answers, lookup
from app.readmodel import votes as readvotes
from app.readmodel.store import Reads
from app.routers.lean import LeanRoute
from app.routers.params import (
    AsOf,
    Between,
    CountryKey,
    DbSession,
    Listing,
    Model,
    RegionFilter,
    SubregionFilter,
    TreatyFilter,
    TreatyKey,
    TreatyStatusList,
    VoteList,
)
from app.schemas import (
    Citation,
    CountryDetail,
    CountryListItem,
    PracticeOut,
    Profile,
    StockpileOut,
    TreatyStatusDetail,
    VoteOut,
)

router = APIRouter(prefix="/v1/countries", tags=["countries"], route_class=LeanRoute)


@router.get(
    "",
    response_model=Page[CountryListItem],
    description="Every area with an ISO 3166-1 code, current or historical, by alpha-3 code, for "
    "a country picker or a lookup table; `state` says which are the 197 states treaties are "
    "open to. With `treaty`, each row carries its `status` toward it on `as_of` (default: today "
    "in UTC), null for an area that is not a state unless a record of its own gives one; "
    "`status` filters on it and needs `treaty`. Paged JSON, or CSV (`format=csv` or `Accept: "
    "text/csv`; without `limit`, the whole list).",
)
def list_countries(
    request: Request,
    session: DbSession,
    listing: Listing,
    today: Today,
    q: Annotated[
        str | None,
        Query(
            description="Name or code search, folded as `{country}` is (case, accents, width, "
            "punctuation, spaces and a leading 'The' ignored).",
            max_length=100,
        ),
    ] = None,
    un_member: Annotated[
        bool | None, Query(description="Only UN members (true) or non-members.")
    ] = None,
    state: Annotated[
        bool | None,
        Query(
            description="Only the 197 states (true: UN members, observer states, Cook Islands, "
            "Niue) or only the other areas (false: territories, Antarctica, historical codes)."
        ),
    ] = None,
    historical: Annotated[
        bool | None, Query(description="Only historical codes (true) or current.")
    ] = None,
    treaty: TreatyFilter = None,
    status: TreatyStatusList = None,
    as_of: AsOf = None,
    region: RegionFilter = None,
    subregion: SubregionFilter = None,
) -> Response:
    """Countries, filtered by name, UN membership, M49 region and status toward a treaty."""
    found = treaties.resolve_treaty(session, treaty) if treaty else None
    if status and found is None:
        raise_needs_treaty()
    where = regions.region_filter(session, region, subregion)
    on = as_of or today

    def fetch(window: Window) -> respond.Fetched:
        return countries.list_countries(
            session,
            window,
            q=q,
            un_member=un_member,
            state=state,
            historical=historical,
            treaty=found,
            statuses=status,
            as_of=on,
            where=where,
        )

    return respond.listed(request, listing, CountryListItem, fetch, (str,))


def raise_needs_treaty() -> None:
    """`status` only makes sense toward a treaty."""
    from app.errors import ProblemError

    raise ProblemError(
        422,
        "Invalid parameter",
        "status: filtering by status needs a treaty (add treaty=…)",
        kind="invalid-parameter",
        parameter="status",
    )


@router.get(
    "/{country}",
    response_model=CountryDetail,
    description="Finds a country by alpha-3, alpha-2 or numeric code or by any name it is known "
    "by (case, accents and punctuation ignored), e.g. to turn what a user typed into its code. "
    "Returns its ISO 3166-1 codes, every name, the UN member and observer flags, the `state` "
    "flag and its UN M49 regions, with their sources. An unknown country is a 404 problem with "
    "close matches in `suggestions`.",
)
def get_country(country: CountryKey, session: DbSession) -> Response:
    """One country: its codes, names and UN membership."""
    found = countries.resolve_country(session, country)
    return respond.one(countries.country_detail(session, found))


@router.get(
    "/{country}/profile",
    response_model=Profile,
    description="One document, not paged, with everything a country page or dashboard shows: the "
    "status toward every treaty on `as_of` (default: today in UTC) with the actions, statements, "
    "participations and positions behind it, stockpiles, practices, footnotes inline, the "
    "sources used and the `coverage` of each kind of record. Its `votes` are the votes on "
    "resolutions tied to a treaty; every vote of the country, on every subject, is at "
    "`votes_url` (`/v1/countries/{country}/votes`).",
)
def get_country_profile(
    request: Request,
    country: CountryKey,
    session: DbSession,
    model: Model,
    today: Today,
    as_of: AsOf = None,
) -> Response:
    """Everything known about one country, citations inline (the dashboard call)."""
    found = countries.resolve_country(session, country)
    votes_url = request.app.url_path_for("list_country_votes", country=found.iso3)
    return respond.one(profile.get_profile(session, model, found, as_of or today, votes_url))


@router.get(
    "/{country}/treaties",
    response_model=Page[TreatyStatusDetail],
    description="A country's status toward each treaty and protocol on `as_of` (default: today "
    "in UTC), one row per treaty by slug, for a country's treaty table: the actions up to that "
    "date (`actions`) and after it (`later_actions`), status statements, participations, "
    "positions and their `coverage`. Each status carries `record_as_at`, and `beyond_record: "
    "true` when `as_of` is after it. Paged JSON or CSV.",
)
def list_country_treaties(
    request: Request,
    country: CountryKey,
    session: DbSession,
    model: Model,
    listing: Listing,
    today: Today,
    as_of: AsOf = None,
) -> Response:
    """A country's status toward every treaty, with the actions and statements behind it."""
    found = countries.resolve_country(session, country)
    records = profile.CountryRecords(session, found.iso3)
    all_treaties = profile.all_treaties(session)
    on = as_of or today
    items = [
        TreatyStatusDetail(
            **dict(records.treaty_status(t, on, model.treaties[t.slug].floor)),
            country=found.iso3,
            sources=[],
        )
        for t in all_treaties
    ]
    used = list_sources(session, records.sources() | {t.source for t in all_treaties})

    def fetch(window: Window) -> respond.Fetched:
        return (*window.slice(items, lambda i: (i.treaty.slug,)), used)

    return respond.listed(request, listing, TreatyStatusDetail, fetch, (str,))


@router.get(
    "/{country}/treaties/{treaty}",
    response_model=TreatyStatusDetail,
    description="Whether a country was bound by a treaty on a date, and why: its status on "
    "`as_of` (default: today in UTC) with the dates behind it, the actions up to that date and "
    "after it, status statements, participations, positions, `coverage` and sources. "
    "`beyond_record: true` flags an `as_of` after `record_as_at`, the date the record is known "
    "up to. An unknown country or treaty is a 404 problem with close matches in `suggestions`.",
)
async def get_country_treaty(
    request: Request,
    country: CountryKey,
    treaty: TreatyKey,
    model: Model,
    today: Today,
    as_of: AsOf = None,
) -> Response:
    """A country's status toward one treaty on a date, with everything behind it."""
    iso3 = lookup.country(request, model, country)
    slug = lookup.treaty(request, model, treaty)
    return respond.one(answers.status_detail(request, model, iso3, slug, as_of or today))


@router.get(
    "/{country}/votes",
    response_model=Page[VoteOut],
    description="A country's recorded UN General Assembly votes, oldest first, for a vote "
    "history or a spreadsheet. Each row has the resolution, the vote, its source and the "
    "country's status toward the resolution's treaty on the vote date; where several sources "
    "record a vote, the row is the UN record where there is one, the others under "
    "`also_recorded` (and `conflicts` where they differ). Filters: `treaty`, `from`/`to` "
    "(inclusive), `vote`. Paged JSON, or CSV (without `limit`, the whole history).",
)
async def list_country_votes(
    request: Request,
    country: CountryKey,
    model: Model,
    listing: Listing,
    period: Between,
    treaty: TreatyFilter = None,
    vote: VoteList = None,
) -> Response:
    """A country's UNGA vote history, oldest first."""
    iso3 = lookup.country(request, model, country)
    slug = lookup.treaty(request, model, treaty) if treaty else None
    pages = readvotes.Pages(
        Reads(request),
        model,
        country=iso3,
        treaty=slug,
        since=period.since,
        until=period.until,
        vote=vote,
    )
    return await respond.alisted(request, listing, VoteOut, pages, readvotes.HISTORY)


@router.get(
    "/{country}/stockpiles",
    response_model=CoveredPage[StockpileOut],
    description="A country's stockpiles as each source reports them (an exact figure, a range "
    "or words), with their costs and footnotes. `coverage` lists the sources consulted for this "
    "country's stockpiles: an empty `data` with an empty `coverage` means no source here covers "
    "it, not that the country holds none. Paged JSON, or CSV of the rows alone.",
)
def list_country_stockpiles(
    request: Request, country: CountryKey, session: DbSession, listing: Listing
) -> Response:
    """A country's stockpiles as each source reports them, with costs, citations and coverage."""
    records = profile.CountryRecords(session, countries.resolve_country(session, country).iso3)
    rows = records.stockpiles_out()

    def fetch(window: Window) -> respond.Fetched:
        items, cursor = window.slice(rows, lambda s: (s.id,))
        return items, cursor, list_sources(session, {s.source for s in items})

    return respond.listed(
        request, listing, StockpileOut, fetch, (str,), records.coverage.stockpiles
    )


@router.get(
    "/{country}/practices",
    response_model=CoveredPage[PracticeOut],
    description="The sources' findings on whether a country used, produced, transferred, "
    "exported or stockpiled a weapon, and on mined areas and clearance, with the years covered "
    "and footnotes. `coverage` lists the sources consulted for such findings about this "
    "country: an empty `coverage` means no source here covers it, not that nothing happened. "
    "Paged JSON, or CSV of the rows alone.",
)
def list_country_practices(
    request: Request, country: CountryKey, session: DbSession, listing: Listing
) -> Response:
    """A country's use, production, transfer and export findings, with coverage."""
    records = profile.CountryRecords(session, countries.resolve_country(session, country).iso3)
    rows = records.practices_out()

    def fetch(window: Window) -> respond.Fetched:
        items, cursor = window.slice(rows, lambda p: (p.id,))
        return items, cursor, list_sources(session, {p.source for p in items})

    return respond.listed(request, listing, PracticeOut, fetch, (str,), records.coverage.practices)


@router.get(
    "/{country}/citations",
    response_model=Page[Citation],
    description="Every footnote about a country, by source and number, to check or quote the "
    "evidence: all footnotes of the sources about the country (such as its Monitor profiles) "
    "and those backing any record about it, its votes included. Paged JSON or CSV.",
)
def list_country_citations(
    request: Request, country: CountryKey, session: DbSession, listing: Listing
) -> Response:
    """Every footnote about a country: of its profiles and of every record about it."""
    found = countries.resolve_country(session, country)
    return respond.listed(
        request,
        listing,
        Citation,
        lambda window: sources.country_citations(session, found.iso3, window),
        (str, int),
    )
