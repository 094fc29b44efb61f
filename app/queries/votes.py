"""Votes: the vote table, a country's vote history, and the votes on one resolution."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, or_, select
from sqlalchemy.orm import Session, aliased

from app import models
from app.paging import Window
from app.queries.common import Citations
from app.queries.treaties import rule_of, sourced_actions
from app.schemas import OtherVote, ResolutionRef, VoteOut, VoterRef
from app.status import derive_status
from app.vocab import SourceKind, StatusKind, VoteKind


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


def source_rank(source: Any) -> Any:
    """0 for a vote source that is a UN record (kind `un_data`), 1 for any other: a member's
    vote is shown from the source of lowest rank, then first by id."""
    official = select(models.Source.id).where(models.Source.kind == SourceKind.un_data)
    return case((source.in_(official), 0), else_=1)


def primary_vote() -> ColumnElement[bool]:
    """True for the one vote row shown for its (resolution, country): the UN record's where
    it has one, else the first source by id; the others appear under it."""
    other = aliased(models.Vote)
    vote = models.Vote
    rank = source_rank
    preferred = or_(
        rank(other.source) < rank(vote.source),
        and_(rank(other.source) == rank(vote.source), other.source < vote.source),
    )
    return ~exists().where(
        other.resolution == vote.resolution, other.country == vote.country, preferred
    )


def _recorded(session: Session, votes: list[models.Vote]) -> dict[tuple[str, str], list[Any]]:
    """Every other source's vote for the (resolution, country) pairs of `votes`, in one query."""
    found: dict[tuple[str, str], list[Any]] = defaultdict(list)
    countries = {v.country for v in votes}
    resolutions = sorted({v.resolution for v in votes})
    if not votes:
        return found
    shown = {(v.resolution, v.country): v.source for v in votes}
    rows = session.execute(
        select(models.Vote.resolution, models.Vote.country, models.Vote.source, models.Vote.vote)
        .where(models.Vote.country.in_(countries), models.Vote.resolution.in_(resolutions))
        .order_by(models.Vote.source)
    )
    for row in rows:
        key = (row.resolution, row.country)
        if shown.get(key, row.source) != row.source:
            found[key].append(row)
    return found


def record_id(resolution: str, row: Any) -> str:
    """The record id of a vote row of a resolution (resolution, country, source)."""
    return f"{resolution}|{row.country}|{row.source}"


def others(
    resolution: str, recorded: list[Any], vote: VoteKind, cites: Citations
) -> dict[str, list[OtherVote]]:
    """The other sources' records of a vote, with their footnotes: all, and those that differ."""
    also = [
        OtherVote(
            source=o.source, vote=o.vote, citations=cites.of("vote", record_id(resolution, o))
        )
        for o in recorded
    ]
    return {"also_recorded": also, "conflicts": [o for o in also if o.vote != vote]}


def statuses_on_vote_dates(
    session: Session, votes: list[models.Vote]
) -> tuple[dict[tuple[str, str], StatusKind], set[str]]:
    """Each voter's status toward the resolution's treaty on the vote date, by (resolution,
    country), and the sources: two queries for any number of votes and treaties."""
    found: dict[tuple[str, str], StatusKind] = {}
    linked = [v for v in votes if v.resolution_obj.treaty is not None]
    if not linked:
        return found, set()
    slugs = sorted({v.resolution_obj.treaty for v in linked if v.resolution_obj.treaty})
    treaties = session.scalars(select(models.Treaty).where(models.Treaty.slug.in_(slugs))).all()
    action = models.TreatyAction
    rows = session.execute(
        sourced_actions(
            action.treaty, action.country, action.action, action.date, action.source, action.id
        ).where(action.treaty.in_(slugs), action.country.in_(sorted({v.country for v in linked})))
    )
    grouped: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for row in rows:
        grouped[(row.treaty, row.country)].append(row)
    rules = {t.slug: rule_of(t) for t in treaties}
    for v in linked:
        treaty = v.resolution_obj.treaty or ""
        acts = grouped.get((treaty, v.country), [])
        found[(v.resolution, v.country)] = derive_status(
            rules[treaty], acts, v.resolution_obj.date
        ).status
    sources = {t.source for t in treaties} | {a.source for acts in grouped.values() for a in acts}
    return found, sources


def _voters(session: Session, votes: list[models.Vote]) -> dict[str, VoterRef]:
    """The countries of `votes`, in one query."""
    c = models.Country
    rows = session.execute(
        select(c.iso3, c.name, c.region).where(c.iso3.in_(sorted({v.country for v in votes})))
    )
    return {r.iso3: VoterRef(iso3=r.iso3, name=r.name, region=r.region) for r in rows}


def _out(session: Session, votes: list[models.Vote]) -> tuple[list[VoteOut], set[str]]:
    recorded = _recorded(session, votes)
    voters = _voters(session, votes) if votes else {}
    statuses, status_sources = statuses_on_vote_dates(session, votes)
    shown = [("vote", v.record_id) for v in votes]
    cites = Citations(
        session,
        shown + [("vote", record_id(o.resolution, o)) for r in recorded.values() for o in r],
    )
    out = [
        VoteOut(
            country=voters[v.country],
            resolution=ResolutionRef.model_validate(v.resolution_obj),
            vote=v.vote,
            source_code=v.source_code,
            note=v.note,
            source=v.source,
            status=statuses.get((v.resolution, v.country)),
            citations=cites.of("vote", v.record_id),
            **others(v.resolution, recorded[(v.resolution, v.country)], v.vote, cites),
        )
        for v in votes
    ]
    sources = {v.source for v in votes} | {v.resolution_obj.source for v in votes}
    sources |= {o.source for key in recorded for o in recorded[key]} | status_sources
    return out, sources


def country_votes(session: Session, iso3: str) -> tuple[list[VoteOut], set[str]]:
    """A country's votes on treaty-linked resolutions in date order, with their sources."""
    votes = session.scalars(
        select(models.Vote)
        .join(models.Resolution)
        .where(models.Vote.country == iso3, models.Resolution.treaty.is_not(None), primary_vote())
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
        select(models.Vote)
        .join(models.Resolution)
        .where(models.Vote.country == iso3, primary_vote()),
        **filters,  # type: ignore[arg-type]
    )
    rows, cursor = window.select(
        session, stmt, [models.Resolution.date, models.Vote.resolution, models.Vote.source]
    )
    votes, sources = _out(session, [r[0] for r in rows])
    return votes, cursor, sources


def all_votes(
    session: Session,
    window: Window,
    countries: list[str] | None = None,
    where: ColumnElement[bool] | None = None,
    symbol: str | None = None,
    **filters: object,
) -> tuple[list[VoteOut], str | None, set[str]]:
    """One page of every member's vote (the UN record where there is one) by date, symbol and
    country, filtered by country, M49 region (`where` on countries), treaty, dates and vote."""
    stmt = vote_filter(
        select(models.Vote)
        .join(models.Resolution)
        .join(models.Country, models.Country.iso3 == models.Vote.country)
        .where(primary_vote()),
        **filters,  # type: ignore[arg-type]
    )
    if countries is not None:
        stmt = stmt.where(models.Vote.country.in_(countries))
    if where is not None:
        stmt = stmt.where(where)
    if symbol is not None:
        stmt = stmt.where(models.Vote.resolution == symbol)
    rows, cursor = window.select(
        session, stmt, [models.Resolution.date, models.Vote.resolution, models.Vote.country]
    )
    votes, sources = _out(session, [r[0] for r in rows])
    return votes, cursor, sources
