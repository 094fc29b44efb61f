"""Treaties, members on a date (the map call) and the yearly timeline, on real UNTC data."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import shared_path
from tests.realdata import UNTC_PAGE_SOURCES, UNTC_SLUGS


def all_pages(client: TestClient, url: str, **params: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    response = client.get(url, params=params)
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        rows += body["data"]
        if body["next"] is None:
            assert "link" not in response.headers
            return rows
        assert response.headers["link"] == f'<{body["next"]}>; rel="next"'
        response = client.get(body["next"])


def test_treaty_list(client: TestClient) -> None:
    body = client.get("/v1/treaties").json()
    assert [t["slug"] for t in body["data"]] == [
        "ccm",
        "ccw",
        "ccw-art1",
        "ccw-p2a",
        "ccw-p4",
        "ccw-p5",
        "mbt",
    ]
    assert body["next"] is None
    assert {s["id"] for s in body["sources"]} == set(UNTC_PAGE_SOURCES)


@pytest.mark.parametrize("key", ["mbt", "MBT", "apmbc", "ottawa", "Ottawa Convention", "XXVI-5"])
def test_treaty_by_slug_or_alias(client: TestClient, key: str) -> None:
    body = client.get(f"/v1/treaties/{key}").json()
    assert [s["id"] for s in body.pop("sources")] == ["untc-status-xxvi-5"]
    assert body == {
        "slug": "mbt",
        "short_name": "Mine Ban Treaty",
        "full_title": "Convention on the Prohibition of the Use, Stockpiling, Production and "
        "Transfer of Anti-Personnel Mines and on their Destruction",
        "aliases": [
            "APMBC",
            "Anti-Personnel Mine Ban Convention",
            "Landmine Treaty",
            "Landmines",
            "Mine Ban Convention",
            "Ottawa",
            "Ottawa Convention",
            "Ottawa Treaty",
        ],
        "untc_number": "XXVI-5",
        "adopted_place": "Oslo",
        "adopted_on": "1997-09-18",
        "opened_for_signature_on": "1997-12-03",
        "entry_into_force_on": "1999-03-01",
        "parent": None,
        "eif_rule": "first_day_sixth_month",
        "source": "untc-status-xxvi-5",
    }


def test_protocol_has_its_parent(client: TestClient) -> None:
    body = client.get("/v1/treaties/Amended Protocol II").json()
    assert (body["slug"], body["parent"], body["entry_into_force_on"]) == (
        "ccw-p2a",
        "ccw",
        "1998-12-03",
    )


def test_unknown_treaty_is_a_404_with_suggestions(client: TestClient) -> None:
    response = client.get("/v1/treaties/cmm")
    assert response.status_code == 404
    body = response.json()
    assert (body["parameter"], body["suggestions"][0]["slug"]) == ("treaty", "ccm")


@pytest.mark.parametrize(
    ("slug", "counts"),
    [
        (
            "mbt",
            {
                "state_party": 161,
                "withdrawal_pending": 1,
                "pending_entry_into_force": 0,
                "withdrawn": 4,
                "signatory": 0,
            },
        ),
        (
            "ccm",  # UNTC's 112 parties: 111 bound, Vanuatu's accession in force on 2026-03-01
            {
                "state_party": 111,
                "withdrawal_pending": 0,
                "pending_entry_into_force": 1,
                "withdrawn": 1,
                "signatory": 12,
            },
        ),
        (
            "ccw",
            {
                "state_party": 128,
                "withdrawal_pending": 0,
                "pending_entry_into_force": 0,
                "withdrawn": 0,
                "signatory": 4,
            },
        ),
    ],
)
def test_members_on_the_untc_status_date(
    client: TestClient, slug: str, counts: dict[str, int]
) -> None:
    rows = all_pages(client, f"/v1/treaties/{slug}/members", as_of="2026-02-03", limit=50)
    assert len(rows) == len({r["country"] for r in rows}) == 197  # the states
    tally = Counter(r["status"] for r in rows)
    assert {k: tally[k] for k in counts} == counts
    assert tally["not_party"] == 197 - sum(counts.values())


def test_members_filtered_by_status(client: TestClient) -> None:
    rows = all_pages(
        client,
        "/v1/treaties/mbt/members",
        status="state_party,withdrawal_pending",
        as_of="2026-02-03",
    )
    assert len(rows) == 162  # UNTC prints "Parties: 162"
    poland = next(r for r in rows if r["country"] == "POL")
    assert poland == {
        "country": "POL",
        "name": "Poland",
        "iso2": "PL",
        "numeric": "616",
        "un_member": True,
        "state": True,
        "administered_by": None,
        "region": "Europe",
        "region_code": "150",
        "subregion": "Eastern Europe",
        "subregion_code": "151",
        "intermediate_region": None,
        "intermediate_region_code": None,
        "status": "withdrawal_pending",
        "as_of": "2026-02-03",
        "signed_on": "1997-12-04",
        "joined_on": "2012-12-27",
        "join_method": "ratification",
        "entry_into_force_on": "2013-06-01",
        "withdrawal_notified_on": "2025-08-20",
        "withdrawal_effective_on": "2026-02-20",  # the recorded date it takes effect
        "record_as_at": "2026-02-03",
        "as_known_on": None,
        "beyond_record": False,
    }
    later = client.get(
        "/v1/treaties/mbt/members", params={"status": "withdrawn", "as_of": "2026-02-20"}
    )
    assert [r["country"] for r in later.json()["data"]] == ["EST", "FIN", "LTU", "LVA", "POL"]


def test_ccm_lithuania_withdrawn_and_vanuatu_pending_entry_into_force(client: TestClient) -> None:
    def status(iso3: str, on: str) -> str:
        rows = client.get("/v1/treaties/ccm/members", params={"as_of": on, "limit": 1000}).json()
        return str(next(r["status"] for r in rows["data"] if r["country"] == iso3))

    assert status("LTU", "2025-03-05") == "withdrawal_pending"
    assert status("LTU", "2025-03-06") == "withdrawn"
    assert status("VUT", "2025-09-04") == "not_party"
    assert status("VUT", "2025-09-05") == "pending_entry_into_force"
    assert status("VUT", "2026-02-28") == "pending_entry_into_force"
    assert status("VUT", "2026-03-01") == "state_party"
    actions = client.get("/v1/countries/LTU/treaties/ccm").json()["actions"]
    # end note 3 of the CCM page gives both the provisional application and the withdrawal
    cited = [(a["id"], a["date"], a["note"], a["citations"]) for a in actions if a["citations"]]
    note = {
        "id": "untc-status-xxvi-6:3",
        "source": "untc-status-xxvi-6",
        "number": 3,
        "text": None,  # the public record's: the page's import brings the text
        "issuer": None,
        "reference": "End note 3",
        "date": "2024-09-06",
        "place": None,
    }
    assert cited == [
        ("untc-ccm-ltu-provisional-application", "2011-03-24", None, [note]),
        ("untc-ccm-ltu-withdrawal-notified", "2024-09-06", None, [note]),
        ("untc-ccm-ltu-withdrawal-effective", "2025-03-06", None, [note]),
    ]


def test_member_csv_is_the_json_fields(client: TestClient) -> None:
    json_rows = client.get(
        "/v1/treaties/mbt/members", params={"as_of": "2026-02-03", "limit": 5}
    ).json()
    response = client.get(
        "/v1/treaties/mbt/members", params={"as_of": "2026-02-03", "limit": 5, "format": "csv"}
    )
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(response.text.splitlines()))
    assert list(rows[0]) == list(json_rows["data"][0])
    cell = {None: "", False: "false", True: "true"}
    expected = [
        {k: cell[v] if v in (None, False, True) else str(v) for k, v in r.items()}
        for r in json_rows["data"]
    ]
    assert rows == expected
    # the CSV's own next page: a cursor continues its list in its own format only
    csv_next = response.headers["link"].removeprefix("<").removesuffix('>; rel="next"')
    assert csv_next.startswith(
        "http://testserver/v1/treaties/mbt/members?as_of=2026-02-03&limit=5&format=csv&cursor="
    )
    assert csv_next != json_rows["next"].replace("limit=5", "limit=5&format=csv")
    following = list(csv.DictReader(client.get(csv_next).text.splitlines()))
    assert [r["country"] for r in following] == [
        r["country"] for r in client.get(json_rows["next"]).json()["data"]
    ]


def expected_parties(slug: str, on: date) -> int:
    """States bound on `on` per the refdata's own computed entry-into-force dates."""
    count = 0
    with shared_path("refdata", "treaty_participation_untc.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if UNTC_SLUGS[row["treaty"]] != slug:
                continue
            start = row["entry_into_force"] or row["ratification_date"]
            left = row["withdrawal_effective_date"]
            if (
                start
                and date.fromisoformat(start) <= on
                and not (left and date.fromisoformat(left) <= on)
            ):
                count += 1
    return count


def test_timeline_parties_at_each_year_end(client: TestClient) -> None:
    body = client.get("/v1/treaties/mbt/timeline", params={"from": 1997, "to": 2025}).json()
    points = {p["year"]: p for p in body["data"]}
    assert list(points) == list(range(1997, 2026))
    assert points[1997] == {
        "year": 1997,
        "as_of": "1997-12-31",
        "states_parties": 0,
        "pending_entry_into_force": 3,  # Canada, Ireland, Mauritius ratified on 1997-12-03
        "signatories": 120,
        "withdrawn": 0,
    }
    assert points[1998]["pending_entry_into_force"] == 58  # in force for all on 1999-03-01
    assert points[1999]["pending_entry_into_force"] == 8  # deposited Jul.-Dec. 1999
    for year in (1999, 2005, 2015, 2025):
        assert points[year]["states_parties"] == expected_parties("mbt", date(year, 12, 31))
    assert points[2025]["withdrawn"] == 3  # Estonia, Latvia, Lithuania on 2025-12-27
    assert points[2025]["states_parties"] == 163  # Poland and Finland still bound


def test_timeline_covers_1945_to_2100_at_most(client: TestClient) -> None:
    response = client.get("/v1/treaties/mbt/timeline", params={"from": 1800, "to": 1946})
    assert [p["year"] for p in response.json()["data"]] == [1945, 1946]


def test_members_rejects_an_unknown_status(client: TestClient) -> None:
    response = client.get("/v1/treaties/mbt/members", params={"status": "party"})
    assert response.status_code == 422
    body = response.json()
    assert body["parameter"] == "status"
    assert body["detail"] == (
        "status: 'party' is not one of state_party, pending_entry_into_force, signatory, "
        "not_party, withdrawal_pending, withdrawn"
    )
