"""405s name every method of their path in `Allow` (RFC 9110 §15.5.6), as a problem."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from app.errors import PROBLEM_TYPE


def test_a_read_only_list_refuses_delete_naming_get_and_head(client: TestClient) -> None:
    got = client.delete("/v1/countries")
    assert (got.status_code, got.headers["allow"]) == (405, "GET, HEAD")
    assert got.headers["content-type"] == "application/problem+json"
    assert got.json() == {
        "type": PROBLEM_TYPE + "http-405",
        "title": "Method Not Allowed",
        "status": 405,
        "detail": "Method Not Allowed",
        "instance": "/v1/countries",
    }


@pytest.mark.parametrize(
    ("method", "url", "allow"),
    [
        # one path, four routes: each answers one method, Allow names them all
        ("POST", "/v1/records/sources/x", "GET, HEAD, PUT, PATCH, DELETE"),
        ("DELETE", "/v1/drafts/x", "GET, HEAD, PATCH"),
        ("GET", "/v1/profiles", "POST"),
        ("HEAD", "/v1/records/stockpiles", "POST"),  # a HEAD is a GET, which it lacks
        # a record id may hold slashes, but not end in /history: that is the history's path
        ("PUT", "/v1/records/votes/A/RES/51/45 S/history", "GET, HEAD"),
        ("DELETE", "/openapi.json", "GET, HEAD"),
        ("POST", "/docs", "GET, HEAD"),
        ("POST", "/static-offline-docs/swagger-ui.css", "GET, HEAD"),
        # OPTIONS answers only CORS preflights: a plain one is refused like any other
        ("OPTIONS", "/v1/countries/KGZ", "GET, HEAD"),
    ],
)
def test_allow_names_every_method_of_the_path(
    client: TestClient, method: str, url: str, allow: str
) -> None:
    got = client.request(method, url)
    assert (got.status_code, got.headers["allow"]) == (405, allow)


def test_options_is_answered_only_as_a_cors_preflight(client: TestClient) -> None:
    preflight = client.options(
        "/v1/countries",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 200
    assert client.options("/v1/countries").status_code == 405


def test_every_documented_path_names_its_documented_methods(client: TestClient) -> None:
    order = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
    paths = client.get("/openapi.json").json()["paths"]
    checked = 0
    for path, item in paths.items():
        methods = {m.upper() for m in item} | ({"HEAD"} if "get" in item else set())
        refused = "POST" if "DELETE" in methods else "DELETE"
        got = client.request(refused, re.sub(r"\{[^}]+\}", "x", path))
        expected = ", ".join(m for m in order if m in methods)
        assert (got.status_code, got.headers.get("allow")) == (405, expected), (refused, path)
        checked += 1
    assert checked == len(paths) >= 40  # every path the document has, the bulk ones too
