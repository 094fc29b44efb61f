"""Voting analytics: how alike states vote (agreement, coincidence) and a state's vote summary."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from app import respond
from app.analytics import tables
from app.analytics.answers import Measure, partners, rank, summary
from app.analytics.schemas import Agreement, Partner, VoteSummary
from app.analytics.store import amatrix
from app.errors import ProblemError
from app.paging import Page, Window
from app.readmodel import lookup
from app.routers.lean import LeanRoute
from app.routers.params import (
    COUNTRY_WORDS,
    Between,
    CountryKey,
    Listing,
    Model,
    Names,
    TreatyFilter,
    country_list,
)

router = APIRouter(prefix="/v1", tags=["analytics"], route_class=LeanRoute)

PERIOD = (
    "A pair counts a resolution only when both states voted yes, no or abstain on it (absent "
    "and non-voting left out), among the recorded votes (one per member and resolution, the UN "
    "record's where there is one, as in /v1/votes) of the resolutions of `treaty` (default: "
    "all) dated `from` to `to` (inclusive; a year or a date)."
)
MeasureParam = Annotated[
    Measure,
    Query(
        description="`agree` (Voeten: 1 same vote, 0.5 one abstained, 0 yes against no) or "
        "`coincidence` (State Department: the share of same votes where both voted yes or no)."
    ),
]
#: What a list of states is refused for, which no schema can say.
UNKNOWN = "A name that matches no country is a 422 `unknown-reference` naming it"
PairCountries = Annotated[
    Names,
    country_list(
        f"The states to pair: {COUNTRY_WORDS}. {UNKNOWN}; a list naming fewer than two "
        "different states, a 422 `too-few-states`."
    ),
]
PartnerCountries = Annotated[
    Names,
    country_list(
        f"Only these partners: {COUNTRY_WORDS}; the state itself is left out. {UNKNOWN}; "
        "a list naming only the state itself, a 422 `too-few-states`.",
        alias="with",
    ),
]
FormatParam = Annotated[
    respond.Format | None, Query(description="`csv` for CSV (or `Accept: text/csv`).")
]
CSV_TEXT = {"schema": {"type": "string", "description": "CSV: the same fields, flattened."}}
WITH_CSV: dict[int | str, dict[str, Any]] = {200: {"content": {tables.TEXT_CSV: CSV_TEXT}}}


@router.get(
    "/agreement",
    response_model=Agreement,
    responses=WITH_CSV,
    description="How alike states vote: every unordered pair of `countries` once (`a` before "
    "`b` by alpha-3), or, without `countries`, every pair of states that both voted in the "
    f"period (the whole matrix). {PERIOD} Each pair gives the resolutions counted, those where "
    "both voted yes or no, the same and the opposite votes, `agree`, `coincidence`, and the "
    "first and last date counted; a score is null when nothing is counted. CSV (`format=csv`) "
    "is the same long table; `layout=wide` with CSV is a square matrix of one `measure` (its "
    "diagonal: a state with itself).",
)
async def get_agreement(
    request: Request,
    model: Model,
    period: Between,
    countries: PairCountries = None,
    treaty: TreatyFilter = None,
    format: FormatParam = None,
    layout: Annotated[
        Literal["long", "wide"],
        Query(
            description="CSV layout: `long`, a row per pair; `wide`, a square matrix (with "
            "JSON, a 422: it is a CSV layout)."
        ),
    ] = "long",
    measure: MeasureParam = "agree",
) -> Response:
    """Agreement and coincidence between every pair of states."""
    m = await amatrix(request, model)
    slug = lookup.treaty(request, model, treaty) if treaty else None
    cols = m.columns(slug, period.since, period.until)
    if countries is None:
        isos = m.voted(cols)
    else:
        isos = sorted(lookup.countries(request, model, countries, "countries"))
        if len(isos) < 2:
            raise _too_few("countries", f"{countries!r} names fewer than two different states")
    csv = respond.wants_csv(request, format)
    if layout == "wide" and not csv:
        raise ProblemError(
            422,
            "Invalid parameter",
            "layout: `wide` is a CSV layout; add format=csv (or Accept: text/csv)",
            kind="invalid-parameter",
            parameter="layout",
        )
    answer = tables.PairsAnswer(model, m, isos, cols, slug)
    if len(isos) <= INLINE:
        return answer.render(csv, layout, measure)
    return await run_in_threadpool(answer.render, csv, layout, measure)


#: Up to this many states, a matrix is computed on the event loop (well under a millisecond);
#: a larger one in a worker thread.
INLINE = 24


@router.get(
    "/countries/{country}/agreement",
    response_model=Page[Partner],
    description="A state's voting partners, most alike first by `measure` (null scores last, "
    "then by alpha-3): each state in `with`, or every other state that voted in the period "
    f"(none if this one did not). {PERIOD} Paged JSON, or CSV (without `limit`, every partner).",
)
async def list_country_partners(
    request: Request,
    country: CountryKey,
    model: Model,
    listing: Listing,
    period: Between,
    partners_to: PartnerCountries = None,
    treaty: TreatyFilter = None,
    measure: MeasureParam = "agree",
) -> Response:
    """A state's voting partners, most alike first."""
    iso3 = lookup.country(request, model, country)
    m = await amatrix(request, model)
    slug = lookup.treaty(request, model, treaty) if treaty else None
    cols = m.columns(slug, period.since, period.until)
    others = None
    if partners_to is not None:
        others = [c for c in lookup.countries(request, model, partners_to, "with") if c != iso3]
        if not others:
            raise _too_few("with", f"{partners_to!r} names no state but {iso3} itself")
    rows, sources = partners(model, m, iso3, others, cols, measure)

    def fetch(window: Window) -> respond.Fetched:
        items, cursor = window.slice(rows, lambda row: rank(row, measure))
        return items, cursor, sources

    return respond.listed(request, listing, Partner, fetch, (int, float, str))


@router.get(
    "/countries/{country}/votes/summary",
    response_model=VoteSummary,
    responses=WITH_CSV,
    description="A state's recorded votes on the resolutions of `treaty` (default: all) dated "
    "`from` to `to` (inclusive): counts by vote, the first and the last, and `run`, the latest "
    "unbroken run of one vote (yes, no or abstain) over those resolutions up to `to` (not cut "
    "by `from`), as the Monitor writes 'as it has every year since 2007': an absence, a non-vote "
    "or another vote breaks it. JSON, or a one-row CSV.",
)
async def get_country_vote_summary(
    request: Request,
    country: CountryKey,
    model: Model,
    period: Between,
    treaty: TreatyFilter = None,
    format: FormatParam = None,
) -> Response:
    """A state's vote counts, first and last vote, and latest run."""
    iso3 = lookup.country(request, model, country)
    m = await amatrix(request, model)
    slug = lookup.treaty(request, model, treaty) if treaty else None
    body = summary(model, m, iso3, slug, period.since, period.until)
    if respond.wants_csv(request, format):
        return tables.response("".join(tables.records(VoteSummary, [body])), "summary")
    return Response(orjson.dumps(body), media_type=respond.JSON)


def _too_few(parameter: str, why: str) -> ProblemError:
    """The problem of a list naming fewer states than a pair needs."""
    return ProblemError(
        422,
        "Invalid parameter",
        f"{parameter}: {why}; a pair needs two different states",
        kind="too-few-states",
        parameter=parameter,
    )
