"""HTML pages: the frameable embeds and their oEmbed endpoint, the dashboard and its files."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from app.clock import Today
from app.embeds import card, oembed, pages, worldmap
from app.errors import ProblemError, problem_responses
from app.queries import countries, profile, treaties
from app.queries.common import list_sources
from app.readmodel import answers
from app.readmodel.model import ReadModel
from app.routers.lean import LeanRoute
from app.routers.params import AsOf, CountryKey, DbSession, Model, TreatyKey

router = APIRouter(tags=["embeds"], route_class=LeanRoute)

STATIC = Path(__file__).resolve().parent.parent / "embeds" / "static"
#: The dashboard's own files, by name, with their media types.
STATIC_FILES = {
    "dashboard.js": "text/javascript; charset=utf-8",
    "dashboard.css": "text/css; charset=utf-8",
}


@router.get("/embed/treaties/{treaty}/map", response_class=HTMLResponse, include_in_schema=False)
def embed_map(
    treaty: TreatyKey, session: DbSession, model: Model, today: Today, as_of: AsOf = None
) -> str:
    """A frameable page: a treaty's world map on a date, with a date form."""
    found = treaties.resolve_treaty(session, treaty)
    on = as_of or today
    rows, areas, used = answers.map_rows(session, model, found.slug, on)
    placed = [(country, status.status) for country, status in rows]
    sources = list_sources(session, used)
    picture = worldmap.render(
        found.short_name, placed, on, sources, territories=areas, legend_text=False
    )
    counts = Counter(status for _, status in placed)
    source = worldmap.notes_line(sources, on)
    return pages.map_page(found.slug, found.short_name, on, picture, counts, source)


@router.get("/embed/countries/{country}", response_class=HTMLResponse, include_in_schema=False)
def embed_country(
    country: CountryKey, session: DbSession, model: Model, today: Today, as_of: AsOf = None
) -> str:
    """A frameable page: a country's status toward each instrument, with its date and source."""
    found = countries.resolve_country(session, country)
    on = as_of or today
    record = f"/v1/countries/{found.iso3}/profile?as_of={on.isoformat()}"
    return pages.country_page(found.name, on, _card_rows(session, model, found.iso3, on), record)


def _card_rows(session: Session, model: ReadModel, iso3: str, on: date) -> list[card.Row]:
    """The country card's rows: each instrument in the card's order, its status and sources."""
    rows = []
    for tr in card.ordered(profile.all_treaties(session)):
        floor = model.treaties[tr.slug].floor
        status, used = treaties.country_status(session, tr, iso3, on, floor)
        rows.append(
            card.Row(card.short_name(tr), tr.short_name, status, list_sources(session, used))
        )
    return rows


@router.get(
    "/oembed",
    response_model=oembed.OEmbed,
    responses=problem_responses(400, 404, 422, 501),
    description="For a site that speaks oEmbed 1.0: the `rich` description (an iframe) of one of "
    "this server's embed pages (`/embed/treaties/{treaty}/map`, `/embed/countries/{country}`) or "
    "of a `…/map.svg` URL, which embeds as its map page. The iframe is the page's width, at most "
    "`maxwidth`, and as tall as its content at that width, at most `maxheight`; only "
    "`format=json` is offered (`xml` is a 501, as oEmbed 1.0 §2.2 says). Any other `url` is a "
    "404 problem naming `url`.",
)
def get_oembed(
    request: Request,
    session: DbSession,
    model: Model,
    today: Today,
    url: Annotated[
        str,
        Query(
            max_length=2000,
            description="An embed page or map of this server, e.g. "
            "`https://api.example.org/embed/treaties/mbt/map?as_of=2026-02-03`.",
        ),
    ],
    format: Annotated[
        Literal["json", "xml"],
        Query(description="`json`; `xml` is not implemented (a 501)."),
    ] = "json",
    maxwidth: Annotated[int | None, Query(ge=1, description="Widest the iframe may be.")] = None,
    maxheight: Annotated[int | None, Query(ge=1, description="Tallest it may be.")] = None,
) -> oembed.OEmbed:
    """The oEmbed 1.0 description (an iframe) of an embed page or map of this server."""
    if format != "json":
        raise ProblemError(
            501,
            "Not implemented",
            f"format: {format!r} is not implemented; use json",
            kind="not-implemented",
            parameter="format",
        )
    base = str(request.base_url)
    found = oembed.target(url, base)
    if found is None:
        raise ProblemError(
            404,
            "Not embeddable",
            f"{url!r} is not an embed page or map of this server",
            kind="not-found",
            parameter="url",
        )
    if found.kind == "map":
        tr = treaties.resolve_treaty(session, found.key, parameter="url")
        when = found.as_of.isoformat() if found.as_of else "today"
        title = f"{tr.short_name}: status of every state on {when}"
        sources = list_sources(session, [tr.source])
        fit = oembed.map_fit(tr.short_name, sources, found.as_of or today)
        found = oembed.Target("map", tr.slug, found.as_of)
    else:
        country = countries.resolve_country(session, found.key, parameter="url")
        title = f"{country.name}: treaty status"
        rows = _card_rows(session, model, country.iso3, found.as_of or today)
        fit = oembed.card_fit(country.name, [(r.name, card.phrase(r.status)) for r in rows])
        found = oembed.Target("country", country.iso3, found.as_of)
    width, height = oembed.size(found.kind, maxwidth, maxheight, fit)
    return oembed.rich(found, base, title, width, height)


@router.get("/dashboard", response_class=HTMLResponse, include_in_schema=False)
def dashboard(
    today: Today,
    as_of: AsOf = None,
    treaty: Annotated[str | None, Query(max_length=200)] = None,
    country: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """The dashboard page (its script reads `treaty`, `as_of` and `country` from the URL);
    its date field starts at the date shown, today in UTC by default."""
    html = (STATIC / "dashboard.html").read_text(encoding="utf-8")
    return HTMLResponse(html.replace("{as_of}", (as_of or today).isoformat()))


@router.get("/static/{name}", include_in_schema=False)
def static_file(name: str) -> Response:
    """One of the dashboard's own files."""
    media = STATIC_FILES.get(name)
    if media is None:
        raise ProblemError(
            404, "Not found", f"no file {name!r}", kind="not-found", parameter="name"
        )
    return Response((STATIC / name).read_bytes(), media_type=media)
