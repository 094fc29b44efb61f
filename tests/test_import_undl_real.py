"""The real mine-ban and cluster-munition vote file: tallies, curated records, Kyrgyzstan (§4)."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import models
from app.importers.undl import import_votes
from app.importers.undl_write import SOURCE_ID
from tests.conftest import shared_path
from tests.test_load import dump

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
    path = shared_path("refdata", "undl", "ga_voting_mine_cluster.csv")
    curated_kgz = session.execute(
        select(models.Vote.resolution, models.Vote.source, models.Vote.vote).where(
            models.Vote.country == "KGZ"
        )
    ).all()
    assert len(curated_kgz) == 8
    report = import_votes(session, str(path))
    assert (report.rows, report.resolutions_in_file) == (8043, 42)
    res, votes = report.resolutions, report.votes
    assert (res.inserted, res.updated, res.unchanged) == (34, 8, 0)
    assert (votes.inserted, votes.updated, votes.unchanged) == (8043, 0, 0)
    assert [str(m) for m in report.mismatches] == [
        "A/RES/71/34 (yes: official 164, counted 163)",
        "A/RES/71/45 (no: official 2, counted 1)",
    ]
    r7134 = session.get(models.Resolution, "A/RES/71/34")
    r7145 = session.get(models.Resolution, "A/RES/71/45")
    assert r7134 is not None
    assert r7145 is not None
    assert (r7134.total_yes, r7134.counted_yes, r7134.treaty, r7134.source) == (
        164,
        163,
        "mbt",
        SOURCE_ID,
    )
    assert (r7145.total_no, r7145.counted_no, r7145.treaty) == (2, 1, "ccm")

    # A curated resolution keeps its source and title; the import fills its empty totals.
    r7361 = session.get(models.Resolution, "A/RES/73/61")
    assert r7361 is not None
    assert (r7361.source, r7361.treaty, r7361.date.isoformat()) == (
        "monitor-kgz-mine-ban-policy-2019",
        "mbt",
        "2018-12-05",
    )
    totals = (r7361.total_yes, r7361.total_no, r7361.total_abstain, r7361.total_non_voting)
    assert (*totals, r7361.total_members) == (169, 0, 16, 8, 193)
    assert r7145.source == "un-ga-documents"

    # The 1996/97 landmine-ban texts belong to the Mine Ban Treaty.
    for symbol in ("A/RES/51/45 S", "A/RES/52/38 A", "A/RES/52/38 H"):
        early = session.get(models.Resolution, symbol)
        assert early is not None
        assert (symbol, early.treaty) == (symbol, "mbt")

    source = session.get(models.Source, SOURCE_ID)
    assert source is not None
    assert (source.kind.value, source.origin, source.row_count) == ("un_data", "import", 8043)
    assert source.checksum == hashlib.sha256(path.read_bytes()).hexdigest()

    # Kyrgyzstan, as the Monitor profiles state it (DESIGN/issue 4 §4).
    kgz = kgz_votes(session)
    assert len(kgz) == 42
    assert kgz["A/RES/73/61"] == "yes"
    assert kgz["A/RES/70/54"] == "abstain"
    assert {s: kgz[s] for s in CCM_FROM_2016} == dict.fromkeys(CCM_FROM_2016, "yes")
    assert {s: kgz[s] for s in MBT_2002_2009} == dict.fromkeys(MBT_2002_2009, "abstain")
    assert kgz["A/RES/51/45 S"] == "yes"
    assert (kgz["A/RES/54/54 B"], kgz["A/RES/56/24 M"]) == ("non_voting", "non_voting")

    # The curated votes are still there, next to the imported ones, and agree with them.
    after = session.execute(
        select(models.Vote.resolution, models.Vote.source, models.Vote.vote).where(
            models.Vote.country == "KGZ", models.Vote.source != SOURCE_ID
        )
    ).all()
    assert sorted(after) == sorted(curated_kgz)
    for symbol, _source, vote in curated_kgz:
        assert (symbol, kgz[symbol]) == (symbol, vote.value)

    # Importing it again changes nothing.
    before = dump(session.connection())
    again = import_votes(session, str(path))
    assert (again.votes.unchanged, again.resolutions.unchanged, again.changed) == (8043, 42, False)
    assert dump(session.connection()) == before
