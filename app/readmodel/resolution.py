"""A resolution with every member's vote and status on the vote date: two statements."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import Dialect, Select, String, bindparam, select

from app import models
from app.errors import NotFoundError
from app.queries.votes import source_rank
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
        ("resolution", reads.dialect.name), lambda: _prepared(reads.dialect, model)
    )
    rows_of_own = await reads.rows(own, {"symbol": symbol})
    if not rows_of_own:
        raise NotFoundError("resolution", key, "symbol", [])
    found: dict[str, Any] = dict(zip(OWN, rows_of_own[0], strict=True))
    if isinstance(found["date"], str):  # SQLite's text
        found["date"] = date.fromisoformat(found["date"])
    day: date = found["date"]
    rows = [VoteRow(*r) for r in await reads.rows(votes_sql, {"symbol": symbol})]
    by_country: dict[str, list[Any]] = {}
    for row in rows:  # the first row of each country is its UN record where there is one
        by_country.setdefault(row.country, []).append(row)
    sources = {found["source"]} | {r.source for r in rows}
    treaty = model.treaties.get(found["treaty"]) if found["treaty"] is not None else None
    if treaty is not None:
        sources |= treaty.action_sources | {treaty.source}
    votes = []
    for iso3, (first, *rest) in by_country.items():
        vote = str(first.vote)
        also = [
            {
                "source": o.source,
                "vote": str(o.vote),
                "citations": model.vote_citations.get((symbol, iso3, o.source), []),
            }
            for o in rest
        ]
        votes.append(
            {
                "country": iso3,
                "name": model.voters[iso3]["name"],
                "vote": vote,
                "source_code": first.source_code,
                "source": first.source,
                "status": treaty.spans_of(iso3).kind_on(day) if treaty else None,
                "also_recorded": also,
                "conflicts": [o for o in also if o["vote"] != vote],
            }
        )
    tally = _tally(votes)
    official = (found["total_yes"], found["total_no"], found["total_abstain"])
    matches = (
        None if None in official else official == (tally["yes"], tally["no"], tally["abstain"])
    )
    by_status = _grouped(votes, lambda v: v["status"])
    regions = {iso3: model.member_keys[iso3] for iso3 in by_country}
    by_region = _grouped(
        votes, lambda v: (regions[v["country"]]["region"], regions[v["country"]]["region_code"])
    )
    base = ResolutionOut.model_validate(
        {**found, "citations": model.resolution_citations.get(symbol, [])}
    ).model_dump(mode="json")
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


class VoteRow(NamedTuple):
    """A vote on the resolution, as the detail reads it."""

    country: str
    vote: str
    source_code: str | None
    source: str


def _prepared(dialect: Dialect, model: ReadModel) -> tuple[rawsql.Prepared, rawsql.Prepared]:
    """The two statements of the detail, compiled once per data version and dialect."""
    symbol = bindparam("symbol", None, type_=String)
    own = select(*(getattr(R, f) for f in OWN)).where(R.symbol == symbol)
    votes: Select[Any] = (
        select(V.country, V.vote, V.source_code, V.source)  # type: ignore[assignment]
        .where(V.resolution == symbol)
        .order_by(V.country, source_rank(V.source, model.official), V.source)
    )
    return rawsql.prepare(own, dialect), rawsql.prepare(votes, dialect)


def _grouped(
    votes: list[dict[str, Any]], key: Callable[[dict[str, Any]], Hashable]
) -> dict[Any, dict[str, int]]:
    """Counted totals of each group of votes."""
    groups: dict[Any, list[dict[str, Any]]] = {}
    for v in votes:
        groups.setdefault(key(v), []).append(v)
    return {k: _tally(vs) for k, vs in groups.items()}


def _tally(votes: list[dict[str, Any]]) -> dict[str, int]:
    """Counted totals, one vote per country (the one listed: the UN record where there is one)."""
    counts = Counter(v["vote"] for v in votes)
    return {
        "yes": counts[VoteKind.yes.value],
        "no": counts[VoteKind.no.value],
        "abstain": counts[VoteKind.abstain.value],
        "non_voting": counts[VoteKind.non_voting.value],
        "members": len(votes),
    }
