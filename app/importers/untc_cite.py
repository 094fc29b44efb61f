"""The end notes of a UNTC status page as footnotes (Citations) of the page's source, each linked
to the treaty actions it backs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app import models
from app.importers.sync import Counts, upsert
from app.importers.untc_page import Page

#: The record type of a treaty action in citation links.
RECORD_TYPE = "treaty_action"


def citation_rows(page: Page, source: str) -> list[dict[str, Any]]:
    """The page's end notes as citation rows (text None: not read from the page itself)."""
    return [
        {
            "id": models.citation_id(source, note.number),
            "source": source,
            "number": note.number,
            "text": note.text,
            "issuer": None,
            "reference": note.reference,
            "date": note.date.isoformat() if note.date else None,
            "place": None,
        }
        for note in page.end_notes.values()
    ]


def link_rows(source: str, backing: Iterable[tuple[str, tuple[int, ...]]]) -> list[dict[str, str]]:
    """Links from each action id to the end notes that back it."""
    return [
        {"citation_id": models.citation_id(source, n), "record_type": RECORD_TYPE, "record_id": aid}
        for aid, numbers in backing
        for n in numbers
    ]


def forget_texts(session: Session, page: Page, source: str) -> None:
    """The page of `source` changed to `page`: a stored end note it gives no text for (a load
    of the public record) loses the text read from the old page."""
    told = {n.number for n in page.end_notes.values() if n.text is not None}
    for cited in session.scalars(select(models.Citation).where(models.Citation.source == source)):
        if cited.number not in told:
            cited.text = None


class NoteSync:
    """Writes a page's end notes and their links: upserts first, deletions at the end (after
    the actions' own), so that nothing points at a row that is gone."""

    def __init__(self, session: Session, source: str, notes: Counts, links: Counts) -> None:
        self.session, self.source = session, source
        self.notes, self.links = notes, links
        self.stale: list[models.Base] = []

    def _own_notes(self) -> ColumnElement[bool]:
        return models.Citation.source == self.source

    def write_notes(self, rows: list[dict[str, Any]]) -> None:
        """Insert and update the notes; one without text keeps the text stored for it."""
        stored = dict(
            self.session.execute(
                select(models.Citation.id, models.Citation.text).where(self._own_notes())
            ).all()
        )
        rows = [{**r, "text": r["text"] or stored.get(r["id"])} for r in rows]
        own = self._own_notes()
        self.stale += upsert(self.session, models.Citation, rows, ("id",), own, self.notes, True)

    def write_links(self, rows: list[dict[str, str]]) -> None:
        """Insert the links of the page's actions to its notes; drop those no longer given."""
        link = models.CitationLink
        own = select(models.Citation.id).where(self._own_notes())
        scope = (link.record_type == RECORD_TYPE) & link.citation_id.in_(own)
        key = ("citation_id", "record_type", "record_id")
        gone = upsert(self.session, link, rows, key, scope, self.links)
        for obj in gone:
            self.session.delete(obj)
        self.session.flush()

    def finish(self) -> None:
        """Delete the notes the page no longer refers to."""
        for obj in self.stale:
            self.session.delete(obj)
        self.session.flush()
