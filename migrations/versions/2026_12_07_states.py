"""states: each country's `state` flag (one of the 197 states) and administering state

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 01:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("countries") as batch:
        batch.add_column(
            sa.Column("state", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("administered_by", sa.String(length=3), nullable=True))
    # UN members and observer states are states; `load` completes the flag from data/.
    op.execute("UPDATE countries SET state = (un_member OR un_observer)")
    with op.batch_alter_table("countries") as batch:
        batch.alter_column("state", existing_type=sa.Boolean(), server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("countries") as batch:
        batch.drop_column("administered_by")
        batch.drop_column("state")
