"""The pictures to embed: the world map, the timeline chart and the status badges."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from tests.conftest import SetClock

NS = "{http://www.w3.org/2000/svg}"
MAP = "/v1/treaties/mbt/map.svg"
UNTC_DAY = {"as_of": "2026-02-03"}


def parse(body: str) -> ET.Element:
    return ET.fromstring(body)


def source_of(root: ET.Element) -> str:
    """The source line, its wrapped lines joined."""
    text = next(t for t in root.iter(f"{NS}text") if t.get("class") == "source")
    return " ".join(span.text or "" for span in text.iter(f"{NS}tspan"))


def titled(root: ET.Element) -> dict[str, tuple[str, str]]:
    """Each `data-iso3` element's tag (path or circle) and its <title>."""
    return {
        e.attrib["data-iso3"]: (e.tag.removeprefix(NS), e.findtext(f"{NS}title") or "")
        for e in root.iter()
        if "data-iso3" in e.attrib
    }


def test_map_colours_every_state_by_its_status_on_the_date(client: TestClient) -> None:
    response = client.get(MAP, params=UNTC_DAY)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    root = parse(response.text)
    assert (root.get("width"), root.get("height")) == ("960", "592")
    shapes = titled(root)
    paths = [iso3 for iso3, (tag, _) in shapes.items() if tag == "path"]
    dots = [iso3 for iso3, (tag, _) in shapes.items() if tag == "circle"]
    assert (len(paths), len(dots)) == (174, 75)
    assert shapes["FRA"] == ("path", "France — state party")
    assert shapes["POL"] == ("path", "Poland — withdrawal pending")
    assert shapes["FIN"] == ("path", "Finland — withdrawn")
    assert shapes["USA"] == ("path", "United States — not party")
    for tiny in ("AND", "LIE", "MCO", "SMR", "VAT", "SGP", "TUV", "NRU"):
        assert shapes[tiny][0] == "circle", tiny
    assert shapes["AND"] == ("circle", "Andorra — state party")
    assert shapes["LIE"] == ("circle", "Liechtenstein — state party")
    assert root.findtext(f"{NS}title") == "Mine Ban Treaty: status of every state on 2026-02-03"


def test_map_legend_names_every_status_with_its_count_and_the_sources(client: TestClient) -> None:
    root = parse(client.get(MAP, params=UNTC_DAY).text)
    legend = next(g for g in root.iter(f"{NS}g") if g.get("class") == "legend")
    assert [t.text for t in legend.iter(f"{NS}text")] == [
        "state party (161)",
        "pending entry into force (0)",
        "signatory (0)",
        "withdrawal pending (1)",
        "withdrawn (4)",
        "not party (31)",
    ]
    assert source_of(root) == (
        "Source: United Nations, Office of Legal Affairs, Treaty Section (untc-status-xxvi-5), "
        "status as at 2026-02-03. Shapes: Natural Earth 1:110m (public domain) via world-atlas "
        "2.0.2."
    )
    desc = root.findtext(f"{NS}desc") or ""
    assert "untc-status-xxvi-5" in desc
    assert "status as at 2026-02-03" in desc
    assert "Natural Earth 1:110m" in desc


def test_map_on_another_date_and_width(client: TestClient) -> None:
    response = client.get(MAP, params={"as_of": "2026-02-20", "width": 320})
    root = parse(response.text)
    assert root.get("width") == "320"
    source = next(t for t in root.iter(f"{NS}text") if t.get("class") == "source")
    assert len(list(source.iter(f"{NS}tspan"))) == 5  # the source line wrapped to the width
    assert titled(root)["POL"] == ("path", "Poland — withdrawn")


def rendered_text_sizes(root: ET.Element) -> dict[str, float]:
    """Each text's font size in px as drawn at the SVG's width (its own, else inherited)."""
    scale = float(root.attrib["width"]) / float(root.attrib["viewBox"].split()[2])
    parents = {child: parent for parent in root.iter() for child in parent}
    sizes = {}
    for t in root.iter(f"{NS}text"):
        node: ET.Element | None = t
        while node is not None and "font-size" not in node.attrib:
            node = parents.get(node)
        assert node is not None
        words = " ".join(s.strip() for s in t.itertext())
        sizes[words] = float(node.attrib["font-size"]) * scale
    return sizes


@pytest.mark.parametrize(
    ("width", "heading", "legend", "source"),
    [(320, 10.0, 10.0, 10.0), (640, 10.0, 10.0, 10.0), (960, 15.0, 15.0, 12.0)],
)
def test_map_text_is_never_under_10_px_at_its_width(
    client: TestClient, width: int, heading: float, legend: float, source: float
) -> None:
    root = parse(client.get(MAP, params={**UNTC_DAY, "width": width}).text)
    sizes = rendered_text_sizes(root)
    assert min(sizes.values()) >= 10
    assert sizes["Mine Ban Treaty: status of every state on 2026-02-03"] == heading
    assert sizes["state party (161)"] == legend
    assert sizes[source_of(root)] == source


@pytest.mark.parametrize("width", [319, 2001, "wide"])
def test_map_width_out_of_range_is_a_problem_naming_it(client: TestClient, width: object) -> None:
    response = client.get(MAP, params={"width": width})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["parameter"] == "width"


@pytest.mark.parametrize(
    "url",
    [
        "/v1/treaties/nope/map.svg",
        "/v1/treaties/nope/timeline.svg",
        "/v1/countries/FRA/treaties/nope/badge.svg",
        "/v1/countries/FRA/treaties/nope/badge.json",
    ],
)
def test_unknown_treaty_is_a_404_problem(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["parameter"] == "treaty"


def test_unknown_country_badge_is_a_404_problem(client: TestClient) -> None:
    response = client.get("/v1/countries/XYZ/treaties/mbt/badge.json")
    assert response.status_code == 404
    assert response.json()["parameter"] == "country"


def test_map_has_an_etag_and_answers_304(client: TestClient) -> None:
    first = client.get(MAP, params=UNTC_DAY)
    etag = first.headers["etag"]
    assert first.headers["cache-control"].startswith("public")
    again = client.get(MAP, params=UNTC_DAY, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    head = client.head(MAP, params=UNTC_DAY)
    assert (head.status_code, head.headers["etag"], head.content) == (200, etag, b"")
    assert head.headers["content-type"] == "image/svg+xml"


def test_svg_is_cached_apart_from_the_json_of_the_same_data(client: TestClient) -> None:
    members = client.get("/v1/treaties/mbt/members", params=UNTC_DAY)
    svg = client.get(MAP, params=UNTC_DAY, headers={"Accept": "image/svg+xml"})
    cached = client.get(MAP, params=UNTC_DAY, headers={"Accept": "image/svg+xml"})
    assert members.headers["etag"] != svg.headers["etag"]
    assert cached.headers["etag"] == svg.headers["etag"]
    assert cached.headers["content-type"] == svg.headers["content-type"] == "image/svg+xml"
    assert cached.text == svg.text


def test_map_without_as_of_is_for_today(client: TestClient, set_clock: SetClock) -> None:
    root = parse(client.get(MAP).text)
    assert root.findtext(f"{NS}title") == "Mine Ban Treaty: status of every state on 2026-02-19"
    assert source_of(root).startswith(
        "Source: United Nations, Office of Legal Affairs, Treaty Section (untc-status-xxvi-5), "
        "status as at 2026-02-03. Statuses after that date are as known then: later actions "
        "may be missing. Shapes:"
    )
    set_clock("2026-02-20T00:00:01Z")
    later = parse(client.get(MAP).text)
    assert titled(later)["POL"] == ("path", "Poland — withdrawn")


def test_timeline_chart_has_one_bar_per_year_with_the_timeline_counts(
    client: TestClient,
) -> None:
    years = {"from": 1997, "to": 2025}
    response = client.get("/v1/treaties/mbt/timeline.svg", params=years)
    assert response.headers["content-type"] == "image/svg+xml"
    root = parse(response.text)
    bars = [g for g in root.iter(f"{NS}g") if g.get("class") == "year"]
    assert [int(g.attrib["data-year"]) for g in bars] == list(range(1997, 2026))
    points = client.get("/v1/treaties/mbt/timeline", params=years).json()["data"]
    for g, point in zip(bars, points, strict=True):
        parties = [r for r in g.iter(f"{NS}rect") if r.get("class") == "parties"]
        expected = [f"{point['year']}: {point['states_parties']} states parties"]
        assert [r.findtext(f"{NS}title") for r in parties] == (
            expected if point["states_parties"] else []
        )
    by_year = {int(g.attrib["data-year"]): g for g in bars}
    assert by_year[1999].find(f"{NS}rect[@class='parties']/{NS}title").text == (  # type: ignore[union-attr]
        "1999: 82 states parties"
    )
    marks = {
        int(g.attrib["data-year"]): g.findtext(f"{NS}path/{NS}title")
        for g in bars
        if g.find(f"{NS}path") is not None
    }
    assert marks == {2025: "2025: 3 withdrawals took effect (3 withdrawn in all)"}
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "States" in texts
    assert "Year (status at 31 December; this year: today)" in texts
    assert root.findtext(f"{NS}title") == (
        "Mine Ban Treaty: states parties and signatories at each year end"
    )
    assert source_of(root) == (
        "Source: United Nations, Office of Legal Affairs, Treaty Section (untc-status-xxvi-5), "
        "status as at 2026-02-03."
    )
    bad = client.get("/v1/treaties/mbt/timeline.svg", params={"from": "18"})
    assert (bad.status_code, bad.json()["parameter"]) == (422, "from")


def test_badge_json_in_the_shields_endpoint_schema(client: TestClient, set_clock: SetClock) -> None:
    response = client.get("/v1/countries/FRA/treaties/mbt/badge.json")
    assert response.status_code == 200
    assert response.headers["etag"]
    assert response.json() == {
        "schemaVersion": 1,
        "label": "Mine Ban Treaty",
        "message": "state party",
        "color": "0072B2",
    }
    poland = client.get("/v1/countries/pl/treaties/ottawa/badge.json", params=UNTC_DAY).json()
    assert (poland["message"], poland["color"]) == ("withdrawal pending", "E69F00")
    usa = client.get("/v1/countries/USA/treaties/mbt/badge.json").json()
    assert (usa["message"], usa["color"]) == ("not party", "D9D9D9")


def test_badge_svg_shows_the_status(client: TestClient, set_clock: SetClock) -> None:
    response = client.get("/v1/countries/POL/treaties/mbt/badge.svg", params=UNTC_DAY)
    assert response.headers["content-type"] == "image/svg+xml"
    root = parse(response.text)
    assert root.findtext(f"{NS}title") == "Mine Ban Treaty: withdrawal pending"
    assert [t.text for t in root.iter(f"{NS}text")] == ["Mine Ban Treaty", "withdrawal pending"]
    assert root.get("aria-label") == "Mine Ban Treaty: withdrawal pending"
    assert (root.get("width"), root.get("height")) == ("236", "20")
    later = parse(client.get("/v1/countries/POL/treaties/mbt/badge.svg").text)
    assert later.findtext(f"{NS}title") == "Mine Ban Treaty: withdrawal pending"
    set_clock("2026-02-20T12:00:00Z")
    withdrawn = parse(client.get("/v1/countries/POL/treaties/mbt/badge.svg").text)
    assert withdrawn.findtext(f"{NS}title") == "Mine Ban Treaty: withdrawn"


def test_pictures_for_today_expire_at_utc_midnight(client: TestClient, set_clock: SetClock) -> None:
    set_clock("2026-02-19T23:59:55Z")
    for url in (MAP, "/v1/countries/POL/treaties/mbt/badge.svg"):
        assert client.get(url).headers["cache-control"] == "public, max-age=5", url
    fixed = client.get(MAP, params=UNTC_DAY)
    assert fixed.headers["cache-control"] == "public, max-age=60"
