"""Full-text search over positions, citations and sources: SQLite FTS5 or PostgreSQL tsvector."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.errors import ProblemError
from app.schemas import SearchHit
from app.vocab import HitKind

_WORD = re.compile(r"\w+", re.UNICODE)


def _words(q: str) -> list[str]:
    """The words of a query; operators and punctuation of either engine's syntax are not words."""
    words: list[str] = _WORD.findall(q)
    if not words:
        raise ProblemError(
            422,
            "Invalid parameter",
            "q: give at least one word",
            kind="invalid-parameter",
            parameter="q",
        )
    return words


def _fts5_query(q: str) -> str:
    """User words as an FTS5 query: every word must match, the last one as a prefix."""
    quoted = [f'"{w}"' for w in _words(q)]
    quoted[-1] += "*"
    return " ".join(quoted)


def search(
    session: Session, q: str, kinds: set[HitKind] | None, offset: int, limit: int
) -> tuple[list[SearchHit], list[str]]:
    """Ranked hits (best first) and the sources of those hits."""
    params: dict[str, object] = {"limit": limit, "offset": offset}
    kind_filter = ""
    if kinds:
        kind_filter = " AND kind IN (" + ", ".join(f":k{i}" for i in range(len(kinds))) + ")"
        params |= {f"k{i}": str(k) for i, k in enumerate(sorted(kinds))}
    if session.get_bind().dialect.name == "sqlite":
        params["q"] = _fts5_query(q)
        sql = (
            "SELECT kind, ref, source, title, snippet(search_documents, 4, '[', ']', '…', 16), "
            "-bm25(search_documents, 0, 0, 0, 4.0, 1.0) AS rank FROM search_documents "
            f"WHERE search_documents MATCH :q{kind_filter} ORDER BY rank DESC, kind, ref "
            "LIMIT :limit OFFSET :offset"
        )
    else:
        params["q"] = " ".join(_words(q))  # every word must match, as with FTS5
        sql = (
            "SELECT kind, ref, source, title, ts_headline('english', body, query, "
            "'StartSel=[, StopSel=], MaxWords=24, MinWords=8'), "
            "ts_rank_cd(tsv, query) AS rank FROM search_documents, "
            "plainto_tsquery('english', :q) AS query "
            f"WHERE tsv @@ query{kind_filter} ORDER BY rank DESC, kind, ref "
            "LIMIT :limit OFFSET :offset"
        )
    rows = session.execute(text(sql), params).all()
    hits = [
        SearchHit(kind=k, id=ref, title=title, snippet=snippet, rank=round(float(rank), 6))
        for k, ref, _source, title, snippet, rank in rows
    ]
    return hits, sorted({row[2] for row in rows})
