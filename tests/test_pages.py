"""The HTML pages: frameable embeds, oEmbed, the dashboard and its files (no browser)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

MAP_PAGE = "/embed/treaties/mbt/map"
COUNTRY_PAGE = "/embed/countries/POL"
URL = re.compile(r"""(?:https?:)?//[^\s"'<>)]+""")


def outside_urls(html: str) -> list[str]:
    """Every absolute URL in a page but the SVG namespace."""
    return [u for u in URL.findall(html) if u != "http://www.w3.org/2000/svg"]


@pytest.mark.parametrize("path", [f"{MAP_PAGE}?as_of=2026-02-03", COUNTRY_PAGE])
def test_embed_pages_may_be_framed_by_anyone(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors *" in csp
    assert "default-src 'none'" in csp
    assert "x-frame-options" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "<script" not in response.text
    assert outside_urls(response.text) == []


@pytest.mark.parametrize(
    "path", ["/v1/treaties/mbt/map.svg", "/v1/countries/POL/profile", "/oembed?url=x", "/dashboard"]
)
def test_everything_else_still_refuses_framing(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    assert headers["x-frame-options"] == "DENY", path
    assert "frame-ancestors 'none'" in headers["content-security-policy"], path


def test_map_page_inlines_the_map_with_a_date_form(client: TestClient) -> None:
    body = client.get(MAP_PAGE, params={"as_of": "2026-01-01"}).text
    assert '<form method="get" action="/embed/treaties/mbt/map">' in body
    assert '<input type="date" id="as_of" name="as_of" value="2026-01-01" required>' in body
    assert len(re.findall(r'data-iso3="[A-Z]{3}" data-status=', body)) == 197  # the states
    assert len(re.findall(r'data-iso3="[A-Z]{3}" data-territory="true"', body)) == 52
    assert re.search(r'data-iso3="POL"[^>]*><title>Poland — withdrawal pending</title>', body)
    later = client.get(MAP_PAGE, params={"as_of": "2026-02-20"}).text
    assert re.search(r'data-iso3="POL"[^>]*><title>Poland — withdrawn</title>', later)


def test_country_page_shows_each_instrument_with_as_at_date_source_and_badge(
    client: TestClient,
) -> None:
    body = client.get(COUNTRY_PAGE, params={"as_of": "2026-01-01"}).text
    assert "<h1>Poland: treaty status on 2026-01-01</h1>" in body
    row = re.search(r"<tr><th scope=row>Mine Ban Treaty</th>(.*?)</tr>", body)
    assert row is not None
    cells = row.group(1)
    assert "<svg" in cells
    assert 'aria-label="Mine Ban Treaty: withdrawal pending"' in cells
    assert "withdrawal notified 2025-08-20" in cells
    assert "<td>2026-02-03</td>" in cells
    assert "(UNTC status, chapter XXVI-5) <small>(as at 2026-02-03)</small>" in cells
    assert body.count("<tr><th scope=row>") == 7


def test_oembed_of_a_map_page(client: TestClient) -> None:
    url = "http://testserver/embed/treaties/ottawa/map?as_of=2026-02-03"
    response = client.get("/oembed", params={"url": url, "format": "json"})
    assert response.status_code == 200
    title = "Mine Ban Treaty: status of every state on 2026-02-03"
    assert response.json() == {
        "type": "rich",
        "version": "1.0",
        "title": title,
        "provider_name": "Treaty Status API",
        "provider_url": "http://testserver/",
        "html": '<iframe src="http://testserver/embed/treaties/mbt/map?as_of=2026-02-03" '
        f'width="960" height="660" title="{title}" style="border:0" loading="lazy"></iframe>',
        "width": 960,
        "height": 660,
    }


def test_oembed_of_a_map_svg_and_a_country_fits_the_maximum(client: TestClient) -> None:
    svg = client.get("/oembed", params={"url": "http://testserver/v1/treaties/ccm/map.svg"})
    assert svg.json()["html"].startswith('<iframe src="http://testserver/embed/treaties/ccm/map"')
    assert svg.json()["title"] == "Convention on Cluster Munitions: status of every state on today"
    country = client.get(
        "/oembed",
        params={"url": "http://testserver/embed/countries/poland", "maxwidth": 320},
    ).json()
    assert (country["width"], country["height"], country["title"]) == (
        320,
        240,
        "Poland: treaty status",
    )
    assert 'src="http://testserver/embed/countries/POL"' in country["html"]


@pytest.mark.parametrize(
    "url",
    [
        "https://elsewhere.example/embed/treaties/mbt/map",
        "http://testserver/v1/treaties/mbt",
        "http://testserver/embed/treaties/mbt/map?as_of=yesterday",
        "http://testserver/embed/treaties/atlantis/map",
        "http://testserver/embed/countries/Atlantis",
    ],
)
def test_oembed_of_anything_else_is_a_404_naming_url(client: TestClient, url: str) -> None:
    response = client.get("/oembed", params={"url": url})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["parameter"] == "url"


def test_oembed_answers_json_only(client: TestClient) -> None:
    url = "http://testserver/embed/countries/POL"
    for other in ["xml", "yaml"]:
        response = client.get("/oembed", params={"url": url, "format": other})
        assert response.status_code == 422
        assert response.json()["detail"] == f"format: {other!r} is not one of json"


def test_dashboard_is_built_from_its_own_files_only(client: TestClient) -> None:
    response = client.get("/dashboard", params={"as_of": "2026-01-01", "treaty": "ccm"})
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert csp == "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    body = response.text
    assert '<script src="/static/dashboard.js" defer></script>' in body
    assert '<link rel="stylesheet" href="/static/dashboard.css">' in body
    assert '<input type="date" id="as_of" name="as_of">' in body
    assert "<style" not in body
    assert outside_urls(body) == []
    for name, media in [("dashboard.js", "text/javascript"), ("dashboard.css", "text/css")]:
        file = client.get(f"/static/{name}")
        assert file.headers["content-type"].startswith(media)
        assert outside_urls(file.text) == [], name
    assert client.get("/static/app.py").status_code == 404
    assert client.get("/dashboard", params={"colour": "red"}).status_code == 400
