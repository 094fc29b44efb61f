"""The population counted is the 197 states; territories are listed apart, never guessed.

Every number here is the UN Treaty Collection's table (the public record in data/public, as a
bare clone has it) counted over the 193 UN members, the two observer states, the Cook Islands
and Niue; the Landmine Monitor prints the same for the Mine Ban Treaty.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.importers.yamlfile import DataFileError
from app.public.load import load
from tests.conftest import DATA_DIR
from tests.test_api_treaties import all_pages

ZERO = {
    "state_party": 0,
    "pending_entry_into_force": 0,
    "signatory": 0,
    "not_party": 0,
    "withdrawal_pending": 0,
    "withdrawn": 0,
}


def counts(client: TestClient, slug: str, **params: str) -> Any:
    response = client.get(f"/v1/treaties/{slug}/counts", params=params)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(
    ("slug", "day", "expected"),
    [
        # the Landmine Monitor's 164 parties and 33 outside (the Marshall Islands a signatory)
        ("mbt", "2024-12-31", {"state_party": 164, "signatory": 1, "not_party": 32}),
        # UNTC's status date: Poland's withdrawal pending, four withdrawn since 2025-12-27
        (
            "mbt",
            "2026-02-03",
            {"state_party": 161, "withdrawal_pending": 1, "withdrawn": 4, "not_party": 31},
        ),
        ("mbt", "2026-03-01", {"state_party": 161, "withdrawn": 5, "not_party": 31}),
        # before the treaty's entry into force every ratifier waits for 1999-03-01
        (
            "mbt",
            "1998-12-31",
            {"pending_entry_into_force": 58, "signatory": 75, "not_party": 64},
        ),
        (
            "ccm",
            "2024-12-31",
            {"state_party": 111, "withdrawal_pending": 1, "signatory": 12, "not_party": 73},
        ),
        # UNTC prints 112 parties: Vanuatu's accession is in force on 2026-03-01
        (
            "ccm",
            "2026-02-03",
            {
                "state_party": 111,
                "pending_entry_into_force": 1,
                "withdrawn": 1,
                "signatory": 12,
                "not_party": 72,
            },
        ),
        (
            "ccw",
            "2024-12-31",
            {"state_party": 127, "pending_entry_into_force": 1, "signatory": 4, "not_party": 65},
        ),
        ("ccw", "2026-02-03", {"state_party": 128, "signatory": 4, "not_party": 65}),
    ],
)
def test_counts_are_the_untc_table_over_the_197_states(
    client: TestClient, slug: str, day: str, expected: dict[str, int]
) -> None:
    body = counts(client, slug, as_of=day)
    assert body["counts"] == ZERO | expected
    assert sum(body["counts"].values()) == 197
    members = all_pages(client, f"/v1/treaties/{slug}/members", as_of=day, limit="1000")
    assert len(members) == 197
    assert all(m["state"] for m in members)
    assert Counter(m["status"] for m in members) == +Counter(body["counts"])


def test_mbt_timeline_counts_states_only(client: TestClient) -> None:
    body = client.get("/v1/treaties/mbt/timeline", params={"from": "2024", "to": "2025"}).json()
    assert [
        (p["year"], p["states_parties"], p["signatories"], p["withdrawn"]) for p in body["data"]
    ] == [
        (2024, 164, 1, 0),
        (2025, 163, 0, 3),
    ]
    assert body["record_as_at"] == "2026-02-03"
    chart = client.get("/v1/treaties/mbt/timeline.svg").text
    assert 'data-record-as-at="2026-02-03"' in chart


def test_two_states_of_the_americas_are_outside_the_mine_ban_treaty(client: TestClient) -> None:
    body = counts(client, "mbt", as_of="2026-02-03", by="region")
    groups = {g["region"]: g["counts"] for g in body["groups"]}
    assert list(groups) == ["Africa", "Americas", "Asia", "Europe", "Oceania"]
    assert {r: g["not_party"] for r, g in groups.items()} == {
        "Africa": 3, "Americas": 2, "Asia": 24, "Europe": 1, "Oceania": 1,
    }  # fmt: skip
    outside = all_pages(
        client,
        "/v1/treaties/mbt/members",
        as_of="2026-02-03",
        region="Americas",
        status="not_party",
    )
    assert [m["country"] for m in outside] == ["CUB", "USA"]


def test_successor_states_are_bound_from_their_succession(client: TestClient) -> None:
    cases = [("mbt", "MNE", "2006-10-23"), ("mbt", "SSD", "2011-11-11")]
    cases += [
        ("ccw", "BIH", "1993-09-01"),
        ("ccw", "HRV", "1993-12-02"),
        ("ccw", "CZE", "1993-02-22"),
        ("ccw", "SVK", "1993-05-28"),
        ("ccw", "SVN", "1992-07-06"),
        ("ccw", "MKD", "1996-12-30"),
        ("ccw", "SRB", "2001-03-12"),
    ]
    for slug, iso3, day in cases:
        url = f"/v1/countries/{iso3}/treaties/{slug}"
        status = client.get(url, params={"as_of": day}).json()["status"]
        assert (status["status"], status["join_method"], status["entry_into_force_on"]) == (
            "state_party",
            "succession",
            day,
        ), iso3


def test_territories_are_listed_apart_with_no_status(client: TestClient) -> None:
    rows = all_pages(
        client, "/v1/treaties/mbt/members", as_of="2026-02-03", include="territories", limit="1000"
    )
    assert len(rows) == 249
    areas = {r["country"]: r for r in rows if not r["state"]}
    assert len(areas) == 52
    assert {r["status"] for r in areas.values()} == {None}
    guiana = areas["GUF"]
    assert (guiana["name"], guiana["administered_by"], guiana["record_as_at"]) == (
        "French Guiana",
        "FRA",
        None,
    )
    assert (areas["ATA"]["administered_by"], areas["HKG"]["administered_by"]) == (None, "CHN")
    # a status filter keeps states only: a territory has no status to match
    parties = all_pages(
        client,
        "/v1/treaties/mbt/members",
        as_of="2026-02-03",
        include="territories",
        status="not_party",
    )
    assert len(parties) == 31
    assert all(r["state"] for r in parties)


def test_country_rows_carry_the_state_flag(client: TestClient) -> None:
    states = all_pages(client, "/v1/countries", state="true", limit="1000")
    assert len(states) == 197
    assert {"COK", "NIU", "VAT", "PSE"} <= {c["iso3"] for c in states}
    others = all_pages(client, "/v1/countries", state="false", historical="false", limit="1000")
    assert len(others) == 52
    cook = client.get("/v1/countries/COK").json()
    assert (cook["state"], cook["un_member"], cook["administered_by"]) == (True, False, None)
    guiana = client.get("/v1/countries/GUF").json()
    assert (guiana["state"], guiana["administered_by"]) == (False, "FRA")
    flags = {"un-member-states", "un-depositary-practice", "cia-world-factbook-dependencies"}
    assert flags & {s["id"] for s in guiana["sources"]} == {"cia-world-factbook-dependencies"}
    assert flags & {s["id"] for s in cook["sources"]} == {"un-depositary-practice"}


def test_countries_by_status_give_a_territory_no_status(client: TestClient) -> None:
    rows = all_pages(
        client, "/v1/countries", treaty="mbt", as_of="2026-02-03", q="guiana", limit="1000"
    )
    assert [(r["iso3"], r["status"]) for r in rows if r["iso3"] == "GUF"] == [("GUF", None)]
    outside = all_pages(
        client, "/v1/countries", treaty="mbt", status="not_party", as_of="2026-02-03", limit="1000"
    )
    assert len(outside) == 31


def test_the_map_draws_territories_neutral_and_counts_states(client: TestClient) -> None:
    svg = client.get("/v1/treaties/mbt/map.svg", params={"as_of": "2026-02-03"}).text
    guiana = re.search(r'<(?:path|circle) data-iso3="GUF"[^>]*><title>([^<]*)</title>', svg)
    assert guiana is not None
    assert 'data-territory="true"' in guiana.group(0)
    assert "data-status" not in guiana.group(0)
    assert guiana.group(1) == "French Guiana — territory of France"
    assert re.search(r'data-iso3="GRL" data-territory="true"', svg)
    assert "not party (31)" in svg
    assert "state party (161)" in svg
    assert 'data-record-as-at="2026-02-03"' in svg
    statuses = re.findall(r'data-iso3="[A-Z]{3}" data-status="(\w+)"', svg)
    assert Counter(statuses) == {
        "state_party": 161, "withdrawal_pending": 1, "withdrawn": 4, "not_party": 31,
    }  # fmt: skip


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(DATA_DIR, tmp_path / "data"))


def test_a_state_listed_as_a_territory_is_refused(session: Session, data_copy: Path) -> None:
    path = data_copy / "reference" / "territories.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "  - {country: ABW, administered_by: NLD}",
            "  - {country: FRA, administered_by: null}\n  - {country: ABW, administered_by: GUF}",
        ),
        encoding="utf-8",
    )
    with pytest.raises(DataFileError) as caught:
        load(session, data_copy)
    message = str(caught.value)
    assert re.search(r"reference/territories\.yaml:\d+:\d+: .*FRA is listed twice", message)
    assert re.search(r"reference/territories\.yaml:\d+:\d+: .*'GUF' is not a state", message)


def test_an_area_neither_state_nor_territory_is_refused(session: Session, data_copy: Path) -> None:
    path = data_copy / "reference" / "states.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("  - NIU   # Niue\n", ""), encoding="utf-8"
    )
    with pytest.raises(DataFileError, match="NIU is neither a state nor a territory"):
        load(session, data_copy)
