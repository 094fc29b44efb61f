"""Migrations: upgrade to head, downgrade to base, and a head that matches the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from app.models import Base, include_name
from tests.conftest import migrate

FTS5_SHADOWS = {f"search_documents_{s}" for s in ("data", "idx", "content", "docsize", "config")}
TABLES = {
    "alembic_version",
    "api_keys",
    "changes",
    "citation_links",
    "citations",
    "countries",
    "drafts",
    "meta",
    "country_names",
    "participations",
    "positions",
    "practices",
    "resolutions",
    "search_documents",
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
        assert set(inspect(engine).get_table_names()) - FTS5_SHADOWS == TABLES
        with engine.begin() as conn:
            migrate(conn, "base", down=True)
        assert set(inspect(engine).get_table_names()) == {"alembic_version"}
        with engine.begin() as conn:
            migrate(conn)
        assert set(inspect(engine).get_table_names()) - FTS5_SHADOWS == TABLES
    finally:
        engine.dispose()


def test_head_matches_models(scratch_url: str) -> None:
    engine = create_engine(scratch_url)
    try:
        with engine.begin() as conn:
            migrate(conn)
            context = MigrationContext.configure(conn, opts={"include_name": include_name})
            diff = compare_metadata(context, Base.metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_the_regions_migration_adds_and_drops_the_region_columns(scratch_url: str) -> None:
    engine = create_engine(scratch_url)
    regions = {
        "region", "region_code", "subregion", "subregion_code", "intermediate_region",
        "intermediate_region_code",
    }  # fmt: skip

    def columns() -> set[str]:
        return {c["name"] for c in inspect(engine).get_columns("countries")}

    try:
        with engine.begin() as conn:
            migrate(conn, "0006")
        assert regions <= columns()
        with engine.begin() as conn:
            migrate(conn, "0005", down=True)
        assert columns() & regions == set()
        assert {"iso3", "iso2", "numeric", "un_member"} <= columns()
        with engine.begin() as conn:
            migrate(conn)
        assert regions <= columns()
    finally:
        engine.dispose()
