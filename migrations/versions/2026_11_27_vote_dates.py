"""vote dates: each vote holds its resolution's date, indexed with the country

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("votes", sa.Column("date", sa.Date(), nullable=True))
    op.execute(
        "UPDATE votes SET date = (SELECT date FROM resolutions WHERE symbol = votes.resolution)"
    )
    with op.batch_alter_table("votes") as batch:
        batch.alter_column("date", existing_type=sa.Date(), nullable=False)
        batch.drop_index("ix_votes_country")
        batch.create_index("ix_votes_country_date", ["country", "date", "resolution", "source"])


def downgrade() -> None:
    with op.batch_alter_table("votes") as batch:
        batch.drop_index("ix_votes_country_date")
        batch.create_index("ix_votes_country", ["country", "resolution"])
        batch.drop_column("date")
