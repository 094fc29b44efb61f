"""The vote table: every member's vote on every resolution, filtered."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import WithJsonSchema

from app import respond
from app.paging import Page, Window
from app.queries import countries, regions, treaties
from app.readmodel import votes as readvotes
from app.routers.lean import LeanRoute
from app.routers.params import (
    Between,
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

#: At least one code or name: not empty, not only commas and spaces (no NUL).
_NAMES = WithJsonSchema(
    {"type": "string", "maxLength": 1000, "pattern": "^[^\\u0000]*[^,\\s\\u0000][^\\u0000]*$"}
)
CountryList = Annotated[
    Annotated[str, _NAMES] | None,
    Query(
        description="Countries to keep: alpha-3, alpha-2 or numeric codes or names, "
        "comma-separated.",
        examples=["USA,RUS,CHN"],
        max_length=1000,
    ),
]


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
