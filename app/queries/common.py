"""Helpers shared by the read functions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from app import models
from app.schemas import Citation, Schema, SourceOut

M = TypeVar("M", bound=models.Base)


def pick(schema: type[Schema], obj: object, **extra: Any) -> dict[str, Any]:
    """The attributes of `obj` that `schema` declares, overridden by `extra`."""
    values = {k: getattr(obj, k) for k in schema.model_fields if k not in extra and hasattr(obj, k)}
    return {**values, **extra}


class Citations:
    """Citations of many records fetched in one query, handed out per record."""

    def __init__(self, session: Session, records: Iterable[tuple[str, str]]) -> None:
        keys = list(records)
        self.by_record: dict[tuple[str, str], list[Citation]] = defaultdict(list)
        for chunk in range(0, len(keys), 500):
            rows = session.execute(
                select(
                    models.CitationLink.record_type, models.CitationLink.record_id, models.Citation
                )
                .join(models.Citation, models.Citation.id == models.CitationLink.citation_id)
                .where(
                    tuple_(models.CitationLink.record_type, models.CitationLink.record_id).in_(
                        keys[chunk : chunk + 500]
                    )
                )
                .order_by(models.Citation.source, models.Citation.number)
            )
            for record_type, record_id, citation in rows:
                self.by_record[(record_type, record_id)].append(Citation.model_validate(citation))

    def of(self, record_type: str, record_id: str) -> list[Citation]:
        """The citations of one record, by source and footnote number."""
        return self.by_record.get((record_type, record_id), [])


def records_of(session: Session, model: type[M], country: str) -> Sequence[M]:
    """Every record of a type about one country, by id."""
    return session.scalars(
        select(model).where(model.country == country).order_by(model.id)  # type: ignore[attr-defined]
    ).all()


def list_sources(session: Session, ids: Iterable[str]) -> list[SourceOut]:
    """Sources by id, each with its number of footnotes."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    counts: dict[str, int] = dict(
        session.execute(
            select(models.Citation.source, func.count())
            .where(models.Citation.source.in_(wanted))
            .group_by(models.Citation.source)
        ).all()
    )
    sources = session.scalars(
        select(models.Source).where(models.Source.id.in_(wanted)).order_by(models.Source.id)
    )
    return [
        SourceOut.model_validate(pick(SourceOut, src, citation_count=counts.get(src.id, 0)))
        for src in sources
    ]
