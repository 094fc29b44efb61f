"""The real mine-ban and cluster-munition vote file, which the public record holds: tallies,
curated records, Kyrgyzstan (§4)."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import models
from app.importers.undl import import_votes
from app.importers.undl_write import SOURCE_ID
from tests.conftest import shared_path
from tests.test_load import dump
from tests.undl_files import before_any_vote_import

MBT_2002_2009 = [
    "A/RES/57/74",
    "A/RES/58/53",
    "A/RES/59/84",
    "A/RES/60/80",
    "A/RES/61/84",
    "A/RES/62/41",
    "A/RES/63/42",
    "A/RES/64/56",
]
CCM_FROM_2016 = [
    "A/RES/71/45",
    "A/RES/72/54",
    "A/RES/73/54",
    "A/RES/74/62",
    "A/RES/75/62",
    "A/RES/76/47",
    "A/RES/77/79",
    "A/RES/78/32",
    "A/RES/79/58",
    "A/RES/80/52",
]


def kgz_votes(session: Session, source: str = SOURCE_ID) -> dict[str, str]:
    rows = session.execute(
        select(models.Vote.resolution, models.Vote.vote).where(
            models.Vote.country == "KGZ", models.Vote.source == source
        )
    )
    return {symbol: vote.value for symbol, vote in rows}


def test_mine_cluster_file(session: Session) -> None:
    """The loaded public record is this file: importing it finds everything up to date."""
    path = shared_path("refdata", "undl", "ga_voting_mine_cluster.csv")
    before = dump(session.connection())
    report = import_votes(session, str(path))
    assert (report.rows, report.resolutions_in_file) == (8043, 42)
    res, votes = report.resolutions, report.votes
    assert (res.inserted, res.updated, res.unchanged) == (0, 0, 42)
    assert (votes.inserted, votes.updated, votes.unchanged) == (0, 0, 8043)
    assert [str(m) for m in report.mismatches] == [
        "A/RES/71/34 (yes: official 164, counted 163)",
        "A/RES/71/45 (no: official 2, counted 1)",
    ]
    assert not report.changed
    assert dump(session.connection()) == before
    assert_the_file_is_held(session)


def test_a_first_import_of_the_file_stores_what_the_load_did(session: Session) -> None:
    path = shared_path("refdata", "undl", "ga_voting_mine_cluster.csv")
    loaded = dump(session.connection())
    before_any_vote_import(session.connection())
    report = import_votes(session, str(path))
    res, votes = report.resolutions, report.votes
    # the eight resolutions the curated Kyrgyzstan votes name were kept as loaded
    assert (res.inserted, res.updated, res.unchanged) == (34, 0, 8)
    assert (votes.inserted, votes.updated, votes.unchanged) == (8043, 0, 0)
    imported = dump(session.connection())
    for table in ("resolutions", "votes"):
        assert imported[table] == loaded[table], table
    assert_the_file_is_held(session)
    again = import_votes(session, str(path))
    assert (again.votes.unchanged, again.resolutions.unchanged, again.changed) == (8043, 42, False)
    assert dump(session.connection()) == imported


def assert_the_file_is_held(session: Session) -> None:
    """The file's tallies, resolutions and Kyrgyzstan's votes as the database holds them."""
    path = shared_path("refdata", "undl", "ga_voting_mine_cluster.csv")
    r7134 = session.get_one(models.Resolution, "A/RES/71/34")
    r7145 = session.get_one(models.Resolution, "A/RES/71/45")
    assert (r7134.total_yes, r7134.counted_yes, r7134.treaty, r7134.source) == (
        164,
        163,
        "mbt",
        SOURCE_ID,
    )
    assert (r7145.total_no, r7145.counted_no, r7145.treaty, r7145.source) == (
        2,
        1,
        "ccm",
        SOURCE_ID,
    )
    r7361 = session.get_one(models.Resolution, "A/RES/73/61")
    assert (r7361.source, r7361.treaty, r7361.date.isoformat()) == (SOURCE_ID, "mbt", "2018-12-05")
    totals = (r7361.total_yes, r7361.total_no, r7361.total_abstain, r7361.total_non_voting)
    assert (*totals, r7361.total_members) == (169, 0, 16, 8, 193)

    # The 1996/97 landmine-ban texts belong to the Mine Ban Treaty.
    for symbol in ("A/RES/51/45 S", "A/RES/52/38 A", "A/RES/52/38 H"):
        early = session.get_one(models.Resolution, symbol)
        assert (symbol, early.treaty) == (symbol, "mbt")

    source = session.get_one(models.Source, SOURCE_ID)
    assert (source.kind.value, source.origin, source.row_count) == ("un_data", "import", 8043)
    assert source.checksum == hashlib.sha256(path.read_bytes()).hexdigest()
    assert source.title.endswith("file ga_voting_mine_cluster.csv")

    # Kyrgyzstan, as the Monitor profiles state it (DESIGN/issue 4 §4).
    kgz = kgz_votes(session)
    assert len(kgz) == 42
    assert kgz["A/RES/73/61"] == "yes"
    assert kgz["A/RES/70/54"] == "abstain"
    assert {s: kgz[s] for s in CCM_FROM_2016} == dict.fromkeys(CCM_FROM_2016, "yes")
    assert {s: kgz[s] for s in MBT_2002_2009} == dict.fromkeys(MBT_2002_2009, "abstain")
    assert kgz["A/RES/51/45 S"] == "yes"
    assert (kgz["A/RES/54/54 B"], kgz["A/RES/56/24 M"]) == ("non_voting", "non_voting")

    # The curated votes are there, next to the imported ones, and agree with them.
    curated = session.execute(
        select(models.Vote.resolution, models.Vote.vote).where(
            models.Vote.country == "KGZ", models.Vote.source != SOURCE_ID
        )
    ).all()
    assert len(curated) == 8
    for symbol, vote in curated:
        assert (symbol, kgz[symbol]) == (symbol, vote.value)
