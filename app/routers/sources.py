"""Sources and citations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from app import respond
from app.paging import Page, Window
from app.queries import sources
from app.routers.lean import LeanRoute
from app.routers.params import DbSession, Listing
from app.routers.records import record_link
from app.schemas import CitationDetail, SourceDetail, SourceOut

router = APIRouter(prefix="/v1", tags=["sources"], route_class=LeanRoute)


@router.get(
    "/sources",
    response_model=Page[SourceOut],
    description="Every document the records come from (Monitor country profiles, UN documents "
    "and data files, UN Treaty Collection status pages, reference works), by id, with its "
    "publisher, dates, licence and number of footnotes: what to cite and credit when reusing "
    "the data. Paged JSON or CSV.",
)
def list_sources(request: Request, session: DbSession, listing: Listing) -> Response:
    """Every source records come from: profiles, UN data files, UNTC pages."""

    def fetch(window: Window) -> respond.Fetched:
        items, cursor = sources.page_sources(session, window)
        return items, cursor, items

    return respond.listed(request, listing, SourceOut, fetch, (str,))


@router.get(
    "/sources/{source}",
    response_model=SourceDetail,
    responses=record_link("sources", "$response.body#/id"),
    description="One source by id (as named in any record's `source`): the document's title, "
    "publisher, dates and licence, an imported file's checksum and row count, and every "
    "footnote in number order. An unknown id is a 404 problem.",
)
def get_source(
    source: Annotated[
        str, Path(description="Source id.", examples=["monitor-kgz-mine-ban-policy-2019"])
    ],
    session: DbSession,
) -> Response:
    """One source and all its footnotes."""
    return respond.one(sources.get_source(session, source))


@router.get(
    "/citations/{citation}",
    response_model=CitationDetail,
    description="One footnote by id (`{source}:{number}`), to trace facts to their evidence: "
    "its text and parts, its source, and the records it backs (`record_type`, `record_id`). An "
    "unknown id is a 404 problem.",
)
def get_citation(
    citation: Annotated[
        str,
        Path(
            description='Citation id "{source}:{number}".',
            examples=["monitor-kgz-mine-ban-policy-2019:7"],
        ),
    ],
    session: DbSession,
) -> Response:
    """One footnote, its source and the records it supports."""
    return respond.one(sources.get_citation(session, citation))
