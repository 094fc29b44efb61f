"""The names people type: short, former and colloquial country names, abbreviations, names
without accents or apostrophes or with "The", fullwidth letters; treaties by common name."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.names import NameClaim, fold, name_owners, plain, squeeze

FULLWIDTH_KGZ = "\uff2b\uff27\uff3a"  # KGZ in fullwidth letters
FULLWIDTH_FRANCE = "\uff26\uff52\uff41\uff4e\uff43\uff45"  # France in fullwidth letters
TYPOGRAPHIC_CIV = "C\u00f4te d\u2019Ivoire"  # with a typographic apostrophe

NAMES = [
    ("Vatican", "VAT"),
    ("Vatican City", "VAT"),
    ("Great Britain", "GBR"),
    ("Britain", "GBR"),
    ("Cote dIvoire", "CIV"),
    ("Cote d'Ivoire", "CIV"),
    (TYPOGRAPHIC_CIV, "CIV"),
    ("cote d ivoire", "CIV"),
    ("Ivory Coast", "CIV"),
    ("DPRK", "PRK"),
    ("DRC", "COD"),
    ("DR Congo", "COD"),
    ("Congo-Brazzaville", "COG"),
    ("Congo-Kinshasa", "COD"),
    ("East Timor", "TLS"),
    ("Holland", "NLD"),
    ("The Netherlands", "NLD"),
    ("Bosnia", "BIH"),
    ("UAE", "ARE"),
    ("The Bahamas", "BHS"),
    ("the Gambia", "GMB"),
    ("GuineaBissau", "GNB"),
    (FULLWIDTH_KGZ, "KGZ"),
    ("\uff4b\uff47", "KGZ"),  # fullwidth kg
    ("\uff14\uff11\uff17", "KGZ"),  # fullwidth 417
    (FULLWIDTH_FRANCE, "FRA"),
]


@pytest.mark.parametrize(("key", "iso3"), NAMES)
def test_a_country_path_takes_the_names_people_type(
    client: TestClient, key: str, iso3: str
) -> None:
    response = client.get(f"/v1/countries/{key}")
    assert response.status_code == 200, response.text
    assert response.json()["iso3"] == iso3


@pytest.mark.parametrize(("key", "iso3"), NAMES)
def test_a_status_path_takes_them_too(client: TestClient, key: str, iso3: str) -> None:
    response = client.get(f"/v1/countries/{key}/treaties/mbt", params={"as_of": "2026-02-03"})
    assert response.status_code == 200, response.text
    assert response.json()["country"] == iso3


def test_the_country_parameter_takes_them(client: TestClient) -> None:
    body = client.get(
        "/v1/votes", params={"country": f"UAE,DPRK,{FULLWIDTH_KGZ}", "limit": "1000"}
    ).json()
    assert {v["country"]["iso3"] for v in body["data"]} == {"ARE", "PRK", "KGZ"}


@pytest.mark.parametrize(
    ("q", "iso3s"),
    [
        (FULLWIDTH_FRANCE, ["FRA", "FXX"]),  # and "France, Metropolitan", a withdrawn code
        (FULLWIDTH_KGZ, ["KGZ"]),
        ("Cote dIvoire", ["CIV"]),
        (TYPOGRAPHIC_CIV, ["CIV"]),
        ("the Gambia", ["GMB"]),
        ("holland", ["NLD"]),
        ("east timor", ["TLS"]),
        ("great britain", ["GBR"]),
    ],
)
def test_search_folds_as_the_path_does(client: TestClient, q: str, iso3s: list[str]) -> None:
    body = client.get("/v1/countries", params={"q": q}).json()
    assert [c["iso3"] for c in body["data"]] == iso3s


def source_ids(body: dict[str, Any]) -> list[str]:
    return [s["id"] for s in body["sources"]]


def test_a_country_lists_its_names_and_their_sources(client: TestClient) -> None:
    body = client.get("/v1/countries/GBR").json()
    assert body["names"] == [
        "Britain",
        "Great Britain",
        "UK",
        "United Kingdom",
        "United Kingdom of Great Britain and Northern Ireland",
    ]
    assert "wikipedia-alternative-country-names" in source_ids(body)
    timor = client.get("/v1/countries/East Timor").json()
    assert "East Timor" in timor["names"]
    assert "cia-world-factbook-country-names" in source_ids(timor)


def test_a_withdrawn_code_keeps_its_code_but_yields_its_name(client: TestClient) -> None:
    """TMP, withdrawn from ISO 3166-1 in 2002, is also named East Timor: the name is TLS's."""
    body = client.get("/v1/countries/TMP").json()
    assert (body["iso3"], body["name"], body["historical"]) == ("TMP", "East Timor", True)
    assert body["names"] == []
    assert client.get("/v1/countries/east-timor").json()["iso3"] == "TLS"


def test_a_miss_is_a_404_with_close_matches(client: TestClient) -> None:
    response = client.get("/v1/countries/Hollland")
    assert response.status_code == 404
    body = response.json()
    assert body["parameter"] == "country"
    assert body["suggestions"][0] == {"iso3": "NLD", "name": "Netherlands"}
    body = client.get("/v1/votes", params={"country": "UAE,Great Britian"}).json()
    assert (body["status"], body["parameter"]) == (404, "country")
    assert body["suggestions"][0] == {"iso3": "GBR", "name": "United Kingdom"}


@pytest.mark.parametrize(
    ("key", "slug"),
    [
        ("Oslo Convention", "ccm"),
        ("cluster munitions", "ccm"),
        ("Cluster-Munitions", "ccm"),
        ("landmines", "mbt"),
        ("Certain Conventional Weapons", "ccw"),
        ("Blinding Laser Weapons", "ccw-p4"),
        ("Explosive Remnants of War", "ccw-p5"),
        ("mbt", "mbt"),
        ("APMBC", "mbt"),
        ("the Ottawa Treaty", "mbt"),
        ("XXVI-5", "mbt"),
        ("XXVI5", "mbt"),
        ("\uff4d\uff42\uff54", "mbt"),  # fullwidth mbt
        ("CCW-P4", "ccw-p4"),
    ],
)
def test_a_treaty_takes_the_names_people_type(client: TestClient, key: str, slug: str) -> None:
    response = client.get(f"/v1/treaties/{key}")
    assert response.status_code == 200, response.text
    assert response.json()["slug"] == slug
    members = client.get(f"/v1/treaties/{key}/members", params={"limit": "1"})
    assert members.status_code == 200, members.text


def test_the_treaty_parameter_takes_them(client: TestClient) -> None:
    body = client.get("/v1/resolutions", params={"treaty": "Oslo Convention"}).json()
    assert body["data"]
    assert {r["treaty"] for r in body["data"]} == {"ccm"}
    votes = client.get("/v1/countries/KGZ/votes", params={"treaty": "landmines"}).json()
    assert votes["data"]
    assert {v["resolution"]["treaty"] for v in votes["data"]} == {"mbt"}


def test_an_unknown_treaty_is_a_404_with_close_matches(client: TestClient) -> None:
    response = client.get("/v1/treaties/Oslo Conventon")
    assert response.status_code == 404
    body = response.json()
    assert (body["parameter"], body["suggestions"][0]["slug"]) == ("treaty", "ccm")
    body = client.get("/v1/countries", params={"treaty": "landmine ban"}).json()
    assert (body["status"], body["parameter"]) == (404, "treaty")


def test_folding_rules() -> None:
    assert fold("  CÔTE D'IVOIRE ") == "cote d ivoire"
    assert fold(TYPOGRAPHIC_CIV) == fold("Cote d Ivoire") == "cote d ivoire"
    assert squeeze(fold("Cote dIvoire")) == squeeze(fold("Côte d'Ivoire")) == "cotedivoire"
    assert fold("The Bahamas") == fold("Bahamas") == "bahamas"
    assert fold("Bahamas (The)") == "bahamas the"
    assert fold("The") == "the"  # an article alone stays
    assert fold(FULLWIDTH_FRANCE) == "france"
    assert plain(f" {FULLWIDTH_KGZ} ") == "KGZ"
    assert fold("Bosnia & Herzegovina") == "bosnia and herzegovina"


def test_a_current_code_wins_a_name_over_a_withdrawn_one() -> None:
    withdrawn = NameClaim("East Timor", "TMP", "name", current=False)
    current = NameClaim("East Timor", "TLS", "historical", current=True, source="s")
    assert name_owners([withdrawn, current])["east timor"] == current
    # between two of the same standing, the first
    first, second = NameClaim("Congo", "COG", "name", True), NameClaim("Congo", "COD", "x", True)
    assert name_owners([first, second])["congo"] == first
