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


@router.get("/{treaty}/counts", response_model=TreatyCounts)
def get_counts(
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
