"""The agreement heat map (`/v1/agreement.svg`): the same scores as `/v1/agreement`, drawn."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import pairwise
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.embeds.heatmap import colour, contrast
from app.embeds.svg import text_width
from tests.test_embeds import NS, rendered_text_sizes, source_of

SVG = "/v1/agreement.svg"
EIGHT = "USA,FRA,RUS,CHN,KGZ,FIN,POL,IND"
FORTY = (
    "USA,CAN,MEX,BRA,ARG,CHL,GBR,FRA,DEU,ITA,ESP,POL,FIN,SWE,NOR,RUS,UKR,BLR,KAZ,KGZ,"
    "CHN,IND,PAK,IRN,ISR,EGY,SAU,TUR,ZAF,NGA,KEN,ETH,JPN,KOR,PRK,AUS,NZL,IDN,VNM,YUG"
)


def drawn(client: TestClient, query: str) -> ET.Element:
    response = client.get(f"{SVG}?{query}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/svg+xml"
    return ET.fromstring(response.text)


def cells(root: ET.Element) -> dict[tuple[str, str], tuple[str, int, str, str]]:
    """Each cell by (row, column): its data-value, data-votes, fill and <title>."""
    return {
        (e.attrib["data-a"], e.attrib["data-b"]): (
            e.attrib["data-value"],
            int(e.attrib["data-votes"]),
            e.attrib["fill"],
            e.findtext(f"{NS}title") or "",
        )
        for e in root.iter(f"{NS}rect")
        if "data-a" in e.attrib
    }


def texts(root: ET.Element, kind: str) -> list[ET.Element]:
    return [t for t in root.iter(f"{NS}text") if t.get("class") == kind]


@pytest.mark.parametrize(
    ("measure", "counted"), [("agree", "votes"), ("coincidence", "votes_yes_no")]
)
def test_every_cell_is_the_agreement_json_of_the_same_query(
    client: TestClient, measure: str, counted: str
) -> None:
    query = f"countries={EIGHT}&treaty=ottawa&from=2005&to=2015-12-07"
    body = client.get(f"/v1/agreement?{query}").json()
    root = drawn(client, f"{query}&measure={measure}")
    found = cells(root)
    codes = sorted(EIGHT.split(","))
    assert len(found) == 64
    assert [t.text for t in texts(root, "row")] == codes
    assert [t.text for t in texts(root, "column")] == codes
    for pair in body["pairs"]:
        for a, b in ((pair["a"], pair["b"]), (pair["b"], pair["a"])):
            value, votes, fill, _ = found[a, b]
            assert votes == pair[counted]
            assert (float(value) if value else None) == pair[measure]
            assert fill == (colour(pair[measure]) if value else "url(#nothing)")
    for code in codes:  # the diagonal: a state with itself (null where it counted nothing)
        value, votes, _, title = found[code, code]
        assert (value, title.split(":")[0]) == ("1.0" if votes else "", f"{code} with itself")
    assert found["IND", "IND"][1] == (0 if measure == "coincidence" else 11)  # IND abstained
    assert root.get("data-measure") == measure
    assert root.findtext(f"{NS}title") == (
        f"Voting {'agreement' if measure == 'agree' else 'coincidence'} of 8 states in UN "
        "General Assembly votes: Mine Ban Treaty resolutions, 2005-01-01 to 2015-12-07 "
        f"({body['resolutions']} resolutions)"
    )
    assert body["resolutions"] == 11


def test_the_cell_titles_read_as_sentences(client: TestClient) -> None:
    agree = cells(drawn(client, "countries=United States,CAN"))
    assert agree["CAN", "USA"][3] == "CAN and USA: agree 0.512 over 42 votes"
    assert agree["USA", "CAN"][:2] == ("0.5119047619047619", 42)
    assert agree["USA", "USA"][3] == "USA with itself: agree 1.000 over 42 votes"
    coincidence = cells(drawn(client, "countries=USA,CAN&measure=coincidence"))
    assert coincidence["CAN", "USA"][3] == "CAN and USA: coincidence 0.667 over 3 yes-or-no votes"
    assert coincidence["CAN", "USA"][:2] == ("0.6666666666666666", 3)


def test_a_pair_with_nothing_counted_is_hatched_and_explained(client: TestClient) -> None:
    root = drawn(client, "countries=YUG,USA,SCG")
    found = cells(root)
    assert found["SCG", "YUG"] == (
        "",
        0,
        "url(#nothing)",
        "SCG and YUG: no agree score, 0 votes counted",
    )
    assert found["YUG", "SCG"][:3] == ("", 0, "url(#nothing)")
    legend = next(g for g in root.iter(f"{NS}g") if g.get("class") == "nothing")
    assert legend.findtext(f"{NS}text") == "no score: nothing counted"
    assert legend.find(f"{NS}rect").get("fill") == "url(#nothing)"  # type: ignore[union-attr]
    assert root.find(f"{NS}defs/{NS}pattern[@id='nothing']") is not None


def test_title_description_and_source_line(client: TestClient) -> None:
    root = drawn(client, "countries=USA,CAN&treaty=ccm&to=2020")
    assert (root.get("role"), root.get("aria-labelledby")) == ("img", "title desc")
    assert root.findtext(f"{NS}title") == (
        "Voting agreement of 2 states in UN General Assembly votes: Convention on Cluster "
        "Munitions resolutions, up to 2020-12-31 (6 resolutions)"
    )
    assert source_of(root) == "Source: United Nations Dag Hammarskjöld Library."
    desc = root.findtext(f"{NS}desc") or ""
    assert "undl-ga-voting: UN General Assembly voting data" in desc
    assert "the diagonal: a state with itself" in desc
    meaning = next(t for t in root.iter(f"{NS}text") if t.get("class") == "meaning")
    assert " ".join(meaning.itertext()).startswith("agree (Voeten): 1 = always the same vote")


def test_values_written_in_cells_contrast_with_their_fill(client: TestClient) -> None:
    root = drawn(client, f"countries={EIGHT}&treaty=mbt")
    group = next(g for g in root.iter(f"{NS}g") if g.get("class") == "cells")
    children = list(group)
    written = 0
    for rect, text in pairwise(children):
        if rect.tag == f"{NS}rect" and text.get("class") == "value":
            assert text.text == f"{float(rect.attrib['data-value']):.2f}"
            assert contrast(rect.attrib["fill"], text.attrib["fill"]) >= 4.5, text.text
            written += 1
    assert written == 64


@pytest.mark.parametrize("width", [320, 640, 2000])
def test_forty_states_keep_text_at_10_px_and_labels_apart(client: TestClient, width: int) -> None:
    root = drawn(client, f"countries={FORTY}&width={width}")
    assert root.get("width") == str(width)
    assert len(cells(root)) == 1600
    sizes = rendered_text_sizes(root)
    assert min(sizes.values()) >= 10
    assert sizes["USA"] == (10.0 if width < 1000 else 12.8)
    rows = texts(root, "row")
    sides = {t.get("text-anchor") for t in rows}  # left (end), and right (start) if staggered
    assert sides == ({"start", "end"} if width == 320 else {"end"})
    for side in sides:  # labels on one side are a line apart
        ys = sorted(float(t.attrib["y"]) for t in rows if t.get("text-anchor") == side)
        assert min(b - a for a, b in pairwise(ys)) >= 12
    right = [float(t.attrib["x"]) + text_width(t.text or "", 10) for t in rows]
    assert max(right) <= width  # the labels on the right stay inside the picture


def test_the_text_grows_with_the_width(client: TestClient) -> None:
    sizes = rendered_text_sizes(drawn(client, "countries=USA,CAN&width=960"))
    assert (sizes["USA"], sizes["Source: United Nations Dag Hammarskjöld Library."]) == (12, 12)
    assert sizes["0.51"] == 12


def states(response: Any) -> tuple[int, str, str]:
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    return response.status_code, problem["parameter"], problem["type"].rsplit("/", 1)[-1]


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("countries=USA", "too-few-states"),
        ("countries=USA,United States,usa", "too-few-states"),
        (f"countries={FORTY},ZWE", "too-many-states"),
        ("countries=USA,Atlantis", "unknown-reference"),
        ("width=960", "invalid-parameter"),
    ],
)
def test_the_states_refused_name_countries(client: TestClient, query: str, kind: str) -> None:
    assert states(client.get(f"{SVG}?{query}")) == (422, "countries", kind)


def test_forty_states_named_41_times_are_forty(client: TestClient) -> None:
    assert len(cells(drawn(client, f"countries={FORTY},United States"))) == 1600


@pytest.mark.parametrize("width", [319, 2001, "wide"])
def test_width_out_of_range_is_a_problem_naming_it(client: TestClient, width: object) -> None:
    response = client.get(SVG, params={"countries": "USA,CAN", "width": width})
    assert states(response) == (422, "width", "invalid-parameter")


@pytest.mark.parametrize(
    ("query", "parameter", "status"),
    [
        ("treaty=nope", "treaty", 404),
        ("from=2020&to=2010", "from", 422),
        ("measure=median", "measure", 422),
    ],
)
def test_other_parameters_as_in_the_json(
    client: TestClient, query: str, parameter: str, status: int
) -> None:
    response = client.get(f"{SVG}?countries=USA,CAN&{query}")
    assert response.status_code == status
    problem = response.json()
    names = {problem.get("parameter"), *(e.get("parameter") for e in problem.get("errors", []))}
    assert parameter in names


def test_etag_304_and_head(client: TestClient) -> None:
    url = f"{SVG}?countries=USA,CAN&treaty=mbt"
    first = client.get(url)
    etag = first.headers["etag"]
    assert first.headers["cache-control"].startswith("public")
    again = client.get(url, headers={"If-None-Match": etag})
    assert (again.status_code, again.content) == (304, b"")
    head = client.head(url)
    assert (head.status_code, head.headers["etag"], head.content) == (200, etag, b"")
    assert head.headers["content-type"] == "image/svg+xml"
    json_etag = client.get("/v1/agreement?countries=USA,CAN&treaty=mbt").headers["etag"]
    assert json_etag != etag
    assert client.get(f"{SVG}?countries=USA,FRA&treaty=mbt").headers["etag"] != etag


def test_the_operation_is_documented_as_an_svg_embed(client: TestClient) -> None:
    op = client.get("/openapi.json").json()["paths"][SVG]["get"]
    assert op["tags"] == ["embeds"]
    content = op["responses"]["200"]["content"]
    assert list(content) == ["image/svg+xml"]
    assert content["image/svg+xml"]["schema"]["examples"][0].startswith("<svg")
    assert "422" in op["responses"]
    params = {p["name"]: p for p in op["parameters"]}
    assert params["countries"]["required"] is True
    assert (params["width"]["schema"]["minimum"], params["width"]["schema"]["maximum"]) == (
        320,
        2000,
    )
    assert set(params) == {"countries", "treaty", "from", "to", "measure", "width"}
