"""Migrations: upgrade to head, downgrade to base, and a head that matches the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from app.models import Base
from tests.conftest import migrate

TABLES = {
    "alembic_version",
    "citation_links",
    "citations",
    "countries",
    "meta",
    "country_names",
    "participations",
    "positions",
    "practices",
    "resolutions",
    "sources",
    "status_statements",
    "stockpile_costs",
    "stockpiles",
    "treaties",
    "treaty_actions",
    "treaty_aliases",
    "votes",
}


def test_upgrade_downgrade_upgrade(scratch_url: str) -> None:
    engine = create_engine(scratch_url)
    try:
        with engine.begin() as conn:
            migrate(conn)
        assert set(inspect(engine).get_table_names()) == TABLES
        with engine.begin() as conn:
            migrate(conn, "base", down=True)
        assert set(inspect(engine).get_table_names()) == {"alembic_version"}
        with engine.begin() as conn:
            migrate(conn)
        assert set(inspect(engine).get_table_names()) == TABLES
    finally:
        engine.dispose()


def test_head_matches_models(scratch_url: str) -> None:
    engine = create_engine(scratch_url)
    try:
        with engine.begin() as conn:
            migrate(conn)
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
    finally:
        engine.dispose()
