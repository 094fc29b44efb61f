"""Sources, citations and full-text search."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from tests.realdata import UNTC_PAGE_SOURCES
from tests.test_api_treaties import all_pages

MINE = "monitor-kgz-mine-ban-policy-2019"


def test_sources_list(client: TestClient) -> None:
    rows = all_pages(client, "/v1/sources", limit=4)
    assert [s["id"] for s in rows] == [
        "cia-world-factbook-country-names",
        "cia-world-factbook-dependencies",
        "monitor-kgz-cluster-munition-ban-policy",
        MINE,
        "un-depositary-practice",
        "un-ga-documents",
        "un-member-states",
        "undl-ga-voting",
        "unsd-m49",
        *UNTC_PAGE_SOURCES,
        "wikipedia-alternative-country-names",
    ]
    # The imported sources of the public record, with the rows of their files (manifest.yaml).
    assert {s["id"]: (s["kind"], s["row_count"]) for s in rows if s["row_count"] is not None} == {
        "undl-ga-voting": ("un_data", 8043),
        "untc-status-xxvi-2": ("untc_status_page", 132),
        "untc-status-xxvi-2-a": ("untc_status_page", 111),
        "untc-status-xxvi-2-b": ("untc_status_page", 107),
        "untc-status-xxvi-2-c": ("untc_status_page", 90),
        "untc-status-xxvi-2-d": ("untc_status_page", 99),
        "untc-status-xxvi-5": ("untc_status_page", 166),
        "untc-status-xxvi-6": ("untc_status_page", 125),
    }
    # Import times are UTC with their offset, on SQLite (which drops it) as on PostgreSQL.
    imported = [datetime.fromisoformat(s["imported_at"]) for s in rows if s["row_count"]]
    assert [t.utcoffset() for t in imported] == [timedelta(0)] * 8


def test_source_with_its_footnotes(client: TestClient) -> None:
    body = client.get(f"/v1/sources/{MINE}").json()
    assert (body["title"], body["publisher"], body["kind"]) == (
        "Kyrgyzstan: Mine Ban Policy",
        "Landmine and Cluster Munition Monitor",
        "monitor_profile",
    )
    assert [c["number"] for c in body["citations"]] == list(range(1, 12))
    assert body["citations"][10] == {
        "id": f"{MINE}:11",
        "source": MINE,
        "number": 11,
        "text": "Letter from Amb. G. Isakova, Permanent Mission of the Kyrgyz Republic to the UN "
        "in Geneva, 29 June 2011.",
        "issuer": "Permanent Mission of the Kyrgyz Republic to the UN in Geneva",
        "reference": "Letter from Amb. G. Isakova",
        "date": "2011-06-29",
        "place": None,
    }
    assert client.get("/v1/sources/nope").status_code == 404


def test_citation_with_the_records_it_backs(client: TestClient) -> None:
    body = client.get(f"/v1/citations/{MINE}:7").json()
    assert body["records"] == [
        {"record_type": "stockpile", "record_id": "kgz-stockpile-border-guard-2005"},
        {"record_type": "stockpile", "record_id": "kgz-stockpile-border-guard-2010"},
        {"record_type": "stockpile", "record_id": "kgz-stockpile-mod-2005"},
        {"record_type": "stockpile", "record_id": "kgz-stockpile-mod-2010"},
    ]
    assert body["source_detail"]["id"] == MINE
    missing = client.get(f"/v1/citations/{MINE}:99")
    assert (missing.status_code, missing.json()["parameter"]) == (404, "citation")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "Isakova"}, {("citation", f"{MINE}:5"), ("citation", f"{MINE}:11")}),
        ({"q": "Nairobi"}, {("citation", f"{MINE}:6")}),
        (
            {"q": "alternatives border", "kind": "position"},
            {("position", "kgz-mbt-reason-not-joining-2010")},
        ),
        (
            {"q": "Treaty Section", "kind": "source"},
            {
                ("source", f"untc-status-xxvi-{n}")
                for n in ("2", "2-a", "2-b", "2-c", "2-d", "5", "6")
            }
            # the depositary's practice, the source of who is a state
            | {("source", "un-depositary-practice")},
        ),
        ({"q": "zzzzunknownword"}, set()),
    ],
)
def test_search(client: TestClient, params: dict[str, str], expected: set[tuple[str, str]]) -> None:
    rows = all_pages(client, "/v1/search", limit=3, **params)
    assert {(r["kind"], r["id"]) for r in rows} == expected
    ranks = [r["rank"] for r in rows]
    assert ranks == sorted(ranks, reverse=True)


def test_search_snippet_marks_the_match(client: TestClient) -> None:
    hit = client.get("/v1/search", params={"q": "Nairobi"}).json()["data"][0]
    assert "[Nairobi]" in hit["snippet"]
    assert hit["title"] == "Kyrgyzstan: Mine Ban Policy, footnote 6"


@pytest.mark.parametrize(
    "q",
    [
        '" OR 1=1 --',
        "mine*) NEAR(",
        "'; DROP TABLE countries; --",
        "NOT AND OR",
        "../../etc/passwd",
    ],
)
def test_search_syntax_is_harmless(client: TestClient, q: str) -> None:
    response = client.get("/v1/search", params={"q": q})
    assert response.status_code == 200
    assert client.get("/v1/countries/KGZ").status_code == 200


def test_search_needs_words(client: TestClient) -> None:
    for q in ["", "  ", "!!!"]:
        response = client.get("/v1/search", params={"q": q})
        assert response.status_code == 422
        assert response.json()["parameter"] == "q"
    bad_kind = client.get("/v1/search", params={"q": "mine", "kind": "vote"})
    assert (bad_kind.status_code, bad_kind.json()["parameter"]) == (422, "kind")
