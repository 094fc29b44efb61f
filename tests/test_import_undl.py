"""UN Digital Library vote import: layouts, encodings, rejections, idempotency, updates."""

from __future__ import annotations

import gzip
import hashlib
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from sqlalchemy import Connection, Table, func, insert, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import dataversion, models
from app.config import Settings
from app.db import make_engine
from app.importers import undl_write
from app.importers.undl import UndlReport, import_votes
from app.importers.undl_fields import UndlError, normalise_symbol, treaty_of
from app.importers.undl_read import VoteRow
from app.importers.undl_write import SOURCE_ID
from tests.conftest import prepare
from tests.test_load import dump
from tests.undl_files import (
    BASE,
    CCM,
    HEADER_2026,
    MBT,
    before_any_vote_import,
    csv_2024,
    csv_2026,
    write,
)


@pytest.fixture
def session(session: Session) -> Session:
    """The loaded database as it was before any vote import: the small files below import
    resolutions the public record holds (A/RES/77/63, 77/79), so their first import starts
    without the record's votes."""
    before_any_vote_import(session.connection())
    return session


def imported_votes(session: Session) -> set[tuple[str, str, str, str | None]]:
    """(resolution, country, vote, source code) of every vote the import holds."""
    rows = session.execute(
        select(
            models.Vote.resolution, models.Vote.country, models.Vote.vote, models.Vote.source_code
        ).where(models.Vote.source == SOURCE_ID)
    )
    return {(r, c, v.value, code) for r, c, v, code in rows}


def counts(report: UndlReport) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    res, votes = report.resolutions, report.votes
    return (
        (res.inserted, res.updated, res.unchanged),
        (votes.inserted, votes.updated, votes.unchanged),
    )


BASE_VOTES = {
    ("A/RES/77/63", "AFG", "yes", "Y"),
    ("A/RES/77/63", "KGZ", "yes", "Y"),
    ("A/RES/77/63", "RUS", "abstain", "A"),
    ("A/RES/77/63", "VEN", "non_voting", "X"),
    ("A/RES/77/79", "KGZ", "yes", "Y"),
    ("A/RES/77/79", "RUS", "no", "N"),
}


def test_2026_layout_keeps_the_treaty_resolutions(session: Session, tmp_path: Path) -> None:
    path = write(tmp_path / "votes.csv", csv_2026())
    version = dataversion.current(session)
    report = import_votes(session, str(path))
    assert (report.file, report.layout, report.rows, report.resolutions_in_file) == (
        "votes.csv",
        "2026",
        8,
        3,
    )
    assert counts(report) == ((2, 0, 0), (6, 0, 0))
    assert report.mismatches == []
    assert imported_votes(session) == BASE_VOTES
    mbt = session.get(models.Resolution, "A/RES/77/63")
    assert mbt is not None
    assert (mbt.session, mbt.date.isoformat(), mbt.title, mbt.treaty, mbt.source) == (
        77,
        "2022-12-07",
        MBT,
        "mbt",
        SOURCE_ID,
    )
    assert (mbt.meeting, mbt.draft) == ("A/77/PV.44", "A/77/L.9")
    assert (mbt.total_yes, mbt.total_no, mbt.total_abstain, mbt.total_non_voting) == (2, 0, 1, 1)
    assert mbt.total_members == 4
    assert (mbt.counted_yes, mbt.counted_no, mbt.counted_abstain, mbt.counted_non_voting) == (
        2,
        0,
        1,
        1,
    )
    ccm = session.get(models.Resolution, "A/RES/77/79")
    assert ccm is not None
    assert (ccm.treaty, ccm.title, ccm.total_non_voting, ccm.total_members) == (
        "ccm",
        CCM,
        None,
        None,
    )
    assert session.get(models.Resolution, "A/RES/77/80") is None
    source = session.get(models.Source, SOURCE_ID)
    assert source is not None
    assert (source.kind.value, source.origin, source.row_count) == ("un_data", "import", 8)
    assert source.checksum == hashlib.sha256(path.read_bytes()).hexdigest()
    assert source.title == "UN General Assembly voting data (UN Digital Library), file votes.csv"
    assert source.imported_at is not None
    assert dataversion.current(session) == version + 1


def test_2024_layout_gives_the_same_votes_with_nv(session: Session, tmp_path: Path) -> None:
    report = import_votes(session, str(write(tmp_path / "votes2024.csv", csv_2024())))
    assert (report.layout, report.rows) == ("2024", 8)
    assert counts(report) == ((2, 0, 0), (6, 0, 0))
    assert imported_votes(session) == {
        (r, c, v, "NV" if code == "X" else code) for r, c, v, code in BASE_VOTES
    }
    mbt = session.get(models.Resolution, "A/RES/77/63")
    assert mbt is not None
    assert (mbt.session, mbt.treaty, mbt.total_yes, mbt.total_members) == (77, "mbt", 2, 4)


def test_bom_and_crlf(session: Session, tmp_path: Path) -> None:
    text = "\ufeff" + csv_2026().replace("\n", "\r\n")
    report = import_votes(session, str(write(tmp_path / "bom.csv", text)))
    assert (report.layout, report.rows) == ("2026", 8)
    assert imported_votes(session) == BASE_VOTES


def test_gzip(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "votes.csv.gz"
    path.write_bytes(gzip.compress(csv_2026().encode()))
    report = import_votes(session, str(path))
    assert report.rows == 8
    assert imported_votes(session) == BASE_VOTES
    source = session.get(models.Source, SOURCE_ID)
    assert source is not None
    assert source.checksum == hashlib.sha256(path.read_bytes()).hexdigest()


def test_all_and_treaty_filters(session: Session, tmp_path: Path) -> None:
    path = str(write(tmp_path / "votes.csv", csv_2026()))
    with session.begin_nested() as nested:
        report = import_votes(session, path, {"ccm"})
        assert counts(report) == ((1, 0, 0), (2, 0, 0))
        assert imported_votes(session) == {v for v in BASE_VOTES if v[0] == "A/RES/77/79"}
        nested.rollback()
    report = import_votes(session, path, keep_all=True)
    assert counts(report) == ((3, 0, 0), (8, 0, 0))
    other = session.get(models.Resolution, "A/RES/77/80")
    assert other is not None
    assert (other.treaty, other.title) == (None, "Assistance in mine action")


def test_importing_the_same_file_twice_changes_nothing(session: Session, tmp_path: Path) -> None:
    path = str(write(tmp_path / "votes.csv", csv_2026()))
    import_votes(session, path)
    before, version = dump(session.connection()), dataversion.current(session)
    again = import_votes(session, path)
    assert counts(again) == ((0, 0, 2), (0, 0, 6))
    assert not again.changed
    assert dump(session.connection()) == before
    assert dataversion.current(session) == version


def test_the_same_votes_under_another_name_or_layout_write_nothing(
    session: Session, tmp_path: Path
) -> None:
    """Content, not the file, decides: no row, no Source field, no history entry, no new data
    version; the vote code first stored (`X` here) is kept when the 2024 file says `NV`."""
    import_votes(session, str(write(tmp_path / "votes.csv", csv_2026())))
    before, version = dump(session.connection()), dataversion.current(session)
    renamed = tmp_path / "downloaded-again.csv.gz"
    renamed.write_bytes(gzip.compress(csv_2026().encode()))
    for path in (renamed, write(tmp_path / "votes2024.csv", csv_2024())):
        again = import_votes(session, str(path))
        assert (again.file, counts(again), again.changed) == (
            path.name,
            ((0, 0, 2), (0, 0, 6)),
            False,
        )
        assert dump(session.connection()) == before
        assert dataversion.current(session) == version
    assert imported_votes(session) == BASE_VOTES
    source = session.get_one(models.Source, SOURCE_ID)
    assert source.title == "UN General Assembly voting data (UN Digital Library), file votes.csv"


def test_the_2024_codes_first_stored_are_kept_by_the_same_votes_in_2026(
    session: Session, tmp_path: Path
) -> None:
    import_votes(session, str(write(tmp_path / "votes2024.csv", csv_2024())))
    before, version = dump(session.connection()), dataversion.current(session)
    again = import_votes(session, str(write(tmp_path / "votes.csv", csv_2026())))
    assert (counts(again), again.changed) == (((0, 0, 2), (0, 0, 6)), False)
    assert dump(session.connection()) == before
    assert dataversion.current(session) == version
    assert ("A/RES/77/63", "VEN", "non_voting", "NV") in imported_votes(session)


def test_a_newer_file_updates_changed_votes_and_adds_resolutions(
    session: Session, tmp_path: Path
) -> None:
    import_votes(session, str(write(tmp_path / "v1.csv", csv_2026())))
    mbt_votes = [("AFG", "AFGHANISTAN", "Y"), ("KGZ", "KYRGYZSTAN", "A"),
                 ("RUS", "RUSSIAN FEDERATION", "A"), ("VEN", "VENEZUELA", "X")]  # fmt: skip
    newer = [
        ("A/RES/77/63", "2022-12-07", MBT, ("1.0", "0.0", "2.0", "1.0", "4.0"), mbt_votes),
        BASE[1],
        BASE[2],
        ("A/RES/78/45", "2023-12-04", MBT, ("1.0", "1.0", "0.0", "", ""),
         [("KGZ", "KYRGYZSTAN", "Y"), ("RUS", "RUSSIAN FEDERATION", "N")]),
    ]  # fmt: skip
    path = write(tmp_path / "v2.csv", csv_2026(newer))
    report = import_votes(session, str(path))
    assert counts(report) == ((1, 1, 1), (2, 1, 5))
    assert imported_votes(session) == (BASE_VOTES - {("A/RES/77/63", "KGZ", "yes", "Y")}) | {
        ("A/RES/77/63", "KGZ", "abstain", "A"),
        ("A/RES/78/45", "KGZ", "yes", "Y"),
        ("A/RES/78/45", "RUS", "no", "N"),
    }
    mbt = session.get(models.Resolution, "A/RES/77/63")
    assert mbt is not None
    assert (mbt.total_yes, mbt.total_abstain, mbt.counted_yes, mbt.counted_abstain) == (1, 2, 1, 2)
    source = session.get(models.Source, SOURCE_ID)
    assert source is not None
    assert (source.checksum, source.row_count) == (
        hashlib.sha256(path.read_bytes()).hexdigest(),
        10,
    )


def test_mismatched_totals_are_reported_and_stored(session: Session, tmp_path: Path) -> None:
    off = [("A/RES/77/63", "2022-12-07", MBT, ("3.0", "0.0", "1.0", "1.0", "5.0"), BASE[0][4])]
    report = import_votes(session, str(write(tmp_path / "off.csv", csv_2026(off))))
    assert [str(m) for m in report.mismatches] == [
        "A/RES/77/63 (yes: official 3, counted 2, members: official 5, counted 4)"
    ]
    mbt = session.get(models.Resolution, "A/RES/77/63")
    assert mbt is not None
    assert (mbt.total_yes, mbt.counted_yes, mbt.total_members) == (3, 2, 5)


LINE_3 = ",KGZ,KYRGYZSTAN,Y,2022-12-07,77,A/RES/77/63,"
REJECTIONS = [
    pytest.param(
        LINE_3,
        ",KGZ,KYRGYZSTAN,Q,2022-12-07,77,A/RES/77/63,",
        "line 3, column 'ms_vote': unknown vote code 'Q' (expected Y, N, A, X)",
        id="vote-code",
    ),
    pytest.param(
        LINE_3,
        ",KGZ,KYRGYZSTAN,Y,2022-02-30,77,A/RES/77/63,",
        "line 3, column 'date': '2022-02-30' is not a date (expected YYYY-MM-DD)",
        id="date",
    ),
    pytest.param(
        LINE_3,
        ",KGZ,KYRGYZSTAN,Y,2022-12-08,77,A/RES/77/63,",
        "line 3, column 'date': '2022-12-08' differs from '2022-12-07' given for A/RES/77/63 "
        "on line 2",
        id="inconsistent-date",
    ),
    pytest.param(
        LINE_3,
        ",ZZZ,ATLANTIS,Y,2022-12-07,77,A/RES/77/63,",
        "line 3, column 'ms_code': unknown country: code 'ZZZ', name 'ATLANTIS'",
        id="country",
    ),
    pytest.param(
        ",AFG,AFGHANISTAN,Y,",
        ",KGZ,KYRGYZSTAN,Y,",
        "line 3, column 'ms_code': second vote of KGZ on A/RES/77/63",
        id="duplicate",
    ),
    pytest.param(
        ",RUS,RUSSIAN FEDERATION,N,2022-12-07,77,A/RES/77/79,A/77/L.9,,A/77/PV.44,"
        "Implementation of the Convention on Cluster Munitions,,,,1.0",
        ",RUS,RUSSIAN FEDERATION,N,2022-12-07,77,A/RES/77/79,A/77/L.9,,A/77/PV.44,"
        "Implementation of the Convention on Cluster Munitions,,,,one",
        "line 7, column 'total_yes': 'one' is not a vote count",
        id="total",
    ),
    pytest.param(
        ",KGZ,KYRGYZSTAN,Y,2022-12-07,77,A/RES/77/63,",
        ",KGZ,KYRGYZSTAN,Y,2022-12-07,77,A/RES/77/63\n,",
        "line 3, column 'draft': 7 columns where the header has 20 (truncated row)",
        id="truncated",
    ),
    pytest.param(
        "ms_vote",
        "vote",
        "line 1: not a UN Digital Library GA voting file: found columns undl_id, ms_code, "
        "ms_name, vote, date, session, resolution, draft, committee_report, meeting, title, "
        "agenda_title, subjects, vote_note, total_yes, total_no, total_abstentions, "
        "total_non_voting, total_ms, undl_link; needed (2026 layout: ms_code, ms_name, "
        "ms_vote, resolution, date, title, session, total_yes, total_no, total_abstentions, "
        "total_non_voting, total_ms; 2024 layout: ms_codes, ms_names, ms_votes, resolutions, "
        "date, title, yes, no, abstentions, non-voting, total-voting)",
        id="header",
    ),
    pytest.param(
        ",total_ms,",
        ",members,",
        "line 1: header of the 2026 layout lacks column(s) total_ms; found: undl_id, ms_code, "
        "ms_name, ms_vote, date, session, resolution, draft, committee_report, meeting, "
        "title, agenda_title, subjects, vote_note, total_yes, total_no, total_abstentions, "
        "total_non_voting, members, undl_link",
        id="header-column",
    ),
]


@pytest.mark.parametrize(("old", "new", "message"), REJECTIONS)
def test_a_bad_line_rejects_the_file_and_writes_nothing(
    session: Session, tmp_path: Path, old: str, new: str, message: str
) -> None:
    text = csv_2026()
    assert old in text
    path = write(tmp_path / "bad.csv", text.replace(old, new, 1))
    before = dump(session.connection())
    with pytest.raises(UndlError) as caught:
        import_votes(session, str(path), keep_all=True)
    assert str(caught.value) == message
    assert dump(session.connection()) == before


def test_a_bad_line_after_a_first_good_import_leaves_that_import(
    session: Session, tmp_path: Path
) -> None:
    import_votes(session, str(write(tmp_path / "good.csv", csv_2026())))
    before = dump(session.connection())
    bad = csv_2026().replace(",RUS,RUSSIAN FEDERATION,N,", ",RUS,RUSSIAN FEDERATION,NO,")
    with pytest.raises(UndlError, match=r"^line 7, column 'ms_vote': unknown vote code 'NO'"):
        import_votes(session, str(write(tmp_path / "bad.csv", bad)))
    assert dump(session.connection()) == before


def test_not_utf8_and_empty_files_are_refused(session: Session, tmp_path: Path) -> None:
    latin = csv_2026().replace("KYRGYZSTAN", "KÝRGYZSTAN")
    with pytest.raises(UndlError, match=r"^not UTF-8 text \(near line "):
        import_votes(session, str(write(tmp_path / "latin.csv", latin, "latin-1")))
    with pytest.raises(UndlError, match=r"^the file is empty$"):
        import_votes(session, str(write(tmp_path / "empty.csv", "")))
    header_only = write(tmp_path / "header.csv", HEADER_2026 + "\n")
    report = import_votes(session, str(header_only))
    assert (report.rows, counts(report)) == (0, ((0, 0, 0), (0, 0, 0)))


def test_country_found_by_name_when_the_code_is_missing(session: Session, tmp_path: Path) -> None:
    text = (
        csv_2026()
        .replace(",KGZ,KYRGYZSTAN,", ",,Kyrgyz Republic,")
        .replace(",RUS,RUSSIAN FEDERATION,", ",SUN,RUSSIAN FEDERATION,")
    )
    import_votes(session, str(write(tmp_path / "names.csv", text)))
    assert ("A/RES/77/63", "KGZ", "yes", "Y") in imported_votes(session)
    assert ("A/RES/77/63", "SUN", "abstain", "A") in imported_votes(session)


@pytest.mark.parametrize(
    ("raw", "symbol"),
    [
        ("A/RES/73/61", "A/RES/73/61"),
        ("73/61", "A/RES/73/61"),
        ("A/RES/51/45 S", "A/RES/51/45 S"),
        ("a/res/51/45s", "A/RES/51/45 S"),
        (" A/RES/51/45   S ", "A/RES/51/45 S"),
        ("A/RES/ES-10/19", "A/RES/ES-10/19"),
        ("A/RES/1/9/XI", "A/RES/1/9/XI"),
    ],
)
def test_symbols_are_normalised(raw: str, symbol: str) -> None:
    assert normalise_symbol(raw) == symbol


@pytest.mark.parametrize(
    ("title", "treaty"),
    [
        (MBT, "mbt"),
        ("Convention on the Prohibition of the Use, Stockpiling, Production and Transfer of "
         "Anti-personnel Mines and on Their Destruction", "mbt"),
        ("Implementation of the Convention on the Prohibition of the Use, Stockpilling, "
         "Production and Transfer of Anti-personnal Mines", "mbt"),
        ("Implementation of the convention to the Prohibition of the Use, Stockpilling, "
         "Production and Transfer of Anti-personnel Mines and on Their Destruction: resolution / "
         "adopted by the General Assembly", "mbt"),
        ("A/71/251 98p - Implementation of the Convention on the Prohibition of the Use, "
         "Stockpiling, Production and Transfer of Anti-Personnel Mines and on Their Destruction. "
         "- LANDMINES--TREATIES (1997)", "mbt"),
        ("An international agreement to ban anti-personnel landmines", "mbt"),
        ("Banning anti-personnel landmines", "mbt"),
        (CCM, "ccm"),
        ("Convention on Prohibitions or Restrictions on the Use of Certain Conventional Weapons "
         "Which May Be Deemed to Be Excessively Injurious or to Have Indiscriminate Effects",
         "ccw"),
        ("Assistance in mine action", None),
        ("A/80/400 101b - Assistance in mine action", None),
        ("Countering the threat posed by improvised explosive devices", None),
    ],
)  # fmt: skip
def test_resolutions_are_linked_to_treaties_by_title(title: str, treaty: str | None) -> None:
    assert treaty_of(title) == treaty


def votes_table_checks(session: Session) -> tuple[set[tuple[str, ...]], set[str | None]]:
    """The votes table's foreign keys (columns and the table they refer to) and its indexes."""
    inspector = inspect(session.connection())
    keys = {
        (*key["constrained_columns"], key["referred_table"])
        for key in inspector.get_foreign_keys("votes")
    }
    return keys, {index["name"] for index in inspector.get_indexes("votes")}


VOTE_KEYS = (
    {("country", "countries"), ("resolution", "resolutions"), ("source", "sources")},
    {"ix_votes_country_date", "ix_votes_source"},
)


def bulk_writes(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record each `without_checks` the import enters (with `keys`: whether it drops them)."""
    entered: list[bool] = []
    real = undl_write.without_checks

    def spy(conn: Connection, table: Table, keys: bool = True) -> AbstractContextManager[None]:
        entered.append(keys)
        return real(conn, table, keys)

    monkeypatch.setattr(undl_write, "without_checks", spy)
    monkeypatch.setattr(undl_write, "BULK_ROWS", 1)
    return entered


def test_a_bulk_first_import_gives_the_same_rows_and_keeps_the_keys(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entered = bulk_writes(monkeypatch)
    path = str(write(tmp_path / "votes.csv", csv_2026()))
    assert counts(import_votes(session, path)) == ((2, 0, 0), (6, 0, 0))
    assert imported_votes(session) == BASE_VOTES
    assert votes_table_checks(session) == VOTE_KEYS
    # PostgreSQL drops the keys too; SQLite only the indexes (it checks the keys after the write)
    assert entered == [session.connection().dialect.name == "postgresql"]
    assert counts(import_votes(session, path)) == ((0, 0, 2), (0, 0, 6))
    assert len(entered) == 1  # the same votes again: nothing new, the table keeps its checks


def test_an_import_adding_more_votes_than_the_source_held_is_a_bulk_one_on_postgresql(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """2 votes held, 8 in the file: at least 6 are new, so PostgreSQL drops the keys and
    indexes to insert them; SQLite writes into the table as it stands (an upsert per vote)."""
    entered = bulk_writes(monkeypatch)
    path = str(write(tmp_path / "votes.csv", csv_2026()))
    assert counts(import_votes(session, path, {"ccm"})) == ((1, 0, 0), (2, 0, 0))
    postgres = session.connection().dialect.name == "postgresql"
    assert entered == [postgres]
    assert counts(import_votes(session, path, keep_all=True)) == ((2, 0, 1), (6, 0, 2))
    assert entered == ([True, True] if postgres else [False])
    assert votes_table_checks(session) == VOTE_KEYS
    assert imported_votes(session) == BASE_VOTES | {
        ("A/RES/77/80", "KGZ", "yes", "Y"),
        ("A/RES/77/80", "RUS", "yes", "Y"),
    }


def test_a_bad_reference_fails_when_the_bulk_keys_come_back(session: Session) -> None:
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        pytest.skip("the bulk path (keys dropped and re-added) runs on PostgreSQL only")
    table = models.Vote.__table__
    assert isinstance(table, Table)
    with (
        pytest.raises(IntegrityError, match="fk_votes_country_countries"),
        conn.begin_nested(),
        undl_write.without_checks(conn, table),
    ):
        conn.execute(
            insert(table).values(
                resolution="A/RES/73/61", country="ZZZ", vote="yes", source="untc-status-xxvi-5"
            )
        )
    assert votes_table_checks(session) == VOTE_KEYS
    assert session.scalar(select(func.count()).where(models.Vote.country == "ZZZ")) == 0


@pytest.mark.parametrize(
    ("source", "row", "refused"),
    [
        ("untc-status-xxvi-5", ("A/RES/99/999", "KGZ", "yes", "Y", "2099-12-01"),
         "votes.resolution 'A/RES/99/999'"),
        (SOURCE_ID, ("A/RES/99/999", "KGZ", "yes", "Y", "2099-12-01"),
         "votes.resolution 'A/RES/99/999'"),
        (SOURCE_ID, ("A/RES/73/61", "ZZZ", "yes", "Y", "2018-12-05"), "votes.country 'ZZZ'"),
    ],
)  # fmt: skip
def test_a_dangling_reference_written_straight_into_votes_is_refused(
    scratch_url: str, source: str, row: VoteRow, refused: str
) -> None:
    """SQLite defers the keys while the votes come before their resolutions, then checks the
    votes written (a source's first import, indexes dropped, or one that holds 8,043)."""
    engine = make_engine(Settings(database_url=scratch_url))
    try:
        if engine.dialect.name != "sqlite":
            pytest.skip("votes go straight into the table (keys checked after) on SQLite only")
        prepare(engine)
        with Session(engine) as session:
            stage = undl_write.VoteStage(session, source)
            assert (stage.postgres, stage.held) == (False, 8043 if source == SOURCE_ID else 0)
            stage.add([row])
            with pytest.raises(IntegrityError) as caught:
                stage.merge({})
            assert str(caught.value.orig) == f"FOREIGN KEY constraint failed: {refused}"
        with engine.connect() as conn:
            # the public record's 8,043 votes and the 8 curated ones
            assert conn.scalar(select(func.count()).select_from(models.Vote)) == 8043 + 8
    finally:
        engine.dispose()
