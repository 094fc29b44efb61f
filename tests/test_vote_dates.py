"""A vote's date is its resolution's, whatever wrote the vote or changed the resolution."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, create_engine, func, inspect, select, text
from sqlalchemy.orm import Session

from app import models
from app.importers import undl_write
from app.importers.undl import import_votes
from app.importers.undl_write import SOURCE_ID
from app.profiles.store import ingest, publish_draft
from app.public.load import load
from app.revert import revert
from tests.conftest import migrate, shared_path
from tests.test_load import CURATED, data_copy, edit  # noqa: F401
from tests.test_writes import key  # noqa: F401
from tests.undl_files import BASE, before_any_vote_import, csv_2026, write
from tests.writing import CMP, MBP
from tests.writing import write as api_write

#: A page of a country's votes, oldest first.
PAGE = (
    "SELECT resolution, source FROM votes WHERE country = 'KGZ' "
    "ORDER BY date, resolution, source LIMIT 51"
)


def undated(conn: Connection) -> list[tuple[str, str, str, date, date]]:
    """Votes whose date is not their resolution's: (resolution, country, source, its, theirs)."""
    v, r = models.Vote, models.Resolution
    stmt = (
        select(v.resolution, v.country, v.source, v.date, r.date)
        .join(r, r.symbol == v.resolution)
        .where(v.date != r.date)
    )
    return [(a, b, c, d, e) for a, b, c, d, e in conn.execute(stmt)]


def dates_of(session: Session, symbol: str) -> dict[str, set[date]]:
    """The dates the votes on a resolution hold, by source."""
    v = models.Vote
    found: dict[str, set[date]] = {}
    for source, day in session.execute(select(v.source, v.date).where(v.resolution == symbol)):
        found.setdefault(source, set()).add(day)
    return found


def test_the_date_is_a_not_null_column_in_the_country_index(connection: Connection) -> None:
    inspector = inspect(connection)
    (column,) = [c for c in inspector.get_columns("votes") if c["name"] == "date"]
    assert column["nullable"] is False
    indexes = {i["name"]: i["column_names"] for i in inspector.get_indexes("votes")}
    assert indexes == {
        "ix_votes_country_date": ["country", "date", "resolution", "source"],
        "ix_votes_source": ["source"],
    }


def test_the_migration_fills_the_dates_and_goes_back(scratch_url: str) -> None:
    engine = create_engine(scratch_url)

    def votes_columns() -> set[str]:
        return {c["name"] for c in inspect(engine).get_columns("votes")}

    def indexes() -> set[str | None]:
        return {i["name"] for i in inspect(engine).get_indexes("votes")}

    try:
        with engine.begin() as conn:
            migrate(conn, "0006")
            conn.execute(
                text(
                    "INSERT INTO countries (iso3, name, un_member, un_observer, historical) "
                    "VALUES ('KGZ', 'Kyrgyzstan', true, false, false)"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO sources (id, title, publisher, kind, origin) "
                    "VALUES ('s', 'S', 'P', 'un_data', 'import')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO resolutions (symbol, session, date, title, source) VALUES "
                    "('A/RES/73/61', 73, '2018-12-05', 'Mines', 's'), "
                    "('A/RES/77/79', 77, '2022-12-07', 'Cluster munitions', 's')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO votes (resolution, country, vote, source) VALUES "
                    "('A/RES/73/61', 'KGZ', 'yes', 's'), ('A/RES/77/79', 'KGZ', 'abstain', 's')"
                )
            )
        assert "date" not in votes_columns()
        with engine.begin() as conn:
            migrate(conn)
            assert undated(conn) == []
            dated = conn.execute(select(models.Vote.resolution, models.Vote.date)).all()
        assert sorted(dated) == [
            ("A/RES/73/61", date(2018, 12, 5)),
            ("A/RES/77/79", date(2022, 12, 7)),
        ]
        assert indexes() == {"ix_votes_country_date", "ix_votes_source"}
        with engine.begin() as conn:
            migrate(conn, "0006", down=True)
        assert "date" not in votes_columns()
        assert indexes() == {"ix_votes_country", "ix_votes_source"}
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM votes")) == 2
    finally:
        engine.dispose()


def test_the_load_of_data_dates_every_vote(connection: Connection) -> None:
    assert undated(connection) == []
    total = connection.scalar(select(func.count()).select_from(models.Vote))
    assert total == 8043 + 8  # the public record's votes and the curated ones
    nulls = select(func.count()).where(models.Vote.date.is_(None))
    assert connection.scalar(nulls) == 0


@pytest.mark.parametrize("bulk", [False, True], ids=["rows", "bulk"])
def test_a_first_import_dates_its_votes_and_another_source_keeps_its_date(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: bool
) -> None:
    """On SQLite the votes go straight into the table, on PostgreSQL through the stage (and,
    with `bulk`, with the keys and indexes dropped); A/RES/77/79, a resolution of another
    source dated a day later than the file says, keeps its date, and so do its votes."""
    if bulk:
        monkeypatch.setattr(undl_write, "BULK_ROWS", 1)
    before_any_vote_import(session.connection())
    session.add(
        models.Resolution(
            symbol="A/RES/77/79",
            session=77,
            date=date(2022, 12, 8),
            title="Cluster munitions (curated)",
            treaty="ccm",
            source="un-ga-documents",
        )
    )
    session.flush()
    import_votes(session, str(write(tmp_path / "votes.csv", csv_2026())))
    assert dates_of(session, "A/RES/77/63") == {SOURCE_ID: {date(2022, 12, 7)}}
    assert dates_of(session, "A/RES/77/79") == {SOURCE_ID: {date(2022, 12, 8)}}
    assert undated(session.connection()) == []


def test_a_changed_date_in_a_newer_file_moves_the_votes_of_every_source(
    session: Session, tmp_path: Path
) -> None:
    before_any_vote_import(session.connection())
    import_votes(session, str(write(tmp_path / "v1.csv", csv_2026())))
    curated = models.Vote(resolution="A/RES/77/63", country="KGZ", vote="yes", source=MBP)
    session.add(curated)
    session.flush()
    assert curated.date == date(2022, 12, 7)
    moved = [("A/RES/77/63", "2022-12-09", *BASE[0][2:]), *BASE[1:]]
    report = import_votes(session, str(write(tmp_path / "v2.csv", csv_2026(moved))))
    assert (report.resolutions.updated, report.votes.updated, report.votes.inserted) == (1, 0, 0)
    assert dates_of(session, "A/RES/77/63") == {
        SOURCE_ID: {date(2022, 12, 9)},
        MBP: {date(2022, 12, 9)},
    }
    session.refresh(curated)
    assert (curated.date, curated.version) == (date(2022, 12, 9), 1)
    assert undated(session.connection()) == []


def test_an_orm_vote_takes_the_date_and_follows_a_change_of_it(session: Session) -> None:
    vote = models.Vote(resolution="A/RES/70/54", country="KGZ", vote="yes", source=MBP)
    session.add(vote)
    session.flush()
    resolution = session.get_one(models.Resolution, "A/RES/70/54")
    assert vote.date == resolution.date == date(2015, 12, 7)
    resolution.date = date(2015, 12, 8)
    session.flush()
    assert dates_of(session, "A/RES/70/54") == {
        SOURCE_ID: {date(2015, 12, 8)},
        MBP: {date(2015, 12, 8)},
        CMP: {date(2015, 12, 8)},
    }
    assert undated(session.connection()) == []


def test_a_load_that_changes_a_curated_date_moves_its_votes(
    session: Session,
    data_copy: Path,  # noqa: F811
) -> None:
    """A/RES/80/999 (data/resolutions.yaml in `CURATED`) is stored a day early, with a vote of
    an import; the load moves both."""
    session.add(
        models.Source(
            id="undl-test", title="votes", publisher="UN", kind="un_data", origin="import"
        )
    )
    session.add(
        models.Resolution(
            symbol="A/RES/80/999",
            session=80,
            date=date(2025, 11, 30),
            title="A text adopted without a vote (curated)",
            treaty="mbt",
            source="un-ga-documents",
        )
    )
    session.flush()
    vote = models.Vote(resolution="A/RES/80/999", country="KGZ", vote="yes", source="undl-test")
    session.add(vote)
    session.flush()
    assert vote.date == date(2025, 11, 30)
    edit(data_copy / "resolutions.yaml", "resolutions: []\n", CURATED)
    report = load(session, data_copy)
    assert report.tables["resolutions"].updated == 1
    assert dates_of(session, "A/RES/80/999") == {"undl-test": {date(2025, 12, 1)}}
    assert undated(session.connection()) == []


def test_api_writes_date_a_vote_and_move_it_with_its_resolution(
    client: TestClient,
    session: Session,
    key: str,  # noqa: F811
) -> None:
    symbol, rid = "A/RES/70/54", f"A/RES/70/54|KGZ|{MBP}"
    body = {"country": "KGZ", "resolution": symbol, "vote": "yes", "source": MBP}
    created = api_write(client, "POST", "votes", key, body)
    assert created.status_code == 201, created.json()
    assert "date" not in created.json()
    assert dates_of(session, symbol)[MBP] == {date(2015, 12, 7)}
    patched = api_write(client, "PATCH", f"votes/{rid}", key, {"note": "late"}, 1)
    assert patched.status_code == 200, patched.json()
    assert dates_of(session, symbol)[MBP] == {date(2015, 12, 7)}

    version = client.get(f"/v1/records/resolutions/{symbol}").headers["etag"].strip('"')
    moved = api_write(
        client, "PATCH", f"resolutions/{symbol}", key, {"date": "2015-12-08"}, version
    )
    assert moved.status_code == 200, moved.json()
    assert set().union(*dates_of(session, symbol).values()) == {date(2015, 12, 8)}
    assert undated(session.connection()) == []

    revert(session, int(moved.headers["change-id"]), "bob")
    assert set().union(*dates_of(session, symbol).values()) == {date(2015, 12, 7)}
    retired = api_write(client, "DELETE", f"votes/{rid}", key, None, 2)
    assert retired.status_code == 200, retired.json()
    assert MBP not in dates_of(session, symbol)
    revert(session, int(retired.headers["change-id"]), "bob")
    assert dates_of(session, symbol)[MBP] == {date(2015, 12, 7)}
    assert undated(session.connection()) == []


def test_a_published_profile_vote_takes_the_date(session: Session) -> None:
    raw = shared_path("seeds", "000_fa6237349ec68be0.txt").read_text(encoding="utf-8")
    ((_, source, drafts),) = ingest(session, raw)
    (draft,) = [d for d in drafts if d.kind == "vote"]
    publish_draft(session, draft)
    assert dates_of(session, "A/RES/73/61")[source] == {date(2018, 12, 5)}
    assert undated(session.connection()) == []


def test_a_country_page_of_votes_is_one_index_range(connection: Connection) -> None:
    """On PostgreSQL, sorting 50 rows costs less than reading them in index order: with sorts
    priced out the plan shows that the index gives the order (at 55,000 votes it always does)."""
    if connection.dialect.name == "sqlite":
        plan = " ".join(r[3] for r in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {PAGE}"))
        assert "ix_votes_country_date" in plan
        assert "TEMP B-TREE" not in plan
    else:
        connection.exec_driver_sql("SET LOCAL enable_sort = off")
        plan = " ".join(r[0] for r in connection.exec_driver_sql(f"EXPLAIN {PAGE}"))
        assert "ix_votes_country_date" in plan
        assert "Sort" not in plan
