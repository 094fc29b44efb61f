"""Country lists and a country's treaties, votes, stockpiles, practices and citations."""

from __future__ import annotations

import csv
from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app import csvout, dataversion, models
from app.schemas import CountryListItem
from app.vocab import SourceKind, VoteKind
from tests.conftest import brief
from tests.realdata import CCM_RESOLUTIONS
from tests.test_api_treaties import all_pages

MINE = "monitor-kgz-mine-ban-policy-2019"
CLUSTER = "monitor-kgz-cluster-munition-ban-policy"


def test_search_by_name(client: TestClient) -> None:
    body = client.get("/v1/countries", params={"q": "korea"}).json()
    assert [c["iso3"] for c in body["data"]] == ["KOR", "PRK"]
    assert [c["iso3"] for c in client.get("/v1/countries?q=KG").json()["data"]] == ["KGZ"]
    assert client.get("/v1/countries", params={"q": "côte"}).json()["data"][0]["iso3"] == "CIV"


def test_un_members_across_pages_without_gaps_or_repeats(client: TestClient) -> None:
    rows = all_pages(client, "/v1/countries", un_member="true", limit=40)
    codes = [r["iso3"] for r in rows]
    assert len(codes) == 193
    assert codes == sorted(set(codes))
    assert all(r["un_member"] and r["status"] is None for r in rows)


def test_historical_filter(client: TestClient) -> None:
    rows = all_pages(client, "/v1/countries", historical="true")
    assert [r["iso3"] for r in rows] == [
        "AFI",
        "ANT",
        "ATB",
        "ATN",
        "BUR",
        "BYS",
        "CSK",
        "CTE",
        "DDR",
        "DHY",
        "FXX",
        "GEL",
        "HVO",
        "JTN",
        "MID",
        "NHB",
        "NTZ",
        "PCI",
        "PCZ",
        "PUS",
        "RHO",
        "SCG",
        "SKM",
        "SUN",
        "TMP",
        "VDR",
        "WAK",
        "YMD",
        "YUG",
        "ZAR",
    ]


def test_states_not_party_to_the_ccm(client: TestClient) -> None:
    rows = all_pages(
        client,
        "/v1/countries",
        treaty="ccm",
        status="not_party",
        un_member="true",
        as_of="2026-02-03",
    )
    # 111 states are bound, 4 of them not UN members (Holy See, Palestine, Cook Islands, Niue);
    # 12 signatories; Lithuania withdrawn; Vanuatu deposited, pending entry into force.
    assert len(rows) == 193 - (111 - 4) - 12 - 1 - 1
    assert {"KGZ", "USA", "RUS"} <= {r["iso3"] for r in rows}
    assert "VUT" not in {r["iso3"] for r in rows}
    kgz = next(r for r in rows if r["iso3"] == "KGZ")
    assert kgz["status"]["status"] == "not_party"
    assert kgz["status"]["as_of"] == "2026-02-03"


def test_status_without_treaty_is_refused(client: TestClient) -> None:
    response = client.get("/v1/countries", params={"status": "not_party"})
    assert response.status_code == 422
    assert response.json()["parameter"] == "status"


def test_country_list_csv_has_the_schema_columns(client: TestClient) -> None:
    response = client.get("/v1/countries", params={"q": "kyrgyz"}, headers={"Accept": "text/csv"})
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    lines = response.text.splitlines()
    assert lines[0].split(",") == csvout.columns(CountryListItem)
    assert lines[0] == (
        "iso3,iso2,numeric,name,official_name,un_member,un_observer,state,administered_by,"
        "historical,region,"
        "region_code,subregion,subregion_code,intermediate_region,intermediate_region_code,"
        "status.status,status.as_of,status.signed_on,status.joined_on,status.join_method,"
        "status.entry_into_force_on,status.withdrawal_notified_on,status.withdrawal_effective_on,"
        "status.record_as_at,status.as_known_on,status.beyond_record"
    )
    assert lines[1] == (
        "KGZ,KG,417,Kyrgyzstan,Kyrgyz Republic,true,false,true,,false,Asia,142,Central Asia,143,,"
        + "," * 11
    )


def test_pending_entry_into_force_then_state_party(client: TestClient) -> None:
    before = client.get(
        "/v1/countries/albania/treaties/ottawa", params={"as_of": "2000-07-31"}
    ).json()
    after = client.get("/v1/countries/ALB/treaties/mbt", params={"as_of": "2000-08-01"}).json()
    assert before["status"] == {
        "status": "pending_entry_into_force",
        "as_of": "2000-07-31",
        "signed_on": "1998-09-08",
        "joined_on": "2000-02-29",
        "join_method": "ratification",
        "entry_into_force_on": "2000-08-01",
        "withdrawal_notified_on": None,
        "withdrawal_effective_on": None,
        "record_as_at": "2026-02-03",
        "as_known_on": None,
        "beyond_record": False,
    }
    assert after["status"]["status"] == "state_party"
    assert [(a["action"], a["date"]) for a in after["actions"]] == [
        ("signature", "1998-09-08"),
        ("ratification", "2000-02-29"),
    ]
    assert after["later_actions"] == []
    assert after["country"] == "ALB"
    assert [a["id"] for a in after["actions"]] == [
        "untc-mbt-alb-signature",
        "untc-mbt-alb-ratification",
    ]
    early = client.get("/v1/countries/ALB/treaties/mbt", params={"as_of": "1999-01-01"}).json()
    assert [a["id"] for a in early["actions"]] == ["untc-mbt-alb-signature"]
    assert [a["id"] for a in early["later_actions"]] == ["untc-mbt-alb-ratification"]
    assert [s["id"] for s in after["sources"]] == ["untc-status-xxvi-5"]


def test_country_treaties_list(client: TestClient) -> None:
    body = client.get("/v1/countries/KGZ/treaties", params={"as_of": "2019-12-18"}).json()
    assert [(t["treaty"]["slug"], t["status"]["status"]) for t in body["data"]] == [
        ("ccm", "not_party"),
        ("ccw", "not_party"),
        ("ccw-art1", "not_party"),
        ("ccw-p2a", "not_party"),
        ("ccw-p4", "not_party"),
        ("ccw-p5", "not_party"),
        ("mbt", "not_party"),
    ]
    assert {s["id"] for s in body["sources"]} >= {MINE, CLUSTER}


def test_whole_vote_history_is_the_un_record(client: TestClient) -> None:
    rows = all_pages(client, "/v1/countries/KGZ/votes", limit=10)
    symbols = [r["resolution"]["symbol"] for r in rows]
    assert len(symbols) == len(set(symbols)) == 42  # every resolution of the UN vote file
    assert (symbols[0], symbols[-1]) == ("A/RES/51/45 S", "A/RES/80/52")
    dates = [r["resolution"]["date"] for r in rows]
    assert dates == sorted(dates)
    assert {r["source"] for r in rows} == {"undl-ga-voting"}
    assert Counter(r["vote"] for r in rows) == {"yes": 30, "abstain": 10, "non_voting": 2}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"treaty": "cluster munitions convention"},
            CCM_RESOLUTIONS,
        ),
        ({"treaty": "mbt", "from": "2018-01-01", "to": "2020-12-31"}, ["73/61", "74/61", "75/52"]),
        ({"from": "2018-01-01", "to": "2019-12-31"}, ["73/54", "73/61", "74/61", "74/62"]),
        (
            {"vote": "abstain"},
            [
                "55/33 V",
                "57/74",
                "58/53",
                "59/84",
                "60/80",
                "61/84",
                "62/41",
                "63/42",
                "64/56",
                "70/54",
            ],
        ),
        ({"vote": "non_voting"}, ["54/54 B", "56/24 M"]),
        ({"vote": "yes,no", "treaty": "ccm", "to": "2017-12-31"}, ["71/45", "72/54"]),
    ],
)
def test_vote_history_filters(
    client: TestClient, params: dict[str, str], expected: list[str]
) -> None:
    rows = all_pages(client, "/v1/countries/kyrgyzstan/votes", limit=3, **params)
    assert [r["resolution"]["symbol"].removeprefix("A/RES/") for r in rows] == expected


def test_vote_row(client: TestClient) -> None:
    body = client.get(
        "/v1/countries/KGZ/votes",
        params={"treaty": "mbt", "from": "2018-12-05", "to": "2018-12-05"},
    ).json()
    assert [brief(r.pop("also_recorded")) for r in body["data"]] == [[(MINE, "yes", [f"{MINE}:3"])]]
    assert body["data"] == [
        {
            "country": {"iso3": "KGZ", "name": "Kyrgyzstan", "region": "Asia"},
            "resolution": {
                "symbol": "A/RES/73/61",
                "date": "2018-12-05",
                "title": "Implementation of the Convention on the Prohibition of the Use, "
                "Stockpiling, Production and Transfer of Anti-Personnel Mines and on Their "
                "Destruction",
                "treaty": "mbt",
                "source": "undl-ga-voting",
            },
            "vote": "yes",
            "source_code": "Y",
            "note": None,
            "source": "undl-ga-voting",
            "status": "not_party",
            "citations": [],
            "conflicts": [],
        }
    ]
    assert [s["id"] for s in body["sources"]] == [
        MINE,
        "undl-ga-voting",
        "untc-status-xxvi-5",
    ]  # the MBT page: the status


def test_bad_vote_filter_values(client: TestClient) -> None:
    bad_vote = client.get("/v1/countries/KGZ/votes", params={"vote": "maybe"})
    assert (bad_vote.status_code, bad_vote.json()["parameter"]) == (422, "vote")
    bad_date = client.get("/v1/countries/KGZ/votes", params={"from": "2018-02-30"})
    assert (bad_date.status_code, bad_date.json()["parameter"]) == (422, "from")


def test_stockpiles_practices_and_citations_lists(client: TestClient) -> None:
    stock = all_pages(client, "/v1/countries/KGZ/stockpiles", limit=3)
    assert [s["id"] for s in stock] == [
        "kgz-stockpile-border-guard-2005",
        "kgz-stockpile-border-guard-2010",
        "kgz-stockpile-mod-2005",
        "kgz-stockpile-mod-2010",
    ]
    practices = all_pages(client, "/v1/countries/KGZ/practices", limit=4)
    assert len(practices) == 9
    assert [p["id"] for p in practices][:2] == [
        "kgz-apm-clearance-1999-2000",
        "kgz-apm-export-2010",
    ]
    citations = all_pages(client, "/v1/countries/KGZ/citations", limit=5)
    assert [c["id"] for c in citations] == [f"{CLUSTER}:{n}" for n in range(1, 6)] + [
        f"{MINE}:{n}" for n in range(1, 12)
    ]


def test_csv_of_stockpiles_flattens_lists(client: TestClient) -> None:
    text = client.get("/v1/countries/KGZ/stockpiles", params={"format": "csv"}).text
    rows = {r["id"]: r for r in csv.DictReader(text.splitlines())}
    row: dict[str, Any] = rows["kgz-stockpile-mod-2010"]
    assert row["types"] == "PMN; OZM-72"
    assert row["citations"] == f"{MINE}:7; {MINE}:8"
    assert row["holder"] == "Ministry of Defense"


def test_a_vote_two_sources_disagree_on_is_shown_with_both(
    client: TestClient, session: Session
) -> None:
    # A third record, from a source whose id sorts before the UN record's, that says "yes"
    # where the UN record and the Monitor profile say "abstain".
    other = "a-test-profile"
    session.add(
        models.Source(id=other, title="votes", publisher="test", kind=SourceKind.monitor_profile)
    )
    session.flush()
    session.add(
        models.Vote(resolution="A/RES/70/54", country="KGZ", vote=VoteKind.yes, source=other)
    )
    session.flush()
    dataversion.bump(session)
    rows = client.get("/v1/countries/KGZ/votes", params={"to": "2015-12-31", "treaty": "ccm"})
    assert [
        (
            r["resolution"]["symbol"],
            r["source"],
            r["vote"],
            brief(r["also_recorded"]),
            brief(r["conflicts"]),
        )
        for r in rows.json()["data"]
    ] == [
        (
            "A/RES/70/54",
            "undl-ga-voting",
            "abstain",
            [(other, "yes", []), (CLUSTER, "abstain", [f"{CLUSTER}:4"])],
            [(other, "yes", [])],
        )
    ]
    used = {s["id"] for s in rows.json()["sources"]}
    assert used == {other, CLUSTER, "undl-ga-voting", "untc-status-xxvi-6"}  # + the CCM page
    agreeing = client.get("/v1/countries/KGZ/votes", params={"to": "2016-12-31", "treaty": "ccm"})
    row = agreeing.json()["data"][1]
    assert (row["resolution"]["symbol"], row["vote"]) == ("A/RES/71/45", "yes")
    assert (brief(row["also_recorded"]), row["conflicts"]) == (
        [(CLUSTER, "yes", [f"{CLUSTER}:4"])],
        [],
    )
