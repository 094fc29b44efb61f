"""Reference countries and name lookup, over HTTP and in queries."""

from __future__ import annotations

import csv
import gzip

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import models
from app.names import fold
from app.queries.countries import resolve_country
from tests.conftest import shared_path


@pytest.mark.parametrize(
    "key",
    [
        "KGZ",
        "kgz",
        "kg",
        "KG",
        "417",
        "kyrgyz republic",
        "KYRGYZSTAN",
        "Kyrgyzstan",
        "KYRGYZ REPUBLIC",
    ],
)
def test_every_form_of_kyrgyzstan_resolves(client: TestClient, key: str) -> None:
    response = client.get(f"/v1/countries/{key}")
    assert response.status_code == 200
    assert response.json() == {
        "iso3": "KGZ",
        "iso2": "KG",
        "numeric": "417",
        "name": "Kyrgyzstan",
        "official_name": "Kyrgyz Republic",
        "un_member": True,
        "un_observer": False,
        "state": True,
        "administered_by": None,
        "historical": False,
        "region": "Asia",
        "region_code": "142",
        "subregion": "Central Asia",
        "subregion_code": "143",
        "intermediate_region": None,
        "intermediate_region_code": None,
        "names": ["Kyrgyz Republic", "Kyrgyzstan"],
        "sources": [
            {
                "id": "un-member-states",
                "title": "Member States of the United Nations",
                "publisher": "United Nations",
                "kind": "reference",
                "url": "https://www.un.org/en/about-us/member-states",
                "country": None,
                "published_on": None,
                "last_updated": None,
                "retrieved_on": None,
                "licence": "© United Nations; UN website terms of use",
                "status_as_at": None,
                "checksum": None,
                "row_count": None,
                "imported_at": None,
                "citation_count": 0,
            },
            {
                "id": "unsd-m49",
                "title": "Standard country or area codes for statistical use (M49): regions, "
                "sub-regions and intermediate regions",
                "publisher": "United Nations Statistics Division",
                "kind": "reference",
                "url": "https://unstats.un.org/unsd/methodology/m49/",
                "country": None,
                "published_on": None,
                "last_updated": "2024-06-19",
                "retrieved_on": None,
                "licence": "M49 classification © United Nations; compilation "
                "(github.com/lukes/ISO-3166-Countries-with-Regional-Codes) CC BY-SA 4.0",
                "status_as_at": None,
                "checksum": None,
                "row_count": None,
                "imported_at": None,
                "citation_count": 0,
            },
        ],
    }


@pytest.mark.parametrize(
    ("key", "iso3"),
    [
        ("TÜRKIYE", "TUR"),
        ("turkiye", "TUR"),
        ("Turkey", "TUR"),
        ("CÔTE D'IVOIRE", "CIV"),
        ("cote d ivoire", "CIV"),
        ("Côte d’Ivoire", "CIV"),  # noqa: RUF001 (the typographic apostrophe is the point)
        ("4", "AFG"),
        ("004", "AFG"),
        ("Holy See", "VAT"),
        ("State of Palestine", "PSE"),
        ("Netherlands (Kingdom of the)", "NLD"),
        ("Bolivia (Plurinational State of)", "BOL"),
        ("YUG", "YUG"),
        ("Yugoslavia", "YUG"),
        ("SUN", "SUN"),
        ("USSR", "SUN"),
        ("by", "BLR"),
        ("Antigua & Barbuda", "ATG"),
    ],
)
def test_name_and_code_lookup(session: Session, key: str, iso3: str) -> None:
    assert resolve_country(session, key).iso3 == iso3


def test_unknown_country_is_a_404_problem_with_close_matches(client: TestClient) -> None:
    response = client.get("/v1/countries/Atlantis")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"].endswith("/country-not-found")
    assert body["title"] == "Country not found"
    assert body["status"] == 404
    assert body["parameter"] == "country"
    assert body["instance"] == "/v1/countries/Atlantis"
    assert "Atlantis" in body["detail"]


def test_misspelled_country_suggests_the_right_one(client: TestClient) -> None:
    body = client.get("/v1/countries/Kyrgystan").json()
    assert body["suggestions"][0] == {"iso3": "KGZ", "name": "Kyrgyzstan"}
    assert body["detail"].startswith("No country matches 'Kyrgystan'; did you mean Kyrgyzstan")


def test_un_members_and_observers(session: Session) -> None:
    members = session.scalar(select(func.count()).where(models.Country.un_member))
    observers = session.scalars(
        select(models.Country.iso3).where(models.Country.un_observer).order_by(models.Country.iso3)
    ).all()
    assert members == 193
    assert observers == ["PSE", "VAT"]
    assert session.get(models.Country, "TWN").un_member is False  # type: ignore[union-attr]


def test_every_iso_country_and_the_historical_codes_exist(session: Session) -> None:
    current = session.scalar(select(func.count()).where(models.Country.historical.is_(False)))
    assert current == 249
    for code, name in [
        ("YUG", "Yugoslavia, (Socialist) Federal Republic of"),
        ("SCG", "Serbia and Montenegro"),
        ("CSK", "Czechoslovakia, Czechoslovak Socialist Republic"),
        ("DDR", "German Democratic Republic"),
        ("SUN", "USSR, Union of Soviet Socialist Republics"),
        ("YMD", "Yemen, Democratic, People's Democratic Republic of"),
        ("ZAR", "Zaire, Republic of"),
    ]:
        country = session.get(models.Country, code)
        assert country is not None
        assert (country.name, country.historical, country.un_member) == (name, True, False)


def test_members_match_the_2025_un_vote_roll(session: Session) -> None:
    """The 193 flagged members are exactly the states on the roll of session 80 votes."""
    path = shared_path("refdata", "unga_apl_ccm_votes.csv")
    with path.open(encoding="utf-8") as fh:
        roll = {r["country_iso3"] for r in csv.DictReader(fh) if r["session"] == "80"}
    members = set(session.scalars(select(models.Country.iso3).where(models.Country.un_member)))
    assert members == roll


def test_every_un_spelling_in_the_vote_data_resolves(session: Session) -> None:
    """Each (code, name) of the UN vote and treaty data resolves to that code by name."""
    pairs: set[tuple[str, str]] = set()
    with gzip.open(
        shared_path("refdata", "unga_all_recorded_votes_s74-s80.csv.gz"), "rt", encoding="utf-8"
    ) as fh:
        for row in csv.DictReader(fh):
            pairs |= {(row["country_iso3"], row["country_name"])}
            if row["source_country_name"]:
                pairs.add((row["country_iso3"], row["source_country_name"]))
    with shared_path("refdata", "treaty_participation_untc.csv").open(encoding="utf-8") as fh:
        pairs |= {(r["country_iso3"], r["country_name"]) for r in csv.DictReader(fh)}
    assert len(pairs) > 300
    wrong = {(code, name) for code, name in pairs if resolve_country(session, name).iso3 != code}
    assert wrong == set()


def test_folding() -> None:
    assert fold("  CÔTE D'IVOIRE ") == "cote d ivoire"
    assert fold("TÜRKİYE") == "turkiye"
    assert fold("Bosnia & Herzegovina") == "bosnia and herzegovina"
    assert (
        fold("Korea (Democratic People's Republic of)") == "korea democratic people s republic of"
    )
