"""country regions: the UN M49 region, sub-region and intermediate region of each country

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 09:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEVELS = ("region", "subregion", "intermediate_region")


def upgrade() -> None:
    with op.batch_alter_table("countries") as batch:
        for level in LEVELS:
            batch.add_column(sa.Column(level, sa.String(length=100), nullable=True))
            batch.add_column(sa.Column(f"{level}_code", sa.String(length=3), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("countries") as batch:
        for level in reversed(LEVELS):
            batch.drop_column(f"{level}_code")
            batch.drop_column(level)
