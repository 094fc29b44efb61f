"""end note texts: a footnote's text may be null (a UNTC end note loaded from the public record)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 03:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text_nullable(nullable: bool) -> None:
    """SQLite rebuilds the table, and dropping the old one with foreign keys on deletes the
    links that point at it (ON DELETE CASCADE): they are kept aside and put back."""
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        bind.exec_driver_sql("CREATE TEMP TABLE kept_links AS SELECT * FROM citation_links")
    with op.batch_alter_table("citations") as batch:
        batch.alter_column("text", existing_type=sa.Text(), nullable=nullable)
    if sqlite:
        bind.exec_driver_sql(
            "INSERT OR IGNORE INTO citation_links (citation_id, record_type, record_id) "
            "SELECT citation_id, record_type, record_id FROM kept_links "
            "WHERE citation_id IN (SELECT id FROM citations)"
        )
        bind.exec_driver_sql("DROP TABLE kept_links")


def upgrade() -> None:
    _text_nullable(True)


def downgrade() -> None:
    # A footnote without its text cannot be kept: it goes with its links (an import of its
    # page brings it back).
    untold = "SELECT id FROM citations WHERE text IS NULL"
    op.execute(f"DELETE FROM citation_links WHERE citation_id IN ({untold})")
    op.execute("DELETE FROM citations WHERE text IS NULL")
    _text_nullable(False)
