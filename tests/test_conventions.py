"""Conventions of every endpoint: ETags, caching, CORS, gzip, problems, query counts."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, delete
from sqlalchemy.orm import Session

from app import dataversion, models
from tests.conftest import SetClock, count_queries

MINE = "monitor-kgz-mine-ban-policy-2019"

GETS = [
    "/v1/countries",
    "/v1/countries/KGZ",
    "/v1/countries/KGZ/profile",
    "/v1/countries/KGZ/treaties",
    "/v1/countries/KGZ/treaties/mbt",
    "/v1/countries/KGZ/votes",
    "/v1/countries/KGZ/stockpiles",
    "/v1/countries/KGZ/practices",
    "/v1/countries/KGZ/citations",
    "/v1/treaties",
    "/v1/treaties/mbt",
    "/v1/treaties/mbt/members",
    "/v1/treaties/mbt/timeline",
    "/v1/resolutions",
    "/v1/resolutions/73/61",
    "/v1/sources",
    f"/v1/sources/{MINE}",
    f"/v1/citations/{MINE}:7",
    "/v1/search?q=mines",
]


@pytest.mark.parametrize("url", GETS)
def test_etag_304_and_cache_control(client: TestClient, set_clock: SetClock, url: str) -> None:
    set_clock("2026-02-19T12:00:00Z")  # far from midnight, when max-age is shorter
    first = client.get(url)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert etag.startswith('W/"')
    assert first.headers["cache-control"] == "public, max-age=60"
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert client.get(url).headers["etag"] == etag  # unchanged data, unchanged tag


def test_etag_changes_with_the_data_and_the_body_follows(
    client: TestClient, session: Session
) -> None:
    url = "/v1/countries/KGZ/stockpiles"
    first = client.get(url)
    session.add(
        models.Stockpile(
            id="kgz-extra",
            country="KGZ",
            weapon="antipersonnel_mine",
            types=[],
            quantity_kind="exact",
            quantity=5,
            reporter="official",
            source=MINE,
        )
    )
    dataversion.bump(session)
    second = client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert second.status_code == 200
    assert second.headers["etag"] != first.headers["etag"]
    assert "kgz-extra" in [s["id"] for s in second.json()["data"]]


def test_csv_and_json_have_different_etags(client: TestClient) -> None:
    as_json = client.get("/v1/countries/KGZ/votes")
    as_csv = client.get("/v1/countries/KGZ/votes", headers={"Accept": "text/csv"})
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert as_json.headers["etag"] != as_csv.headers["etag"]


def test_cors_for_browsers(client: TestClient) -> None:
    response = client.get("/v1/treaties", headers={"Origin": "https://dashboard.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "ETag" in response.headers["access-control-expose-headers"]
    preflight = client.options(
        "/v1/treaties",
        headers={"Origin": "https://dashboard.example", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 200


def test_gzip_for_large_bodies(client: TestClient) -> None:
    response = client.get(
        "/v1/countries", params={"limit": 300}, headers={"Accept-Encoding": "gzip"}
    )
    assert response.headers["content-encoding"] == "gzip"
    assert len(response.json()["data"]) == 279
    small = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers


@pytest.mark.parametrize(
    ("url", "status", "parameter"),
    [
        ("/v1/countries?limit=0", 422, "limit"),
        ("/v1/countries?limit=1001", 422, "limit"),
        ("/v1/countries?limit=ten", 422, "limit"),
        ("/v1/countries?format=xml", 422, "format"),
        ("/v1/countries?un_member=perhaps", 422, "un_member"),
        ("/v1/countries?cursor=bm90IGEgY3Vyc29y", 400, "cursor"),
        ("/v1/countries?cursor=%00%01", 400, "cursor"),
        ("/v1/countries?sort=name", 400, "sort"),
        ("/v1/treaties/mbt/members?as_of=yesterday", 422, "as_of"),
        ("/v1/countries/KGZ/votes?treaty=nope", 404, "treaty"),
        ("/v1/countries/KGZ/profile?as_of=2019-02-30", 422, "as_of"),
        ("/v1/countries/KGZ/stockpiles?q=x", 400, "q"),
        ("/v1/countries/Atlantis/votes", 404, "country"),
        (f"/v1/countries/{'x' * 300}", 422, "country"),
    ],
)
def test_bad_input_is_a_problem_naming_the_parameter(
    client: TestClient, url: str, status: int, parameter: str
) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["parameter"] == parameter
    assert {"type", "title", "detail", "instance"} <= set(body)
    assert "cache-control" not in response.headers


def test_unknown_path_is_a_problem(client: TestClient) -> None:
    response = client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "url",
    [
        "/v1/countries/KGZ/../../etc/passwd",
        "/v1/countries/KGZ%27%20OR%20%271%27=%271",
        "/v1/countries/1;DROP TABLE countries",
        "/v1/resolutions/73%2F61%27--",
    ],
)
def test_injection_looking_paths_are_harmless(client: TestClient, url: str) -> None:
    assert client.get(url).status_code in (404, 422)
    assert client.get("/v1/countries/KGZ").status_code == 200


@pytest.mark.parametrize(
    ("small", "large"),
    [
        ("/v1/countries?limit=2", "/v1/countries?limit=200"),
        ("/v1/countries?limit=2&treaty=mbt", "/v1/countries?limit=200&treaty=mbt"),
        ("/v1/countries/KGZ/votes?limit=1", "/v1/countries/KGZ/votes?limit=100"),
        ("/v1/countries/ALB/treaties?limit=1", "/v1/countries/ALB/treaties?limit=10"),
        ("/v1/countries/KGZ/stockpiles?limit=1", "/v1/countries/KGZ/stockpiles?limit=10"),
        ("/v1/countries/KGZ/practices?limit=1", "/v1/countries/KGZ/practices?limit=10"),
        ("/v1/countries/KGZ/citations?limit=1", "/v1/countries/KGZ/citations?limit=20"),
        ("/v1/treaties?limit=1", "/v1/treaties?limit=10"),
        ("/v1/treaties/mbt/members?limit=1", "/v1/treaties/mbt/members?limit=300"),
        ("/v1/treaties/mbt/timeline?limit=1", "/v1/treaties/mbt/timeline?limit=40"),
        ("/v1/resolutions?limit=1", "/v1/resolutions?limit=50"),
        ("/v1/votes?limit=1", "/v1/votes?limit=500"),
        (
            "/v1/votes?limit=1&treaty=ccm&region=Europe",
            "/v1/votes?limit=300&treaty=ccm&region=Europe",
        ),
        ("/v1/resolutions/73/61/votes?limit=1", "/v1/resolutions/73/61/votes?limit=200"),
        ("/v1/sources?limit=1", "/v1/sources?limit=20"),
        ("/v1/search?q=mines&limit=1", "/v1/search?q=mines&limit=20"),
    ],
)
def test_query_count_does_not_grow_with_rows(
    client: TestClient, connection: Connection, small: str, large: str
) -> None:
    client.get(small + "&format=csv")  # the read model of this data version is built once
    with count_queries(connection) as few:
        small_rows = client.get(small).json()["data"]
    with count_queries(connection) as many:
        large_rows = client.get(large).json()["data"]
    assert len(large_rows) > len(small_rows)
    assert len(many) == len(few), many


def test_resolution_detail_query_count_is_flat(
    client: TestClient, connection: Connection, session: Session
) -> None:
    with count_queries(connection) as full:
        votes = client.get("/v1/resolutions/73/61").json()["votes"]
    assert len(votes) == 193
    # Keep only Kyrgyzstan's records (the UN record and the Monitor's): one row listed.
    session.execute(
        delete(models.Vote).where(
            models.Vote.resolution == "A/RES/73/61", models.Vote.country != "KGZ"
        )
    )
    dataversion.bump(session)
    with count_queries(connection) as one:
        votes = client.get("/v1/resolutions/73/61").json()["votes"]
    assert [(v["country"], v["source"], len(v["also_recorded"])) for v in votes] == [
        ("KGZ", "undl-ga-voting", 1)
    ]
    assert len(one) == len(full)


def test_cors_header_on_a_cached_response(client: TestClient) -> None:
    assert "access-control-allow-origin" not in client.get("/v1/treaties").headers
    cached = client.get("/v1/treaties", headers={"Origin": "https://map.example"})
    assert cached.headers["access-control-allow-origin"] == "*"
