"""Strict, uniform inputs: dates are YYYY-MM-DD, `from`/`to` a year or a date, closed
vocabularies are enums whose bad values list the allowed ones."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.errors import PROBLEM_TYPE

STATUSES = (
    "state_party, pending_entry_into_force, signatory, not_party, withdrawal_pending, withdrawn"
)


def problem(path: str, parameter: str, message: str) -> dict[str, Any]:
    """The exact 422 body for one bad query parameter."""
    return {
        "type": PROBLEM_TYPE + "invalid-parameter",
        "title": "Invalid parameter",
        "status": 422,
        "detail": f"{parameter}: {message}",
        "instance": path,
        "parameter": parameter,
        "errors": [{"parameter": parameter, "in": "query", "message": message}],
    }


AS_OF_PATHS = [
    "/v1/countries",
    "/v1/countries/KGZ/profile",
    "/v1/countries/KGZ/treaties",
    "/v1/countries/KGZ/treaties/mbt",
    "/v1/treaties/mbt/members",
    "/v1/treaties/mbt/counts",
]


@pytest.mark.parametrize("path", AS_OF_PATHS)
@pytest.mark.parametrize(
    "value", ["0", "1767225600", "20261301", "2026-1-1", "2026-01-01T00:00:00", "2026"]
)
def test_as_of_is_a_date_in_the_form_yyyy_mm_dd(client: TestClient, path: str, value: str) -> None:
    response = client.get(path, params={"as_of": value})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == problem(
        path, "as_of", f"{value!r} is not a date in the form YYYY-MM-DD"
    )


def test_as_of_takes_a_date(client: TestClient) -> None:
    response = client.get("/v1/countries/KGZ/treaties/mbt", params={"as_of": "2004-01-01"})
    assert response.status_code == 200
    assert (response.json()["status"]["as_of"], response.json()["status"]["status"]) == (
        "2004-01-01",
        "not_party",
    )


def test_every_bad_parameter_is_listed(client: TestClient) -> None:
    body = client.get("/v1/countries", params={"treaty": "mbt", "status": "foo", "as_of": "0"})
    assert body.json()["errors"] == [
        {"parameter": "status", "in": "query", "message": f"'foo' is not one of {STATUSES}"},
        {
            "parameter": "as_of",
            "in": "query",
            "message": "'0' is not a date in the form YYYY-MM-DD",
        },
    ]


BOUNDED = ["/v1/countries/KGZ/votes", "/v1/treaties/mbt/timeline", "/v1/treaties/mbt/events"]


def rows(client: TestClient, path: str, **params: str) -> list[Any]:
    response = client.get(path, params={"limit": "1000", **params})
    assert response.status_code == 200, response.text
    data: list[Any] = response.json()["data"]
    return data


@pytest.mark.parametrize("path", BOUNDED)
def test_a_year_bound_is_its_first_or_last_day(client: TestClient, path: str) -> None:
    assert rows(client, path, **{"from": "2016"}) == rows(client, path, **{"from": "2016-01-01"})
    assert rows(client, path, to="2016") == rows(client, path, to="2016-12-31")
    both = rows(client, path, **{"from": "2016", "to": "2017"})
    assert both == rows(client, path, **{"from": "2016-01-01", "to": "2017-12-31"})
    assert both


def test_votes_between_years(client: TestClient) -> None:
    votes = rows(client, "/v1/countries/KGZ/votes", **{"from": "2016", "to": "2016"})
    assert [v["resolution"]["symbol"] for v in votes] == ["A/RES/71/34", "A/RES/71/45"]
    assert (
        rows(client, "/v1/countries/KGZ/votes", to="2016-12-04")[-1]["resolution"]["symbol"]
        == "A/RES/70/55"
    )


def test_timeline_to_a_year_includes_its_last_day(client: TestClient) -> None:
    years = [p["year"] for p in rows(client, "/v1/treaties/mbt/timeline", to="2016")]
    assert (years[0], years[-1]) == (1997, 2016)
    years = [p["year"] for p in rows(client, "/v1/treaties/mbt/timeline", to="2016-12-30")]
    assert years[-1] == 2015  # the 2016 point is on 2016-12-31
    points = rows(client, "/v1/treaties/mbt/timeline", **{"from": "2016-06-01", "to": "2017"})
    assert [(p["year"], p["as_of"]) for p in points] == [
        (2016, "2016-12-31"),
        (2017, "2017-12-31"),
    ]


def test_events_to_a_year_include_its_last_day(client: TestClient) -> None:
    late = rows(client, "/v1/treaties/mbt/events", **{"from": "2016", "to": "2017"})
    assert [(e["date"], e["country"]) for e in late] == [
        ("2017-12-13", "LKA"),
        ("2017-12-29", "PSE"),
    ]
    early = rows(client, "/v1/treaties/mbt/events", **{"from": "2016", "to": "2017-12-28"})
    assert [(e["date"], e["country"]) for e in early] == [("2017-12-13", "LKA")]


@pytest.mark.parametrize("path", BOUNDED)
@pytest.mark.parametrize("parameter", ["from", "to"])
@pytest.mark.parametrize("value", ["16", "2016-02", "2016-1-1", "1767225600", "2016-02-30Z"])
def test_a_bad_bound_names_the_parameter(
    client: TestClient, path: str, parameter: str, value: str
) -> None:
    response = client.get(path, params={parameter: value})
    assert response.json() == problem(
        path, parameter, f"{value!r} is not a year (YYYY) or a date in the form YYYY-MM-DD"
    )


@pytest.mark.parametrize(
    ("path", "parameter", "value", "allowed"),
    [
        ("/v1/treaties/mbt/members", "status", "foo", STATUSES),
        ("/v1/countries?treaty=mbt", "status", "state_party,foo", STATUSES),
        ("/v1/countries/KGZ/votes", "vote", "maybe", "yes, no, abstain, non_voting"),
        (
            "/v1/treaties/mbt/events",
            "kind",
            "eif",
            "signature, deposit, entry_into_force, withdrawal_notified, withdrawal_effective",
        ),
        ("/v1/search?q=mines", "kind", "hit", "position, citation, source"),
        ("/v1/treaties/mbt/counts", "by", "country", "region, subregion"),
        ("/v1/treaties", "format", "xml", "json, csv"),
        ("/v1/drafts", "status", "final", "draft, published, rejected"),
    ],
)
def test_a_bad_word_lists_the_allowed_ones(
    client: TestClient, path: str, parameter: str, value: str, allowed: str
) -> None:
    response = client.get(f"{path}{'&' if '?' in path else '?'}{parameter}={value}")
    bad = value.split(",")[-1]
    assert response.json() == problem(
        path.split("?")[0], parameter, f"{bad!r} is not one of {allowed}"
    )


def test_several_bad_words_and_an_empty_list(client: TestClient) -> None:
    path = "/v1/treaties/mbt/members"
    response = client.get(path, params={"status": "foo,bar"})
    assert response.json() == problem(path, "status", f"'foo', 'bar' are not among {STATUSES}")
    response = client.get(path, params={"status": ""})
    assert response.json() == problem(path, "status", f"an empty list is not one of {STATUSES}")


def test_word_lists_are_comma_separated_or_repeated(client: TestClient) -> None:
    path = "/v1/treaties/mbt/members"
    commas = rows(client, path, status="withdrawn,not_party", as_of="2026-02-03")
    repeated = client.get(
        path, params=[("status", "withdrawn"), ("status", "not_party"), ("as_of", "2026-02-03")]
    )
    assert repeated.json()["data"] == commas
    assert {m["status"] for m in commas} == {"withdrawn", "not_party"}
    # the same word twice means it once
    twice = client.get(path, params=[("status", "withdrawn")] * 2 + [("as_of", "2026-02-03")])
    assert twice.json()["data"] == [m for m in commas if m["status"] == "withdrawn"]


def test_the_openapi_document_lists_the_vocabularies(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert schemas["StatusKind"]["enum"] == STATUSES.split(", ")
    assert schemas["VoteKind"]["enum"] == ["yes", "no", "abstain", "non_voting"]
    assert schemas["EventKind"]["enum"] == [
        "signature",
        "deposit",
        "entry_into_force",
        "withdrawal_notified",
        "withdrawal_effective",
    ]
    assert schemas["HitKind"]["enum"] == ["position", "citation", "source"]

    def parameter(path: str, name: str, method: str = "get") -> Any:
        found = [p for p in spec["paths"][path][method]["parameters"] if p["name"] == name]
        return found[0]

    status = parameter("/v1/treaties/{treaty}/members", "status")
    # a word given twice means it once: the document does not ask for unique items
    assert status["schema"]["anyOf"][0] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/StatusKind"},
    }
    assert parameter("/v1/countries/{country}/votes", "vote")["schema"]["anyOf"][0]["items"] == {
        "$ref": "#/components/schemas/VoteKind"
    }
    kind = parameter("/v1/treaties/{treaty}/events", "kind")
    assert kind["schema"]["anyOf"][0]["items"] == {"$ref": "#/components/schemas/EventKind"}
    kinds = parameter("/v1/search", "kind")["schema"]["anyOf"][0]["items"]
    assert kinds == {"$ref": "#/components/schemas/HitKind"}
    record_kinds = [
        "country-names",
        "sources",
        "citations",
        "resolutions",
        "treaty-actions",
        "status-statements",
        "participations",
        "positions",
        "stockpiles",
        "practices",
        "votes",
    ]
    for path, method in [
        ("/v1/records/{kind}", "post"),
        ("/v1/records/{kind}/{record_id}", "get"),
        ("/v1/records/{kind}/{record_id}/history", "get"),
    ]:
        assert parameter(path, "kind", method)["schema"]["enum"] == record_kinds
    as_of = parameter("/v1/treaties/{treaty}/members", "as_of")
    assert as_of["schema"]["anyOf"][0] == {"type": "string", "format": "date"}
    assert "YYYY-MM-DD" in as_of["description"]
    for path in ("/v1/countries/{country}/votes", "/v1/treaties/{treaty}/timeline"):
        for name, day in (("from", "1 January"), ("to", "31 December")):
            bound = parameter(path, name)
            pattern = re.compile(bound["schema"]["anyOf"][0]["pattern"])
            # what the server takes, no more: a year or a day of the calendar
            took = ["2016", "0001", "9999", "2016-12-31", "2024-02-29", "2000-02-29"]
            refused = ["0000", "16", "2016-13-01", "2026-02-30", "2025-02-29", "1900-02-29"]
            assert [bool(pattern.fullmatch(v)) for v in took] == [True] * 6
            assert [bool(pattern.fullmatch(v)) for v in refused] == [False] * 6
            assert f"a year (YYYY, meaning {day} of that year)" in bound["description"]
    treaty = parameter("/v1/treaties/{treaty}/members", "treaty")
    assert "mbt, ccm, ccw" in treaty["description"]
