"""A resolution with every member's vote and status on the vote date: two statements."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Dialect, Select, String, bindparam, select

from app import models
from app.errors import NotFoundError
from app.readmodel import rawsql
from app.readmodel.model import ReadModel
from app.schemas import ResolutionOut
from app.vocab import StatusKind, VoteKind

if TYPE_CHECKING:
    from app.readmodel.store import Reads

V, R = models.Vote, models.Resolution
STATUS_ORDER = {kind.value: i for i, kind in enumerate(StatusKind)}


async def detail(reads: Reads, model: ReadModel, symbol: str, key: str) -> dict[str, Any]:
    """`ResolutionDetail` JSON of the resolution `symbol` (normalized; `key` as asked)."""
    own, votes_sql = model.remember(
        ("resolution", reads.dialect.name), lambda: _prepared(reads.dialect)
    )
    held = model.memo.get(("own", symbol))  # its own facts, read once per version
    if held is None:
        rows_of_own = await reads.rows(own, {"symbol": symbol})
        if not rows_of_own:
            raise NotFoundError("resolution", key, "symbol", [])
        held = model.remember(("own", symbol), lambda: _own(model, symbol, rows_of_own[0]))
    found, base = held
    day: date = found["date"]
    rows = await reads.rows(votes_sql, {"symbol": symbol})
    first: dict[str, Any] = {}  # the row shown for each country (by country, as read)
    more: dict[str, list[Any]] = {}  # the countries with several records: all of them
    for row in rows:  # by country, then source
        iso3 = row[COUNTRY]
        if iso3 in first:
            more.setdefault(iso3, [first[iso3]]).append(row)
        else:
            first[iso3] = row
    un_records = model.official
    for iso3, group in more.items():  # a UN record first (stable: then by source, as read)
        group.sort(key=lambda r: r[SOURCE] not in un_records)
        first[iso3] = group[0]
    sources = {found["source"]} | {r[SOURCE] for r in rows}
    treaty = model.treaties.get(found["treaty"]) if found["treaty"] is not None else None
    if treaty is not None:
        sources |= treaty.action_sources | {treaty.source}
    votes = []
    regions = model.remember(("regions",), lambda: _regions(model))
    kinds = model.kinds_on(treaty.slug, day) if treaty is not None else None
    counted: list[tuple[str, Any, tuple[str | None, str | None]]] = []
    none: tuple[()] = ()  # shared by the votes without other records (written as [])
    for iso3, shown in first.items():
        vote = str(shown[VOTE])
        also: Sequence[dict[str, Any]] = none
        conflicts: Sequence[dict[str, Any]] = none
        if iso3 in more:
            also = [
                {
                    "source": o[SOURCE],
                    "vote": str(o[VOTE]),
                    "citations": model.vote_citations.get((symbol, iso3, o[SOURCE]), []),
                }
                for o in more[iso3][1:]
            ]
            conflicts = [o for o in also if o["vote"] != vote]
        status = kinds[iso3] if kinds is not None else None
        votes.append(
            {
                "country": iso3,
                "name": model.voters[iso3]["name"],
                "vote": vote,
                "source_code": shown[CODE],
                "source": shown[SOURCE],
                "status": status,
                "also_recorded": also,
                "conflicts": conflicts,
            }
        )
        counted.append((vote, status, regions[iso3]))
    tally = _zero()
    by_status: dict[Any, dict[str, int]] = {}  # by status (None: no treaty)
    by_region: dict[tuple[str | None, str | None], dict[str, int]] = {}
    for (vote, status, region), n in Counter(counted).items():
        for totals in (
            tally,
            by_status.get(status) or by_status.setdefault(status, _zero()),
            by_region.get(region) or by_region.setdefault(region, _zero()),
        ):
            if vote in totals:
                totals[vote] += n
            totals["members"] += n
    official = (found["total_yes"], found["total_no"], found["total_abstain"])
    matches = (
        None if None in official else official == (tally["yes"], tally["no"], tally["abstain"])
    )
    return {
        **base,
        "tally": tally,
        "tally_matches": matches if votes else None,
        "tally_by_status": [
            {**t, "status": s}
            for s, t in sorted(
                by_status.items(), key=lambda i: STATUS_ORDER.get(i[0], len(STATUS_ORDER))
            )
        ],
        "tally_by_region": [
            {**t, "region": name, "region_code": code}
            for (name, code), t in sorted(by_region.items(), key=lambda i: (i[0][0] is None, i[0]))
        ],
        "votes": votes,
        "sources": model.source_list(sources),
    }


#: The resolution columns the detail shows (`ResolutionOut`), in order.
OWN = tuple(f for f in ResolutionOut.model_fields if f != "citations")


#: Indexes of a row of the detail's votes statement.
COUNTRY, VOTE, CODE, SOURCE = range(4)


def _prepared(dialect: Dialect) -> tuple[rawsql.Prepared, rawsql.Prepared]:
    """The two statements of the detail, compiled once per data version and dialect."""
    symbol = bindparam("symbol", None, type_=String)
    own = select(*(getattr(R, f) for f in OWN)).where(R.symbol == symbol)
    votes: Select[Any] = (
        select(V.country, V.vote, V.source_code, V.source)  # type: ignore[assignment]
        .where(V.resolution == symbol)
        .order_by(V.resolution, V.country, V.source)  # the primary key's order: no sort
    )
    return rawsql.prepare(own, dialect), rawsql.prepare(votes, dialect)


def _own(
    model: ReadModel, symbol: str, row: Sequence[Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A resolution's own columns (the date as a date) and its `ResolutionOut` JSON."""
    found: dict[str, Any] = dict(zip(OWN, row, strict=True))
    if isinstance(found["date"], str):  # SQLite's text
        found["date"] = date.fromisoformat(found["date"])
    base = ResolutionOut.model_validate(
        {**found, "citations": model.resolution_citations.get(symbol, [])}
    ).model_dump(mode="json")
    return found, base


def _regions(model: ReadModel) -> dict[str, tuple[str | None, str | None]]:
    """Each member's region (name and code), by which the detail counts the votes."""
    return {iso3: (k["region"], k["region_code"]) for iso3, k in model.member_keys.items()}


#: Counted totals before any vote: one per vote kind, then the members counted.
ZERO = {**dict.fromkeys((k.value for k in VoteKind), 0), "members": 0}


def _zero() -> dict[str, int]:
    """A fresh `ZERO` to count into."""
    return ZERO.copy()
