"""UNGA resolution endpoints."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from app import respond
from app.errors import NotFoundError
from app.paging import Page
from app.queries import resolutions, treaties
from app.readmodel import resolution as readresolution
from app.readmodel import votes as readvotes
from app.readmodel.store import Reads, reading
from app.routers.lean import LeanRoute
from app.routers.params import DbSession, Listing, Model, TreatyFilter
from app.routers.records import record_link
from app.schemas import ResolutionDetail, ResolutionOut, VoteOut

router = APIRouter(prefix="/v1/resolutions", tags=["resolutions"], route_class=LeanRoute)


@router.get(
    "",
    response_model=Page[ResolutionOut],
    description="The UN General Assembly resolutions held, by date then symbol, each with its "
    "session, treaty, official totals and footnotes: to find a resolution's symbol, or to list a "
    "treaty's resolutions over the years. Filter by `treaty`, `session` and `year`. Paged JSON "
    "or CSV.",
)
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


#: The forms of a UNGA resolution symbol the API reads (`resolutions.normalize_symbol`).
SYMBOL_FORM = "^(?:[Aa]/[Rr][Ee][Ss]/)?(?:[Ee][Ss]-)?[0-9]{1,3}/[0-9]{1,4} ?[A-Za-z]{0,2}$"
SymbolKey = Annotated[
    str,
    Path(
        description="Symbol as `A/RES/73/61`, `73/61` or `51/45 S` (case ignored).",
        examples=["A/RES/73/61", "73/61"],
        max_length=40,
        json_schema_extra={"pattern": SYMBOL_FORM},
    ),
]


@router.get(
    "/{symbol:path}/votes",
    response_model=Page[VoteOut],
    description="A resolution's votes as a list, one row per member by alpha-3 code, each with "
    "the voter's status toward the resolution's treaty on the vote date: paged JSON, or CSV for a "
    "spreadsheet (`format=csv` or `Accept: text/csv`; without `limit`, every vote). The symbol "
    "may be written `A/RES/73/61`, `73/61` or `51/45 S`. An unknown resolution is a 404 problem.",
)
async def list_resolution_votes(
    request: Request, symbol: SymbolKey, model: Model, listing: Listing
) -> Response:
    """A resolution's votes, one row per member by country, as JSON pages or CSV."""
    wanted = resolutions.normalize_symbol(symbol)
    if wanted not in model.resolutions:  # or written after the model was read
        with reading(request) as conn:
            if not resolutions.exists(conn, wanted):
                raise NotFoundError("resolution", symbol, "symbol", [])

    pages = readvotes.Pages(Reads(request), model, symbol=wanted)
    return await respond.alisted(request, listing, VoteOut, pages, readvotes.ALL)


@router.get(
    "/{symbol:path}",
    response_model=ResolutionDetail,
    responses=record_link("resolutions", "$response.body#/symbol"),
    description="Everything about one resolution in one JSON document (not paged, no CSV): the "
    "official totals, `tally` counted from the stored votes (`tally_matches` says whether they "
    "agree), the same counts by the voters' status toward the treaty on the vote date "
    "(`tally_by_status`) and by M49 region (`tally_by_region`), and every vote with the voter's "
    "status. For the votes as pages or CSV, use `/v1/resolutions/{symbol}/votes`; an unknown "
    "resolution is a 404 problem.",
)
async def get_resolution(request: Request, symbol: SymbolKey, model: Model) -> Response:
    """A resolution: official and counted totals, and every vote with the voter's treaty status."""
    wanted = resolutions.normalize_symbol(symbol)
    return respond.one(await readresolution.detail(Reads(request), model, wanted, symbol))
