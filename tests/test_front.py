"""The front page at `/`: the conventions' counts as `/counts` gives them, links to this server."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from app.cache import answers_for_today
from tests.conftest import SetClock

CONVENTIONS = ("mbt", "ccm", "ccw")
ABSOLUTE = re.compile(r"""(?:https?:)?//[^\s"'<>)]+""")


class Page(HTMLParser):
    """What a test reads of the page: every link target, the tags used, the counts shown."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []
        self.tags: list[str] = []
        self.counts: dict[str, dict[str, int]] = {}
        self.treaty: str | None = None
        self.status: str | None = None
        self.in_number = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        found = dict(attrs)
        self.targets += [v for k, v in attrs if k in ("href", "src", "action") and v is not None]
        labelled = found.get("aria-labelledby") or ""
        if tag == "article" and labelled.startswith("t-"):
            self.treaty = labelled.removeprefix("t-")
            self.counts[self.treaty] = {}
        if tag == "li" and found.get("data-status"):
            self.status = found["data-status"]
        self.in_number = tag == "strong" and self.status is not None

    def handle_endtag(self, tag: str) -> None:
        if tag == "li":
            self.status = None
        self.in_number = False

    def handle_data(self, data: str) -> None:
        if self.in_number and self.treaty is not None and self.status is not None:
            self.counts[self.treaty][self.status] = int(data)


def read(client: TestClient, **params: str) -> Page:
    response = client.get("/", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = Page()
    page.feed(response.text)
    return page


def shown(client: TestClient, slug: str, **params: str) -> dict[str, int]:
    """What `/counts` says, as the page shows it: the statuses some state has, and parties."""
    counted = client.get(f"/v1/treaties/{slug}/counts", params=params).json()["counts"]
    return {k: n for k, n in counted.items() if n or k == "state_party"}


def test_the_counts_of_today_are_those_of_counts(client: TestClient, set_clock: SetClock) -> None:
    set_clock("2026-02-19T12:00:00Z")
    page = read(client)
    assert list(page.counts) == list(CONVENTIONS)
    for slug in CONVENTIONS:
        assert page.counts[slug] == shown(client, slug), slug
    # the day before Poland's withdrawal takes effect
    assert page.counts["mbt"] == {
        "state_party": 161,
        "withdrawal_pending": 1,
        "withdrawn": 4,
        "not_party": 31,
    }
    body = client.get("/").text
    assert '<h2 id="conventions">The conventions on 2026-02-19 (today, UTC)</h2>' in body
    assert '<input type="date" id="as_of" name="as_of" value="2026-02-19" required>' in body


def test_the_counts_on_a_date_are_those_of_counts(client: TestClient) -> None:
    page = read(client, as_of="2026-02-03")
    for slug in CONVENTIONS:
        assert page.counts[slug] == shown(client, slug, as_of="2026-02-03"), slug
    # README, "Who is counted": on 2026-02-03, 161 parties, 1 withdrawal pending (Poland),
    # 4 withdrawn and 31 outside
    assert page.counts["mbt"] == {
        "state_party": 161,
        "withdrawal_pending": 1,
        "withdrawn": 4,
        "not_party": 31,
    }
    later = read(client, as_of="2026-03-01")
    assert later.counts["mbt"] == {"state_party": 161, "withdrawn": 5, "not_party": 31}


def test_each_convention_names_its_source_and_record_date(client: TestClient) -> None:
    body = client.get("/", params={"as_of": "2026-02-03"}).text
    assert body.count("of the 197 states") == 3
    for slug, chapter in (("mbt", "xxvi-5"), ("ccm", "xxvi-6"), ("ccw", "xxvi-2")):
        counts = client.get(f"/v1/treaties/{slug}/counts", params={"as_of": "2026-02-03"}).json()
        assert counts["record_as_at"] == "2026-02-03"
        assert re.search(
            rf'Source: <a href="/v1/sources/untc-status-{chapter}" aria-label="UN Treaty '
            r'Collection: [^"]+">UN Treaty Collection</a>, as at 2026-02-03</p>',
            body,
        ), slug
        assert f'<a href="/v1/treaties/{slug}/members?as_of=2026-02-03"' in body
        assert f'<a href="/v1/treaties/{slug}/members?as_of=2026-02-03&amp;format=csv"' in body
        assert f'<a href="/embed/treaties/{slug}/map?as_of=2026-02-03"' in body
    assert "later actions may be missing" not in body
    beyond = client.get("/", params={"as_of": "2026-03-01"}).text
    assert beyond.count("As known on 2026-02-03: later actions may be missing.") == 3


def test_the_page_is_one_accessible_document(client: TestClient) -> None:
    response = client.get("/")
    page = read(client)
    assert response.text.startswith('<!doctype html>\n<html lang="en">')
    assert page.tags.count("h1") == 1
    assert [t for t in page.tags if t in ("header", "main", "footer")] == [
        "header",
        "main",
        "footer",
    ]
    assert "script" not in page.tags
    assert "img" not in page.tags
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in response.text
    assert "<h1>Treaty Status API</h1>" in response.text
    for name in ("Dashboard", "API documentation", "OpenAPI document", "Data package"):
        assert f">{name}</a>" in response.text
    assert '<a href="/embed/countries/KGZ">Kyrgyzstan country card</a>' in response.text


@pytest.mark.parametrize("params", [{}, {"as_of": "2026-02-03"}])
def test_every_link_is_to_this_server_and_answers(
    client: TestClient, params: dict[str, str]
) -> None:
    page = read(client, **params)
    assert ABSOLUTE.findall(client.get("/", params=params).text) == []
    assert page.targets
    for target in page.targets:
        assert target.startswith("/"), target
        assert not target.startswith("//"), target
    links = set(page.targets) - {"/"}  # the date form's action, the page itself
    for required in ("/dashboard", "/docs", "/openapi.json", "/v1/bulk"):
        assert required in links
    assert {"/embed/treaties/mbt/map", "/embed/countries/KGZ"} <= links
    for target in sorted(links):
        assert client.get(target).status_code == 200, target


def test_head_answers_as_get_without_a_body(client: TestClient) -> None:
    got = client.get("/")
    head = client.head("/")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["x-frame-options"] == "DENY"
    assert head.headers["etag"] == got.headers["etag"]


def test_todays_page_is_cached_until_midnight(client: TestClient, set_clock: SetClock) -> None:
    set_clock("2026-02-19T23:59:55Z")
    first = client.get("/")
    assert first.headers["cache-control"] == "public, max-age=5"
    again = client.get("/", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    set_clock("2026-02-20T00:00:01Z")
    later = client.get("/", headers={"If-None-Match": first.headers["etag"]})
    assert later.status_code == 200
    assert "The conventions on 2026-02-20 (today, UTC)" in later.text
    dated = client.get("/", params={"as_of": "2026-02-03"})
    assert dated.headers["cache-control"] == "public, max-age=60"


def test_the_page_answers_for_today_as_the_embeds_do(client: TestClient) -> None:
    routes = {
        r.path: r
        for r in client.app.state.metrics.routes  # type: ignore[attr-defined]
        if isinstance(r, APIRoute)
    }
    assert answers_for_today(routes["/"])
    assert answers_for_today(routes["/embed/treaties/{treaty}/map"])
    assert routes["/"].include_in_schema is False
    assert "/" not in client.get("/openapi.json").json()["paths"]


def test_a_bad_date_or_parameter_is_refused(client: TestClient) -> None:
    assert client.get("/", params={"as_of": "2026-02-30"}).status_code == 422
    assert client.get("/", params={"treaty": "mbt"}).status_code == 400
