"""Pictures to embed: a treaty's world map and timeline chart, a country's status badge."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlalchemy.orm import Session

from app.clock import Today
from app.embeds import badge, timechart, worldmap
from app.queries import countries, treaties
from app.queries.common import list_sources
from app.readmodel import answers
from app.routers.lean import LeanRoute
from app.routers.params import AsOf, Between, CountryKey, DbSession, Model, TreatyKey
from app.vocab import StatusKind

router = APIRouter(tags=["embeds"], route_class=LeanRoute)

SVG = "image/svg+xml"


class SVGResponse(Response):
    """An SVG document."""

    media_type = SVG


Width = Annotated[
    int,
    Query(
        ge=worldmap.MIN_WIDTH,
        le=worldmap.MAX_WIDTH,
        description=f"Width in pixels ({worldmap.MIN_WIDTH} to {worldmap.MAX_WIDTH}); the "
        "height follows.",
        examples=[worldmap.DEFAULT_WIDTH],
    ),
]
SVG_EXAMPLE = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="960" height="586" role="img" '
    'aria-labelledby="title desc"><title id="title">Mine Ban Treaty: status of every state on '
    '2026-02-03</title>…<path data-iso3="FRA" data-status="state_party" d="…" fill="#0072B2">'
    "<title>France — state party</title></path>…</svg>"
)
SVG_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            SVG: {
                "schema": {
                    "type": "string",
                    "description": "An SVG document.",
                    "examples": [SVG_EXAMPLE],
                }
            }
        }
    }
}


@router.get(
    "/v1/treaties/{treaty}/map.svg",
    response_class=SVGResponse,
    responses=SVG_DOC,
    description="A map to put in a page as an `<img>`: each of the 197 states coloured by its "
    "status toward a treaty on `as_of` (default: today in UTC), in the Equal Earth projection, "
    "with a legend of counts and a source line; small states are dots and territories are "
    "hatched grey, outside the legend. Each shape carries `data-iso3` and `data-status`, the root "
    "`data-record-as-at`; `width` sets the size. Errors are JSON problems.",
)
def get_treaty_map(
    treaty: TreatyKey,
    session: DbSession,
    model: Model,
    today: Today,
    as_of: AsOf = None,
    width: Width = worldmap.DEFAULT_WIDTH,
) -> Response:
    """A world map of every state's status toward a treaty on a date, as SVG."""
    found = treaties.resolve_treaty(session, treaty)
    on = as_of or today
    rows, areas, used = answers.map_rows(session, model, found.slug, on)
    placed = [(country, status.status) for country, status in rows]
    body = worldmap.render(found.short_name, placed, on, list_sources(session, used), width, areas)
    return SVGResponse(body)


@router.get(
    "/v1/treaties/{treaty}/timeline.svg",
    response_class=SVGResponse,
    responses=SVG_DOC,
    description="A chart to put in a page as an `<img>`: one stacked bar per year (states "
    "parties, states not yet bound and signatories among the 197 states), a mark over each year "
    "in which withdrawals took effect, with axes, legend and source line. `from`/`to` choose the "
    "years (default: from the treaty's adoption to this year, whose bar is today's, UTC); "
    "`width` sets the size. Errors are JSON problems.",
)
def get_treaty_timeline_chart(
    treaty: TreatyKey,
    session: DbSession,
    model: Model,
    today: Today,
    period: Between,
    width: Width = worldmap.DEFAULT_WIDTH,
) -> Response:
    """A chart of a treaty's states parties and signatories per year, as SVG."""
    found = treaties.resolve_treaty(session, treaty)
    points, used = answers.timeline(model, found, period.since, period.until, today)
    sources = list_sources(session, used)
    return SVGResponse(timechart.render(found.short_name, points, sources, width))


BADGE = "/v1/countries/{country}/treaties/{treaty}/badge"


def _badge_status(session: Session, country: str, treaty: str, on: date) -> tuple[str, StatusKind]:
    """The treaty's short name and the country's status toward it on `on`."""
    found = countries.resolve_country(session, country)
    tr = treaties.resolve_treaty(session, treaty)
    status, _ = treaties.country_status(session, tr, found.iso3, on, None)  # the word only
    return tr.short_name, status.status


@router.get(
    BADGE + ".svg",
    response_class=SVGResponse,
    responses=SVG_DOC,
    description="A flat, shields-style badge for a README or a page (`<img>`): the treaty's short "
    "name and the country's status toward it on `as_of` (default: today in UTC, so a badge "
    "without `as_of` follows the status). An unknown country or treaty is a 404 problem.",
)
def get_status_badge(
    country: CountryKey, treaty: TreatyKey, session: DbSession, today: Today, as_of: AsOf = None
) -> Response:
    """A badge of a country's status toward a treaty on a date, as SVG."""
    return SVGResponse(badge.render(*_badge_status(session, country, treaty, as_of or today)))


@router.get(
    BADGE + ".json",
    response_model=badge.ShieldsEndpoint,
    description="The same status in the shields.io endpoint-badge schema, for shields.io to "
    "draw: give this URL to `https://img.shields.io/endpoint?url=…`. `as_of` defaults to today "
    "in UTC; an unknown country or treaty is a 404 problem.",
)
def get_status_badge_json(
    country: CountryKey, treaty: TreatyKey, session: DbSession, today: Today, as_of: AsOf = None
) -> Response:
    """A country's status toward a treaty on a date for a shields.io endpoint badge."""
    shown = badge.endpoint(*_badge_status(session, country, treaty, as_of or today))
    return Response(shown.model_dump_json(by_alias=True), media_type="application/json")
