"""Coverage ("no source here covers it" is not "none") and the as-at date of a status."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from app import csvout, dataversion, models
from app.schemas import StockpileOut
from app.vocab import ActionKind, SourceKind
from tests.conftest import count_queries

MINE = "monitor-kgz-mine-ban-policy-2019"
CLUSTER = "monitor-kgz-cluster-munition-ban-policy"
KGZ_COVERAGE = [
    {
        "id": CLUSTER,
        "title": "Kyrgyzstan: Cluster Munition Ban Policy",
        "publisher": "Landmine and Cluster Munition Monitor",
        "kind": "monitor_profile",
        "published_on": None,
        "last_updated": None,
        "retrieved_on": None,
    },
    {
        "id": MINE,
        "title": "Kyrgyzstan: Mine Ban Policy",
        "publisher": "Landmine and Cluster Munition Monitor",
        "kind": "monitor_profile",
        "published_on": None,
        "last_updated": "2019-12-18",
        "retrieved_on": None,
    },
]
KINDS = ["statements", "participations", "positions", "stockpiles", "practices"]
NOTHING: dict[str, list[Any]] = {key: [] for key in KINDS}
TREATY_NOTHING: dict[str, list[Any]] = {"statements": [], "participations": [], "positions": []}


def add_source(session: Session, source_id: str, **fields: Any) -> None:
    """A source written in the test (rolled back after it)."""
    session.add(
        models.Source(
            id=source_id,
            title=fields.pop("title", f"Test source {source_id}"),
            publisher=fields.pop("publisher", "Test publisher"),
            kind=fields.pop("kind", SourceKind.un_document),
            **fields,
        )
    )
    session.flush()


# --- coverage ---------------------------------------------------------------------------------


def test_usa_stockpiles_are_not_covered_rather_than_none(client: TestClient) -> None:
    body = client.get("/v1/countries/USA/stockpiles").json()
    assert body == {
        "data": [],
        "next": None,
        "next_cursor": None,
        "sources": [],
        "coverage": [],
    }
    practices = client.get("/v1/countries/USA/practices").json()
    assert (practices["data"], practices["coverage"]) == ([], [])


def test_kgz_stockpiles_and_practices_are_covered_by_its_two_monitor_profiles(
    client: TestClient,
) -> None:
    stockpiles = client.get("/v1/countries/kyrgyzstan/stockpiles").json()
    assert len(stockpiles["data"]) == 4
    assert stockpiles["coverage"] == KGZ_COVERAGE
    assert client.get("/v1/countries/KGZ/practices").json()["coverage"] == KGZ_COVERAGE
    # a later page covers the same ground
    second = client.get("/v1/countries/KGZ/stockpiles", params={"limit": 1}).json()["next"]
    assert client.get(second).json()["coverage"] == KGZ_COVERAGE


def test_the_profile_and_every_treaty_status_carry_coverage(client: TestClient) -> None:
    kgz = client.get("/v1/countries/KGZ/profile").json()
    assert kgz["coverage"] == dict.fromkeys(KINDS, KGZ_COVERAGE)
    assert [t["coverage"] for t in kgz["treaties"]] == [
        dict.fromkeys(["statements", "participations", "positions"], KGZ_COVERAGE)
    ] * 7
    usa = client.get("/v1/countries/USA/profile").json()
    assert (usa["stockpiles"], usa["practices"], usa["coverage"]) == ([], [], NOTHING)
    assert {str(t["coverage"]) for t in usa["treaties"]} == {str(TREATY_NOTHING)}
    one = client.get("/v1/countries/USA/treaties/ccm").json()
    assert (one["statements"], one["participations"], one["positions"]) == ([], [], [])
    assert one["coverage"] == TREATY_NOTHING
    listed = client.get("/v1/countries/KGZ/treaties").json()["data"]
    assert {t["treaty"]["slug"]: t["coverage"]["positions"] for t in listed} == dict.fromkeys(
        ["ccm", "ccw", "ccw-art1", "ccw-p2a", "ccw-p4", "ccw-p5", "mbt"], KGZ_COVERAGE
    )


def test_a_record_source_covers_its_kind_and_a_country_source_every_kind(
    client: TestClient, session: Session
) -> None:
    add_source(session, "test-usa-stockpile-report", published_on="2024-05")
    session.add(
        models.Stockpile(
            id="test-usa-stockpile",
            country="USA",
            weapon="cluster_munition",
            types=[],
            quantity_kind="unknown",
            reporter="official",
            source="test-usa-stockpile-report",
        )
    )
    dataversion.bump(session)
    report = {
        "id": "test-usa-stockpile-report",
        "title": "Test source test-usa-stockpile-report",
        "publisher": "Test publisher",
        "kind": "un_document",
        "published_on": "2024-05",
        "last_updated": None,
        "retrieved_on": None,
    }
    assert client.get("/v1/countries/USA/stockpiles").json()["coverage"] == [report]
    assert client.get("/v1/countries/USA/practices").json()["coverage"] == []

    add_source(
        session,
        "test-usa-profile",
        kind=SourceKind.monitor_profile,
        country="USA",
        last_updated=date(2025, 11, 1),
        retrieved_on=date(2026, 1, 15),
    )
    dataversion.bump(session)
    profile = {
        **report,
        "id": "test-usa-profile",
        "title": "Test source test-usa-profile",
        "kind": "monitor_profile",
        "published_on": None,
        "last_updated": "2025-11-01",
        "retrieved_on": "2026-01-15",
    }
    body = client.get("/v1/countries/USA/profile").json()
    assert body["coverage"] == {
        **{key: [profile] for key in KINDS},
        "stockpiles": [profile, report],
    }


def test_coverage_is_one_statement_and_csv_stays_rows_only(
    client: TestClient, connection: Connection
) -> None:
    def statements(url: str) -> int:
        with count_queries(connection) as run:
            assert client.get(url).status_code == 200
        return len(run)

    # 12 before coverage (3 fewer on a country without curated records: no cost or list to
    # read; the USA's UNTC treaty actions still have their footnotes looked up), and the data
    # version read again as the answer starts (app/cache.py)
    assert (
        statements("/v1/countries/KGZ/stockpiles"),
        statements("/v1/countries/USA/stockpiles"),
    ) == (14, 11)
    with count_queries(connection) as run:
        client.get("/v1/countries/KGZ/practices")
    assert sum("UNION" in s for s in run) == 1
    csv = client.get("/v1/countries/KGZ/stockpiles", params={"format": "csv"}).text
    assert csv.splitlines()[0].split(",") == csvout.columns(StockpileOut)


def test_openapi_says_what_empty_coverage_means(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    page = schemas["CoveredPage_StockpileOut_"]["properties"]["coverage"]
    assert "An empty list means no source here covers it" in page["description"]
    for name in ("TreatyCoverage", "CountryCoverage"):
        for prop in schemas[name]["properties"].values():
            assert "An empty list means no source here covers it" in prop["description"]
    for path in ("/v1/countries/{country}/stockpiles", "/v1/countries/{country}/practices"):
        content = spec["paths"][path]["get"]["responses"]["200"]["content"]
        assert sorted(content) == ["application/json", "text/csv"]
    assert (
        "later actions may be missing"
        in schemas["Status"]["properties"]["as_known_on"]["description"]
    )


# --- the as-at date of a status -----------------------------------------------------------------

FLAGGED = {"record_as_at": "2026-02-03", "as_known_on": "2026-02-03", "beyond_record": True}
KNOWN = {"record_as_at": "2026-02-03", "as_known_on": None, "beyond_record": False}


def flags(status: dict[str, Any]) -> dict[str, Any]:
    return {k: status[k] for k in ("record_as_at", "as_known_on", "beyond_record")}


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [("2000-08-01", KNOWN), ("2026-02-03", KNOWN), ("2026-02-04", FLAGGED)],
)
def test_a_status_from_untc_actions_is_flagged_after_the_page_date(
    client: TestClient, session: Session, as_of: str, expected: dict[str, Any]
) -> None:
    # Albania's actions come from the loaded UNTC page (untc-status-xxvi-5, as at 2026-02-03)
    one = client.get("/v1/countries/ALB/treaties/mbt", params={"as_of": as_of}).json()
    assert (one["status"]["status"], flags(one["status"])) == ("state_party", expected)
    listed = client.get("/v1/countries/ALB/treaties", params={"as_of": as_of}).json()["data"]
    assert flags(next(t for t in listed if t["treaty"]["slug"] == "mbt")["status"]) == expected
    profile = client.get("/v1/countries/ALB/profile", params={"as_of": as_of}).json()
    assert flags(
        next(t for t in profile["treaties"] if t["treaty"]["slug"] == "mbt")["status"]
    ) == (expected)
    members = client.get("/v1/treaties/mbt/members", params={"as_of": as_of, "limit": 1000})
    albania = next(m for m in members.json()["data"] if m["country"] == "ALB")
    assert flags(albania) == expected
    countries = client.get(
        "/v1/countries", params={"q": "albania", "treaty": "mbt", "as_of": as_of}
    ).json()["data"]
    assert [(c["iso3"], flags(c["status"])) for c in countries] == [("ALB", expected)]


def test_the_status_as_at_date_of_a_source_wins_over_its_published_date(
    client: TestClient, session: Session
) -> None:
    add_source(
        session,
        "test-untc-page-ccm",
        kind=SourceKind.untc_status_page,
        published_on="2026",
        status_as_at=date(2026, 6, 30),
    )
    session.add(
        models.TreatyAction(
            id="test-usa-ccm-signature",
            country="USA",
            treaty="ccm",
            action=ActionKind.signature,
            date=date(2026, 5, 4),
            source="test-untc-page-ccm",
        )
    )
    dataversion.bump(session)

    def status(as_of: str) -> dict[str, Any]:
        body = client.get("/v1/countries/USA/treaties/ccm", params={"as_of": as_of}).json()
        return dict(body["status"])

    on = status("2026-06-30")
    assert (on["status"], on["signed_on"], flags(on)) == (
        "signatory",
        "2026-05-04",
        {"record_as_at": "2026-06-30", "as_known_on": None, "beyond_record": False},
    )
    after = status("2026-07-01")
    assert flags(after) == {
        "record_as_at": "2026-06-30",
        "as_known_on": "2026-06-30",
        "beyond_record": True,
    }


def test_a_state_with_no_action_is_dated_by_the_status_page(client: TestClient) -> None:
    # the UNTC page lists every participant: Kyrgyzstan, absent from it, had taken no action
    # by its date, and is as known then after it (not "undated", not "no record")
    kgz = client.get("/v1/countries/KGZ/treaties/mbt", params={"as_of": "2030-01-01"}).json()
    assert kgz["actions"] == kgz["later_actions"] == []
    assert flags(kgz["status"]) == {
        "record_as_at": "2026-02-03",
        "as_known_on": "2026-02-03",
        "beyond_record": True,
    }
