"""Pictures to embed: a treaty's world map and timeline chart, a country's status badge."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from app.analytics.answers import SCORES, Measure, Pairs
from app.analytics.store import matrix_of
from app.clock import Today
from app.embeds import badge, heatmap, timechart, worldmap
from app.errors import ProblemError
from app.queries import countries, treaties
from app.queries.common import list_sources
from app.readmodel import answers, lookup
from app.readmodel.model import ReadModel
from app.routers.lean import LeanRoute
from app.routers.params import (
    COUNTRY_WORDS,
    AsOf,
    Between,
    CountryKey,
    DbSession,
    Model,
    Names,
    TreatyFilter,
    TreatyKey,
    country_list,
)
from app.schemas import SourceOut
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


def svg_doc(example: str) -> dict[int | str, dict[str, Any]]:
    """The document's 200 of an SVG picture, with an example."""
    schema = {"type": "string", "description": "An SVG document.", "examples": [example]}
    return {200: {"content": {SVG: {"schema": schema}}}}


SVG_DOC = svg_doc(SVG_EXAMPLE)


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


HeatCountries = Annotated[
    Names,
    country_list(
        f"The states to draw (required): {COUNTRY_WORDS}. A name that matches no country is a "
        "422 `unknown-reference` naming it; fewer than two different states, a 422 "
        f"`too-few-states`; more than {heatmap.MAX_STATES}, a 422 `too-many-states`."
    ),
]
HEAT_EXAMPLE = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="960" height="286" role="img" '
    'aria-labelledby="title desc" data-measure="agree"><title id="title">Voting agreement of 2 '
    "states in UN General Assembly votes: all recorded resolutions, all dates (42 resolutions)"
    '</title>…<rect x="98.87" y="80.87" width="59.00" height="59.00" fill="#53B1E7" '
    'data-a="CAN" data-b="USA" '
    'data-value="0.5119047619047619" data-votes="42"><title>CAN and USA: agree 0.512 over 42 '
    "votes</title></rect>…</svg>"
)
HEAT_DOC = svg_doc(HEAT_EXAMPLE)


def _states(request: Request, model: ReadModel, names: str | None) -> list[str]:
    """The different states `names` names, by alpha-3: two to `heatmap.MAX_STATES`."""
    found = sorted(lookup.countries(request, model, names or "", "countries"))
    if 2 <= len(found) <= heatmap.MAX_STATES:
        return found
    few = len(found) < 2
    raise ProblemError(
        422,
        "Invalid parameter",
        f"countries: {names!r} names {len(found)} different state{'s' if len(found) != 1 else ''}; "
        f"a heat map draws 2 to {heatmap.MAX_STATES}",
        kind="too-few-states" if few else "too-many-states",
        parameter="countries",
    )


@router.get(
    "/v1/agreement.svg",
    response_class=SVGResponse,
    responses=HEAT_DOC,
    description="A heat map to put in a page as an `<img>`: the square matrix of one `measure` "
    f"of `/v1/agreement` for 2 to {heatmap.MAX_STATES} states (rows and columns by alpha-3; the "
    "diagonal, a state with itself), each cell coloured from 0 to 1 and hatched where nothing "
    "is counted, with its `<title>` and `data-a`, `data-b`, `data-value`, `data-votes`; a "
    "title naming the measure, treaty and period, the scale and a source line. `treaty`, "
    "`from` and `to` as in `/v1/agreement`; `width` sets the size. Errors are JSON problems.",
)
def get_agreement_heatmap(
    request: Request,
    countries: HeatCountries,
    session: DbSession,
    model: Model,
    period: Between,
    treaty: TreatyFilter = None,
    measure: Annotated[
        Measure, Query(description="`agree` (Voeten) or `coincidence` (State Department).")
    ] = "agree",
    width: Width = worldmap.DEFAULT_WIDTH,
) -> Response:
    """A heat map of how alike states vote, as SVG."""
    isos = _states(request, model, countries)
    found = treaties.resolve_treaty(session, treaty) if treaty else None
    m = matrix_of(request, model)
    cols = m.columns(found.slug if found else None, period.since, period.until)
    pairs = Pairs(m, isos, cols)
    counted = pairs.values[SCORES.index("votes" if measure == "agree" else "votes_yes_no")]
    square = heatmap.Square(
        isos,
        pairs.square(measure),
        counted,
        measure,
        found.short_name if found else None,
        period.since,
        period.until,
        len(cols),
    )
    sources = [SourceOut.model_validate(s) for s in model.source_list(m.sources_used(isos, cols))]
    return SVGResponse(heatmap.render(square, sources, width))


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
