"""HTML pages: the frameable embeds and their oEmbed endpoint, the dashboard and its files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from app.clock import Today
from app.embeds import badge, oembed, pages, worldmap
from app.errors import ProblemError, problem_responses
from app.queries import countries, profile, treaties
from app.queries.common import list_sources
from app.readmodel import answers
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
    picture = worldmap.render(
        found.short_name, placed, on, list_sources(session, used), territories=areas
    )
    return pages.map_page(found.slug, found.short_name, on, picture)


@router.get("/embed/countries/{country}", response_class=HTMLResponse, include_in_schema=False)
def embed_country(
    country: CountryKey, session: DbSession, model: Model, today: Today, as_of: AsOf = None
) -> str:
    """A frameable page: a country's status toward each instrument, with badges and sources."""
    found = countries.resolve_country(session, country)
    on = as_of or today
    rows = []
    for tr in profile.all_treaties(session):
        floor = model.treaties[tr.slug].floor
        status, used = treaties.country_status(session, tr, found.iso3, on, floor)
        picture = badge.render(tr.short_name, status.status)
        rows.append(pages.Row(tr.short_name, status, picture, list_sources(session, used)))
    return pages.country_page(found.name, on, rows)


@router.get(
    "/oembed",
    response_model=oembed.OEmbed,
    responses=problem_responses(400, 404, 422),
    description="For a site that speaks oEmbed 1.0: the `rich` description (an iframe) of one of "
    "this server's embed pages (`/embed/treaties/{treaty}/map`, `/embed/countries/{country}`) or "
    "of a `…/map.svg` URL, which embeds as its map page. `maxwidth`/`maxheight` scale the iframe "
    "down; only `format=json` is offered. Any other `url` is a 404 problem naming `url`.",
)
def get_oembed(
    request: Request,
    session: DbSession,
    url: Annotated[
        str,
        Query(
            max_length=2000,
            description="An embed page or map of this server, e.g. "
            "`https://api.example.org/embed/treaties/mbt/map?as_of=2026-02-03`.",
        ),
    ],
    format: Annotated[
        Literal["json"],
        Query(description="Only `json` (any other, `xml` included, is a 422)."),
    ] = "json",
    maxwidth: Annotated[int | None, Query(ge=1, description="Widest the iframe may be.")] = None,
    maxheight: Annotated[int | None, Query(ge=1, description="Tallest it may be.")] = None,
) -> oembed.OEmbed:
    """The oEmbed 1.0 description (an iframe) of an embed page or map of this server."""
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
        found = oembed.Target("map", tr.slug, found.as_of)
    else:
        country = countries.resolve_country(session, found.key, parameter="url")
        title = f"{country.name}: treaty status"
        found = oembed.Target("country", country.iso3, found.as_of)
    width, height = oembed.size(found.kind, maxwidth, maxheight)
    return oembed.rich(found, base, title, width, height)


@router.get("/dashboard", response_class=HTMLResponse, include_in_schema=False)
def dashboard(
    as_of: AsOf = None,
    treaty: Annotated[str | None, Query(max_length=200)] = None,
    country: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """The dashboard page (its script reads `treaty`, `as_of` and `country` from the URL)."""
    return HTMLResponse((STATIC / "dashboard.html").read_text(encoding="utf-8"))


@router.get("/static/{name}", include_in_schema=False)
def static_file(name: str) -> Response:
    """One of the dashboard's own files."""
    media = STATIC_FILES.get(name)
    if media is None:
        raise ProblemError(
            404, "Not found", f"no file {name!r}", kind="not-found", parameter="name"
        )
    return Response((STATIC / name).read_bytes(), media_type=media)
