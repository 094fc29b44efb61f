"""Votes: the filters of vote queries, and the rule of which source's vote a member shows."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, or_, select
from sqlalchemy.orm import aliased

from app import models
from app.vocab import SourceKind, VoteKind


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
        stmt = stmt.where(models.Vote.date >= since)
    if until is not None:
        stmt = stmt.where(models.Vote.date <= until)
    if vote:
        stmt = stmt.where(models.Vote.vote.in_(sorted(vote)))
    return stmt


def source_rank(source: Any, official: Collection[str] | None = None) -> Any:
    """0 for a vote source that is a UN record (kind `un_data`), 1 for any other: a member's
    vote is shown from the source of lowest rank, then first by id. With `official` (the ids
    of the UN-record sources, as the read model holds them) no subquery is needed."""
    ids: Any = sorted(official) if official is not None else None
    if ids is None:
        ids = select(models.Source.id).where(models.Source.kind == SourceKind.un_data)
    return case((source.in_(ids), 0), else_=1)


def primary_vote(official: Collection[str] | None = None) -> ColumnElement[bool]:
    """True for the one vote row shown for its (resolution, country): the UN record's where
    it has one, else the first source by id; the others appear under it.

    Given `official` (the ids of the UN-record sources), a row of the first of them by id is
    shown without looking further: no other row can rank before it."""
    other = aliased(models.Vote)
    vote = models.Vote

    def rank(source: Any) -> Any:
        return source_rank(source, official)

    preferred = or_(
        rank(other.source) < rank(vote.source),
        and_(rank(other.source) == rank(vote.source), other.source < vote.source),
    )
    unbeaten = ~exists().where(
        other.resolution == vote.resolution, other.country == vote.country, preferred
    )
    if official:
        return or_(vote.source == min(official), unbeaten)
    return unbeaten
