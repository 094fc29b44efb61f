"""Sources and citations."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app import models
from app.errors import NotFoundError
from app.paging import Window
from app.queries.common import list_sources, pick
from app.queries.profile import CountryRecords
from app.schemas import Citation, CitationDetail, RecordRef, SourceDetail, SourceOut


def get_source(session: Session, source_id: str) -> SourceDetail:
    """A source and all its footnotes."""
    found = list_sources(session, [source_id])
    if not found:
        raise NotFoundError("source", source_id, "source", [])
    citations = session.scalars(
        select(models.Citation)
        .where(models.Citation.source == source_id)
        .order_by(models.Citation.number)
    ).all()
    return SourceDetail(**dict(found[0]), citations=[Citation.model_validate(c) for c in citations])


def page_sources(session: Session, window: Window) -> tuple[list[SourceOut], str | None]:
    """Sources by id."""
    rows, cursor = window.select(session, select(models.Source.id), [models.Source.id])
    return list_sources(session, [r[0] for r in rows]), cursor


def get_citation(session: Session, citation_id: str) -> CitationDetail:
    """A footnote, the records it supports, and its source."""
    citation = session.get(models.Citation, citation_id)
    if citation is None:
        raise NotFoundError("citation", citation_id, "citation", [])
    links = session.execute(
        select(models.CitationLink.record_type, models.CitationLink.record_id)
        .where(models.CitationLink.citation_id == citation_id)
        .order_by(models.CitationLink.record_type, models.CitationLink.record_id)
    ).all()
    (source,) = list_sources(session, [citation.source])
    return CitationDetail.model_validate(
        pick(
            CitationDetail,
            citation,
            records=[RecordRef(record_type=t, record_id=i) for t, i in links],
            source_detail=source,
        )
    )


def country_citations(
    session: Session, iso3: str, window: Window
) -> tuple[list[Citation], str | None, list[SourceOut]]:
    """Footnotes of the sources about a country and of every record about it."""
    records = CountryRecords(session, iso3)
    cited = {c.id for per in records.cites.by_record.values() for c in per}
    vote_keys = select(models.CitationLink.citation_id).where(
        models.CitationLink.record_type == "vote",
        models.CitationLink.record_id.like(f"%|{iso3}|%"),
    )
    about = select(models.Source.id).where(models.Source.country == iso3)
    stmt = select(models.Citation).where(
        or_(
            models.Citation.id.in_(sorted(cited)),
            models.Citation.id.in_(vote_keys),
            models.Citation.source.in_(about),
        )
    )
    rows, cursor = window.select(session, stmt, [models.Citation.source, models.Citation.number])
    citations = [Citation.model_validate(r[0]) for r in rows]
    return citations, cursor, list_sources(session, {c.source for c in citations})
