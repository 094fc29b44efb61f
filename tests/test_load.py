"""Loading data/: idempotent, and all-or-nothing with errors that name file, record and field."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, MetaData, String, func, select
from sqlalchemy.orm import Session

from app import dataversion, models
from app.importers.yamlfile import DataFileError
from app.models import Base
from app.public.load import load
from tests.conftest import DATA_DIR

MBP = "monitor-kgz-mine-ban-policy-2019"


def dump(connection: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    tables: MetaData = Base.metadata
    return {
        t.name: [tuple(r) for r in connection.execute(select(t).order_by(*t.primary_key.columns))]
        for t in tables.sorted_tables
    }


#: A curated resolution, as data/resolutions.yaml holds those the public record does not
#: (texts adopted without a vote, say); the symbol is made up, no file holds it.
CURATED = (
    "resolutions:\n"
    "  - symbol: A/RES/80/999\n"
    "    session: 80\n"
    "    date: 2025-12-01\n"
    "    title: A text adopted without a vote (curated)\n"
    "    treaty: mbt\n"
    "    source: un-ga-documents\n"
)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/ to break."""
    return Path(shutil.copytree(DATA_DIR, tmp_path / "data"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_loading_twice_leaves_the_database_identical(
    session: Session, connection: Connection
) -> None:
    before = dump(connection)
    assert dataversion.current(session) == 1
    report = load(session, DATA_DIR)
    session.flush()
    assert not report.changed
    assert report.tables["stockpiles"].unchanged == 4
    assert dump(connection) == before


def test_counts_after_load(connection: Connection) -> None:
    tables = dump(connection)
    counts = {name: len(rows) for name, rows in tables.items()}
    assert counts == {
        "meta": 1,
        "api_keys": 0,
        "drafts": 0,
        # an entry per curated record, and one for the whole public record
        "changes": 856 + 1,
        "countries": 279,
        # 9 curated (the Monitor profiles, UN member states, UN documents, UNSD M49, the
        # depositary practice, the Factbook's dependencies and country names, the list of
        # alternative country names); 7 UNTC pages and the UN vote file of the public record
        "sources": 9 + 7 + 1,
        # 16 curated footnotes; the 36 end notes of the UNTC pages (number and date, no text)
        "citations": 16 + 36,
        "country_names": counts["country_names"],
        "treaties": 7,
        "treaty_aliases": counts["treaty_aliases"],
        "resolutions": 42,
        "treaty_actions": 1121,
        "status_statements": 7,
        "participations": 9,
        "positions": 9,
        # 8,043 of the UN vote file and Kyrgyzstan's 8 from the Monitor
        "votes": 8043 + 8,
        "stockpiles": 4,
        "practices": 9,
        "stockpile_costs": 2,
        "citation_links": counts["citation_links"],
    }
    assert counts["citation_links"] > 30


def test_a_changed_record_is_updated_and_a_removed_one_deleted(
    session: Session, connection: Connection, data_copy: Path
) -> None:
    version = dataversion.current(session)
    kgz = data_copy / "countries" / "kgz.yaml"
    edit(kgz, "quantity_text: tens of thousands", "quantity_text: several tens of thousands")
    text = kgz.read_text(encoding="utf-8")
    start = text.index("  - id: kgz-cm-stockpiling-2010")
    kgz.write_text(text[:start], encoding="utf-8")
    report = load(session, data_copy)
    session.flush()
    assert report.tables["stockpiles"].updated == 1
    assert report.tables["practices"].deleted == 1
    rows = dump(connection)
    assert [r for r in rows["practices"] if r[0] == "kgz-cm-stockpiling-2010"] == []
    assert {r[0] for r in rows["citation_links"] if r[2] == "kgz-cm-stockpiling-2010"} == set()
    assert dataversion.current(session) == version + 1


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "countries/kgz.yaml",
            "country: KGZ",
            "country: XKX",
            r"^countries/kgz\.yaml:7:10: field 'country': unknown country 'XKX'",
        ),
        (
            "countries/kgz.yaml",
            'as_of: "2019-12-18"',
            'as_of: "2019-13-18"',
            r"^countries/kgz\.yaml:19:12: record status_statements\[0\] \(kgz-mbt-status-2019\): "
            r"field 'status_statements\.as_of': Value error, month must be in 1\.\.12",
        ),
        (
            "countries/kgz.yaml",
            "citations: [6]",
            "citations: [6, 12]",
            r"^countries/kgz\.yaml:\d+:\d+: record participations\[0\] \(kgz-mbt-revcon1-2004\): "
            r"field 'participations\.citations': source 'monitor-kgz-mine-ban-policy-2019' has no "
            r"footnote 12",
        ),
        (
            "resolutions.yaml",
            "resolutions: []\n",
            CURATED.replace("date: 2025-12-01", "date: 2025-12-32"),
            r"^resolutions\.yaml:\d+:\d+: record resolutions\[0\] \(A/RES/80/999\): "
            r"field 'resolutions\.date': Input should be a valid date",
        ),
        (
            "countries/kgz.yaml",
            "treaty: mbt",
            "treaty: mine-ban",
            r"field 'status_statements\.treaty': unknown treaty 'mine-ban'",
        ),
        (
            "countries/kgz.yaml",
            "quantity_kind: range",
            "quantity_kind: lots",
            r"field 'stockpiles\.quantity_kind': Input should be 'exact', 'range', "
            r"'qualitative' or 'unknown'",
        ),
        (
            "sources.yaml",
            "sources:",
            "sources: [",
            r"^sources\.yaml:\d+:\d+: not valid YAML",
        ),
    ],
)
def test_a_bad_value_fails_naming_file_record_and_field_and_writes_nothing(
    session: Session,
    connection: Connection,
    data_copy: Path,
    file: str,
    old: str,
    new: str,
    message: str,
) -> None:
    before = dump(connection)
    edit(data_copy / file, old, new)
    with pytest.raises(DataFileError) as caught:
        load(session, data_copy)
    assert re.search(message, str(caught.value), re.MULTILINE), str(caught.value)
    session.rollback()
    assert dump(connection) == before


def test_every_problem_is_reported_at_once(session: Session, data_copy: Path) -> None:
    edit(data_copy / "countries" / "kgz.yaml", "citations: [6]", "citations: [60]")
    edit(data_copy / "resolutions.yaml", "resolutions: []\n", CURATED)
    edit(data_copy / "resolutions.yaml", "treaty: mbt", "treaty: ottawa")
    with pytest.raises(DataFileError) as caught:
        load(session, data_copy)
    assert [p.file for p in caught.value.problems] == ["resolutions.yaml", "countries/kgz.yaml"]


def test_a_missing_file_is_named(session: Session, data_copy: Path) -> None:
    (data_copy / "treaties.yaml").unlink()
    with pytest.raises(DataFileError, match=r"treaties\.yaml: file is missing"):
        load(session, data_copy)


def test_an_unknown_field_is_refused(session: Session, data_copy: Path) -> None:
    edit(
        data_copy / "countries" / "kgz.yaml",
        "    holder: State Border Guard Service",
        "    holdr: x",
    )
    with pytest.raises(
        DataFileError, match=r"field 'stockpiles\.holdr': Extra inputs are not permitted"
    ):
        load(session, data_copy)


def test_a_curated_record_takes_over_an_imported_resolution(
    session: Session, data_copy: Path
) -> None:
    from datetime import date

    session.add(
        models.Source(
            id="undl-test", title="votes", publisher="UN", kind="un_data", origin="import"
        )
    )
    session.flush()
    session.add(
        models.Resolution(
            symbol="A/RES/80/999",
            session=80,
            date=date(2025, 12, 1),
            title="Imported",
            treaty="mbt",
            total_yes=159,
            source="undl-test",
        )
    )
    session.flush()
    session.add(
        models.Vote(resolution="A/RES/80/999", country="KGZ", vote="yes", source="undl-test")
    )
    session.flush()
    edit(data_copy / "resolutions.yaml", "resolutions: []\n", CURATED)
    report = load(session, data_copy)
    assert report.tables["resolutions"].updated == 1
    taken = session.get_one(models.Resolution, "A/RES/80/999")
    assert (taken.source, taken.title, taken.total_yes) == (
        "un-ga-documents",
        "A text adopted without a vote (curated)",
        159,
    )
    assert session.get(models.Vote, ("A/RES/80/999", "KGZ", "undl-test")) is not None


def test_a_curated_record_of_a_public_resolution_is_refused(
    session: Session, connection: Connection, data_copy: Path
) -> None:
    """The public record holds A/RES/80/35: a curated file cites it, it does not repeat it."""
    before = dump(connection)
    public = CURATED.replace("A/RES/80/999", "A/RES/80/35")
    edit(data_copy / "resolutions.yaml", "resolutions: []\n", public)
    with pytest.raises(DataFileError) as caught:
        load(session, data_copy)
    assert str(caught.value) == (
        "resolutions.yaml:10:5: record resolutions[0] (A/RES/80/35): field 'resolutions': "
        "A/RES/80/35 is in the public record (data/public): cite it, do not repeat it"
    )
    session.rollback()
    assert dump(connection) == before


def test_an_alias_given_twice_is_refused(session: Session, data_copy: Path) -> None:
    edit(data_copy / "treaties.yaml", "      - CCM\n", "      - CCM\n      - ccm\n")
    with pytest.raises(
        DataFileError, match=r"treaties\.yaml:\d+:\d+: .*alias 'ccm' already names ccm"
    ):
        load(session, data_copy)


NAMES = ("reference", "country_names.yaml")


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        # a name of a code in use is that code's: another (current or withdrawn) cannot have it
        ("{country: FRA, name: The Holland, kind: alias}", "'The Holland' already names NLD"),
        ("{country: ZAR, name: D.R.C., kind: historical}", "'D.R.C.' already names COD"),
        ("{country: FRA, name: Great Brit Ain}", "'Great Brit Ain' already names GBR"),
        ("{country: TMP, name: Timor-Leste, kind: historical}", "'Timor-Leste' already names TLS"),
        ("{country: NLD, name: Holland, source: nowhere}", "unknown source 'nowhere'"),
    ],
)
def test_a_country_name_that_cannot_be_its_is_refused(
    session: Session, data_copy: Path, entry: str, problem: str
) -> None:
    with data_copy.joinpath(*NAMES).open("a", encoding="utf-8") as names:
        names.write(f"  - {entry}\n")  # after the file's own names
    with pytest.raises(DataFileError, match=r"country_names\.yaml:\d+:\d+: .*" + problem):
        load(session, data_copy)


def test_a_withdrawn_code_may_keep_a_name_no_code_in_use_has(
    session: Session, data_copy: Path
) -> None:
    edit(data_copy.joinpath(*NAMES), "names:\n", "names:\n  - {country: TMP, name: Timor Timur}\n")
    load(session, data_copy)
    name = session.get(models.CountryName, "timor timur")
    assert name is not None
    assert (name.country_iso3, name.kind, name.source) == ("TMP", "alias", "un-member-states")


#: Kyrgyzstan's vote on the curated resolution, after its eight votes in kgz.yaml.
KGZ_VOTE = (
    "  - resolution: A/RES/80/999\n"
    '    vote: "yes"\n'
    "    source: monitor-kgz-mine-ban-policy-2019\n"
    "\n"
    "stockpiles:\n"
)


def test_dropping_a_resolution_a_curated_vote_uses_names_the_vote(
    session: Session, data_copy: Path
) -> None:
    edit(data_copy / "resolutions.yaml", "resolutions: []\n", CURATED)
    edit(data_copy / "countries" / "kgz.yaml", "\nstockpiles:\n", KGZ_VOTE)
    load(session, data_copy)
    assert session.get(models.Vote, ("A/RES/80/999", "KGZ", MBP)) is not None
    edit(data_copy / "resolutions.yaml", CURATED, "resolutions: []\n")
    before = dump(session.connection())
    with pytest.raises(DataFileError) as caught:
        load(session, data_copy)
    assert str(caught.value) == (
        "countries/kgz.yaml:274:17: record votes[8] (A/RES/80/999): "
        "field 'votes.resolution': unknown resolution 'A/RES/80/999'"
    )
    assert dump(session.connection()) == before


def test_dropping_a_resolution_imported_votes_use_is_refused(
    session: Session, data_copy: Path
) -> None:
    edit(data_copy / "resolutions.yaml", "resolutions: []\n", CURATED)
    load(session, data_copy)
    session.add(models.Source(id="undl-test", title="votes", publisher="UN", kind="un_data",
                              origin="import"))  # fmt: skip
    session.flush()
    session.add(
        models.Vote(resolution="A/RES/80/999", country="ALB", vote="yes", source="undl-test")
    )
    session.flush()
    edit(data_copy / "resolutions.yaml", CURATED, "resolutions: []\n")
    before = dump(session.connection())
    with pytest.raises(DataFileError) as caught:
        load(session, data_copy)
    assert str(caught.value).startswith(
        f"{data_copy}: the files drop a record that other data still points at ("
    )
    assert dump(session.connection()) == before


def test_a_page_no_treaty_has_is_a_problem_of_the_public_record(
    session: Session, connection: Connection, data_copy: Path
) -> None:
    """Found by the importer fuzzing: the UNTC importer's refusal escaped the load."""
    edit(data_copy / "treaties.yaml", "untc_number: XXVI-6", "untc_number: XXVI-7")
    before = dump(connection)
    with pytest.raises(DataFileError) as caught:
        load(session, data_copy)
    assert str(caught.value) == (
        f"{data_copy}/public/untc_actions.csv: UNTC number XXVI-6 is not a known treaty"
    )
    session.rollback()
    assert dump(connection) == before


def test_a_manifest_that_is_not_utf8_is_named(session: Session, data_copy: Path) -> None:
    """Found by the importer fuzzing: a UnicodeDecodeError escaped the load."""
    manifest = data_copy / "public" / "manifest.yaml"
    manifest.write_bytes(manifest.read_text(encoding="utf-8").encode("utf-16"))
    with pytest.raises(DataFileError) as caught:
        load(session, data_copy)
    assert str(caught.value).startswith(
        f"{manifest}: unreadable manifest: 'utf-8' codec can't decode byte 0xff in position 0"
    )


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("Korea " * 34, r"String should have at most 200 characters"),
        ("K & " * 50, r"String should have at most 200 characters"),  # 299 folded
    ],
)
def test_a_country_name_longer_than_its_column_is_named(
    session: Session, data_copy: Path, name: str, problem: str
) -> None:
    column = models.CountryName.__table__.c
    types = [column.name.type, column.folded.type]
    assert [t.length for t in types if isinstance(t, String)] == [200, 200]
    edit(data_copy / "reference" / "country_names.yaml", "Republic of Korea", name.strip())
    names = select(func.count()).select_from(models.CountryName)
    before = session.scalar(names)
    with pytest.raises(
        DataFileError, match=r"reference/country_names\.yaml:\d+:\d+: .*" + problem
    ) as caught:
        load(session, data_copy)
    assert [p.file for p in caught.value.problems] == ["reference/country_names.yaml"]
    assert session.scalar(names) == before


def test_a_country_name_kind_longer_than_its_column_is_named(
    session: Session, data_copy: Path
) -> None:
    edit(data_copy / "reference" / "country_names.yaml", "kind: alias}", f"kind: {'a' * 21}}}")
    with pytest.raises(
        DataFileError,
        match=r"reference/country_names\.yaml:\d+:\d+: .*String should have at most 20 characters",
    ):
        load(session, data_copy)


def test_any_record_value_longer_than_its_column_is_named(
    session: Session, data_copy: Path
) -> None:
    edit(
        data_copy / "countries" / "kgz.yaml",
        "    holder: State Border Guard Service",
        f"    holder: {'State Border Guard Service ' * 8}",
    )
    with pytest.raises(
        DataFileError,
        match=r"countries/kgz\.yaml:307:13: record stockpiles\[1\] "
        r"\(kgz-stockpile-border-guard-2010\): field 'stockpiles\.holder': "
        r"String should have at most 200 characters",
    ):
        load(session, data_copy)


def test_a_footnote_value_longer_than_its_column_is_named(
    session: Session, data_copy: Path
) -> None:
    edit(data_copy / "sources.yaml", "        place: Geneva", f"        place: {'Geneva ' * 30}")
    with pytest.raises(
        DataFileError,
        match=r"sources\.yaml:\d+:\d+: .*field 'sources\.citations\.place': "
        r"String should have at most 200 characters",
    ):
        load(session, data_copy)
