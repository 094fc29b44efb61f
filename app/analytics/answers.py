"""The analytics' answers from the vote matrix: pairs, a state's partners, a state's summary."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, Literal

import numpy as np

from app.analytics.matrix import ABSTAIN, KINDS, NONE, NULL, YES, Columns, VoteMatrix
from app.analytics.scores import Floats, Table, compare
from app.readmodel.model import ReadModel

Measure = Literal["agree", "coincidence"]
#: The score fields of a pair, in the order of `Scores`.
SCORES = (
    "votes",
    "votes_yes_no",
    "same",
    "opposite",
    "agree",
    "coincidence",
    "first_date",
    "last_date",
)


def _nulls(scores: Floats) -> list[Any]:
    """Scores as nested lists, null where nothing was counted (NaN)."""
    found: list[Any] = np.where(np.isnan(scores), NULL, scores.astype(object)).tolist()
    return found


def _columns(m: VoteMatrix, table: Table, cols: Columns) -> list[list[list[Any]]]:
    """Each score of the table as nested lists (`SCORES` order), scores and dates null where
    nothing is counted."""
    counts = [x.tolist() for x in (table.votes, table.votes_yes_no, table.same, table.opposite)]
    scores = [_nulls(x) for x in (table.agree, table.coincidence)]
    return [*counts, *scores, m.dates(cols, table.first), m.dates(cols, table.last)]


class Pairs:
    """Every unordered pair of `countries` (sorted alpha-3) over the columns `cols`."""

    def __init__(self, m: VoteMatrix, countries: list[str], cols: Columns) -> None:
        self.countries, self.cols = countries, cols
        block = m.rows(countries, cols)
        self.table = compare(block, block)
        self.values = _columns(m, self.table, cols)

    def rows(self) -> Iterator[list[Any]]:
        """Each pair as `a`, `b` and its scores, by `a`, then `b`."""
        names, values = self.countries, self.values
        for i, a in enumerate(names):
            for j in range(i + 1, len(names)):
                yield [a, names[j], *(v[i][j] for v in values)]

    def dicts(self) -> list[dict[str, Any]]:
        """Each pair in its JSON form."""
        keys = ("a", "b", *SCORES)
        return [dict(zip(keys, row, strict=True)) for row in self.rows()]

    def square(self, measure: Measure) -> list[list[float | None]]:
        """One measure for every ordered pair, the diagonal too: a row per country."""
        found = self.table.agree if measure == "agree" else self.table.coincidence
        return _nulls(found)


def partners(
    model: ReadModel,
    m: VoteMatrix,
    iso3: str,
    others: list[str] | None,
    cols: Columns,
    measure: Measure,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """`iso3`'s scores with each of `others` (None: every other state that voted on `cols`,
    none if `iso3` did not) as `Partner` JSON, highest `measure` first (nulls last), then by
    alpha-3; and the sources of these states' votes on `cols`."""
    if others is None:
        voters = m.voted(cols)
        others = [c for c in voters if c != iso3] if iso3 in voters else []
    values = _columns(m, compare(m.rows([iso3], cols), m.rows(others, cols)), cols)
    found = [
        {
            "country": other,
            "name": model.voters[other]["name"],
            **dict(zip(SCORES, (v[0][j] for v in values), strict=True)),
        }
        for j, other in enumerate(others)
    ]
    found.sort(key=lambda row: rank(row, measure))
    return found, model.source_list(m.sources_used([iso3, *others], cols))


def rank(row: dict[str, Any], measure: Measure) -> tuple[int, float, str]:
    """A partner's place: scored before unscored, higher first, then by alpha-3."""
    value = row[measure]
    return (1, 0.0, row["country"]) if value is None else (0, -value, row["country"])


def _vote_at(m: VoteMatrix, col: int, code: int) -> dict[str, Any]:
    """A vote (its code) on the resolution in column `col`."""
    return {"symbol": m.symbols[col], "date": m.day(col), "vote": KINDS[code]}


def summary(
    model: ReadModel,
    m: VoteMatrix,
    iso3: str,
    treaty: str | None,
    since: date | None,
    until: date | None,
) -> dict[str, Any]:
    """A state's recorded votes in the period as `VoteSummary` JSON: counts by vote, first,
    last, its latest run up to `until` (see `run`), the sources."""
    cols = m.columns(treaty, since, until)
    row = m.rows([iso3], cols)[0]
    counts = {kind.value: int((row == code).sum()) for code, kind in KINDS.items()}
    recorded = np.flatnonzero(row != NONE)
    first = last = None
    if len(recorded):
        first = _vote_at(m, int(cols[recorded[0]]), int(row[recorded[0]]))
        last = _vote_at(m, int(cols[recorded[-1]]), int(row[recorded[-1]]))
    return {
        "country": iso3,
        "name": model.voters[iso3]["name"],
        "treaty": treaty,
        "resolutions": len(cols),
        "counts": counts,
        "first": first,
        "last": last,
        "run": run(m, iso3, m.columns(treaty, None, until)),
        "sources": model.source_list(m.sources_used([iso3], cols)),
    }


def run(m: VoteMatrix, iso3: str, cols: Columns) -> dict[str, Any] | None:
    """The latest unbroken run of one vote (yes, no or abstain) over the columns: it ends at
    the state's last such vote and goes back while each resolution has the same vote."""
    row = m.rows([iso3], cols)[0]
    counted = np.flatnonzero((row >= YES) & (row <= ABSTAIN))
    if not len(counted):
        return None
    end = int(counted[-1])
    code = row[end]
    other = np.flatnonzero(row[:end] != code)
    start = int(other[-1]) + 1 if len(other) else 0
    return {
        "vote": KINDS[int(code)],
        "since": m.day(int(cols[start])),
        "until": m.day(int(cols[end])),
        "resolutions": end - start + 1,
        "first_symbol": m.symbols[int(cols[start])],
        "last_symbol": m.symbols[int(cols[end])],
        "current": end == len(cols) - 1,
    }
