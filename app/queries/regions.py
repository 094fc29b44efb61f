"""UN M49 regions: the `region=` and `subregion=` filters, and counts of statuses by region."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app import models
from app.errors import ProblemError
from app.names import fold
from app.schemas import Status
from app.vocab import StatusKind

Column = InstrumentedAttribute[str | None]


@dataclass(frozen=True)
class Level:
    """A level a parameter names: its (name, code) columns; `subregion` also takes the
    intermediate regions (e.g. "Caribbean")."""

    parameter: str
    columns: tuple[tuple[Column, Column], ...]


C = models.Country
REGION = Level("region", ((C.region, C.region_code),))
SUBREGION = Level(
    "subregion",
    ((C.subregion, C.subregion_code), (C.intermediate_region, C.intermediate_region_code)),
)
#: What `by=` groups counts by: the name and code column of each level.
GROUPINGS: dict[str, tuple[Column, Column]] = {
    "region": (C.region, C.region_code),
    "subregion": (C.subregion, C.subregion_code),
}


def _key(word: str) -> str:
    """A region named by M49 code ("150", "29") or by name (case and accents ignored)."""
    text = word.strip()
    return text.zfill(3) if text.isdigit() else fold(text)


def _choices(session: Session, level: Level) -> tuple[dict[str, str], list[str]]:
    """Every name and code of `level` (folded name or code -> code), and the allowed values."""
    keys: dict[str, str] = {}
    allowed: list[str] = []
    for name_col, code_col in level.columns:
        found = session.execute(
            select(name_col, code_col).distinct().where(code_col.is_not(None))
        ).all()
        for name, code in found:
            if name is None or code is None:
                continue
            keys[fold(name)] = keys[code] = code
            allowed.append(f"{name} ({code})")
    return keys, sorted(allowed)


def _codes(session: Session, raw: Sequence[str], level: Level) -> list[str]:
    """The codes a comma-separated list names; a 422 problem listing the allowed values."""
    keys, allowed = _choices(session, level)
    words = [w for part in raw for w in part.split(",") if w.strip()]
    unknown = [w.strip() for w in words if _key(w) not in keys]
    if unknown or not words:
        raise ProblemError(
            422,
            "Invalid parameter",
            f"{level.parameter}: {', '.join(unknown) or 'empty'} is not an M49 {level.parameter}"
            f"; allowed (name or code): {', '.join(allowed)}",
            kind="invalid-parameter",
            parameter=level.parameter,
            allowed=allowed,
        )
    return sorted({keys[_key(w)] for w in words})


def region_filter(
    session: Session, region: Sequence[str] | None, subregion: Sequence[str] | None
) -> ColumnElement[bool] | None:
    """The countries in the regions and sub-regions named (None: no filter)."""
    condition: ColumnElement[bool] | None = None
    for raw, level in ((region, REGION), (subregion, SUBREGION)):
        if raw is None:
            continue
        codes = _codes(session, raw, level)
        either = [code_col.in_(codes) for _, code_col in level.columns]
        term = either[0] if len(either) == 1 else either[0] | either[1]
        condition = term if condition is None else condition & term
    return condition


def countries_in(
    session: Session, region: Sequence[str] | None, subregion: Sequence[str] | None
) -> set[str] | None:
    """The alpha-3 codes of the countries in the regions and sub-regions named (None: all)."""
    condition = region_filter(session, region, subregion)
    if condition is None:
        return None
    return set(session.scalars(select(models.Country.iso3).where(condition)))


def count(statuses: Iterable[Status]) -> dict[StatusKind, int]:
    """Countries by status, every status listed (0 where none)."""
    counted = Counter(s.status for s in statuses)
    return {kind: counted[kind] for kind in StatusKind}
