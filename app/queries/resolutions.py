"""UNGA resolutions: lists, symbol lookup, totals counted from the votes, per-country votes."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import extract, select
from sqlalchemy.orm import Session

from app import models
from app.errors import NotFoundError, ProblemError
from app.paging import Window
from app.queries.common import Citations, list_sources, pick
from app.queries.treaties import actions_by_country, rule_of
from app.queries.votes import others, record_id, source_rank
from app.schemas import (
    RegionTally,
    ResolutionDetail,
    ResolutionOut,
    ResolutionVote,
    SourceOut,
    StatusTally,
    Tally,
)
from app.status import derive_status
from app.vocab import StatusKind, VoteKind

_SYMBOL = re.compile(r"^(?:A/RES/)?((?:ES-)?\d{1,3})/(\d{1,4})\s*([A-Z]{1,2})?$")


def normalize_symbol(text: str, parameter: str = "symbol") -> str:
    """`73/61`, `a/res/73/61`, `51/45S` → `A/RES/73/61`, `A/RES/51/45 S`."""
    match = _SYMBOL.match(text.strip().upper())
    if match is None:
        raise ProblemError(
            422,
            "Invalid resolution symbol",
            f"{text!r} is not a UNGA resolution symbol like A/RES/73/61, 73/61 or 51/45 S",
            kind="invalid-parameter",
            parameter=parameter,
        )
    session_no, number, suffix = match.groups()
    return f"A/RES/{session_no}/{number}" + (f" {suffix}" if suffix else "")


def resolve_resolution(session: Session, text: str) -> models.Resolution:
    """The resolution a symbol in any accepted form names."""
    symbol = normalize_symbol(text)
    found = session.get(models.Resolution, symbol)
    if found is None:
        raise NotFoundError("resolution", text, "symbol", [])
    return found


def _outs(session: Session, rows: list[models.Resolution]) -> list[ResolutionOut]:
    cites = Citations(session, [("resolution", r.symbol) for r in rows])
    return [
        ResolutionOut.model_validate(
            pick(ResolutionOut, r, citations=cites.of("resolution", r.symbol))
        )
        for r in rows
    ]


def list_resolutions(
    session: Session,
    window: Window,
    treaty: str | None = None,
    session_no: int | None = None,
    year: int | None = None,
) -> tuple[list[ResolutionOut], str | None, list[SourceOut]]:
    """Resolutions by date, filtered by treaty, session and year."""
    stmt = select(models.Resolution)
    if treaty is not None:
        stmt = stmt.where(models.Resolution.treaty == treaty)
    if session_no is not None:
        stmt = stmt.where(models.Resolution.session == session_no)
    if year is not None:
        stmt = stmt.where(extract("year", models.Resolution.date) == year)
    rows, cursor = window.select(session, stmt, [models.Resolution.date, models.Resolution.symbol])
    resolutions = [r[0] for r in rows]
    return (
        _outs(session, resolutions),
        cursor,
        list_sources(session, {r.source for r in resolutions}),
    )


def resolution_detail(session: Session, resolution: models.Resolution) -> ResolutionDetail:
    """A resolution with official and counted totals and every vote with the voter's status."""
    vote = models.Vote
    rows = session.execute(
        select(
            vote.country,
            vote.vote,
            vote.source_code,
            vote.source,
            models.Country.name,
            models.Country.region,
            models.Country.region_code,
        )
        .join(models.Country, models.Country.iso3 == vote.country)
        .where(vote.resolution == resolution.symbol)
        .order_by(vote.country, source_rank(vote.source), vote.source)
    ).all()
    by_country: dict[str, list[Any]] = {}
    for row in rows:  # the first row of each country is its UN record where there is one
        by_country.setdefault(row.country, []).append(row)
    statuses: dict[str, StatusKind] = {}
    sources = {resolution.source} | {r.source for r in rows}
    if resolution.treaty is not None:
        treaty = session.get_one(models.Treaty, resolution.treaty)
        grouped, action_sources = actions_by_country(session, treaty.slug)
        rule = rule_of(treaty)
        on: date = resolution.date
        statuses = {c: derive_status(rule, grouped.get(c, []), on).status for c in by_country}
        sources |= action_sources | {treaty.source}
    cites = Citations(
        session,
        [
            ("vote", record_id(resolution.symbol, o))
            for rest in by_country.values()
            for o in rest[1:]
        ],
    )
    votes = [
        ResolutionVote(
            country=first.country,
            name=first.name,
            vote=first.vote,
            source_code=first.source_code,
            source=first.source,
            status=statuses.get(first.country),
            **others(resolution.symbol, rest, first.vote, cites),
        )
        for first, *rest in by_country.values()
    ]
    sources |= {v.source for v in votes}
    tally = _tally(votes)
    order = {kind: i for i, kind in enumerate(StatusKind)}
    by_status = _grouped(votes, lambda v: v.status)
    by_region = _grouped(
        votes, lambda v: (by_country[v.country][0].region, by_country[v.country][0].region_code)
    )
    official = (resolution.total_yes, resolution.total_no, resolution.total_abstain)
    matches = None if None in official else official == (tally.yes, tally.no, tally.abstain)
    (base,) = _outs(session, [resolution])
    return ResolutionDetail(
        **dict(base),
        tally=tally,
        tally_matches=matches if votes else None,
        tally_by_status=[
            StatusTally(status=s, **dict(t))
            for s, t in sorted(by_status.items(), key=lambda i: order.get(i[0], len(order)))  # type: ignore[arg-type]
        ],
        tally_by_region=[
            RegionTally(region=name, region_code=code, **dict(t))
            for (name, code), t in sorted(by_region.items(), key=lambda i: (i[0][0] is None, i[0]))
        ],
        votes=votes,
        sources=list_sources(session, sources),
    )


K = TypeVar("K")


def _grouped(votes: list[ResolutionVote], key: Callable[[ResolutionVote], K]) -> dict[K, Tally]:
    """Counted totals of each group of votes."""
    groups: dict[K, list[ResolutionVote]] = {}
    for v in votes:
        groups.setdefault(key(v), []).append(v)
    return {k: _tally(vs) for k, vs in groups.items()}


def _tally(votes: list[ResolutionVote]) -> Tally:
    """Counted totals, one vote per country (the one listed: the UN record where there is one)."""
    counts = Counter(vote.vote for vote in votes)
    return Tally(
        yes=counts[VoteKind.yes],
        no=counts[VoteKind.no],
        abstain=counts[VoteKind.abstain],
        non_voting=counts[VoteKind.non_voting],
        members=len(votes),
    )
