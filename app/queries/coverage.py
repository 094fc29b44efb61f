"""Coverage: which sources were consulted for a country and a kind of curated record.

An empty list answers "no source here covers it", which is not "the country has none". A
source is consulted for a country and a kind when (a) it is about the country (its `country`,
e.g. a Monitor country profile: it covers every curated kind), or (b) it is the source of a
record of that kind about the country.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import String, literal, or_, select, union
from sqlalchemy.orm import Session

from app import models
from app.queries.common import pick
from app.schemas import CountryCoverage, CoverageSource

#: The curated kinds of record, as the `CountryCoverage` fields name them.
KINDS: dict[str, type[models.Base]] = {
    "statements": models.StatusStatement,
    "participations": models.Participation,
    "positions": models.Position,
    "stockpiles": models.Stockpile,
    "practices": models.Practice,
}


def country_coverage(session: Session, iso3: str) -> CountryCoverage:
    """The sources consulted for a country, per kind of curated record (one SQL statement)."""
    used = union(
        *(
            select(
                literal(kind, String).label("kind"),
                model.source.label("source"),  # type: ignore[attr-defined]
            ).where(model.country == iso3)  # type: ignore[attr-defined]
            for kind, model in KINDS.items()
        )
    ).subquery()
    rows = session.execute(
        select(models.Source, used.c.kind)
        .outerjoin(used, used.c.source == models.Source.id)
        .where(or_(models.Source.country == iso3, used.c.source.is_not(None)))
    )
    found: dict[str, dict[str, CoverageSource]] = defaultdict(dict)
    for source, kind in rows:
        out = CoverageSource.model_validate(pick(CoverageSource, source))
        for each in KINDS if source.country == iso3 else [kind]:
            found[each][source.id] = out
    return CountryCoverage(
        **{kind: [found[kind][i] for i in sorted(found[kind])] for kind in KINDS}
    )
