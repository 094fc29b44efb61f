"""Inside a frame: the embeds' errors as pages, oEmbed's 501, and the pages' HTTP caching."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.errors import DatabaseUnavailableError
from tests.conftest import SetClock
from tests.test_pages import outside_urls

HTML = "text/html; charset=utf-8"
OEMBED = "/oembed?url=http://testserver/embed/countries/KGZ"


def framed_page(client: TestClient, path: str, status: int) -> str:
    """The body of an embed's error page, checked to be a page another site may frame."""
    response = client.get(path)
    assert (response.status_code, response.headers["content-type"]) == (status, HTML), path
    assert "frame-ancestors *" in response.headers["content-security-policy"]
    assert "x-frame-options" not in response.headers
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in response.text
    assert "<script" not in response.text
    assert outside_urls(response.text) == []
    text: str = response.text
    return text


def test_an_unknown_country_is_a_404_page_linking_the_problems_close_matches(
    client: TestClient,
) -> None:
    body = framed_page(client, "/embed/countries/Atlantis?as_of=2026-01-01", 404)
    assert "<title>Country not found (404)</title>" in body
    assert "<h1>Country not found</h1><p>No country matches &#x27;Atlantis&#x27;.</p>" in body
    assert (
        '<p>Close matches:</p><ul><li><a href="/embed/countries/ALB?as_of=2026-01-01">Albania</a>'
        "</li></ul>"
    ) in body
    assert "<p><small>HTTP 404</small></p>" in body
    problem = client.get("/v1/countries/Atlantis").json()
    assert problem["suggestions"] == [{"iso3": "ALB", "name": "Albania"}]  # the same matches


def test_an_unknown_treaty_links_the_map_of_each_close_match(client: TestClient) -> None:
    body = framed_page(client, "/embed/treaties/mine%20ban/map", 404)
    assert "<h1>Treaty not found</h1><p>No treaty matches &#x27;mine ban&#x27;.</p>" in body
    assert '<li><a href="/embed/treaties/mbt/map">mine ban treaty</a></li>' in body
    nothing_close = framed_page(client, "/embed/countries/Qqqqqqqq", 404)
    assert "<p>No country matches &#x27;Qqqqqqqq&#x27;</p>" in nothing_close
    assert "Close matches" not in nothing_close


def test_an_impossible_date_is_a_422_page_naming_as_of(client: TestClient) -> None:
    body = framed_page(client, "/embed/treaties/mbt/map?as_of=2026-02-30", 422)
    assert "<title>Invalid parameter (422)</title>" in body
    assert (
        "<h1>Invalid parameter</h1>"
        "<p>as_of: &#x27;2026-02-30&#x27; is not a date: February 2026 has 28 days</p>"
        '<p><a href="/embed/treaties/mbt/map">Show today\'s page instead</a></p>'
    ) in body
    other = framed_page(client, "/embed/countries/POL?as_of=yesterday", 422)
    assert "<p>as_of: &#x27;yesterday&#x27; is not a date in the form YYYY-MM-DD</p>" in other


def test_an_unknown_parameter_is_a_400_page(client: TestClient) -> None:
    body = framed_page(client, "/embed/countries/KGZ?colour=red", 400)
    assert (
        "<h1>Unknown parameter</h1>"
        "<p>unknown query parameter &#x27;colour&#x27;; this endpoint takes: as_of</p>"
        '<p><a href="/embed/countries/KGZ">Show today\'s page instead</a></p>'
    ) in body


def test_no_such_embed_and_a_post_are_pages_too(client: TestClient) -> None:
    body = framed_page(client, "/embed/nothing", 404)
    assert "<h1>Not Found</h1><p><small>HTTP 404</small></p>" in body
    post = client.post("/embed/countries/KGZ")
    assert (post.status_code, post.headers["content-type"]) == (405, HTML)
    assert post.headers["allow"] == "GET, HEAD"
    head = client.head("/embed/countries/Atlantis")
    assert (head.status_code, head.headers["content-type"], head.content) == (404, HTML, b"")


def test_an_unreachable_database_is_a_503_page_in_a_frame(client: TestClient) -> None:
    def down() -> int:
        raise DatabaseUnavailableError

    client.app.state.version_reader = down  # type: ignore[attr-defined]
    body = framed_page(client, "/embed/countries/KGZ", 503)
    assert "<h1>Service unavailable</h1>" in body
    assert client.get("/embed/countries/KGZ").headers["retry-after"] == "5"
    api = client.get("/v1/countries/KGZ")
    assert (api.status_code, api.headers["content-type"]) == (503, "application/problem+json")


def test_the_dashboard_and_oembed_keep_their_own_errors(client: TestClient) -> None:
    assert client.get("/dashboard?colour=red").headers["content-type"] == (
        "application/problem+json"
    )
    assert client.get("/oembed?url=x").headers["content-type"] == "application/problem+json"


def test_oembed_xml_is_a_501_problem(client: TestClient) -> None:
    response = client.get("/oembed", params={"url": OEMBED, "format": "xml"})
    assert response.status_code == 501
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "https://treaty-status-api.example/problems/not-implemented",
        "title": "Not implemented",
        "status": 501,
        "detail": "format: 'xml' is not implemented; use json",
        "instance": "/oembed",
        "parameter": "format",
    }
    other = client.get("/oembed", params={"url": OEMBED, "format": "yaml"})
    assert (other.status_code, other.json()["detail"]) == (
        422,
        "format: 'yaml' is not one of json, xml",
    )


# --- caching ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/embed/countries/KGZ", "/embed/treaties/mbt/map?as_of=2026-01-01", "/dashboard", "/", OEMBED],
)
def test_pages_have_validators_304s_and_head(client: TestClient, url: str) -> None:
    get = client.get(url)
    assert get.status_code == 200
    etag = get.headers["etag"]
    assert etag.startswith('W/"')
    assert get.headers["cache-control"] == "public, max-age=60"
    assert get.headers["vary"].startswith("Accept, Accept-Encoding")
    again = client.get(url, headers={"If-None-Match": etag})
    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag)
    assert again.headers["cache-control"] == "public, max-age=60"
    head = client.head(url)
    assert (head.status_code, head.content) == (200, b"")
    for name in ("etag", "cache-control", "content-type", "content-length", "vary"):
        assert head.headers.get(name) == get.headers.get(name), name
    head_again = client.head(url, headers={"If-None-Match": etag})
    assert (head_again.status_code, head_again.content) == (304, b"")
    assert client.get(url).content == get.content  # from the response cache


@pytest.mark.parametrize(
    "url", ["/embed/countries/POL", "/embed/treaties/mbt/map", "/", "/dashboard"]
)
def test_a_page_for_today_is_cached_until_utc_midnight(
    client: TestClient, set_clock: SetClock, url: str
) -> None:
    set_clock("2026-02-19T23:59:55Z")
    before = client.get(url)
    assert before.headers["cache-control"] == "public, max-age=5"
    assert "2026-02-19" in before.text
    etag = before.headers["etag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    dated = client.get(url, params={"as_of": "2026-02-19"})
    assert dated.headers["cache-control"] == "public, max-age=60"
    set_clock("2026-02-20T00:00:05Z")
    after = client.get(url, headers={"If-None-Match": etag})
    assert (after.status_code, after.headers["cache-control"]) == (200, "public, max-age=60")
    assert after.headers["etag"] != etag
    assert "2026-02-20" in after.text


def test_oembed_sizes_for_today_so_is_cached_until_utc_midnight(
    client: TestClient, set_clock: SetClock
) -> None:
    set_clock("2026-02-19T23:59:30Z")
    before = client.get(OEMBED)
    assert before.headers["cache-control"] == "public, max-age=30"
    set_clock("2026-02-20T00:00:05Z")
    after = client.get(OEMBED, headers={"If-None-Match": before.headers["etag"]})
    assert (after.status_code, after.headers["cache-control"]) == (200, "public, max-age=60")
    assert after.headers["etag"] != before.headers["etag"]
