"""The HTML pages: frameable embeds, oEmbed, the dashboard and its files (no browser)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.conftest import SetClock

MAP_PAGE = "/embed/treaties/mbt/map"
COUNTRY_PAGE = "/embed/countries/POL"
UNTC_DAY = {"as_of": "2026-02-03"}
FIVE_REGIONS = [
    ("Africa", "002"),
    ("Americas", "019"),
    ("Asia", "142"),
    ("Europe", "150"),
    ("Oceania", "009"),
]
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


def test_map_page_has_its_title_legend_and_source_in_html_beside_a_wordless_map(
    client: TestClient,
) -> None:
    body = client.get(MAP_PAGE, params=UNTC_DAY).text
    assert "<h1>Mine Ban Treaty: status of every state on 2026-02-03</h1>" in body
    legend = re.findall(
        r'<li data-status="(\w+)"><span class="sw sw-\1" aria-hidden=true></span>(.*?)</li>', body
    )
    assert legend == [
        ("state_party", "state party (161)"),
        ("pending_entry_into_force", "pending entry into force (0)"),
        ("signatory", "signatory (0)"),
        ("withdrawal_pending", "withdrawal pending (1)"),
        ("withdrawn", "withdrawn (4)"),
        ("not_party", "not party (31)"),
    ]
    counts = client.get("/v1/treaties/mbt/counts", params=UNTC_DAY).json()["counts"]
    assert {k: int(t.rsplit("(", 1)[1][:-1]) for k, t in legend} == counts
    assert (
        '<p class="source">Source: United Nations, Office of Legal Affairs, Treaty Section '
        "(untc-status-xxvi-5), status as at 2026-02-03. Shapes: Natural Earth 1:110m (public "
        "domain) via world-atlas 2.0.2.</p></figcaption></figure>"
    ) in body
    picture = body[body.index("<svg") : body.index("</svg>")]
    assert "<text" not in picture  # no words inside the map: they would shrink with it
    assert '<title id="title">Mine Ban Treaty: status of every state on 2026-02-03</title>' in (
        picture
    )
    assert "untc-status-xxvi-5: Convention on the Prohibition" in picture  # in its <desc>
    assert re.search(r'data-iso3="POL"[^>]*><title>Poland — withdrawal pending</title>', picture)
    assert 'role="group" aria-labelledby="title" aria-describedby="desc"' in picture
    assert len(re.findall(r'data-iso3="[A-Z]{3}" [^>]*tabindex="0" role="img"', picture)) == 249
    svg = re.search(r'<svg [^>]*width="960" height="(\d+)" viewBox="0 0 960 \1"', picture)
    assert svg is not None
    assert svg.group(1) == "467"  # the map alone: 960 times its aspect ratio


def card_rows(body: str) -> list[tuple[str, str, str]]:
    """The card's rows: the instrument's name, the status (its swatch) and the status line."""
    rows = re.findall(
        r'<tr><th scope=row>(.*?)</th><td><span class="sw sw-(\w+)" aria-hidden=true></span>'
        r"(.*?)</td></tr>",
        body,
    )
    return [(re.sub(r"<[^>]+>", "", n), s, re.sub(r"<[^>]+>", "", t)) for n, s, t in rows]


POLAND_CARD = [
    ("Mine Ban Treaty", "withdrawal_pending", "Withdrawal pending, effective 2026-02-20"),
    ("CCM", "not_party", "Not party"),
    ("CCW", "state_party", "State party since 1983-12-02"),
    ("CCW Protocol IV", "state_party", "State party since 2005-03-23"),
    ("CCW Amended Protocol II", "state_party", "State party since 2004-04-14"),
    ("CCW amended Article 1", "state_party", "State party since 2007-03-15"),
    ("CCW Protocol V", "state_party", "State party since 2012-03-26"),
]
SOURCE_LINE = (
    '<p class="source">Source: <a href="/v1/countries/{}/profile?as_of={}" target="_blank" '
    'rel="noopener">UN Treaty Collection, as at <time datetime="2026-02-03">2026-02-03</time>'
    "</a></p>"
)


def test_country_card_lists_the_conventions_then_the_protocols_each_status_once_with_its_date(
    client: TestClient,
) -> None:
    body = client.get(COUNTRY_PAGE, params=UNTC_DAY).text
    assert '<h1>Poland: treaty status on <time datetime="2026-02-03">2026-02-03</time></h1>' in body
    assert card_rows(body) == POLAND_CARD
    assert '<abbr title="Convention on Cluster Munitions">CCM</abbr>' in body
    assert '<abbr title="Convention on Certain Conventional Weapons">CCW</abbr>' in body
    assert body.count(SOURCE_LINE.format("POL", "2026-02-03")) == 1
    assert "<svg" not in body  # no badge repeating the name and the status
    api = client.get("/v1/countries/POL/treaties", params=UNTC_DAY).json()["data"]
    status = {t["treaty"]["short_name"]: t["status"] for t in api}
    assert status["Mine Ban Treaty"]["withdrawal_effective_on"] == "2026-02-20"
    assert status["Convention on Certain Conventional Weapons"]["entry_into_force_on"] == (
        "1983-12-02"
    )
    assert status["CCW Protocol V"]["entry_into_force_on"] == "2012-03-26"
    assert {s["record_as_at"] for s in status.values()} == {"2026-02-03"}
    later = card_rows(client.get(COUNTRY_PAGE, params={"as_of": "2026-02-20"}).text)
    assert later[0] == ("Mine Ban Treaty", "withdrawn", "Withdrawn since 2026-02-20")


def test_country_card_of_a_state_party_to_none(client: TestClient) -> None:
    body = client.get("/embed/countries/kyrgyzstan", params=UNTC_DAY).text
    assert [name for name, _, _ in card_rows(body)] == [name for name, _, _ in POLAND_CARD]
    assert {(s, t) for _, s, t in card_rows(body)} == {("not_party", "Not party")}
    assert SOURCE_LINE.format("KGZ", "2026-02-03") in body
    api = client.get("/v1/countries/KGZ/treaties", params=UNTC_DAY).json()["data"]
    assert {t["status"]["status"] for t in api} == {"not_party"}


def test_country_card_stacks_on_narrow_frames_and_keeps_dates_whole(client: TestClient) -> None:
    body = client.get(COUNTRY_PAGE, params=UNTC_DAY).text
    assert "@media (max-width:419.98px){table.card th,table.card td{display:block" in body
    assert "time{white-space:nowrap}" in body
    assert re.findall(r"(?<![-\w])width:(\d+)px", body) == ["1"]  # the hidden caption only
    assert not re.search(r"font-size:(?:[0-9]|1[01])px|font-size:\.[0-7]", body)


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
        f'width="960" height="638" title="{title}" style="border:0" loading="lazy"></iframe>',
        "width": 960,
        "height": 638,
    }


def test_oembed_of_a_map_svg_is_its_map_page(client: TestClient) -> None:
    svg = client.get("/oembed", params={"url": "http://testserver/v1/treaties/ccm/map.svg"})
    assert svg.json()["html"].startswith('<iframe src="http://testserver/embed/treaties/ccm/map"')
    assert svg.json()["title"] == "Convention on Cluster Munitions: status of every state on today"


def oembed_size(client: TestClient, url: str, **limits: int) -> tuple[int, int]:
    answer = client.get("/oembed", params={"url": f"http://testserver{url}", **limits}).json()
    assert f'width="{answer["width"]}" height="{answer["height"]}"' in answer["html"]
    return answer["width"], answer["height"]


@pytest.mark.parametrize(
    ("url", "limits", "size"),
    [
        # a heading, seven rows and the source line; at 300 px each row stacks (name, status)
        ("/embed/countries/POL?as_of=2026-02-03", {}, (640, 276)),
        ("/embed/countries/POL?as_of=2026-02-03", {"maxwidth": 640}, (640, 276)),
        ("/embed/countries/POL?as_of=2026-02-03", {"maxwidth": 1200}, (640, 276)),
        ("/embed/countries/POL?as_of=2026-02-03", {"maxwidth": 390}, (390, 413)),
        ("/embed/countries/POL?as_of=2026-02-03", {"maxwidth": 300}, (300, 472)),
        ("/embed/countries/KGZ?as_of=2026-02-03", {"maxwidth": 300}, (300, 452)),  # no 2-line row
        ("/embed/countries/POL?as_of=2026-02-03", {"maxwidth": 300, "maxheight": 250}, (300, 250)),
        ("/embed/countries/POL?as_of=2026-02-03", {"maxheight": 1000}, (640, 276)),
        # form, title, map (0.487 of its width), legend and source line
        ("/embed/treaties/mbt/map?as_of=2026-02-03", {}, (960, 638)),
        ("/embed/treaties/mbt/map?as_of=2026-02-03", {"maxwidth": 640}, (640, 482)),
        ("/embed/treaties/mbt/map?as_of=2026-02-03", {"maxwidth": 300}, (300, 462)),
        ("/embed/treaties/mbt/map?as_of=2026-02-03", {"maxheight": 400}, (960, 400)),
    ],
)
def test_oembed_iframe_fits_the_content_at_the_width_within_the_maximum(
    client: TestClient, url: str, limits: dict[str, int], size: tuple[int, int]
) -> None:
    assert oembed_size(client, url, **limits) == size


def test_oembed_of_a_country(client: TestClient) -> None:
    country = client.get(
        "/oembed", params={"url": "http://testserver/embed/countries/poland", "maxwidth": 320}
    ).json()
    assert country["title"] == "Poland: treaty status"
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
    xml = client.get("/oembed", params={"url": url, "format": "xml"})  # oEmbed 1.0 section 2.2
    assert (xml.status_code, xml.json()["detail"]) == (
        501,
        "format: 'xml' is not implemented; use json",
    )
    yaml = client.get("/oembed", params={"url": url, "format": "yaml"})
    assert (yaml.status_code, yaml.json()["detail"]) == (
        422,
        "format: 'yaml' is not one of json, xml",
    )


def test_dashboard_is_built_from_its_own_files_only(client: TestClient) -> None:
    response = client.get("/dashboard", params={"as_of": "2026-01-01", "treaty": "ccm"})
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert csp == "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    body = response.text
    assert '<script src="/static/dashboard.js" defer></script>' in body
    assert '<link rel="stylesheet" href="/static/dashboard.css">' in body
    assert '<input type="date" id="as_of" name="as_of" value="2026-01-01">' in body
    assert "<style" not in body
    assert outside_urls(body) == []
    for name, media in [("dashboard.js", "text/javascript"), ("dashboard.css", "text/css")]:
        file = client.get(f"/static/{name}")
        assert file.headers["content-type"].startswith(media)
        assert outside_urls(file.text) == [], name
    assert client.get("/static/app.py").status_code == 404
    assert client.get("/dashboard", params={"colour": "red"}).status_code == 400


def test_dashboard_date_field_starts_at_the_api_date(
    client: TestClient, set_clock: SetClock
) -> None:
    set_clock(
        "2026-02-20T00:30:00Z"
    )  # just after midnight UTC: a browser west of it is a day behind
    today = client.get("/v1/treaties/mbt/counts").json()["as_of"]
    assert today == "2026-02-20"
    field = '<input type="date" id="as_of" name="as_of" value="{}">'
    assert field.format(today) in client.get("/dashboard").text
    assert field.format("2025-01-01") in client.get("/dashboard?as_of=2025-01-01").text


def test_dashboard_links_to_the_docs_and_the_data_package(client: TestClient) -> None:
    body = client.get("/dashboard").text
    for link in ["/docs", "/v1/bulk"]:
        assert f'<a href="{link}">' in body
        assert client.get(link).status_code == 200, link
    assert '<p id="as-at"></p>' in body  # the "data as at" line, filled from /counts


@pytest.mark.parametrize("as_of", ["1999-03-01", "2026-02-03"])
def test_the_dashboard_region_table_has_no_group_without_a_region(
    client: TestClient, as_of: str
) -> None:
    """Its rows are `/counts?by=region` groups: the 197 states, each in one of five regions."""
    treaties = client.get("/v1/treaties", params={"limit": 100}).json()["data"]
    assert len(treaties) == 7
    for treaty in treaties:
        url = f"/v1/treaties/{treaty['slug']}/counts"
        body = client.get(url, params={"by": "region", "as_of": as_of}).json()
        regions = [(g["region"], g["region_code"]) for g in body["groups"]]
        assert regions == FIVE_REGIONS, treaty["slug"]
        assert sum(sum(g["counts"].values()) for g in body["groups"]) == 197
    assert "(no region)" not in client.get("/static/dashboard.js").text
