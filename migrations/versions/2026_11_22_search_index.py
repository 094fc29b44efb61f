"""search index: SQLite FTS5 or a PostgreSQL tsvector table over positions, citations, sources

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 20:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE search_documents USING fts5("
            "kind UNINDEXED, ref UNINDEXED, source UNINDEXED, title, body, "
            "tokenize = 'porter unicode61 remove_diacritics 2')"
        )
        return
    op.execute(
        "CREATE TABLE search_documents ("
        "kind varchar(20) NOT NULL, ref varchar(120) NOT NULL, source varchar(80) NOT NULL, "
        "title text NOT NULL, body text NOT NULL, "
        "tsv tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector('english', title), 'A') || "
        "setweight(to_tsvector('english', body), 'B')) STORED, "
        "CONSTRAINT pk_search_documents PRIMARY KEY (kind, ref))"
    )
    op.execute("CREATE INDEX ix_search_documents_tsv ON search_documents USING gin (tsv)")


def downgrade() -> None:
    op.execute("DROP TABLE search_documents")
