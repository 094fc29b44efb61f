"""Votes: a country's vote history, and the votes on one resolution."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app import models
from app.paging import Window
from app.queries.common import Citations
from app.schemas import OtherVote, ResolutionRef, VoteOut
from app.vocab import VoteKind


def vote_filter(
    stmt: Select[Any],
    treaty: str | None = None,
    since: date | None = None,
    until: date | None = None,
    vote: set[VoteKind] | None = None,
) -> Select[Any]:
    """Narrow a vote query by treaty, date range and vote."""
    if treaty is not None:
        stmt = stmt.where(models.Resolution.treaty == treaty)
    if since is not None:
        stmt = stmt.where(models.Resolution.date >= since)
    if until is not None:
        stmt = stmt.where(models.Resolution.date <= until)
    if vote:
        stmt = stmt.where(models.Vote.vote.in_(sorted(vote)))
    return stmt


def _recorded(session: Session, votes: list[models.Vote]) -> dict[tuple[str, str], list[Any]]:
    """Every source's vote for the (resolution, country) pairs of `votes`, in one query."""
    found: dict[tuple[str, str], list[Any]] = defaultdict(list)
    countries = {v.country for v in votes}
    resolutions = sorted({v.resolution for v in votes})
    if not votes:
        return found
    rows = session.execute(
        select(models.Vote.resolution, models.Vote.country, models.Vote.source, models.Vote.vote)
        .where(models.Vote.country.in_(countries), models.Vote.resolution.in_(resolutions))
        .order_by(models.Vote.source)
    )
    for row in rows:
        found[(row.resolution, row.country)].append(row)
    return found


def _out(session: Session, votes: list[models.Vote]) -> tuple[list[VoteOut], set[str]]:
    cites = Citations(session, [("vote", v.record_id) for v in votes])
    recorded = _recorded(session, votes)
    out = [
        VoteOut(
            resolution=ResolutionRef.model_validate(v.resolution_obj),
            vote=v.vote,
            source_code=v.source_code,
            note=v.note,
            source=v.source,
            citations=cites.of("vote", v.record_id),
            conflicts=[
                OtherVote(source=o.source, vote=o.vote)
                for o in recorded[(v.resolution, v.country)]
                if o.vote != v.vote
            ],
        )
        for v in votes
    ]
    sources = {v.source for v in votes} | {v.resolution_obj.source for v in votes}
    return out, sources


def country_votes(session: Session, iso3: str) -> tuple[list[VoteOut], set[str]]:
    """A country's votes on treaty-linked resolutions in date order, with their sources."""
    votes = session.scalars(
        select(models.Vote)
        .join(models.Resolution)
        .where(models.Vote.country == iso3, models.Resolution.treaty.is_not(None))
        .order_by(models.Resolution.date, models.Vote.resolution, models.Vote.source)
    ).all()
    return _out(session, list(votes))


def vote_history(
    session: Session,
    iso3: str,
    window: Window,
    **filters: object,
) -> tuple[list[VoteOut], str | None, set[str]]:
    """One page of a country's vote history, filtered."""
    stmt = vote_filter(
        select(models.Vote).join(models.Resolution).where(models.Vote.country == iso3),
        **filters,  # type: ignore[arg-type]
    )
    rows, cursor = window.select(
        session, stmt, [models.Resolution.date, models.Vote.resolution, models.Vote.source]
    )
    votes, sources = _out(session, [r[0] for r in rows])
    return votes, cursor, sources
