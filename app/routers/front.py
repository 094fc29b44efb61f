"""The front page: what the service is, the conventions' counts today, links to the rest."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.clock import Today
from app.embeds import front
from app.queries import countries, counts, treaties
from app.readmodel import answers
from app.routers.lean import LeanRoute
from app.routers.params import AsOf, DbSession, Model

router = APIRouter(tags=["embeds"], route_class=LeanRoute)

#: The conventions the page counts, in the order shown (their protocols are in the API).
CONVENTIONS = ("mbt", "ccm", "ccw")
#: The country whose card the page links to as an embed example.
EXAMPLE_COUNTRY = "KGZ"


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def get_front_page(
    request: Request, session: DbSession, model: Model, today: Today, as_of: AsOf = None
) -> Response:
    """The front page: the conventions' counts on a date (default: today), and where to go."""
    on = as_of or today
    shown = []
    for slug in CONVENTIONS:
        found = treaties.resolve_treaty(session, slug)
        rows, used = answers.statuses_on(session, model, found.slug, on)
        known = model.treaties[found.slug].record_as_at
        counted = counts.treaty_counts(session, found, on, rows, used, known)
        shown.append(front.Convention(found.slug, found.short_name, counted))
    country = countries.resolve_country(session, EXAMPLE_COUNTRY)
    example = front.Example(country.iso3, country.name)
    return HTMLResponse(front.front_page(request.app.title, on, as_of, shown, example))
