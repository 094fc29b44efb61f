"""The full-text search index over positions, citations and sources, rebuilt on every write
(SQLite FTS5 or PostgreSQL tsvector); the query is `app.queries.search`."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app import models


def reindex(session: Session) -> int:
    """Rebuild the search index from the records (small: curated text and sources)."""
    session.execute(text("DELETE FROM search_documents"))
    titles = dict(session.execute(select(models.Source.id, models.Source.title)).all())
    docs: list[dict[str, str]] = []
    for p in session.scalars(select(models.Position)):
        title = f"{p.country} position ({p.kind}, {p.date or 'undated'})"
        docs.append(
            {"kind": "position", "ref": p.id, "source": p.source, "title": title, "body": p.text}
        )
    for c in session.scalars(select(models.Citation)):
        body = " ".join(filter(None, [c.text, c.issuer, c.reference, c.place]))
        title = f"{titles.get(c.source, c.source)}, footnote {c.number}"
        docs.append(
            {"kind": "citation", "ref": c.id, "source": c.source, "title": title, "body": body}
        )
    for s in session.scalars(select(models.Source)):
        body = " ".join(filter(None, [s.publisher, s.url, s.licence]))
        docs.append({"kind": "source", "ref": s.id, "source": s.id, "title": s.title, "body": body})
    if docs:
        session.execute(
            text(
                "INSERT INTO search_documents (kind, ref, source, title, body) "
                "VALUES (:kind, :ref, :source, :title, :body)"
            ),
            docs,
        )
    return len(docs)
