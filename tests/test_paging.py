"""Cursors bound to their query, and `next`/`Link` URLs a client can follow as they are."""

from __future__ import annotations

import base64
import csv
import json
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from app.errors import PROBLEM_TYPE
from tests.conftest import SetClock

MEMBERS = "/v1/treaties/mbt/members"
COUNTRIES_LIST = "/v1/countries?treaty=mbt&status=state_party"


def link_of(response: httpx.Response) -> str | None:
    """The URL of a response's `Link: <…>; rel="next"` (None without one), checked ASCII."""
    header: str | None = response.headers.get("link")
    if header is None:
        return None
    assert header.isascii(), header
    assert header.startswith("<"), header
    assert header.endswith('>; rel="next"'), header
    return header[1 : -len('>; rel="next"')]


def follow(client: TestClient, url: str, **headers: str) -> list[httpx.Response]:
    """Every page of a list from `url` on, by its `next` links (checked against `Link`)."""
    pages = []
    next_url: str | None = url
    while next_url is not None:
        response = client.get(next_url, headers=headers)
        assert response.status_code == 200, response.text
        pages.append(response)
        next_url = link_of(response)
        if "json" in response.headers["content-type"]:
            assert response.json()["next"] == next_url
    return pages


def data(pages: list[httpx.Response]) -> list[Any]:
    return [row for page in pages for row in page.json()["data"]]


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def assert_cursor_problem(response: httpx.Response, kind: str = "cursor-mismatch") -> None:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["type"], body["status"], body["parameter"]) == (
        f"{PROBLEM_TYPE}{kind}",
        400,
        "cursor",
    )


# --- paging by 40 reads the rows of one page of 1,000 ------------------------------------------


@pytest.mark.parametrize(
    ("url", "rows"),
    [
        (f"{MEMBERS}?as_of=2026-02-03", 197),
        (MEMBERS, 197),
        ("/v1/countries", 279),
        (COUNTRIES_LIST, None),
        ("/v1/countries?region=Europe,Africa&treaty=mbt&status=state_party", 89),
        ("/v1/countries/USA/votes", 42),
        ("/v1/votes?country=USA,RUS,CHN", 126),
        ("/v1/resolutions/A/RES/73/61/votes", None),
        ("/v1/votes?treaty=mbt&from=2019&to=2020", 386),
        ("/v1/votes", 1000),  # more than 1,000: the first 25 pages of 40
        ("/v1/treaties/mbt/events", 473),
    ],
)
def test_pages_of_40_are_one_page_of_1000(
    client: TestClient, set_clock: SetClock, url: str, rows: int | None
) -> None:
    sep = "&" if "?" in url else "?"
    whole = client.get(f"{url}{sep}limit=1000").json()
    if rows is not None:
        assert len(whole["data"]) == rows
    assert len(whole["data"]) > 40
    paged: list[Any] = []
    next_url: str | None = f"{url}{sep}limit=40"
    while next_url is not None and len(paged) < len(whole["data"]):
        page = client.get(next_url)
        assert page.status_code == 200, page.text
        paged += page.json()["data"]
        next_url = link_of(page)
    assert paged == whole["data"]
    assert (next_url is None) == (whole["next"] is None)


# --- a cursor pins the day of its first page ----------------------------------------------------


def test_a_cursor_read_without_as_of_keeps_that_day_after_midnight(
    client: TestClient, set_clock: SetClock
) -> None:
    """Poland's withdrawal from the Mine Ban Treaty takes effect on 2026-02-20 (its 142nd row):
    pages read from 23:59:58 on 2026-02-19 on are that day's list, whenever they are read."""
    set_clock("2026-02-19T23:59:58Z")
    first = client.get(MEMBERS, params={"limit": 40})
    assert first.headers["cache-control"] == "public, max-age=2"  # today's list: until midnight
    next_url = link_of(first)
    assert next_url is not None
    assert query_of(next_url)["as_of"] == "2026-02-19"
    second = client.get(next_url)
    assert second.headers["cache-control"] == "public, max-age=60"  # a given day's: not capped
    set_clock("2026-02-20T00:00:02Z")
    again = client.get(next_url)
    assert (again.content, again.headers["etag"]) == (second.content, second.headers["etag"])
    rest = follow(client, next_url)
    rows = first.json()["data"] + data(rest)
    that_day = client.get(MEMBERS, params={"as_of": "2026-02-19", "limit": 1000}).json()
    assert rows == that_day["data"]
    poland = [(r["status"], r["as_of"]) for r in rows if r["country"] == "POL"]
    assert poland == [("withdrawal_pending", "2026-02-19")]
    today = client.get(MEMBERS, params={"limit": 1000}).json()["data"]
    assert [r["status"] for r in today if r["country"] == "POL"] == ["withdrawn"]


def test_a_cursor_without_its_as_of_is_refused_once_the_day_has_turned(
    client: TestClient, set_clock: SetClock
) -> None:
    set_clock("2026-02-19T23:59:58Z")
    next_url = link_of(client.get(COUNTRIES_LIST, params={"limit": 5}))
    assert next_url is not None
    cursor = query_of(next_url)["cursor"]
    same_day = client.get(COUNTRIES_LIST, params={"limit": 5, "cursor": cursor})
    assert same_day.status_code == 200
    assert same_day.json()["data"] == client.get(next_url).json()["data"]
    set_clock("2026-02-20T00:00:02Z")
    assert_cursor_problem(client.get(COUNTRIES_LIST, params={"limit": 5, "cursor": cursor}))
    assert client.get(next_url).json()["data"] == same_day.json()["data"]


def test_the_as_of_given_stays_in_the_link(client: TestClient) -> None:
    first = client.get(MEMBERS, params={"as_of": "2005-06-01", "limit": 2, "status": "signatory"})
    next_url = link_of(first)
    assert next_url is not None
    assert next_url.startswith(
        "http://testserver/v1/treaties/mbt/members?as_of=2005-06-01&limit=2&status=signatory"
        "&cursor="
    )


# --- a cursor used with another query is a 400 ------------------------------------------------


@pytest.mark.parametrize(
    ("url", "headers"),
    [
        ("/v1/countries?treaty=mbt&status=signatory", {}),  # another filter
        ("/v1/countries?treaty=ccm&status=state_party", {}),
        ("/v1/countries?treaty=mbt", {}),  # a filter left out
        (f"{COUNTRIES_LIST}&un_member=true", {}),  # one added
        (f"{COUNTRIES_LIST}&as_of=2026-02-18", {}),  # another day
        (f"{COUNTRIES_LIST}&format=csv", {}),  # another format
        (COUNTRIES_LIST, {"Accept": "text/csv"}),
        ("/v1/sources", {}),  # another list with keys of the same type
        ("/v1/treaties/ccm/members?as_of=2026-02-19", {}),
        ("/v1/countries/KGZ/treaties?as_of=2026-02-19", {}),
    ],
)
def test_a_cursor_continues_only_its_own_query(
    client: TestClient, set_clock: SetClock, url: str, headers: dict[str, str]
) -> None:
    first = client.get(COUNTRIES_LIST, params={"limit": 5})
    next_url = link_of(first)
    assert next_url is not None
    cursor = query_of(next_url)["cursor"]
    sep = "&" if "?" in url else "?"
    assert_cursor_problem(client.get(f"{url}{sep}cursor={cursor}", headers=headers))


def test_a_cursor_does_not_pin_the_page_size(client: TestClient, set_clock: SetClock) -> None:
    whole = client.get(COUNTRIES_LIST, params={"limit": 30}).json()["data"]
    next_url = link_of(client.get(COUNTRIES_LIST, params={"limit": 5}))
    assert next_url is not None
    rest = client.get(next_url.replace("limit=5", "limit=25"))
    assert rest.json()["data"] == whole[5:30]


def test_a_cursor_of_another_kind_of_list_is_invalid(client: TestClient) -> None:
    next_url = link_of(client.get("/v1/countries/USA/votes", params={"limit": 2}))
    assert next_url is not None
    cursor = query_of(next_url)["cursor"]
    assert_cursor_problem(client.get("/v1/countries", params={"cursor": cursor}), "invalid-cursor")
    assert_cursor_problem(client.get("/v1/countries/FRA/votes", params={"cursor": cursor}))


def test_an_altered_cursor_is_refused(client: TestClient) -> None:
    next_url = link_of(client.get("/v1/countries", params={"limit": 5, "as_of": "2026-02-03"}))
    assert next_url is not None
    cursor = query_of(next_url)["cursor"]
    check, key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    assert key == "AIA"  # the fifth country by alpha-3: the page after it starts after AIA
    altered = base64.urlsafe_b64encode(json.dumps([check, "KGZ"]).encode()).decode()
    response = client.get("/v1/countries", params={"as_of": "2026-02-03", "cursor": altered})
    assert_cursor_problem(response)
    search = link_of(client.get("/v1/search", params={"q": "mines", "limit": 1}))
    assert search is not None
    assert_cursor_problem(
        client.get("/v1/search", params={"q": "landmines", "cursor": query_of(search)["cursor"]})
    )


def test_a_csv_cursor_is_one_of_the_csv(client: TestClient) -> None:
    """The cursor of a CSV page continues the CSV, as a page (`limit`) or as the whole rest;
    `format=csv` and `Accept: text/csv` ask for the same list."""
    url = f"{MEMBERS}?as_of=2026-02-03"
    whole = list(csv.DictReader(client.get(f"{url}&format=csv").text.splitlines()))
    first = client.get(f"{url}&format=csv&limit=5")
    next_url = link_of(first)
    assert next_url is not None
    assert "format=csv" in next_url
    cursor = query_of(next_url)["cursor"]
    rest = client.get(f"{url}&format=csv&cursor={cursor}")
    assert rest.headers["content-disposition"] == "attachment; filename=members.csv"
    assert list(csv.DictReader(rest.text.splitlines())) == whole[5:]
    accept = client.get(f"{url}&limit=5&cursor={cursor}", headers={"Accept": "text/csv"})
    assert list(csv.DictReader(accept.text.splitlines())) == whole[5:10]
    assert_cursor_problem(client.get(f"{url}&limit=5&cursor={cursor}"))


# --- links are percent-encoded ASCII --------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "link"),
    [
        (
            "/v1/treaties/Ottawa%20Treaty/members?limit=1",
            "/v1/treaties/Ottawa%20Treaty/members?limit=1&as_of=2026-02-19&cursor=",
        ),
        (
            "/v1/countries/C%C3%B4te%20d%27Ivoire/votes?limit=1",
            "/v1/countries/C%C3%B4te%20d%27Ivoire/votes?limit=1&cursor=",
        ),
        (
            "/v1/resolutions/A/RES/51/45%20S/votes?limit=1",
            "/v1/resolutions/A/RES/51/45%20S/votes?limit=1&cursor=",
        ),
        (
            "/v1/votes?country=C%C3%B4te%20d%27Ivoire,T%C3%BCrkiye&limit=1",
            "/v1/votes?country=C%C3%B4te%20d%27Ivoire,T%C3%BCrkiye&limit=1&cursor=",
        ),
        (
            "/v1/countries?subregion=Western+Europe&q=%C3%A9&limit=1",
            "/v1/countries?subregion=Western%20Europe&q=%C3%A9&limit=1&as_of=2026-02-19&cursor=",
        ),
    ],
)
def test_links_are_ascii_and_lead_to_the_next_page(
    client: TestClient, set_clock: SetClock, url: str, link: str
) -> None:
    first = client.get(url)
    next_url = link_of(first)
    assert next_url is not None
    assert next_url.startswith(f"http://testserver{link}")
    assert first.json()["next"] == next_url
    two = client.get(url.replace("limit=1", "limit=2")).json()["data"]
    second = client.get(next_url)
    assert second.status_code == 200, second.text
    assert [*first.json()["data"], *second.json()["data"]] == two
    assert len(two) == 2


def test_the_change_feed_links_to_its_next_page(client: TestClient) -> None:
    first = client.get("/v1/changes", params={"since": "0", "limit": 2})
    body = first.json()
    assert body["cursor"] == first.headers["feed-cursor"] == str(body["data"][-1]["id"])
    next_url = link_of(first)
    assert next_url == f"http://testserver/v1/changes?since={body['cursor']}&limit=2"
    assert body["next"] == next_url
    both = client.get("/v1/changes", params={"since": "0", "limit": 4}).json()["data"]
    assert [*body["data"], *client.get(next_url).json()["data"]] == both
