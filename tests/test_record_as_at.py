"""Every status says how old its record is, and its evidence is the evidence known on the date."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

#: The "status as at" date of the UN Treaty Collection pages of the public record.
UNTC_AS_AT = "2026-02-03"


def status(client: TestClient, iso3: str, slug: str, **params: str) -> Any:
    response = client.get(f"/v1/countries/{iso3}/treaties/{slug}", params=params)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(
    ("iso3", "word"), [("CHN", "not_party"), ("FRA", "state_party"), ("USA", "not_party")]
)
def test_parties_and_non_parties_rest_on_the_same_page(
    client: TestClient, iso3: str, word: str
) -> None:
    later = status(client, iso3, "mbt", as_of="2026-12-07")["status"]
    assert (later["status"], later["record_as_at"]) == (word, UNTC_AS_AT)
    assert (later["beyond_record"], later["as_known_on"]) == (True, UNTC_AS_AT)
    on_the_day = status(client, iso3, "mbt", as_of=UNTC_AS_AT)["status"]
    assert (on_the_day["record_as_at"], on_the_day["beyond_record"]) == (UNTC_AS_AT, False)
    assert on_the_day["as_known_on"] is None


def test_every_member_row_and_the_lists_carry_the_record_date(client: TestClient) -> None:
    members = client.get(
        "/v1/treaties/mbt/members", params={"as_of": "2026-06-01", "limit": "1000"}
    ).json()
    assert members["record_as_at"] == UNTC_AS_AT
    assert {(m["record_as_at"], m["as_known_on"], m["beyond_record"]) for m in members["data"]} == {
        (UNTC_AS_AT, UNTC_AS_AT, True)
    }
    counts = client.get("/v1/treaties/mbt/counts", params={"as_of": "2026-06-01"}).json()
    assert (counts["record_as_at"], counts["as_known_on"], counts["beyond_record"]) == (
        UNTC_AS_AT,
        UNTC_AS_AT,
        True,
    )
    listed = client.get(
        "/v1/countries", params={"treaty": "mbt", "q": "china", "as_of": "2026-06-01"}
    ).json()
    # Hong Kong, Macao and Taiwan match "china" too: areas that are not states, no status
    statuses = {c["iso3"]: c["status"] and c["status"]["record_as_at"] for c in listed["data"]}
    assert statuses == {"CHN": UNTC_AS_AT, "HKG": None, "MAC": None, "TWN": None}


def test_the_profile_dates_every_status(client: TestClient) -> None:
    body = client.get("/v1/countries/USA/profile", params={"as_of": "2026-01-01"}).json()
    assert {
        t["treaty"]["slug"]: t["status"]["record_as_at"] for t in body["treaties"]
    } == dict.fromkeys(["ccm", "ccw", "ccw-art1", "ccw-p2a", "ccw-p4", "ccw-p5", "mbt"], UNTC_AS_AT)


def brief(actions: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(a["action"], a["date"]) for a in actions]


def test_actions_after_the_date_are_later_actions(client: TestClient) -> None:
    lithuania = status(client, "LTU", "mbt", as_of="2025-01-01")
    assert lithuania["status"]["status"] == "state_party"
    assert brief(lithuania["actions"]) == [
        ("signature", "1999-02-26"),
        ("ratification", "2003-05-12"),
    ]
    assert brief(lithuania["later_actions"]) == [
        ("withdrawal_notified", "2025-06-27"),
        ("withdrawal_effective", "2025-12-27"),
    ]
    marshall = status(client, "MHL", "mbt", as_of="2000-01-01")
    assert marshall["status"]["status"] == "signatory"
    assert brief(marshall["actions"]) == [("signature", "1997-12-04")]
    assert brief(marshall["later_actions"]) == [("ratification", "2025-03-12")]
    # the same read again on another date: the evidence moves with the date
    now = status(client, "MHL", "mbt", as_of="2026-01-01")
    assert brief(now["actions"]) == [("signature", "1997-12-04"), ("ratification", "2025-03-12")]
    assert now["later_actions"] == []


def test_the_profile_and_the_treaty_list_split_the_actions_alike(client: TestClient) -> None:
    profile = client.get("/v1/countries/LTU/profile", params={"as_of": "2025-01-01"}).json()
    mbt = next(t for t in profile["treaties"] if t["treaty"]["slug"] == "mbt")
    listed = client.get("/v1/countries/LTU/treaties", params={"as_of": "2025-01-01"}).json()
    also = next(t for t in listed["data"] if t["treaty"]["slug"] == "mbt")
    for found in (mbt, also):
        assert brief(found["actions"]) == [
            ("signature", "1999-02-26"),
            ("ratification", "2003-05-12"),
        ]
        assert [a["action"] for a in found["later_actions"]] == [
            "withdrawal_notified",
            "withdrawal_effective",
        ]
