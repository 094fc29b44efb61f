"""The vote table: every member's vote on every resolution, filtered."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app import respond
from app.paging import Page, Window
from app.queries import countries, regions, treaties
from app.readmodel import votes as readvotes
from app.routers.lean import LeanRoute
from app.routers.params import (
    Between,
    CountryList,
    DbSession,
    Listing,
    Model,
    RegionFilter,
    SubregionFilter,
    TreatyFilter,
    VoteList,
)
from app.schemas import VoteOut

router = APIRouter(prefix="/v1/votes", tags=["votes"], route_class=LeanRoute)


@router.get(
    "",
    response_model=Page[VoteOut],
    description="The vote table, to compare countries or export every vote: one row per member "
    "and resolution (the UN record where there is one, other sources under `also_recorded` and, "
    "where they differ, `conflicts`), by date, symbol and country. Each row has the country "
    "(alpha-3, name, region), the resolution, the vote, its source and the voter's status toward "
    "the resolution's treaty on the vote date. Filters: `country`, `treaty`, `from`/`to` "
    "(inclusive), `vote`, `region`, `subregion`. Paged JSON, or CSV (without `limit`, every "
    "matching vote).",
)
def list_votes(
    request: Request,
    session: DbSession,
    model: Model,
    listing: Listing,
    period: Between,
    country: CountryList = None,
    treaty: TreatyFilter = None,
    vote: VoteList = None,
    region: RegionFilter = None,
    subregion: SubregionFilter = None,
) -> Response:
    """Every vote, one row per member and resolution, by date, symbol and country."""
    isos = countries.resolve_countries(session, country) if country is not None else None
    slug = treaties.resolve_treaty(session, treaty).slug if treaty else None
    where = regions.region_filter(session, region, subregion)

    def fetch(window: Window) -> respond.Fetched:
        items, cursor, used = readvotes.page(
            session.connection(),
            model,
            window,
            countries=isos,
            where=where,
            treaty=slug,
            since=period.since,
            until=period.until,
            vote=vote,
        )
        return items, cursor, model.source_list(used)

    return respond.listed(request, listing, VoteOut, fetch, readvotes.ALL)
