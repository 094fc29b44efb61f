"""UN M49 regions: exported from the downloaded table, loaded on countries, filtered and counted."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app import models
from app.importers.m49 import FILE, REGION_FIELDS
from app.schemas import Regions
from app.vocab import StatusKind
from tests.conftest import DATA_DIR, shared_path
from tests.test_cli import run

MBT_DAY = {"as_of": "2026-02-03"}


def data_rows() -> list[dict[str, str]]:
    with (DATA_DIR / FILE).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_the_regions_file_is_what_the_export_writes_from_the_download(tmp_path: Path) -> None:
    download = shared_path("refdata", "m49_regions.csv")
    out = tmp_path / "m49_regions.csv"
    result = run("sqlite://", "export", "m49", str(download), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"249 countries; wrote {out}\n"
    assert out.read_bytes() == (DATA_DIR / FILE).read_bytes()
    again = run("sqlite://", "export", "m49", str(download), "--out", str(out))
    assert again.stdout == "249 countries; already up to date\n"


def test_the_export_refuses_a_code_that_is_not_the_countrys(tmp_path: Path) -> None:
    lines = shared_path("refdata", "m49_regions.csv").read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "m49.csv"
    bad.write_text("\n".join([lines[0], *lines[1:4], lines[4].replace("DZA,012", "DZA,013")]))
    out = tmp_path / "out.csv"
    result = run("sqlite://", "export", "m49", str(bad), "--out", str(out))
    assert result.returncode == 1
    assert f"{bad}:5:2: field 'm49': '013' is not DZA's ISO numeric code" in result.stderr
    assert not out.exists()


def test_the_file_holds_the_region_fields_of_the_country_record() -> None:
    assert list(Regions.model_fields) == REGION_FIELDS
    assert Counter(r["region"] for r in data_rows()) == {
        "Africa": 60, "Americas": 57, "Europe": 51, "Asia": 50, "Oceania": 29, "": 2,
    }  # fmt: skip


def test_load_stores_the_regions_on_countries(session: Session) -> None:
    france = session.get_one(models.Country, "FRA")
    assert (france.region, france.region_code, france.subregion, france.subregion_code) == (
        "Europe", "150", "Western Europe", "155",
    )  # fmt: skip
    jamaica = session.get_one(models.Country, "JAM")
    assert (jamaica.intermediate_region, jamaica.intermediate_region_code) == ("Caribbean", "029")
    assert session.get_one(models.Country, "ATA").region is None
    assert session.get_one(models.Country, "YUG").region is None  # a historical code


def test_france_is_in_western_europe(client: TestClient) -> None:
    body = client.get("/v1/countries/fr").json()
    assert {k: body[k] for k in ("iso3", "iso2", "numeric", "un_member", *REGION_FIELDS)} == {
        "iso3": "FRA", "iso2": "FR", "numeric": "250", "un_member": True,
        "region": "Europe", "region_code": "150", "subregion": "Western Europe",
        "subregion_code": "155", "intermediate_region": None, "intermediate_region_code": None,
    }  # fmt: skip
    assert [s["id"] for s in body["sources"]] == ["un-member-states", "unsd-m49"]
    assert (body["state"], body["administered_by"]) == (True, None)


def iso3s(client: TestClient, url: str, **params: str) -> list[str]:
    response = client.get(url, params={"limit": "1000", **params})
    assert response.status_code == 200, response.text
    return [row.get("iso3") or row["country"] for row in response.json()["data"]]


def test_countries_by_region_name_or_code(client: TestClient) -> None:
    europe = iso3s(client, "/v1/countries", region="europe")
    assert len(europe) == 51
    assert europe == iso3s(client, "/v1/countries", region="150")
    assert europe == sorted(r["country"] for r in data_rows() if r["region"] == "Europe")
    two = iso3s(client, "/v1/countries", region="Europe,Oceania")
    assert len(two) == 51 + 29


def test_subregion_takes_intermediate_regions(client: TestClient) -> None:
    assert iso3s(client, "/v1/countries", subregion="Western Europe") == [
        "AUT", "BEL", "CHE", "DEU", "FRA", "LIE", "LUX", "MCO", "NLD",
    ]  # fmt: skip
    caribbean = iso3s(client, "/v1/countries", subregion="caribbean")
    assert len(caribbean) == 28
    assert "JAM" in caribbean
    assert caribbean == iso3s(client, "/v1/countries", subregion="29")
    both = iso3s(client, "/v1/countries", region="Americas", subregion="155")
    assert both == []


def test_an_unknown_region_is_a_problem_listing_the_allowed_values(client: TestClient) -> None:
    response = client.get("/v1/countries", params={"region": "Europe,Atlantis"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["parameter"] == "region"
    assert body["allowed"] == [
        "Africa (002)", "Americas (019)", "Asia (142)", "Europe (150)", "Oceania (009)",
    ]  # fmt: skip
    assert body["detail"].startswith("region: Atlantis is not an M49 region; allowed")
    bad = client.get("/v1/treaties/mbt/members", params={"subregion": "Narnia"}).json()
    assert bad["parameter"] == "subregion"
    assert "Western Europe (155)" in bad["allowed"]
    assert "Caribbean (029)" in bad["allowed"]


def test_members_in_a_region(client: TestClient) -> None:
    url = "/v1/treaties/mbt/members"
    europe = client.get(url, params={**MBT_DAY, "region": "Europe", "limit": "1000"}).json()
    statuses = Counter(row["status"] for row in europe["data"])
    # the states only: Russia is the one outside (not the Faroes, Gibraltar, Jersey ...)
    assert statuses == {"state_party": 38, "not_party": 1, "withdrawn": 4, "withdrawal_pending": 1}
    assert "unsd-m49" in [s["id"] for s in europe["sources"]]
    parties = iso3s(client, url, **MBT_DAY, subregion="western europe", status="state_party")
    assert parties == ["AUT", "BEL", "CHE", "DEU", "FRA", "LIE", "LUX", "MCO", "NLD"]
    withdrawn = iso3s(client, url, **MBT_DAY, region="150", status="withdrawn")
    assert withdrawn == ["EST", "FIN", "LTU", "LVA"]


def test_the_members_csv_carries_codes_and_regions(client: TestClient) -> None:
    params = {**MBT_DAY, "subregion": "155", "format": "csv"}
    text = client.get("/v1/treaties/mbt/members", params=params).text
    rows = list(csv.DictReader(text.splitlines()))
    assert list(rows[0])[:13] == [
        "country", "name", "iso2", "numeric", "un_member", "state", "administered_by",
        *REGION_FIELDS,
    ]  # fmt: skip
    france = next(r for r in rows if r["country"] == "FRA")
    assert (france["iso2"], france["numeric"], france["un_member"]) == ("FR", "250", "true")
    assert (france["region"], france["subregion"], france["status"]) == (
        "Europe", "Western Europe", "state_party",
    )  # fmt: skip


def counts(client: TestClient, **params: str) -> Any:
    response = client.get("/v1/treaties/mbt/counts", params={**MBT_DAY, **params})
    assert response.status_code == 200, response.text
    return response.json()


def test_mbt_counts_on_a_date(client: TestClient) -> None:
    body = counts(client)
    assert (body["treaty"], body["as_of"], body["groups"]) == ("mbt", "2026-02-03", None)
    assert body["counts"] == {
        "state_party": 161, "pending_entry_into_force": 0, "signatory": 0, "not_party": 31,
        "withdrawal_pending": 1, "withdrawn": 4,
    }  # fmt: skip
    assert list(body["counts"]) == [kind.value for kind in StatusKind]
    # the UNTC page, and the sources of who is a state (the population counted)
    assert [s["id"] for s in body["sources"]] == [
        "cia-world-factbook-dependencies", "un-depositary-practice", "un-member-states",
        "untc-status-xxvi-5",
    ]  # fmt: skip
    assert (body["record_as_at"], body["as_known_on"], body["beyond_record"]) == (
        "2026-02-03", None, False,
    )  # fmt: skip
    members = client.get("/v1/treaties/mbt/members", params={**MBT_DAY, "limit": "1000"})
    assert Counter(m["status"] for m in members.json()["data"]) == +Counter(body["counts"])


def test_mbt_counts_by_region_sum_to_the_counts(client: TestClient) -> None:
    body = counts(client, by="region")
    groups = {g["region"]: g["counts"] for g in body["groups"]}
    assert list(groups) == [
        "Africa",
        "Americas",
        "Asia",
        "Europe",
        "Oceania",
    ]  # every state has one
    assert {k: g["state_party"] for k, g in groups.items()} == {
        "Africa": 51, "Americas": 33, "Asia": 24, "Europe": 38, "Oceania": 15,
    }  # fmt: skip
    total: Counter[str] = Counter()
    for g in body["groups"]:
        total.update(g["counts"])
    assert dict(total) == body["counts"] == counts(client)["counts"]
    assert body["groups"][3]["region_code"] == "150"
    assert "unsd-m49" in [s["id"] for s in body["sources"]]


def test_counts_by_subregion_in_a_region(client: TestClient) -> None:
    body = counts(client, by="subregion", region="Europe")
    assert [(g["subregion"], g["counts"]["state_party"]) for g in body["groups"]] == [
        ("Eastern Europe", 8), ("Northern Europe", 6), ("Southern Europe", 15),
        ("Western Europe", 9),
    ]  # fmt: skip
    assert body["counts"]["state_party"] == 38


def test_counts_refuse_an_unknown_grouping_or_region(client: TestClient) -> None:
    assert client.get("/v1/treaties/mbt/counts", params={"by": "continent"}).status_code == 422
    bad = client.get("/v1/treaties/mbt/counts", params={"region": "Atlantis"})
    assert (bad.status_code, bad.json()["parameter"]) == (422, "region")
