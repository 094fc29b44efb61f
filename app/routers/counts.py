"""Treaty counts: how many countries have each status on a date, in all and by M49 region."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from app import respond
from app.clock import Today
from app.queries import counts, regions, treaties
from app.readmodel import answers
from app.routers.lean import LeanRoute
from app.routers.params import AsOf, DbSession, Model, RegionFilter, SubregionFilter, TreatyKey
from app.schemas import TreatyCounts

router = APIRouter(prefix="/v1/treaties", tags=["treaties"], route_class=LeanRoute)

By = Annotated[
    Literal["region", "subregion"] | None,
    Query(
        description="Also count by M49 region or sub-region (every state has both).",
        examples=["region"],
    ),
]


@router.get(
    "/{treaty}/counts",
    response_model=TreatyCounts,
    description="How many of the 197 states have each status toward a treaty on `as_of` "
    "(default: today in UTC), every status listed (0 where none), over the same states as "
    "`/members`: the figures for a headline or a table. `by=region` or `by=subregion` adds the "
    "same counts per M49 group in `groups`, which sum to `counts`; `region` and `subregion` "
    "narrow the states counted. `record_as_at`, `as_known_on` and `beyond_record` say how far "
    "the record reaches.",
)
def get_treaty_counts(
    treaty: TreatyKey,
    session: DbSession,
    model: Model,
    today: Today,
    as_of: AsOf = None,
    by: By = None,
    region: RegionFilter = None,
    subregion: SubregionFilter = None,
) -> Response:
    """How many states have each status toward a treaty on a date, in all and by region."""
    found = treaties.resolve_treaty(session, treaty)
    where = regions.region_filter(session, region, subregion)
    on = as_of or today
    rows, used = answers.statuses_on(session, model, found.slug, on, where)
    known = model.treaties[found.slug].record_as_at
    return respond.one(
        counts.treaty_counts(session, found, on, rows, used, known, by, where is not None)
    )
