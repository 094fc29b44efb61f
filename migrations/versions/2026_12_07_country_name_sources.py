"""country name sources: where each name a country is known by is attested

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 02:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Null until `load` writes data/reference/country_names.yaml again (and for ISO names).
    with op.batch_alter_table("country_names") as batch:
        batch.add_column(sa.Column("source", sa.String(length=80), nullable=True))
        batch.create_index(batch.f("ix_country_names_source"), ["source"], unique=False)
        batch.create_foreign_key(
            batch.f("fk_country_names_source_sources"), "sources", ["source"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("country_names") as batch:
        batch.drop_constraint(batch.f("fk_country_names_source_sources"), type_="foreignkey")
        batch.drop_index(batch.f("ix_country_names_source"))
        batch.drop_column("source")
