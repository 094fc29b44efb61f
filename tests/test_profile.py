"""The Kyrgyzstan profile over HTTP: exact facts, each with the footnote that backs it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from app import dataversion, models
from tests.conftest import brief, count_queries
from tests.realdata import UNTC_PAGE_SOURCES
from tests.test_api_treaties import all_pages

MINE = "monitor-kgz-mine-ban-policy-2019"
CLUSTER = "monitor-kgz-cluster-munition-ban-policy"
UN = "undl-ga-voting"
LETTER = "Letter 011-14/809 from the Ministry of Foreign Affairs, 30 April 2010."


@pytest.fixture
def profile(client: TestClient) -> dict[str, Any]:
    response = client.get("/v1/countries/kyrgyz%20republic/profile", params={"as_of": "2026-01-01"})
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def by_slug(profile: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["treaty"]["slug"]: t for t in profile["treaties"]}


def cites(record: dict[str, Any]) -> list[str]:
    return [c["id"] for c in record["citations"]]


def test_not_party_to_the_mine_ban_treaty_the_ccm_and_the_ccw(profile: dict[str, Any]) -> None:
    treaties = by_slug(profile)
    assert sorted(treaties) == ["ccm", "ccw", "ccw-art1", "ccw-p2a", "ccw-p4", "ccw-p5", "mbt"]
    for slug in treaties:
        assert treaties[slug]["status"] == {
            "status": "not_party",
            "as_of": "2026-01-01",
            "signed_on": None,
            "joined_on": None,
            "join_method": None,
            "entry_into_force_on": None,
            "withdrawal_notified_on": None,
            "withdrawal_effective_on": None,
            # no action on the UNTC page of 2026-02-03, which lists every participant
            "record_as_at": "2026-02-03",
            "as_known_on": None,
            "beyond_record": False,
        }
        assert treaties[slug]["actions"] == treaties[slug]["later_actions"] == []
    statements = {
        slug: sorted((s["source"], s["as_of"], s["status"]) for s in treaties[slug]["statements"])
        for slug in ("mbt", "ccm", "ccw")
    }
    assert statements == {
        "mbt": [(CLUSTER, "2021-12", "not_party"), (MINE, "2019-12-18", "not_party")],
        "ccm": [
            (CLUSTER, "2021-12", "not_party"),
            (CLUSTER, "2021-12", "not_party"),
            (MINE, "2019-12-18", "not_party"),
        ],
        "ccw": [(CLUSTER, "2021-12", "not_party"), (MINE, "2019-12-18", "not_party")],
    }
    mbt = next(s for s in treaties["mbt"]["statements"] if s["source"] == MINE)
    assert mbt["text"] == "The Kyrgyz Republic has not acceded to the Mine Ban Treaty."
    assert mbt["citations"] == []


def test_pmn_and_ozm72_held_by_the_ministry_of_defense(profile: dict[str, Any]) -> None:
    stock = {s["id"]: s for s in profile["stockpiles"]}
    official = stock["kgz-stockpile-mod-2010"]
    assert {k: official[k] for k in ("weapon", "holder", "types", "condition", "as_of")} == {
        "weapon": "antipersonnel_mine",
        "holder": "Ministry of Defense",
        "types": ["PMN", "OZM-72"],
        "condition": "expired",
        "as_of": "2010-04",
    }
    assert (official["reporter"], official["reported_by"]) == (
        "official",
        "Ministry of Foreign Affairs",
    )
    assert cites(official) == [f"{MINE}:7", f"{MINE}:8"]
    footnote7 = official["citations"][0]
    assert footnote7["text"].startswith(LETTER + " A military source requesting anonymity")
    assert (footnote7["issuer"], footnote7["reference"], footnote7["date"]) == (
        "Ministry of Foreign Affairs",
        "Letter 011-14/809",
        "2010-04-30",
    )
    unofficial = stock["kgz-stockpile-mod-2005"]
    assert (unofficial["quantity_kind"], unofficial["quantity_text"], unofficial["reporter"]) == (
        "qualitative",
        "tens of thousands",
        "unofficial",
    )
    border = stock["kgz-stockpile-border-guard-2005"]
    assert (border["quantity_min"], border["quantity_max"], border["quantity_text"]) == (
        1000,
        2000,
        "1,000 to 2,000",
    )
    small = stock["kgz-stockpile-border-guard-2010"]
    assert (small["holder"], small["quantity_text"]) == (
        "State Border Guard Service",
        "a small amount",
    )


def test_destruction_estimate_of_600000_dollars(profile: dict[str, Any]) -> None:
    official = next(s for s in profile["stockpiles"] if s["id"] == "kgz-stockpile-mod-2010")
    assert official["costs"] == [
        {
            "purpose": "destruction",
            "amount": 600000.0,
            "currency": "USD",
            "approximate": True,
            "text": "approximately US$600,000",
        },
        {
            "purpose": "replacement",
            "amount": 1500000.0,
            "currency": "USD",
            "approximate": False,
            "text": "$1.5 million",
        },
    ]
    footnote8 = official["citations"][1]
    assert (footnote8["number"], footnote8["text"]) == (8, LETTER)


def test_yes_vote_on_73_61(profile: dict[str, Any], client: TestClient) -> None:
    vote = next(v for v in profile["votes"] if v["resolution"]["symbol"] == "A/RES/73/61")
    assert vote["resolution"]["date"] == "2018-12-05"
    assert vote["resolution"]["treaty"] == "mbt"
    assert (vote["vote"], vote["source_code"], vote["source"]) == ("yes", "Y", UN)
    assert cites(vote) == []
    assert (brief(vote["also_recorded"]), vote["conflicts"]) == ([(MINE, "yes", [f"{MINE}:3"])], [])
    # The Monitor's record of the vote is the one its footnote 3 backs.
    footnote3 = client.get(f"/v1/citations/{MINE}:3").json()
    assert footnote3["records"] == [{"record_type": "vote", "record_id": f"A/RES/73/61|KGZ|{MINE}"}]
    assert footnote3["text"] == (
        "“Implementation of the Convention on the Prohibition of the Use, Stockpiling, Production "
        "and Transfer of Anti-Personnel Mines and on Their Destruction,” UNGA Resolution 73/61, "
        "5 December 2018."
    )


def test_every_vote_in_date_order(profile: dict[str, Any], client: TestClient) -> None:
    votes = profile["votes"]
    assert len(votes) == 42  # every treaty resolution of the UN vote file, 1996-2025
    assert [v["resolution"]["date"] for v in votes] == sorted(
        v["resolution"]["date"] for v in votes
    )
    assert {(v["source"], v["resolution"]["treaty"] in ("mbt", "ccm")) for v in votes} == {
        (UN, True)
    }
    assert [
        (v["resolution"]["symbol"], v["vote"], [o["source"] for o in v["also_recorded"]])
        for v in votes
        if v["also_recorded"]
    ] == [
        ("A/RES/70/54", "abstain", [CLUSTER]),
        ("A/RES/71/45", "yes", [CLUSTER]),
        ("A/RES/72/54", "yes", [CLUSTER]),
        ("A/RES/73/54", "yes", [CLUSTER]),
        ("A/RES/73/61", "yes", [MINE]),
        ("A/RES/74/62", "yes", [CLUSTER]),
        ("A/RES/75/62", "yes", [CLUSTER]),
        ("A/RES/76/47", "yes", [CLUSTER]),
    ]
    assert all(v["conflicts"] == [] for v in votes)
    assert profile["votes_url"] == "/v1/countries/KGZ/votes"
    assert all_pages(client, profile["votes_url"], limit=50) == votes


def test_meeting_participation(profile: dict[str, Any]) -> None:
    treaties = by_slug(profile)
    rows = [
        (p["treaty"], p["meeting"], p["year"], p["role"], cites(p))
        for slug in ("mbt", "ccm")
        for p in treaties[slug]["participations"]
    ]
    assert rows == [
        ("mbt", "First Review Conference, Nairobi", 2004, "participant", [f"{MINE}:6"]),
        ("mbt", "2005 Meeting of States Parties", 2005, "observer", []),
        (
            "mbt",
            "Standing Committee on the General Status and Operation",
            2006,
            "participant",
            [f"{MINE}:2", f"{MINE}:9"],
        ),
        ("ccm", "Dublin Diplomatic Conference", 2008, "participant", [f"{CLUSTER}:2"]),
        ("ccm", "Oslo Process", 2008, "participant", [f"{CLUSTER}:2"]),
        ("ccm", "Signing Conference, Oslo", 2008, "not_attended", [f"{CLUSTER}:2"]),
        ("ccm", "2012 Meeting of States Parties", 2012, "observer", []),
        ("ccm", "2013 Meeting of States Parties", 2013, "observer", []),
        ("ccm", "Second Review Conference", 2020, "invited_not_attended", []),
    ]


def test_practices(profile: dict[str, Any]) -> None:
    rows = {
        p["id"]: (
            p["weapon"],
            p["kind"],
            p["finding"],
            p["period_start"],
            p["period_end"],
            cites(p),
        )
        for p in profile["practices"]
    }
    assert rows == {
        "kgz-apm-production-2010": (
            "antipersonnel_mine",
            "production",
            "no",
            None,
            None,
            [f"{MINE}:4"],
        ),
        "kgz-apm-export-2010": ("antipersonnel_mine", "export", "no", None, None, [f"{MINE}:4"]),
        "kgz-apm-use-1999-2000": (
            "antipersonnel_mine",
            "use",
            "yes",
            1999,
            2000,
            [f"{MINE}:9", f"{MINE}:10"],
        ),
        "kgz-apm-clearance-1999-2000": (
            "antipersonnel_mine",
            "clearance",
            "yes",
            1999,
            2000,
            [f"{MINE}:10"],
        ),
        "kgz-apm-mined-areas-2011": (
            "antipersonnel_mine",
            "mined_areas",
            "no",
            None,
            None,
            [f"{MINE}:11"],
        ),
        "kgz-cm-use-2010": ("cluster_munition", "use", "no", None, None, [f"{CLUSTER}:5"]),
        "kgz-cm-production-2010": (
            "cluster_munition",
            "production",
            "no",
            None,
            None,
            [f"{CLUSTER}:5"],
        ),
        "kgz-cm-transfer-2010": (
            "cluster_munition",
            "transfer",
            "no",
            None,
            None,
            [f"{CLUSTER}:5"],
        ),
        "kgz-cm-stockpiling-2010": (
            "cluster_munition",
            "stockpiling",
            "no",
            None,
            None,
            [f"{CLUSTER}:5"],
        ),
    }


def test_sources_listed_with_the_facts(profile: dict[str, Any]) -> None:
    sources = {s["id"]: s for s in profile["sources"]}
    assert set(sources) == {
        MINE,
        CLUSTER,
        UN,
        *UNTC_PAGE_SOURCES,
    }
    mine = sources[MINE]
    assert (mine["title"], mine["last_updated"], mine["citation_count"]) == (
        "Kyrgyzstan: Mine Ban Policy",
        "2019-12-18",
        11,
    )
    assert sources[CLUSTER]["citation_count"] == 5


def test_bad_as_of_is_a_422_problem_naming_the_parameter(client: TestClient) -> None:
    response = client.get("/v1/countries/KGZ/profile", params={"as_of": "2019-02-30"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["parameter"] == "as_of"


def test_profile_query_count_does_not_grow_with_records(
    client: TestClient, connection: Connection, session: Session
) -> None:
    def queries() -> int:
        # the read model of a new data version is built by the first request (another date)
        assert client.get("/v1/countries/KGZ/profile?as_of=2026-01-01").status_code == 200
        with count_queries(connection) as statements:
            assert client.get("/v1/countries/KGZ/profile").status_code == 200
        return len(statements)

    first = queries()
    # the votes, with the voters' statuses on each vote date, are one statement (and the data
    # version is read twice: before the answer and as it starts, app/cache.py)
    assert first == 17
    for i in range(5):
        session.add(
            models.Stockpile(
                id=f"extra-{i}",
                country="KGZ",
                weapon="antipersonnel_mine",
                types=["PMN"],
                quantity_kind="exact",
                quantity=i,
                reporter="official",
                source=MINE,
                costs=[
                    models.StockpileCost(
                        position=0, purpose="destruction", amount=1.0, currency="USD"
                    )
                ],
            )
        )
        session.add(
            models.CitationLink(
                citation_id=f"{MINE}:7", record_type="stockpile", record_id=f"extra-{i}"
            )
        )
    dataversion.bump(session)
    assert queries() == first
