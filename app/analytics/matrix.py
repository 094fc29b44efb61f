"""The recorded votes as one small matrix: a code per country and resolution, built once per
data version from the votes the API shows (one per member and resolution, the UN record's
where there is one)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Select, String, select, type_coerce

from app import models
from app.db import stream_raw
from app.queries.votes import primary_vote
from app.readmodel import rawsql
from app.readmodel.model import ReadModel
from app.vocab import VoteKind

#: A cell's code: no record, then each vote. Yes, no and abstain (1 to 3) are the votes counted.
NONE = 0
CODES: dict[str, int] = {
    VoteKind.yes: 1,
    VoteKind.no: 2,
    VoteKind.abstain: 3,
    VoteKind.non_voting: 4,
}
YES, NO, ABSTAIN, NON_VOTING = (CODES[k] for k in VoteKind)
KINDS: dict[int, VoteKind] = {code: VoteKind(kind) for kind, code in CODES.items()}

Codes = npt.NDArray[np.int8]
#: A null among numpy's objects (turned into JSON null by `tolist`).
NULL = np.array(None, dtype=object)
Columns = npt.NDArray[np.intp]


@dataclass(frozen=True)
class VoteMatrix:
    """Every shown vote: `codes[i, j]` is the vote of `countries[i]` on `symbols[j]`.

    Resolutions are in date order (then by symbol), so a period is a slice of the columns.
    `source_of[i, j]` indexes `sources` (the source of the vote shown; -1 where none).
    """

    countries: list[str]
    index: dict[str, int]
    symbols: list[str]
    days: npt.NDArray[np.datetime64]
    #: The same dates as ISO text.
    day_text: npt.NDArray[np.str_]
    treaty_of: npt.NDArray[np.int16]
    treaties: list[str]
    codes: Codes
    source_of: npt.NDArray[np.int16]
    sources: list[str]

    @property
    def nbytes(self) -> int:
        """The size of its arrays in bytes."""
        arrays = (self.days, self.day_text, self.treaty_of, self.codes, self.source_of)
        return sum(a.nbytes for a in arrays)

    def columns(
        self, treaty: str | None = None, since: date | None = None, until: date | None = None
    ) -> Columns:
        """The resolutions of a treaty (or all) dated from `since` to `until` (inclusive), as
        column indexes in date order."""
        low = 0 if since is None else int(np.searchsorted(self.days, np.datetime64(since), "left"))
        high = len(self.symbols)
        if until is not None:
            high = int(np.searchsorted(self.days, np.datetime64(until), "right"))
        cols = np.arange(low, max(low, high), dtype=np.intp)
        if treaty is not None:
            wanted = self.treaties.index(treaty) if treaty in self.treaties else -2
            cols = cols[self.treaty_of[cols] == wanted]
        return cols

    def rows(self, countries: list[str], cols: Columns) -> Codes:
        """The codes of `countries` on `cols`, a row of no records for a country without votes."""
        out = np.zeros((len(countries), len(cols)), dtype=np.int8)
        for k, iso3 in enumerate(countries):
            i = self.index.get(iso3)
            if i is not None:
                out[k] = self.codes[i, cols]
        return out

    def voted(self, cols: Columns) -> list[str]:
        """The countries with a counted vote (yes, no or abstain) on `cols`, by alpha-3."""
        block = self.codes[:, cols]
        counted = ((block >= YES) & (block <= ABSTAIN)).any(axis=1)
        return [self.countries[int(i)] for i in np.flatnonzero(counted)]

    def sources_used(self, countries: list[str], cols: Columns) -> set[str]:
        """The ids of the sources of the votes of `countries` on `cols`."""
        rows = np.array([self.index[c] for c in countries if c in self.index], dtype=np.intp)
        if not len(rows) or not len(cols):
            return set()
        found = np.unique(self.source_of[np.ix_(rows, cols)])
        return {self.sources[int(s)] for s in found if s >= 0}

    def dates(self, cols: Columns, at: npt.NDArray[np.int64]) -> list[Any]:
        """The ISO dates of the columns `cols[at]`, None where `at` is -1 (any shape)."""
        text = self.day_text[cols[np.maximum(at, 0)]] if len(cols) else np.full(at.shape, "")
        found: list[Any] = np.where(at >= 0, text.astype(object), NULL).tolist()
        return found

    def day(self, col: int) -> date:
        """The date of the resolution in column `col`."""
        found: date = self.days[col].astype(date)
        return found


#: Vote rows read at a time while the matrix is built.
CHUNK = 50_000


def build(conn: Connection, model: ReadModel) -> VoteMatrix:
    """The matrix of the votes shown at the model's data version: one statement, its rows read
    a chunk at a time into the arrays (never all held as Python objects)."""
    v = models.Vote
    stmt: Select[Any] = select(  # type: ignore[assignment]
        v.resolution, v.country, v.source, type_coerce(v.vote, String)
    )
    prepared = rawsql.prepare(stmt.where(primary_vote(model.official)), conn.dialect)
    resolutions = model.resolutions
    symbols = sorted(resolutions, key=lambda s: (str(resolutions[s]["date"]), s))
    countries = sorted(model.countries)
    col_of = {s: j for j, s in enumerate(symbols)}
    index = {c: i for i, c in enumerate(countries)}
    sources: dict[str, int] = {}
    codes = np.zeros((len(countries), len(symbols)), dtype=np.int8)
    source_of = np.full(codes.shape, -1, dtype=np.int16)
    args = rawsql.arguments(prepared, {})
    for chunk in stream_raw(conn, prepared.sql, args, CHUNK):
        # a row of a resolution or country written after the model was read is left out
        kept = [r for r in chunk if r[0] in col_of and r[1] in index]
        n = len(kept)
        rows = np.fromiter((index[r[1]] for r in kept), dtype=np.intp, count=n)
        cols = np.fromiter((col_of[r[0]] for r in kept), dtype=np.intp, count=n)
        codes[rows, cols] = np.fromiter((CODES[r[3]] for r in kept), dtype=np.int8, count=n)
        found = (sources.setdefault(r[2], len(sources)) for r in kept)
        source_of[rows, cols] = np.fromiter(found, dtype=np.int16, count=n)
    voted, held = np.flatnonzero(codes.any(axis=1)), np.flatnonzero(codes.any(axis=0))
    codes, source_of = codes[np.ix_(voted, held)], source_of[np.ix_(voted, held)]
    symbols = [symbols[j] for j in held]
    countries = [countries[i] for i in voted]
    day_text = [str(resolutions[s]["date"]) for s in symbols]
    treaties = sorted({t for s in symbols if (t := resolutions[s]["treaty"]) is not None})
    treaty_index = {t: k for k, t in enumerate(treaties)}
    return VoteMatrix(
        countries=countries,
        index={c: i for i, c in enumerate(countries)},
        symbols=symbols,
        days=np.array(day_text, dtype="datetime64[D]"),
        day_text=np.array(day_text),
        treaty_of=np.array(
            [treaty_index.get(resolutions[s]["treaty"], -1) for s in symbols], dtype=np.int16
        ),
        treaties=treaties,
        codes=codes,
        source_of=source_of,
        sources=sorted(sources, key=sources.__getitem__),
    )
