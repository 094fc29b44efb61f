"""HTTP caching through the real app: today in keys and tags, representations, HEAD, 304s."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from app import conditional
from app.clock import seconds_to_midnight
from app.config import PROJECT_ROOT
from app.csvout import columns
from app.schemas import VoteOut
from tests.conftest import SetClock
from tests.test_cli import free_port, run, wait_healthy

POL_MBT = "/v1/countries/POL/treaties/mbt"


def status_of(client: TestClient, url: str, **headers: str) -> tuple[int, str, str, str]:
    got = client.get(url, headers=headers)
    body = got.json()["status"]["status"] if got.status_code == 200 else ""
    return got.status_code, body, got.headers["etag"], got.headers["cache-control"]


def test_the_default_as_of_turns_at_utc_midnight(client: TestClient, set_clock: SetClock) -> None:
    set_clock("2026-02-19T23:59:55Z")
    status, before, e1, cache_control = status_of(client, POL_MBT)
    assert (status, before, cache_control) == (200, "withdrawal_pending", "public, max-age=5")
    assert client.get(POL_MBT, headers={"If-None-Match": e1}).status_code == 304
    set_clock("2026-02-20T00:00:05Z")
    status, after, e2, cache_control = status_of(client, POL_MBT, **{"If-None-Match": e1})
    assert (status, after, cache_control) == (200, "withdrawn", "public, max-age=60")
    assert e2 != e1


def test_an_explicit_as_of_keeps_its_tag_and_max_age_across_midnight(
    client: TestClient, set_clock: SetClock
) -> None:
    url = f"{POL_MBT}?as_of=2026-02-19"
    set_clock("2026-02-19T23:59:55Z")
    before = status_of(client, url)
    set_clock("2026-02-20T00:00:05Z")
    assert (
        status_of(client, url)
        == before
        == (200, "withdrawal_pending", before[2], "public, max-age=60")
    )


@pytest.mark.parametrize(
    "url",
    [
        "/v1/countries/POL/profile",
        "/v1/countries/POL/treaties",
        "/v1/treaties/mbt/members",
        "/v1/treaties/mbt/timeline",
        "/v1/countries?treaty=mbt",
    ],
)
def test_every_answer_for_today_is_tagged_with_the_day(
    client: TestClient, set_clock: SetClock, url: str
) -> None:
    set_clock("2026-02-19T23:58:00Z")
    first = client.get(url)
    assert first.headers["cache-control"] == "public, max-age=60"
    set_clock("2026-02-19T23:59:30Z")
    again = client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert (again.status_code, again.headers["cache-control"]) == (304, "public, max-age=30")
    set_clock("2026-02-20T00:00:00Z")
    after = client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert after.status_code == 200
    assert after.headers["etag"] != first.headers["etag"]
    assert after.content != first.content


def test_answers_not_about_today_keep_their_max_age(
    client: TestClient, set_clock: SetClock
) -> None:
    set_clock("2026-02-19T23:59:55Z")
    for url in ("/v1/countries/POL", "/v1/treaties/mbt", "/v1/countries/POL/votes"):
        assert client.get(url).headers["cache-control"] == "public, max-age=60"


# --- If-None-Match per RFC 9110 ----------------------------------------------------------------


def test_if_none_match_parsing() -> None:
    assert conditional.if_none_match(None) is None
    assert conditional.if_none_match(" * ") == "*"
    assert conditional.if_none_match('"a", W/"b",W/"c,d" , "') == frozenset({'"a"', '"b"', '"c,d"'})
    assert conditional.matches(frozenset({'"b"'}), 'W/"b"')
    assert conditional.matches(frozenset({'"b"'}), '"b"')
    assert not conditional.matches(frozenset({'"b"'}), '"bb"')
    assert conditional.matches("*", '"anything"')
    assert not conditional.matches(None, '"b"')
    assert conditional.cap_max_age("public, max-age=60, s-maxage=600", 5) == (
        "public, max-age=5, s-maxage=5"
    )
    assert conditional.cap_max_age("no-store", 5) == "no-store"
    assert conditional.merge_vary(
        [(b"vary", b"Accept-Encoding"), (b"etag", b'"1"'), (b"Vary", b"accept, Accept-Encoding")]
    ) == [(b"etag", b'"1"'), (b"vary", b"Accept-Encoding, accept")]


def test_seconds_to_midnight() -> None:
    assert seconds_to_midnight(datetime(2026, 2, 19, 23, 59, 55, 500000, UTC)) == 4
    assert seconds_to_midnight(datetime(2026, 2, 20, 0, 0, 0, tzinfo=UTC)) == 86400
    assert seconds_to_midnight(datetime(2026, 2, 19, 12, 0, 0, tzinfo=UTC)) == 43200


def test_if_none_match_star_lists_and_weak_tags(client: TestClient) -> None:
    url = "/v1/countries/KGZ"
    etag = client.get(url).headers["etag"]
    opaque = etag.removeprefix("W/")
    for header in ("*", opaque, f'"other", {etag}', f'W/"x",{opaque} , "y"'):
        got = client.get(url, headers={"If-None-Match": header})
        assert (got.status_code, got.content, got.headers["etag"]) == (304, b"", etag), header
    for header in ('"other"', f'"{opaque}"', 'W/"x", "y"', ""):
        assert client.get(url, headers={"If-None-Match": header}).status_code == 200, header
    assert client.get("/v1/countries/Atlantis", headers={"If-None-Match": "*"}).status_code == 404


def test_if_none_match_star_on_a_cached_answer(client: TestClient) -> None:
    url = "/v1/treaties/mbt"
    assert client.get(url).status_code == 200  # now cached
    assert client.get(url, headers={"If-None-Match": "*"}).status_code == 304


# --- HEAD ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/healthz",
        "/v1/countries/KGZ",
        "/v1/treaties/mbt/members?limit=5",
        "/v1/countries/KGZ/votes?format=csv",
        POL_MBT,
        "/v1/changes?limit=3",
    ],
)
def test_head_has_the_get_headers_and_no_body(client: TestClient, url: str) -> None:
    head = client.head(url)
    get = client.get(url)
    assert (head.status_code, head.content) == (200, b"")
    for name in ("etag", "cache-control", "content-type", "content-length", "vary"):
        assert head.headers.get(name) == get.headers.get(name), name
    if url.startswith("/v1/"):
        again = client.head(url, headers={"If-None-Match": get.headers["etag"]})
        assert (again.status_code, again.content) == (304, b"")
        assert again.headers["etag"] == get.headers["etag"]


def test_head_of_an_unknown_country_is_404_and_head_of_a_post_route_405(
    client: TestClient,
) -> None:
    assert client.head("/v1/countries/Atlantis").status_code == 404
    assert client.head("/v1/records/stockpiles").status_code == 405


# --- representations and Vary --------------------------------------------------------------


def test_json_ndjson_and_csv_of_one_url_are_cached_and_tagged_apart(client: TestClient) -> None:
    feed = "/v1/changes?limit=5"
    as_json = client.get(feed)
    as_ndjson = client.get(feed, headers={"Accept": "application/x-ndjson"})
    assert as_json.headers["content-type"] == "application/json"
    assert as_ndjson.headers["content-type"] == "application/x-ndjson"
    assert as_json.content.startswith(b'{"data":[')
    ids = [c["id"] for c in as_json.json()["data"]]
    assert len(ids) == 5
    lines = as_ndjson.content.decode().splitlines()
    assert [int(re.findall(r'"id":(\d+)', line)[0]) for line in lines] == ids
    assert as_json.headers["etag"] != as_ndjson.headers["etag"]
    assert client.get(feed).content == as_json.content  # the cache keeps them apart both ways

    votes = "/v1/countries/KGZ/votes?limit=3"
    json_body = client.get(votes)
    csv_body = client.get(votes, headers={"Accept": "text/csv"})
    assert csv_body.headers["content-type"] == "text/csv; charset=utf-8"
    header, *rows = csv_body.text.splitlines()
    assert (header.split(","), len(rows)) == (columns(VoteOut), 3)
    assert json_body.content != csv_body.content
    assert len({json_body.headers["etag"], csv_body.headers["etag"], as_json.headers["etag"]}) == 3
    csv_tag = csv_body.headers["etag"]
    again = client.get(votes, headers={"Accept": "text/csv", "If-None-Match": csv_tag})
    assert again.status_code == 304
    assert client.get(votes, headers={"If-None-Match": csv_tag}).status_code == 200


def test_vary_names_each_header_once_on_the_streamed_feed(client: TestClient) -> None:
    for accept in ("application/x-ndjson", "application/json"):
        got = client.get(
            "/v1/changes?limit=50", headers={"Accept": accept, "Accept-Encoding": "gzip"}
        )
        assert got.headers["content-encoding"] == "gzip"
        cached = client.get(
            "/v1/changes?limit=50", headers={"Accept": accept, "Accept-Encoding": "gzip"}
        )
        for response in (got, cached):
            [vary] = response.headers.get_list("vary")
            names = [n.strip().lower() for n in vary.split(",")]
            assert sorted(names) == sorted(set(names)), (accept, vary)
            assert names[:2] == ["accept", "accept-encoding"], (accept, vary)


def test_only_the_clock_reads_the_date() -> None:
    """One place decides today: no `date.today()` or naive `datetime.now()` elsewhere in app/."""
    for path in (PROJECT_ROOT / "app").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "date.today(" not in text, path
        assert "datetime.now()" not in text, path
        if path.parent.name in ("routers", "queries"):
            assert "datetime.now(" not in text, path


# --- a real server process across midnight -----------------------------------------------


def test_a_running_server_turns_at_midnight(scratch_url: str, tmp_path: Path) -> None:
    assert run(scratch_url, "migrate").returncode == 0
    loaded = run(scratch_url, "load")
    assert loaded.returncode == 0, loaded.stderr
    now = tmp_path / "now"
    now.write_text("2026-02-19T23:59:55Z")
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--port", str(port)],
            cwd=PROJECT_ROOT,
            env={**os.environ, "DATABASE_URL": scratch_url, "TEST_CLOCK_FILE": str(now)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}{POL_MBT}"
    try:
        wait_healthy(f"http://127.0.0.1:{port}")
        before = httpx.get(url)
        e1 = before.headers["etag"]
        assert (before.status_code, before.json()["status"]["status"]) == (
            200,
            "withdrawal_pending",
        )
        assert before.json()["status"]["as_of"] == "2026-02-19"
        assert before.headers["cache-control"] == "public, max-age=5"
        assert httpx.get(url, headers={"If-None-Match": e1}).status_code == 304
        head = httpx.head(url)
        assert (head.status_code, head.content, head.headers["etag"]) == (200, b"", e1)
        for name in ("content-length", "content-encoding", "content-type", "vary"):
            assert head.headers[name] == before.headers[name], name

        now.write_text("2026-02-20T00:00:05Z")
        after = httpx.get(url, headers={"If-None-Match": e1})
        assert (after.status_code, after.json()["status"]["status"]) == (200, "withdrawn")
        assert after.json()["status"]["as_of"] == "2026-02-20"
        assert after.headers["etag"] != e1
        assert after.headers["cache-control"] == "public, max-age=60"
        e2 = after.headers["etag"]
        assert httpx.head(url, headers={"If-None-Match": e2}).status_code == 304
        assert httpx.get(url, headers={"If-None-Match": f'"x", {e2}'}).status_code == 304
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert "TEST_CLOCK_FILE is set" in log.read_text()


def test_a_record_answers_304_to_its_own_version_tag(client: TestClient) -> None:
    url = "/v1/records/sources/monitor-kgz-mine-ban-policy-2019"
    got = client.get(url)
    assert (got.status_code, got.headers["etag"]) == (200, '"1"')
    for header in ('"1"', 'W/"1"', '"9", "1"', "*"):
        again = client.get(url, headers={"If-None-Match": header})
        assert (again.status_code, again.headers["etag"]) == (304, '"1"'), header
        head = client.head(url, headers={"If-None-Match": header})
        assert (head.status_code, head.headers["etag"]) == (304, '"1"'), header
    assert client.get(url, headers={"If-None-Match": '"2"'}).status_code == 200
