"""Resolutions: lists, symbol forms, official and counted totals, per-country votes."""

from __future__ import annotations

from collections import Counter

import pytest
from fastapi.testclient import TestClient

from tests.conftest import brief
from tests.realdata import CCM_RESOLUTIONS
from tests.test_api_treaties import all_pages

MINE = "monitor-kgz-mine-ban-policy-2019"
UN = "undl-ga-voting"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"treaty": "ccm"},
            CCM_RESOLUTIONS,
        ),
        ({"session": "73"}, ["73/54", "73/61"]),
        ({"year": "2018"}, ["73/54", "73/61"]),
        ({"year": "2018", "treaty": "ccm"}, ["73/54"]),
        ({"year": "1997"}, ["52/38 A", "52/38 H"]),
        ({"year": "1990"}, []),
    ],
)
def test_resolution_filters(
    client: TestClient, params: dict[str, str], expected: list[str]
) -> None:
    rows = all_pages(client, "/v1/resolutions", limit=3, **params)
    assert [r["symbol"].removeprefix("A/RES/") for r in rows] == expected


def test_every_resolution_of_the_un_vote_file(client: TestClient) -> None:
    rows = all_pages(client, "/v1/resolutions", limit=10)
    assert len(rows) == 42
    assert (rows[0]["symbol"], rows[-1]["symbol"]) == ("A/RES/51/45 S", "A/RES/80/52")
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    assert Counter(r["treaty"] for r in rows) == {"mbt": 31, "ccm": 11}
    assert {r["source"] for r in rows} == {UN}
    mbt = all_pages(client, "/v1/resolutions", limit=50, treaty="mbt")
    assert [r["symbol"] for r in mbt] == [r["symbol"] for r in rows if r["treaty"] == "mbt"]


@pytest.mark.parametrize("symbol", ["A/RES/73/61", "73/61", "a/res/73/61", " 73/61 "])
def test_symbol_forms(client: TestClient, symbol: str) -> None:
    body = client.get(f"/v1/resolutions/{symbol}").json()
    assert (body["symbol"], body["date"], body["source"]) == ("A/RES/73/61", "2018-12-05", UN)


def test_malformed_and_unknown_symbols(client: TestClient) -> None:
    malformed = client.get("/v1/resolutions/not-a-symbol")
    assert (malformed.status_code, malformed.json()["parameter"]) == (422, "symbol")
    missing = client.get("/v1/resolutions/99/999")
    assert (missing.status_code, missing.json()["title"]) == (404, "Resolution not found")


def test_resolution_with_votes_totals_and_status_on_the_vote_date(client: TestClient) -> None:
    body = client.get("/v1/resolutions/73/61").json()
    assert (body["total_yes"], body["total_no"], body["total_abstain"]) == (169, 0, 16)
    assert (body["total_non_voting"], body["total_members"]) == (8, 193)
    assert body["tally"] == {"yes": 169, "no": 0, "abstain": 16, "non_voting": 8, "members": 193}
    assert body["tally_matches"] is True
    assert body["citations"] == []
    votes = {v["country"]: v for v in body["votes"]}
    assert len(body["votes"]) == len(votes) == 193  # one row per member
    assert brief(votes["KGZ"].pop("also_recorded")) == [(MINE, "yes", [f"{MINE}:3"])]
    assert votes["KGZ"] == {
        "country": "KGZ",
        "name": "Kyrgyzstan",
        "vote": "yes",
        "source_code": "Y",
        "source": UN,
        "status": "not_party",
        "conflicts": [],
    }
    # Sri Lanka acceded 2017-12-13: in force 2018-06-01, party on the vote date.
    assert votes["LKA"]["status"] == "state_party"
    assert (votes["USA"]["vote"], votes["USA"]["status"]) == ("abstain", "not_party")
    assert {v["source"] for v in body["votes"]} == {UN}
    assert {s["id"] for s in body["sources"]} == {MINE, UN, "untc-status-xxvi-5"}


def test_a_resolution_before_the_treaty(client: TestClient) -> None:
    body = client.get("/v1/resolutions/51/45S").json()
    assert body["symbol"] == "A/RES/51/45 S"
    assert body["date"] == "1996-12-10"
    assert body["tally"] == {"yes": 155, "no": 0, "abstain": 10, "non_voting": 19, "members": 184}
    assert len(body["votes"]) == 184
    assert {v["status"] for v in body["votes"]} == {"not_party"}


def test_official_totals_that_disagree_with_the_rows(client: TestClient) -> None:
    # The UN record gives 164 in favour of A/RES/71/34 but lists 163 "Y" votes.
    body = client.get("/v1/resolutions/71/34").json()
    assert (body["total_yes"], body["counted_yes"]) == (164, 163)
    assert body["tally"] == {"yes": 163, "no": 0, "abstain": 20, "non_voting": 10, "members": 193}
    assert body["tally_matches"] is False
