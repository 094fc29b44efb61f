"""Resolutions: lists, symbol forms, official and counted totals, per-country votes."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.realdata import VOTE_SOURCE, add_untc_actions, add_votes
from tests.test_api_treaties import all_pages

MINE = "monitor-kgz-mine-ban-policy-2019"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["70/54", "71/45", "72/54", "73/54", "73/61", "74/62", "75/62", "76/47"]),
        ({"treaty": "mbt"}, ["73/61"]),
        ({"session": "73"}, ["73/54", "73/61"]),
        ({"year": "2018"}, ["73/54", "73/61"]),
        ({"year": "2018", "treaty": "ccm"}, ["73/54"]),
        ({"year": "1990"}, []),
    ],
)
def test_resolution_filters(
    client: TestClient, params: dict[str, str], expected: list[str]
) -> None:
    rows = all_pages(client, "/v1/resolutions", limit=3, **params)
    assert [r["symbol"].removeprefix("A/RES/") for r in rows] == expected


@pytest.mark.parametrize("symbol", ["A/RES/73/61", "73/61", "a/res/73/61", " 73/61 "])
def test_symbol_forms(client: TestClient, symbol: str) -> None:
    body = client.get(f"/v1/resolutions/{symbol}").json()
    assert body["symbol"] == "A/RES/73/61"
    assert [c["id"] for c in body["citations"]] == [f"{MINE}:3"]


def test_malformed_and_unknown_symbols(client: TestClient) -> None:
    malformed = client.get("/v1/resolutions/not-a-symbol")
    assert (malformed.status_code, malformed.json()["parameter"]) == (422, "symbol")
    missing = client.get("/v1/resolutions/99/999")
    assert (missing.status_code, missing.json()["title"]) == (404, "Resolution not found")


def test_resolution_with_votes_totals_and_status_on_the_vote_date(
    client: TestClient, session: Session
) -> None:
    add_untc_actions(session, "mbt")
    add_votes(session, "A/RES/73/61", "A/RES/51/45 S")
    body = client.get("/v1/resolutions/73/61").json()
    assert (body["total_yes"], body["total_no"], body["total_abstain"]) == (169, 0, 16)
    assert body["tally"] == {"yes": 169, "no": 0, "abstain": 16, "non_voting": 8, "members": 193}
    assert body["tally_matches"] is True
    votes = {(v["country"], v["source"]): v for v in body["votes"]}
    assert len(votes) == 194  # 193 imported + the curated Kyrgyz vote, side by side
    assert votes[("KGZ", MINE)]["vote"] == votes[("KGZ", VOTE_SOURCE)]["vote"] == "yes"
    assert votes[("KGZ", VOTE_SOURCE)] == {
        "country": "KGZ",
        "name": "Kyrgyzstan",
        "vote": "yes",
        "source_code": "Y",
        "source": VOTE_SOURCE,
        "status": "not_party",
    }
    # Sri Lanka acceded 2017-12-13: in force 2018-06-01, party on the vote date.
    assert votes[("LKA", VOTE_SOURCE)]["status"] == "state_party"
    assert votes[("USA", VOTE_SOURCE)]["vote"] == "abstain"
    assert {s["id"] for s in body["sources"]} == {MINE, VOTE_SOURCE, "untc-xxvi-5"}


def test_a_resolution_before_the_treaty(client: TestClient, session: Session) -> None:
    add_untc_actions(session, "mbt")
    add_votes(session, "A/RES/51/45 S")
    body = client.get("/v1/resolutions/51/45S").json()
    assert body["symbol"] == "A/RES/51/45 S"
    assert body["date"] == "1996-12-10"
    assert body["tally"] == {"yes": 155, "no": 0, "abstain": 10, "non_voting": 19, "members": 184}
    assert {v["status"] for v in body["votes"]} == {"not_party"}


def test_official_totals_that_disagree_with_the_rows(client: TestClient, session: Session) -> None:
    add_votes(session, "A/RES/71/34")
    body = client.get("/v1/resolutions/71/34").json()
    assert body["total_yes"] == 164
    assert body["tally"]["yes"] == 163
    assert body["tally_matches"] is False
