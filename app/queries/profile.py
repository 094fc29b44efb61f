"""A country's whole record: treaty statuses, votes, stockpiles, practices, with citations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cached_property
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app import models
from app.queries.common import Citations, list_sources, pick, records_of
from app.queries.countries import country_out
from app.queries.coverage import country_coverage
from app.queries.treaties import rule_of, sourced_actions
from app.readmodel.model import ReadModel
from app.schemas import (
    CostFields,
    CountryCoverage,
    ParticipationOut,
    PositionOut,
    PracticeOut,
    Profile,
    StatusStatementOut,
    StockpileOut,
    TreatyActionOut,
    TreatyCoverage,
    TreatyRef,
    TreatyStatusDetail,
    TreatyStatusOut,
)
from app.status import split_on, status_on


class CountryRecords:
    """Every curated record about one country, fetched once, with their citations."""

    def __init__(self, session: Session, iso3: str) -> None:
        self.session, self.iso3 = session, iso3
        action = models.TreatyAction
        self.actions = session.execute(
            sourced_actions(
                *(getattr(action, f) for f in TreatyActionOut.model_fields if f != "citations")
            )
            .where(action.country == iso3)
            .order_by(action.id)
        ).all()
        self.statements = records_of(session, models.StatusStatement, iso3)
        self.participations = sorted(
            records_of(session, models.Participation, iso3), key=lambda p: (p.year, p.id)
        )
        self.positions = records_of(session, models.Position, iso3)
        self.practices = records_of(session, models.Practice, iso3)
        self.stockpiles = session.scalars(
            select(models.Stockpile)
            .where(models.Stockpile.country == iso3)
            .options(selectinload(models.Stockpile.costs))
            .order_by(models.Stockpile.id)
        ).all()
        self.keyed: list[tuple[str, Sequence[Any]]] = [
            ("treaty_action", self.actions),
            ("status_statement", self.statements),
            ("participation", self.participations),
            ("position", self.positions),
            ("practice", self.practices),
            ("stockpile", self.stockpiles),
        ]
        self.cites = Citations(session, [(k, r.id) for k, rows in self.keyed for r in rows])

    def out(self, schema: Any, kind: str, row: Any, **extra: Any) -> Any:
        """A record as `schema`, its citations inline."""
        return schema.model_validate(
            pick(schema, row, citations=self.cites.of(kind, row.id), **extra)
        )

    def sources(self) -> set[str]:
        """Ids of the sources of every record."""
        return {r.source for _, rows in self.keyed for r in rows}

    @cached_property
    def coverage(self) -> CountryCoverage:
        """The sources consulted for the country, per kind of record."""
        return country_coverage(self.session, self.iso3)

    def treaty_status(
        self, treaty: models.Treaty, as_of: date, floor: date | None
    ) -> TreatyStatusOut:
        """Status toward one treaty on `as_of` (its record known up to at least `floor`) and
        everything behind it; the actions after `as_of` apart, under `later_actions`."""
        mine = [a for a in self.actions if a.treaty == treaty.slug]
        before, after = split_on(mine, as_of)
        return TreatyStatusOut(
            treaty=TreatyRef(slug=treaty.slug, short_name=treaty.short_name),
            status=status_on(rule_of(treaty), mine, as_of, floor),
            coverage=TreatyCoverage.model_validate(self.coverage, from_attributes=True),
            actions=[self.out(TreatyActionOut, "treaty_action", a) for a in before],
            later_actions=[self.out(TreatyActionOut, "treaty_action", a) for a in after],
            statements=[
                self.out(StatusStatementOut, "status_statement", s)
                for s in self.statements
                if s.treaty == treaty.slug
            ],
            participations=[
                self.out(ParticipationOut, "participation", p)
                for p in self.participations
                if p.treaty == treaty.slug
            ],
            positions=[
                self.out(PositionOut, "position", p)
                for p in self.positions
                if p.treaty == treaty.slug
            ],
        )

    def stockpiles_out(self) -> list[StockpileOut]:
        """Stockpiles with their costs."""
        return [
            self.out(StockpileOut, "stockpile", s, costs=[pick(CostFields, c) for c in s.costs])
            for s in self.stockpiles
        ]

    def practices_out(self) -> list[PracticeOut]:
        """Practice findings."""
        return [self.out(PracticeOut, "practice", p) for p in self.practices]


def treaty_status_detail(
    session: Session, iso3: str, treaty: models.Treaty, as_of: date, floor: date | None
) -> TreatyStatusDetail:
    """A country's status toward one treaty on `as_of` (its record known up to at least
    `floor`), with everything behind it."""
    records = CountryRecords(session, iso3)
    status = records.treaty_status(treaty, as_of, floor)
    used = {a.source for a in (*status.actions, *status.later_actions)}
    used |= {s.source for s in status.statements}
    used |= {p.source for p in status.participations} | {p.source for p in status.positions}
    return TreatyStatusDetail(
        **dict(status), country=iso3, sources=list_sources(session, used | {treaty.source})
    )


def all_treaties(session: Session) -> Sequence[models.Treaty]:
    """Every treaty by slug."""
    return session.scalars(select(models.Treaty).order_by(models.Treaty.slug)).all()


def get_profile(
    session: Session, model: ReadModel, country: models.Country, as_of: date, votes_url: str
) -> Profile:
    """Everything known about one country, its treaty-linked votes, every citation inline."""
    from app.readmodel.votes import linked

    records = CountryRecords(session, country.iso3)
    treaties = all_treaties(session)
    votes, vote_sources = linked(session.connection(), model, country.iso3)
    source_ids = records.sources() | vote_sources | {t.source for t in treaties}
    return Profile(
        country=country_out(session, country),
        as_of=as_of,
        treaties=[records.treaty_status(t, as_of, model.treaties[t.slug].floor) for t in treaties],
        positions=[
            records.out(PositionOut, "position", p) for p in records.positions if p.treaty is None
        ],
        votes=votes,  # validated from their JSON form
        votes_url=votes_url,
        stockpiles=records.stockpiles_out(),
        practices=records.practices_out(),
        sources=list_sources(session, source_ids),
        coverage=records.coverage,
    )
