"""The profile carries the votes on treaty-linked resolutions; every vote stays at /votes."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from app import dataversion
from app.config import Settings
from app.importers.undl import import_votes
from app.importers.undl_write import SOURCE_ID
from app.main import create_app
from tests.conftest import DATA_DIR, brief
from tests.test_cli import run
from tests.undl_files import csv_2026, write

MINE = "monitor-kgz-mine-ban-policy-2019"
CLUSTER = "monitor-kgz-cluster-munition-ban-policy"


def listed(votes: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [(v["resolution"]["symbol"], v["source"], v["vote"]) for v in votes]


def every_vote(client: TestClient, url: str) -> list[dict[str, Any]]:
    """Every page of a vote history."""
    votes: list[dict[str, Any]] = []
    next_url: str | None = f"{url}?limit=1000"
    while next_url:
        response = client.get(next_url)
        assert response.status_code == 200, response.text
        votes += response.json()["data"]
        next_url = response.json()["next"]
    return votes


def recorded(iso3: str, *more: tuple[str, str]) -> list[tuple[str, str, str]]:
    """A country's votes in the public record (data/public) and `more`, oldest first."""
    public = DATA_DIR / "public"
    with (public / "unga_resolutions.csv").open() as fh:
        dates = {r["symbol"]: r["date"] for r in csv.DictReader(fh)}
    dates["A/RES/77/80"] = "2022-12-07"
    with (public / "unga_votes.csv").open() as fh:
        votes = [(r["symbol"], r["vote"]) for r in csv.DictReader(fh) if r["country"] == iso3]
    ordered = sorted([*votes, *more], key=lambda sv: (dates[sv[0]], sv[0]))
    return [(s, SOURCE_ID, v) for s, v in ordered]


def test_profile_lists_the_treaty_votes_and_votes_lists_them_all(
    client: TestClient, session: Session, tmp_path: Path
) -> None:
    # A/RES/77/63 is about the Mine Ban Treaty, 77/79 the CCM, 77/80 ("Assistance in mine
    # action") no treaty; --all keeps it. The first two are in the public record already.
    import_votes(session, str(write(tmp_path / "votes.csv", csv_2026())), keep_all=True)

    rus = client.get("/v1/countries/RUS/profile").json()
    treaty_votes = recorded("RUS")
    assert len(treaty_votes) == 42
    assert ("A/RES/77/63", SOURCE_ID, "abstain") in treaty_votes
    assert ("A/RES/77/79", SOURCE_ID, "no") in treaty_votes
    assert listed(rus["votes"]) == treaty_votes
    assert rus["votes_url"] == "/v1/countries/RUS/votes"
    assert listed(every_vote(client, rus["votes_url"])) == recorded("RUS", ("A/RES/77/80", "yes"))

    # Kyrgyzstan's curated votes are shown under the UN record of the same vote.
    kgz = client.get("/v1/countries/KGZ/profile").json()
    assert listed(kgz["votes"]) == recorded("KGZ")
    curated = {
        "A/RES/70/54": (CLUSTER, "abstain", f"{CLUSTER}:4"),
        "A/RES/71/45": (CLUSTER, "yes", f"{CLUSTER}:4"),
        "A/RES/72/54": (CLUSTER, "yes", f"{CLUSTER}:4"),
        "A/RES/73/54": (CLUSTER, "yes", f"{CLUSTER}:4"),
        "A/RES/73/61": (MINE, "yes", f"{MINE}:3"),
        "A/RES/74/62": (CLUSTER, "yes", f"{CLUSTER}:4"),
        "A/RES/75/62": (CLUSTER, "yes", f"{CLUSTER}:4"),
        "A/RES/76/47": (CLUSTER, "yes", f"{CLUSTER}:3"),
    }
    assert {
        v["resolution"]["symbol"]: (brief(v["also_recorded"]), v["conflicts"])
        for v in kgz["votes"]
        if v["also_recorded"]
    } == {s: ([(src, vote, [cite])], []) for s, (src, vote, cite) in curated.items()}
    assert listed(every_vote(client, kgz["votes_url"])) == recorded("KGZ", ("A/RES/77/80", "yes"))


def test_openapi_says_where_every_vote_is(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/v1/countries/{country}/profile"]["get"]
    assert operation["summary"] == (
        "Everything known about one country, citations inline (the dashboard call)"
    )
    assert operation["description"].endswith(
        "Its `votes` are the votes on resolutions tied to a treaty; every vote of the country, "
        "on every subject, is at `votes_url` (`/v1/countries/{country}/votes`)."
    )
    fields = spec["components"]["schemas"]["Profile"]["properties"]
    assert fields["votes_url"]["description"] == (
        "Path of the country's whole vote history, every subject, paginated."
    )


@pytest.fixture(scope="module")
def whole_client(whole_file: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=whole_file))) as client:
        yield client


#: The countries with the most votes in the file (CAN, USA, FRA), CHN, and KGZ, whose curated
#: records make the largest profile: (votes stored, on treaty-linked resolutions, listed from a
#: curated source). KGZ: the file's 2,300 and its two absences the file leaves out (54/54 B and
#: 56/24 M, in the public record); its 8 curated votes appear under the UN rows.
BIGGEST = {
    "CAN": (5551, 43, 0),
    "USA": (5536, 43, 0),
    "FRA": (5498, 43, 0),
    "CHN": (4672, 42, 0),
    "KGZ": (2302, 43, 0),
}


@pytest.mark.parametrize("iso3", sorted(BIGGEST))
def test_profiles_stay_small_with_the_whole_vote_file(whole_client: TestClient, iso3: str) -> None:
    _, treaty_linked, curated = BIGGEST[iso3]
    response = whole_client.get(f"/v1/countries/{iso3}/profile")
    assert response.status_code == 200
    assert len(response.content) <= 150_000
    votes = response.json()["votes"]
    assert all(v["resolution"]["treaty"] is not None for v in votes)
    imported = [v for v in votes if v["source"] == SOURCE_ID]
    assert (len(imported), len(votes) - len(imported)) == (treaty_linked, curated)


def test_a_load_after_the_whole_file_writes_nothing(whole_file: str) -> None:
    engine = create_engine(whole_file)
    try:
        with Session(engine) as session:
            before = dataversion.current(session)
        again = run(whole_file, "load")
        assert again.returncode == 0, again.stderr
        assert again.stdout.splitlines()[-2:] == [
            "UNGA votes: 42 resolutions kept as last imported",
            "already up to date",
        ]
        with Session(engine) as session:
            assert dataversion.current(session) == before
    finally:
        engine.dispose()


@pytest.mark.parametrize("iso3", ["CAN", "KGZ"])
def test_the_vote_history_keeps_every_vote_of_the_file(whole_client: TestClient, iso3: str) -> None:
    in_file, treaty_linked, curated = BIGGEST[iso3]
    votes = every_vote(whole_client, f"/v1/countries/{iso3}/votes")
    imported = [v for v in votes if v["source"] == SOURCE_ID]
    assert (len(imported), len(votes) - len(imported)) == (in_file, curated)
    assert sum(v["resolution"]["treaty"] is not None for v in imported) == treaty_linked
