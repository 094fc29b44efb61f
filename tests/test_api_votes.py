"""The vote table `/v1/votes`, a resolution's votes and tallies, and complete CSV downloads.

Expected figures are those of data/public/unga_votes.csv and unga_resolutions.csv.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection

from app.config import PROJECT_ROOT
from tests.conftest import count_queries
from tests.test_api_treaties import all_pages

UN = "undl-ga-voting"
PUBLIC = PROJECT_ROOT / "data" / "public"


def rows_of(text: str) -> list[dict[str, str]]:
    """A CSV body as dicts."""
    return list(csv.DictReader(io.StringIO(text)))


def file_rows(name: str) -> list[dict[str, str]]:
    """The rows of a public data file."""
    with (PUBLIC / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def ccm_symbols() -> set[str]:
    return {r["symbol"] for r in file_rows("unga_resolutions.csv") if r["treaty"] == "ccm"}


def brief(rows: list[dict[str, Any]]) -> list[tuple[str, str, str, str | None]]:
    return [(r["country"]["iso3"], r["resolution"]["symbol"], r["vote"], r["status"]) for r in rows]


def test_three_countries_on_ccm(client: TestClient) -> None:
    rows = all_pages(client, "/v1/votes", limit=7, country="USA,russia,156", treaty="ccm")
    assert len(rows) == 33  # 3 countries x 11 CCM resolutions
    expected = {
        (r["country"], r["symbol"], r["vote"])
        for r in file_rows("unga_votes.csv")
        if r["country"] in {"USA", "RUS", "CHN"} and r["symbol"] in ccm_symbols()
    }
    assert {(c, s, v) for c, s, v, _ in brief(rows)} == expected
    assert brief(rows)[:3] == [
        ("CHN", "A/RES/70/54", "abstain", "not_party"),
        ("RUS", "A/RES/70/54", "no", "not_party"),
        ("USA", "A/RES/70/54", "abstain", "not_party"),
    ]
    assert brief(rows)[-3:] == [
        ("CHN", "A/RES/80/52", "yes", "not_party"),
        ("RUS", "A/RES/80/52", "no", "not_party"),
        ("USA", "A/RES/80/52", "no", "not_party"),
    ]
    assert ("CHN", "A/RES/76/47", "yes", "not_party") in brief(rows)
    first = rows[0]
    assert first["country"] == {"iso3": "CHN", "name": "China", "region": "Asia"}
    assert first["resolution"]["date"] == "2015-12-07"
    assert (first["source"], first["resolution"]["treaty"]) == (UN, "ccm")
    dates = [
        (r["resolution"]["date"], r["resolution"]["symbol"], r["country"]["iso3"]) for r in rows
    ]
    assert dates == sorted(dates)


def test_vote_filter_and_sources(client: TestClient) -> None:
    body = client.get(
        "/v1/votes", params={"country": "USA,RUS,CHN", "treaty": "ccm", "vote": "no"}
    ).json()
    assert Counter(r["country"]["iso3"] for r in body["data"]) == {"RUS": 9, "USA": 1}
    assert {s["id"] for s in body["sources"]} >= {UN}


def test_status_on_the_vote_date(client: TestClient) -> None:
    """A state party on a later resolution, not yet one on an earlier one."""
    rows = all_pages(client, "/v1/votes", limit=100, country="KGZ,FRA", treaty="mbt")
    fra = {r["resolution"]["symbol"]: r["status"] for r in rows if r["country"]["iso3"] == "FRA"}
    assert fra["A/RES/51/45 S"] == "not_party"
    assert fra["A/RES/73/61"] == "state_party"
    kgz = [r for r in rows if r["country"]["iso3"] == "KGZ"]
    assert {r["status"] for r in kgz} == {"not_party"}
    on_73_61 = next(r for r in kgz if r["resolution"]["symbol"] == "A/RES/73/61")
    assert [o["source"] for o in on_73_61["also_recorded"]] == ["monitor-kgz-mine-ban-policy-2019"]


def test_region_filter(client: TestClient) -> None:
    europe = {c["iso3"] for c in all_pages(client, "/v1/countries", limit=1000, region="Europe")}
    expected = [
        r
        for r in file_rows("unga_votes.csv")
        if r["country"] in europe and r["symbol"] in ccm_symbols()
    ]
    rows = all_pages(client, "/v1/votes", limit=1000, treaty="ccm", region="150")
    assert len(rows) == len(expected) == EUROPE_CCM
    assert {r["country"]["region"] for r in rows} == {"Europe"}
    west = all_pages(
        client, "/v1/votes", limit=1000, treaty="ccm", subregion="Western Europe", vote="yes"
    )
    members = {c["iso3"] for c in all_pages(client, "/v1/countries", subregion="155")}
    yes = [
        r
        for r in file_rows("unga_votes.csv")
        if r["country"] in members and r["symbol"] in ccm_symbols() and r["vote"] == "yes"
    ]
    assert len(west) == len(yes) == WEST_CCM_YES
    assert {r["vote"] for r in west} == {"yes"}


EUROPE_CCM = 473  # 43 members x 11 resolutions
WEST_CCM_YES = 98  # 9 members x 11 resolutions, less NLD not voting on 79/58


def test_tallies_of_a_resolution(client: TestClient) -> None:
    body = client.get("/v1/resolutions/A/RES/73/61").json()
    assert body["tally"] == {"yes": 169, "no": 0, "abstain": 16, "non_voting": 8, "members": 193}
    by_status = {t.pop("status"): t for t in body["tally_by_status"]}
    assert by_status == {
        "state_party": {"yes": 153, "no": 0, "abstain": 1, "non_voting": 6, "members": 160},
        "signatory": {"yes": 1, "no": 0, "abstain": 0, "non_voting": 0, "members": 1},
        "not_party": {"yes": 15, "no": 0, "abstain": 15, "non_voting": 2, "members": 32},
    }
    by_region = {t.pop("region"): t for t in body["tally_by_region"]}
    assert list(by_region) == ["Africa", "Americas", "Asia", "Europe", "Oceania"]
    assert by_region["Europe"] == {
        "region_code": "150",
        "yes": 42,
        "no": 0,
        "abstain": 1,
        "non_voting": 0,
        "members": 43,
    }
    for groups in (by_status, by_region):
        for kind in ("yes", "no", "abstain", "non_voting", "members"):
            assert sum(t[kind] for t in groups.values()) == body["tally"][kind]


HEADER = [
    "country.iso3",
    "country.name",
    "country.region",
    "resolution.symbol",
    "resolution.date",
    "resolution.title",
    "resolution.treaty",
    "resolution.source",
    "vote",
    "source_code",
    "note",
    "source",
    "status",
    "citations",
    "also_recorded",
    "conflicts",
]


@pytest.mark.parametrize(
    "how", [{"params": {"format": "csv"}}, {"headers": {"Accept": "text/csv"}}]
)
def test_resolution_votes_csv(client: TestClient, how: dict[str, Any]) -> None:
    response = client.get("/v1/resolutions/73/61/votes", **how)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == "attachment; filename=votes.csv"
    assert response.text.splitlines()[0].split(",") == HEADER
    rows = rows_of(response.text)
    assert len(rows) == 193
    assert Counter(r["vote"] for r in rows) == {"yes": 169, "abstain": 16, "non_voting": 8}
    kgz = next(r for r in rows if r["country.iso3"] == "KGZ")
    assert (kgz["country.name"], kgz["vote"], kgz["status"]) == ("Kyrgyzstan", "yes", "not_party")


def test_resolution_votes_json_pages(client: TestClient) -> None:
    rows = all_pages(client, "/v1/resolutions/73/61/votes", limit=50)
    assert len(rows) == 193
    assert [r["country"]["iso3"] for r in rows] == sorted(r["country"]["iso3"] for r in rows)
    assert client.get("/v1/resolutions/99/999/votes").status_code == 404


def test_country_votes_csv_names_the_country(client: TestClient) -> None:
    response = client.get("/v1/countries/kyrgyzstan/votes", params={"format": "csv"})
    rows = rows_of(response.text)
    assert response.text.splitlines()[0].split(",") == HEADER
    assert len(rows) == 42
    assert {(r["country.iso3"], r["country.name"], r["country.region"]) for r in rows} == {
        ("KGZ", "Kyrgyzstan", "Asia")
    }


def test_complete_csv_of_members(client: TestClient) -> None:
    response = client.get("/v1/treaties/mbt/members", params={"format": "csv"})
    assert response.headers["content-disposition"] == "attachment; filename=members.csv"
    assert "link" not in response.headers
    assert len(rows_of(response.text)) == 197
    paged = client.get("/v1/treaties/mbt/members", params={"format": "csv", "limit": 100})
    assert len(rows_of(paged.text)) == 100
    assert "content-disposition" not in paged.headers
    assert paged.headers["link"].endswith('>; rel="next"')
    assert len(client.get("/v1/treaties/mbt/members").json()["data"]) == 100


def test_complete_csv_of_every_vote(client: TestClient, connection: Connection) -> None:
    with count_queries(connection) as statements:
        response = client.get("/v1/votes", headers={"Accept": "text/csv"})
    # read 1,000 rows at a time: 8 full slices and one of 43 rows
    assert len([s for s in statements if "LIMIT" in s and "FROM votes" in s]) == 9
    assert response.headers["content-disposition"] == "attachment; filename=votes.csv"
    rows = rows_of(response.text)
    assert len(rows) == 8043
    assert len({(r["resolution.symbol"], r["country.iso3"]) for r in rows}) == 8043
    assert Counter(r["source"] for r in rows) == {UN: 8043}
    expected = Counter(r["vote"] for r in file_rows("unga_votes.csv"))
    assert Counter(r["vote"] for r in rows) == expected


@pytest.mark.parametrize(
    ("params", "status", "parameter"),
    [
        ({"country": "Atlantis"}, 404, "country"),
        ({"country": "USA,XXX"}, 404, "country"),
        ({"country": ","}, 422, "country"),
        ({"treaty": "nope"}, 404, "treaty"),
        ({"vote": "maybe"}, 422, "vote"),
        ({"region": "Mars"}, 422, "region"),
        ({"subregion": "Middle Earth"}, 422, "subregion"),
        ({"from": "yesterday"}, 422, "from"),
        ({"limit": "0"}, 422, "limit"),
        ({"cursor": "bogus"}, 400, "cursor"),
        ({"cursor": "bogus", "format": "csv"}, 400, "cursor"),
    ],
)
def test_bad_parameters(
    client: TestClient, params: dict[str, str], status: int, parameter: str
) -> None:
    response = client.get("/v1/votes", params=params)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert parameter in response.text


def test_a_whole_csv_refused_by_its_query_is_a_problem_not_a_broken_stream(
    client: TestClient,
) -> None:
    response = client.get("/v1/search", params={"q": ":", "format": "csv"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert (response.json()["parameter"], response.json()["detail"]) == (
        "q",
        "q: give at least one word",
    )
