"""Read functions returning schema objects; no HTTP here."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session, selectinload

from app import models
from app.errors import NotFoundError
from app.names import fold
from app.schemas import (
    Citation,
    CostFields,
    CountryOut,
    ParticipationOut,
    PositionOut,
    PracticeOut,
    Profile,
    ResolutionRef,
    Schema,
    SourceOut,
    StatusStatementOut,
    StockpileOut,
    TreatyActionOut,
    TreatyRef,
    TreatyStatusOut,
    VoteOut,
)
from app.status import TreatyRule, derive_status


def resolve_country(session: Session, key: str, parameter: str = "country") -> models.Country:
    """Find a country by alpha-3, alpha-2, numeric code or any known name (folded)."""
    text = key.strip()
    column = None
    if text.isdigit() and len(text) <= 3:
        column, text = models.Country.numeric, text.zfill(3)
    elif text.isalpha() and len(text) == 3:
        column, text = models.Country.iso3, text.upper()
    elif text.isalpha() and len(text) == 2:
        column, text = models.Country.iso2, text.upper()
    if column is not None:
        found = session.scalars(
            select(models.Country).where(column == text).order_by(models.Country.historical)
        ).first()
        if found is not None:
            return found
    folded = fold(text)
    name = session.get(models.CountryName, folded)
    if name is not None:
        return name.country
    raise NotFoundError("country", key, parameter, country_suggestions(session, folded))


def country_suggestions(session: Session, folded: str, limit: int = 5) -> list[dict[str, str]]:
    """Countries whose names are close to a folded name that matched nothing."""
    owners: dict[str, str] = dict(
        session.execute(select(models.CountryName.folded, models.CountryName.country_iso3)).all()
    )
    close = difflib.get_close_matches(folded, owners, n=limit * 3, cutoff=0.6)
    codes = list(dict.fromkeys(owners[c] for c in close))[:limit]
    found = session.execute(
        select(models.Country.iso3, models.Country.name).where(models.Country.iso3.in_(codes))
    )
    names: dict[str, str] = dict(found.all())
    return [{"iso3": code, "name": names[code]} for code in codes]


def country_out(session: Session, country: models.Country) -> CountryOut:
    """A country with all its names."""
    names = session.scalars(
        select(models.CountryName.name)
        .where(models.CountryName.country_iso3 == country.iso3)
        .order_by(models.CountryName.name)
    ).all()
    return CountryOut.model_validate(pick(CountryOut, country, names=list(names)))


def pick(schema: type[Schema], obj: object, **extra: Any) -> dict[str, Any]:
    """The attributes of `obj` that `schema` declares, overridden by `extra`."""
    values = {k: getattr(obj, k) for k in schema.model_fields if k not in extra and hasattr(obj, k)}
    return {**values, **extra}


class _Citations:
    """Citations of many records fetched in two queries, handed out per record."""

    def __init__(self, session: Session, records: Iterable[tuple[str, str]]) -> None:
        keys = list(records)
        self.by_record: dict[tuple[str, str], list[Citation]] = defaultdict(list)
        if not keys:
            return
        rows = session.execute(
            select(models.CitationLink.record_type, models.CitationLink.record_id, models.Citation)
            .join(models.Citation, models.Citation.id == models.CitationLink.citation_id)
            .where(tuple_(models.CitationLink.record_type, models.CitationLink.record_id).in_(keys))
            .order_by(models.Citation.source, models.Citation.number)
        )
        for record_type, record_id, citation in rows:
            self.by_record[(record_type, record_id)].append(Citation.model_validate(citation))

    def of(self, record_type: str, record_id: str) -> list[Citation]:
        return self.by_record.get((record_type, record_id), [])


M = TypeVar("M", bound=models.Base)


def _records(session: Session, model: type[M], country: str) -> Sequence[M]:
    return session.scalars(
        select(model).where(model.country == country).order_by(model.id)  # type: ignore[attr-defined]
    ).all()


def get_profile(session: Session, country: models.Country, as_of: date) -> Profile:
    """Everything known about one country, with every fact's citations inline."""
    iso3 = country.iso3
    treaties = session.scalars(select(models.Treaty).order_by(models.Treaty.slug)).all()
    actions = _records(session, models.TreatyAction, iso3)
    statements = _records(session, models.StatusStatement, iso3)
    participations = _records(session, models.Participation, iso3)
    positions = _records(session, models.Position, iso3)
    practices = _records(session, models.Practice, iso3)
    stockpiles = session.scalars(
        select(models.Stockpile)
        .where(models.Stockpile.country == iso3)
        .options(selectinload(models.Stockpile.costs))
        .order_by(models.Stockpile.id)
    ).all()
    votes = session.scalars(
        select(models.Vote)
        .join(models.Resolution)
        .where(models.Vote.country == iso3)
        .order_by(models.Resolution.date, models.Resolution.symbol)
    ).all()
    keyed: list[tuple[str, Sequence[Any]]] = [
        ("treaty_action", actions),
        ("status_statement", statements),
        ("participation", participations),
        ("position", positions),
        ("practice", practices),
        ("stockpile", stockpiles),
    ]
    cites = _Citations(
        session,
        [(kind, r.id) for kind, rows in keyed for r in rows]
        + [("vote", v.record_id) for v in votes],
    )

    def out(schema: Any, kind: str, row: Any, **extra: Any) -> Any:
        return schema.model_validate(pick(schema, row, citations=cites.of(kind, row.id), **extra))

    treaty_out = []
    for tr in treaties:
        rule = TreatyRule(
            tr.eif_rule, tr.entry_into_force_on, tr.opened_for_signature_on, tr.adopted_on
        )
        mine = [a for a in actions if a.treaty == tr.slug]
        treaty_out.append(
            TreatyStatusOut(
                treaty=TreatyRef(slug=tr.slug, short_name=tr.short_name),
                status=derive_status(rule, mine, as_of),
                actions=[out(TreatyActionOut, "treaty_action", a) for a in mine],
                statements=[
                    out(StatusStatementOut, "status_statement", s)
                    for s in statements
                    if s.treaty == tr.slug
                ],
                participations=[
                    out(ParticipationOut, "participation", p)
                    for p in sorted(participations, key=lambda p: (p.year, p.id))
                    if p.treaty == tr.slug
                ],
                positions=[
                    out(PositionOut, "position", p) for p in positions if p.treaty == tr.slug
                ],
            )
        )
    vote_out = [
        VoteOut(
            resolution=ResolutionRef.model_validate(v.resolution_obj),
            vote=v.vote,
            source_code=v.source_code,
            note=v.note,
            source=v.source,
            citations=cites.of("vote", v.record_id),
        )
        for v in votes
    ]
    source_ids = {r.source for _, rows in keyed for r in rows} | {v.source for v in votes}
    source_ids |= {v.resolution_obj.source for v in votes}
    source_ids |= {t.source for t in treaties}
    return Profile(
        country=country_out(session, country),
        as_of=as_of,
        treaties=treaty_out,
        positions=[out(PositionOut, "position", p) for p in positions if p.treaty is None],
        votes=vote_out,
        stockpiles=[
            out(StockpileOut, "stockpile", s, costs=[pick(CostFields, c) for c in s.costs])
            for s in stockpiles
        ],
        practices=[out(PracticeOut, "practice", p) for p in practices],
        sources=list_sources(session, source_ids),
    )


def list_sources(session: Session, ids: Iterable[str]) -> list[SourceOut]:
    """Sources by id, each with its number of footnotes."""
    counts = (
        select(models.Citation.source, func.count().label("n"))
        .group_by(models.Citation.source)
        .subquery()
    )
    rows = session.execute(
        select(models.Source, counts.c.n)
        .outerjoin(counts, counts.c.source == models.Source.id)
        .where(models.Source.id.in_(list(ids)))
        .order_by(models.Source.id)
    )
    return [
        SourceOut.model_validate(pick(SourceOut, src, citation_count=n or 0)) for src, n in rows
    ]
