"""Dates people type: a well-formed date that names no day, and a `from` after its `to`."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.errors import PROBLEM_TYPE
from tests.test_inputs import AS_OF_PATHS, problem

NO_SUCH_DATE = [
    ("2026-02-30", "February 2026 has 28 days"),
    ("2026-02-29", "February 2026 has 28 days"),
    ("2024-02-30", "February 2024 has 29 days"),
    ("2026-04-31", "April 2026 has 30 days"),
    ("2026-12-32", "December 2026 has 31 days"),
    ("2026-13-01", "there is no month 13"),
    ("2026-00-10", "there is no month 0"),
    ("2026-01-00", "there is no day 0"),
    ("0000-01-01", "there is no year 0"),
]


@pytest.mark.parametrize("path", AS_OF_PATHS)
@pytest.mark.parametrize(("value", "reason"), NO_SUCH_DATE)
def test_as_of_that_names_no_day_says_so(
    client: TestClient, path: str, value: str, reason: str
) -> None:
    response = client.get(path, params={"as_of": value})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == problem(path, "as_of", f"{value!r} is not a date: {reason}")


def test_the_message_reads_as_a_sentence(client: TestClient) -> None:
    body = client.get("/v1/treaties/mbt/members", params={"as_of": "2026-02-30"}).json()
    assert body["detail"] == "as_of: '2026-02-30' is not a date: February 2026 has 28 days"


def test_a_leap_day_is_a_date(client: TestClient) -> None:
    response = client.get("/v1/countries/KGZ/treaties/mbt", params={"as_of": "2024-02-29"})
    assert response.status_code == 200
    assert response.json()["status"]["as_of"] == "2024-02-29"


#: The query parameters a path requires besides the period, with a value.
REQUIRED = {"/v1/agreement.svg": {"countries": "USA,FRA"}}


def bounded(client: TestClient) -> list[str]:
    """Every GET path (with KGZ and mbt for its keys) that takes both `from` and `to`."""
    spec = client.get("/openapi.json").json()
    paths = []
    for path, item in spec["paths"].items():
        parameters = item.get("get", {}).get("parameters", [])
        if {"from", "to"} <= {p["name"] for p in parameters}:
            url = path.replace("{country}", "KGZ").replace("{treaty}", "mbt")
            required = {p["name"] for p in parameters if p["in"] == "query" and p.get("required")}
            assert required == set(REQUIRED.get(url, {})), url
            paths.append(url)
    return paths


def period(path: str, **bounds: str) -> dict[str, str]:
    """The query of a request to `path` with these bounds (and what the path requires)."""
    return {**REQUIRED.get(path, {}), **bounds}


def test_the_endpoints_that_take_a_period(client: TestClient) -> None:
    assert bounded(client) == [
        "/v1/countries/KGZ/votes",
        "/v1/treaties/mbt/timeline",
        "/v1/treaties/mbt/events",
        "/v1/votes",
        "/v1/agreement",
        "/v1/countries/KGZ/agreement",
        "/v1/countries/KGZ/votes/summary",
        "/v1/treaties/mbt/timeline.svg",
        "/v1/agreement.svg",
    ]


@pytest.mark.parametrize("parameter", ["from", "to"])
@pytest.mark.parametrize(("value", "reason"), NO_SUCH_DATE[:-1])
def test_a_bound_that_names_no_day_says_so(
    client: TestClient, parameter: str, value: str, reason: str
) -> None:
    for path in bounded(client):
        response = client.get(path, params=period(path, **{parameter: value}))
        message = f"{value!r} is not a date: {reason}"
        assert response.json() == problem(path, parameter, message), path


@pytest.mark.parametrize("parameter", ["from", "to"])
def test_year_zero_is_no_year(client: TestClient, parameter: str) -> None:
    path = "/v1/treaties/mbt/events"
    for value, message in [
        ("0000", "'0000' is not a year: there is no year 0"),
        ("0000-06-01", "'0000-06-01' is not a date: there is no year 0"),
    ]:
        assert client.get(path, params={parameter: value}).json() == problem(
            path, parameter, message
        )


def order_problem(path: str, since: str, until: str) -> dict[str, Any]:
    """The 422 body of a `from` later than its `to`: both parameters named."""
    return {
        "type": PROBLEM_TYPE + "invalid-parameter",
        "title": "Invalid parameter",
        "status": 422,
        "detail": f"from: {since} is after to ({until})",
        "instance": path,
        "parameter": "from",
        "errors": [
            {"parameter": "from", "in": "query", "message": f"{since} is after to ({until})"},
            {"parameter": "to", "in": "query", "message": f"{until} is before from ({since})"},
        ],
    }


def test_from_after_to_is_a_422_naming_both(client: TestClient) -> None:
    for path in bounded(client):
        response = client.get(
            path, params=period(path, **{"from": "2017-03-02", "to": "2017-03-01"})
        )
        assert response.status_code == 422, path
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json() == order_problem(path, "2017-03-02", "2017-03-01"), path
        # years are their first and last days
        years = client.get(path, params=period(path, **{"from": "2018", "to": "2017"}))
        assert years.json() == order_problem(path, "2018-01-01", "2017-12-31"), path


def test_a_one_day_period_is_fine(client: TestClient) -> None:
    for path in bounded(client):
        response = client.get(
            path, params=period(path, **{"from": "2017-12-13", "to": "2017-12-13"})
        )
        assert response.status_code == 200, path
    day = {"from": "2017-12-13", "to": "2017-12-13"}
    events = client.get("/v1/treaties/mbt/events", params=day)
    assert [(e["date"], e["country"]) for e in events.json()["data"]] == [("2017-12-13", "LKA")]
