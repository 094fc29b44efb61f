"""Counts of countries by status toward a treaty on a date, in all and by M49 region."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy.orm import Session

from app import models
from app.importers.m49 import SOURCE_ID
from app.queries.common import list_sources
from app.queries.regions import GROUPINGS, count
from app.schemas import RegionCounts, Status, SubregionCounts, TreatyCounts


def treaty_counts(
    session: Session,
    treaty: models.Treaty,
    as_of: date,
    found: list[tuple[models.Country, Status]],
    used: set[str],
    known: date | None,
    by: str | None = None,
    regional: bool = False,
) -> TreatyCounts:
    """The statuses `found` counted (the states of the members list on `as_of`, from `used`
    sources, the record `known` up to that date); with `by`, also per region or sub-region
    (`regional`: filtered by one)."""
    if by is not None or regional:
        used = used | {SOURCE_ID}
    beyond = known is not None and as_of > known
    return TreatyCounts(
        treaty=treaty.slug,
        as_of=as_of,
        record_as_at=known,
        as_known_on=known if beyond else None,
        beyond_record=beyond,
        counts=count(s for _, s in found),
        groups=None if by is None else _groups(by, found),
        sources=list_sources(session, used),
    )


def _groups(
    by: str, found: list[tuple[models.Country, Status]]
) -> list[RegionCounts] | list[SubregionCounts]:
    """Counts per region or sub-region by name; the countries without one (e.g. ATA) last, in
    a group whose name and code are null."""
    name_col, code_col = GROUPINGS[by]
    grouped: dict[tuple[str | None, str | None], list[Status]] = defaultdict(list)
    for country, status in found:
        grouped[(getattr(country, name_col.key), getattr(country, code_col.key))].append(status)
    keys = sorted(grouped, key=lambda k: (k[1] is None, k[0] or ""))
    if by == "region":
        return [RegionCounts(region=n, region_code=c, counts=count(grouped[n, c])) for n, c in keys]
    return [
        SubregionCounts(subregion=n, subregion_code=c, counts=count(grouped[n, c])) for n, c in keys
    ]
