"""Statuses on the way (deposited, not yet bound; withdrawal pending) and the treaty events."""

from __future__ import annotations

import csv
from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient


def status_of(client: TestClient, iso3: str, treaty: str, on: str) -> dict[str, Any]:
    response = client.get(f"/v1/countries/{iso3}/treaties/{treaty}", params={"as_of": on})
    assert response.status_code == 200, response.text
    status: dict[str, Any] = response.json()["status"]
    return status


def test_vanuatu_ccm_joined_and_bound_from_1_march_2026(client: TestClient) -> None:
    pending = status_of(client, "VUT", "ccm", "2026-02-03")
    assert pending == {
        "status": "pending_entry_into_force",
        "as_of": "2026-02-03",
        "signed_on": None,
        "joined_on": "2025-09-05",
        "join_method": "accession",
        "entry_into_force_on": "2026-03-01",
        "withdrawal_notified_on": None,
        "withdrawal_effective_on": None,
        "record_as_at": "2026-02-03",
        "as_known_on": None,
        "beyond_record": False,
    }
    bound = status_of(client, "VUT", "ccm", "2026-03-01")
    assert (bound["status"], bound["joined_on"], bound["entry_into_force_on"]) == (
        "state_party",
        "2025-09-05",
        "2026-03-01",
    )


def test_poland_mbt_withdrawal_pending_shows_its_effective_date(client: TestClient) -> None:
    pending = status_of(client, "POL", "mbt", "2026-02-03")
    assert {k: pending[k] for k in ("status", "withdrawal_notified_on")} == {
        "status": "withdrawal_pending",
        "withdrawal_notified_on": "2025-08-20",
    }
    assert pending["withdrawal_effective_on"] == "2026-02-20"
    gone = status_of(client, "POL", "mbt", "2026-02-20")
    assert (gone["status"], gone["withdrawal_effective_on"]) == ("withdrawn", "2026-02-20")


@pytest.mark.parametrize(
    ("slug", "counts"),
    [
        ("ccm", {"state_party": 111, "pending_entry_into_force": 1, "withdrawal_pending": 0}),
        ("mbt", {"state_party": 161, "pending_entry_into_force": 0, "withdrawal_pending": 1}),
    ],
)
def test_member_counts_on_the_untc_date(
    client: TestClient, slug: str, counts: dict[str, int]
) -> None:
    rows = client.get(
        f"/v1/treaties/{slug}/members", params={"as_of": "2026-02-03", "limit": 1000}
    ).json()["data"]
    tally = Counter(r["status"] for r in rows)
    assert {k: tally[k] for k in counts} == counts


def test_members_and_countries_filter_on_pending_entry_into_force(client: TestClient) -> None:
    params = {"status": "pending_entry_into_force", "as_of": "2026-02-03"}
    members = client.get("/v1/treaties/ccm/members", params=params).json()["data"]
    assert [(m["country"], m["entry_into_force_on"]) for m in members] == [("VUT", "2026-03-01")]
    countries = client.get("/v1/countries", params={**params, "treaty": "ccm"}).json()["data"]
    assert [c["iso3"] for c in countries] == ["VUT"]


def test_timeline_counts_pending_states_apart(client: TestClient) -> None:
    body = client.get("/v1/treaties/ccm/timeline", params={"from": 2025, "to": 2025}).json()
    assert body["data"] == [
        {
            "year": 2025,
            "as_of": "2025-12-31",
            "states_parties": 111,
            "pending_entry_into_force": 1,
            "signatories": 12,
            "withdrawn": 1,
        }
    ]


VANUATU_IN_FORCE = {
    "date": "2026-03-01",
    "country": "VUT",
    "name": "Vanuatu",
    "kind": "entry_into_force",
    "status_before": "pending_entry_into_force",
    "status_after": "state_party",
    "action": "accession",
    "action_id": "untc-ccm-vut-accession",
    "action_on": "2025-09-05",
    "source": "untc-status-xxvi-6",
}


def withdrawal_effective(day: str, iso3: str, name: str) -> dict[str, Any]:
    return {
        "date": day,
        "country": iso3,
        "name": name,
        "kind": "withdrawal_effective",
        "status_before": "withdrawal_pending",
        "status_after": "withdrawn",
        "action": "withdrawal_effective",
        "action_id": f"untc-mbt-{iso3.lower()}-withdrawal-effective",
        "action_on": day,
        "source": "untc-status-xxvi-5",
    }


def test_ccm_events_from_2026_include_vanuatu_entry_into_force(client: TestClient) -> None:
    body = client.get("/v1/treaties/ccm/events", params={"from": "2026"}).json()
    assert body["data"] == [VANUATU_IN_FORCE]
    assert [s["id"] for s in body["sources"]] == ["untc-status-xxvi-6"]
    assert body["next"] is None


def test_ccm_events_of_vanuatu_deposit_then_entry_into_force(client: TestClient) -> None:
    body = client.get(
        "/v1/treaties/ccm/events", params={"from": "2025-09-05", "to": "2026-03-01"}
    ).json()
    assert [(e["date"], e["country"], e["kind"], e["status_before"]) for e in body["data"]] == [
        ("2025-09-05", "VUT", "deposit", "not_party"),
        ("2026-03-01", "VUT", "entry_into_force", "pending_entry_into_force"),
    ]


def test_mbt_events_in_2026_are_finland_and_poland_leaving(client: TestClient) -> None:
    expected = [
        withdrawal_effective("2026-01-10", "FIN", "Finland"),
        withdrawal_effective("2026-02-20", "POL", "Poland"),
    ]
    body = client.get(
        "/v1/treaties/mbt/events", params={"from": "2026-01-01", "to": "2026-12-31"}
    ).json()
    assert body["data"] == expected  # no entry into force in 2026 (Tonga's was 2025-12-01)
    assert client.get("/v1/treaties/mbt/events", params={"from": "2026"}).json() == body


def test_mbt_events_of_2025_by_kind(client: TestClient) -> None:
    body = client.get(
        "/v1/treaties/mbt/events",
        params={"from": "2025", "to": "2025", "kind": "entry_into_force,withdrawal_effective"},
    ).json()
    assert [(e["date"], e["country"], e["kind"]) for e in body["data"]] == [
        ("2025-09-01", "MHL", "entry_into_force"),
        ("2025-12-01", "TON", "entry_into_force"),
        ("2025-12-27", "EST", "withdrawal_effective"),
        ("2025-12-27", "LTU", "withdrawal_effective"),
        ("2025-12-27", "LVA", "withdrawal_effective"),
    ]


def test_events_are_paginated_by_date_then_country(client: TestClient) -> None:
    rows: list[dict[str, Any]] = []
    url: str | None = "/v1/treaties/mbt/events?limit=100"
    while url:
        body = client.get(url).json()
        rows += body["data"]
        url = body["next"]
    keys = [(r["date"], r["country"]) for r in rows]
    assert keys == sorted(keys)
    assert len(rows) == 473
    # UNTC's table: 133 signatures, 166 instruments (2 successions, bound on the day: no
    # separate deposit), 5 withdrawals notified and effective.
    assert Counter(r["kind"] for r in rows) == {
        "signature": 133,
        "deposit": 164,
        "entry_into_force": 166,
        "withdrawal_notified": 5,
        "withdrawal_effective": 5,
    }


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"from": "2026-02-30"}, "from"),
        ({"from": "26"}, "from"),
        ({"from": "\u0662\u0660\u0662\u0666"}, "from"),  # Arabic-Indic digits: not a year
        ({"to": "2026-2"}, "to"),
    ],
)
def test_events_reject_a_bad_bound(
    client: TestClient, params: dict[str, str], parameter: str
) -> None:
    response = client.get("/v1/treaties/mbt/events", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["parameter"] == parameter
    assert body["detail"].startswith(f"{parameter}: ")


def test_events_csv(client: TestClient) -> None:
    response = client.get("/v1/treaties/mbt/events", params={"from": "2026", "format": "csv"})
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    lines = response.text.splitlines()
    assert lines[0] == (
        "date,country,name,kind,status_before,status_after,action,action_id,action_on,source"
    )
    rows = list(csv.DictReader(lines))
    assert [(r["date"], r["country"], r["kind"]) for r in rows] == [
        ("2026-01-10", "FIN", "withdrawal_effective"),
        ("2026-02-20", "POL", "withdrawal_effective"),
    ]
