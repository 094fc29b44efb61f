"""Voting analytics (issue: agreement between states, runs): every score checked against a count
made here from the raw UN vote files, independently of the project's code."""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.conftest import shared_path

COUNTED = {"Y", "N", "A"}
#: The treaty each resolution of the reference table is about, as the API names them: the
#: first anti-personnel-mine ban texts (1996, 1997) belong with the Mine Ban Treaty's.
TREATIES = {"APL_BAN": "mbt", "APMBC": "mbt", "CCM": "ccm", "CCW": "ccw"}


@dataclass
class Record:
    """Votes read straight from a UN vote file: `votes[country][symbol]` is Y, N, A or X."""

    votes: dict[str, dict[str, str]] = field(default_factory=dict)
    dates: dict[str, str] = field(default_factory=dict)
    treaty: dict[str, str] = field(default_factory=dict)

    def symbols(self, treaty: str | None = None, start: str = "", end: str = "9") -> list[str]:
        """The resolutions of a treaty (or all) dated from `start` to `end` (ISO text)."""
        return [
            s
            for s, day in self.dates.items()
            if start <= day <= end and (treaty is None or self.treaty.get(s) == treaty)
        ]

    def voters(self, symbols: Iterable[str]) -> list[str]:
        """The countries with a yes, no or abstain on any of `symbols`."""
        wanted = set(symbols)
        return sorted(c for c, v in self.votes.items() if any(v.get(s) in COUNTED for s in wanted))

    def pair(self, a: str, b: str, symbols: Iterable[str]) -> dict[str, Any]:
        """Agreement and coincidence of `a` and `b`, counted vote by vote."""
        va, vb = self.votes.get(a, {}), self.votes.get(b, {})
        counted = [s for s in symbols if va.get(s) in COUNTED and vb.get(s) in COUNTED]
        points = [1.0 if va[s] == vb[s] else 0.5 if "A" in (va[s], vb[s]) else 0.0 for s in counted]
        yes_no = [s for s in counted if "A" not in (va[s], vb[s])]
        days = sorted(self.dates[s] for s in counted)
        return {
            "a": a,
            "b": b,
            "votes": len(counted),
            "votes_yes_no": len(yes_no),
            "same": sum(va[s] == vb[s] for s in counted),
            "opposite": sum(va[s] != vb[s] for s in yes_no),
            "agree": sum(points) / len(points) if points else None,
            "coincidence": sum(va[s] == vb[s] for s in yes_no) / len(yes_no) if yes_no else None,
            "first_date": days[0] if days else None,
            "last_date": days[-1] if days else None,
        }


def read(path: Path) -> Record:
    """A UN Digital Library vote file (plain or gzipped)."""
    record = Record()
    with gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else path.open() as text:
        for row in csv.DictReader(text):
            record.votes.setdefault(row["ms_code"], {})[row["resolution"]] = row["ms_vote"]
            record.dates[row["resolution"]] = row["date"]
    return record


@pytest.fixture(scope="module")
def treaty_votes() -> Record:
    """The 8,043 mine-ban and cluster-munition votes the public record holds, with each
    resolution's treaty from the reference table of those resolutions."""
    record = read(shared_path("refdata", "undl", "ga_voting_mine_cluster.csv"))
    with shared_path("refdata", "unga_apl_ccm_resolutions.csv").open() as text:
        record.treaty = {r["symbol"]: TREATIES[r["treaty"]] for r in csv.DictReader(text)}
    return record


def pairs(client: TestClient, query: str) -> list[dict[str, Any]]:
    response = client.get(f"/v1/agreement?{query}")
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["pairs"]
    return found


def expected(record: Record, countries: list[str], symbols: list[str]) -> list[dict[str, Any]]:
    """Every unordered pair of `countries`, `a` before `b`."""
    ordered = sorted(countries)
    return [record.pair(a, b, symbols) for i, a in enumerate(ordered) for b in ordered[i + 1 :]]


def test_every_pair_of_the_treaty_votes(client: TestClient, treaty_votes: Record) -> None:
    symbols = treaty_votes.symbols()
    voters = treaty_votes.voters(symbols)
    assert (len(symbols), len(voters)) == (42, 195)
    body = client.get("/v1/agreement").json()
    assert (body["resolutions"], body["treaty"]) == (42, None)
    assert [s["id"] for s in body["sources"]] == ["undl-ga-voting"]
    assert len(body["pairs"]) == 195 * 194 // 2 == 18915
    assert body["pairs"] == expected(treaty_votes, voters, symbols)


@pytest.mark.parametrize(
    ("query", "treaty", "start", "end"),
    [
        ("treaty=ccm", "ccm", "", "9"),
        ("treaty=ottawa&from=2005&to=2015-12-07", "mbt", "2005-01-01", "2015-12-07"),
        ("from=2016-12-05&to=2016-12-05", None, "2016-12-05", "2016-12-05"),
    ],
)
def test_pairs_of_a_treaty_and_a_period(
    client: TestClient,
    treaty_votes: Record,
    query: str,
    treaty: str | None,
    start: str,
    end: str,
) -> None:
    symbols = treaty_votes.symbols(treaty, start, end)
    countries = ["USA", "FRA", "RUS", "CHN", "KGZ", "FIN", "POL", "IND"]
    found = pairs(client, f"countries={','.join(countries)}&{query}")
    assert found == expected(treaty_votes, countries, symbols)
    assert len(found) == 28


def test_exact_scores_of_a_few_pairs(client: TestClient) -> None:
    """The values themselves, for a reader to check by hand against the vote file."""
    (can_usa,) = pairs(client, "countries=United States,CAN")
    assert can_usa == {
        "a": "CAN",
        "b": "USA",
        "votes": 42,
        "votes_yes_no": 3,
        "same": 2,
        "opposite": 1,
        "agree": 0.5119047619047619,  # (2 + 0.5 * 39) / 42
        "coincidence": 0.6666666666666666,  # 2 / 3
        "first_date": "1996-12-10",
        "last_date": "2025-12-01",
    }
    (rus_usa,) = pairs(client, "countries=RUS,USA&treaty=mbt")
    assert (rus_usa["votes"], rus_usa["same"], rus_usa["opposite"]) == (31, 27, 0)
    assert rus_usa["agree"] == (27 + 0.5 * 4) / 31
    assert rus_usa["coincidence"] == 1.0


def test_a_state_before_it_joined_the_un(client: TestClient, treaty_votes: Record) -> None:
    """South Sudan joined on 14 July 2011: it was absent on the treaty resolutions of that
    December, so its pairs count from its first vote, in 2012."""
    (pair,) = pairs(client, "countries=SSD,USA")
    assert pair == treaty_votes.pair("SSD", "USA", treaty_votes.symbols())
    assert pair["first_date"] == "2012-12-03"
    summary = client.get("/v1/countries/south sudan/votes/summary?from=2000").json()
    ssd = treaty_votes.votes["SSD"]
    assert summary["first"]["date"] == min(treaty_votes.dates[s] for s in ssd) == "2011-12-02"
    assert summary["first"]["vote"] == "non_voting"
    assert summary["resolutions"] == len(treaty_votes.symbols(start="2000-01-01"))


def test_a_historical_state(client: TestClient, treaty_votes: Record) -> None:
    """Yugoslavia (YUG) voted on the treaty resolutions until 2002; Serbia and Montenegro after."""
    found = pairs(client, "countries=YUG,USA,SCG")
    assert [(p["a"], p["b"]) for p in found] == [("SCG", "USA"), ("SCG", "YUG"), ("USA", "YUG")]
    scg_yug = found[1]
    assert (scg_yug["votes"], scg_yug["agree"], scg_yug["first_date"]) == (0, None, None)
    assert found == expected(treaty_votes, ["YUG", "USA", "SCG"], treaty_votes.symbols())
    summary = client.get("/v1/countries/YUG/votes/summary").json()
    assert summary["last"]["date"] <= "2002-12-31"


def test_one_country_given_twice(client: TestClient) -> None:
    found = pairs(client, "countries=USA,United States,France,usa")
    assert [(p["a"], p["b"]) for p in found] == [("FRA", "USA")]
    response = client.get("/v1/agreement?countries=USA,United States of America")
    assert response.status_code == 422
    problem = response.json()
    assert problem["parameter"] == "countries"
    assert "fewer than two different states" in problem["detail"]


def test_a_period_without_votes(client: TestClient) -> None:
    body = client.get("/v1/agreement?from=1990&to=1995").json()
    assert (body["resolutions"], body["pairs"], body["sources"]) == (0, [], [])
    (pair,) = pairs(client, "countries=USA,FRA&from=1990&to=1995")
    assert pair == {
        "a": "FRA",
        "b": "USA",
        **dict.fromkeys(("votes", "votes_yes_no", "same", "opposite"), 0),
        **dict.fromkeys(("agree", "coincidence", "first_date", "last_date")),
    }
    summary = client.get("/v1/countries/FRA/votes/summary?to=1995").json()
    assert summary["counts"] == {"yes": 0, "no": 0, "abstain": 0, "non_voting": 0}
    assert (summary["first"], summary["last"], summary["run"]) == (None, None, None)
    partners = client.get("/v1/countries/FRA/agreement?to=1995").json()
    assert partners["data"] == []


@pytest.mark.parametrize(
    "url",
    [
        "/v1/agreement?from=2020&to=2010",
        "/v1/countries/USA/agreement?from=2020&to=2010",
        "/v1/countries/USA/votes/summary?from=2020-01-01&to=2019-12-31",
    ],
)
def test_from_after_to(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 422
    assert {e["parameter"] for e in response.json()["errors"]} == {"from", "to"}


@pytest.mark.parametrize(
    ("url", "parameter", "status"),
    [
        ("/v1/agreement?countries=USA,Atlantis", "countries", 422),
        ("/v1/agreement?countries=USA", "countries", 422),
        ("/v1/agreement?countries=USA,FRA&layout=wide", "layout", 422),
        ("/v1/agreement?measure=median", "measure", 422),
        ("/v1/countries/USA/agreement?with=Narnia", "with", 422),
        ("/v1/countries/USA/agreement?with=USA", "with", 422),
        ("/v1/countries/Atlantis/agreement", "country", 404),
        ("/v1/countries/Atlantis/votes/summary", "country", 404),
        ("/v1/countries/USA/votes/summary?treaty=nothing", "treaty", 404),
    ],
)
def test_bad_input_names_the_parameter(
    client: TestClient, url: str, parameter: str, status: int
) -> None:
    response = client.get(url)
    assert response.status_code == status, response.text
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    names = {problem.get("parameter"), *(e.get("parameter") for e in problem.get("errors", []))}
    assert parameter in names


def test_an_unknown_name_suggests_close_ones(client: TestClient) -> None:
    problem = client.get("/v1/agreement?countries=USA,Frnace").json()
    assert problem["detail"].startswith("countries: No country matches 'Frnace'")
    assert "FRA" in [s["iso3"] for s in problem["suggestions"]]


def test_csv_long_and_wide(client: TestClient) -> None:
    query = "countries=USA,FRA,GBR&treaty=mbt"
    json_pairs = pairs(client, query)
    long = client.get(f"/v1/agreement?{query}&format=csv")
    assert long.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(long.text.splitlines()))
    assert [row["a"] + row["b"] for row in rows] == ["FRAGBR", "FRAUSA", "GBRUSA"]
    for row, pair in zip(rows, json_pairs, strict=True):
        assert float(row["agree"]) == pair["agree"]
        assert int(row["votes"]) == pair["votes"]
    wide = client.get(f"/v1/agreement?{query}&layout=wide&measure=coincidence",
                      headers={"Accept": "text/csv"})  # fmt: skip
    square = list(csv.reader(wide.text.splitlines()))
    assert square[0] == ["country", "FRA", "GBR", "USA"]
    by_pair = {(p["a"], p["b"]): p["coincidence"] for p in json_pairs}
    for i, a in enumerate(square[0][1:], 1):
        for j, b in enumerate(square[0][1:], 1):
            value = by_pair.get((a, b)) or by_pair.get((b, a))
            if a != b:
                assert float(square[i][j]) == value
    assert [square[k][k] for k in (1, 2, 3)] == ["1.0", "1.0", "1.0"]


def test_partners_highest_first_and_paged(client: TestClient, treaty_votes: Record) -> None:
    whole = client.get("/v1/countries/KGZ/agreement?treaty=ccm&measure=coincidence&limit=1000")
    body = whole.json()
    symbols = treaty_votes.symbols("ccm")
    others = [c for c in treaty_votes.voters(symbols) if c != "KGZ"]
    want = []
    for other in others:
        pair = treaty_votes.pair("KGZ", other, symbols)
        want.append({"country": other, **{k: v for k, v in pair.items() if k not in "ab"}})
    want.sort(key=lambda p: (p["coincidence"] is None, -(p["coincidence"] or 0), p["country"]))
    assert [{k: v for k, v in p.items() if k != "name"} for p in body["data"]] == want
    assert body["data"][0]["name"] == "Afghanistan"
    paged: list[dict[str, Any]] = []
    url: str | None = "/v1/countries/KGZ/agreement?treaty=ccm&measure=coincidence&limit=50"
    while url:
        page = client.get(url).json()
        paged += page["data"]
        url = page["next"]
    assert paged == body["data"]
    url = "/v1/countries/KGZ/agreement?treaty=ccm&measure=coincidence&format=csv"
    csv_rows = list(csv.DictReader(client.get(url).text.splitlines()))
    assert [r["country"] for r in csv_rows] == [p["country"] for p in paged]


def test_partners_with(client: TestClient) -> None:
    body = client.get("/v1/countries/USA/agreement?with=CAN,RUS,USA,Palau").json()
    assert [p["country"] for p in body["data"]] == ["RUS", "PLW", "CAN"]
    assert [p["agree"] for p in body["data"]] == sorted(
        (p["agree"] for p in body["data"]), reverse=True
    )


def test_kyrgyzstan_runs_as_the_monitor_writes_them(client: TestClient) -> None:
    """'It has voted in favor of the annual resolution promoting the convention since 2016'
    and 'abstained from the vote on the first ... in 2015' (CCM profile); 'Prior to December
    2010, Kyrgyzstan had abstained on similar UNGA resolutions' (Mine Ban Treaty profile)."""
    ccm = client.get("/v1/countries/KGZ/votes/summary?treaty=ccm").json()
    assert ccm["run"] == {
        "vote": "yes",
        "since": "2016-12-05",
        "until": "2025-12-01",
        "resolutions": 10,
        "first_symbol": "A/RES/71/45",
        "last_symbol": "A/RES/80/52",
        "current": True,
    }
    assert ccm["first"] == {"symbol": "A/RES/70/54", "date": "2015-12-07", "vote": "abstain"}
    assert ccm["counts"] == {"yes": 10, "no": 0, "abstain": 1, "non_voting": 0}
    mbt = client.get("/v1/countries/KGZ/votes/summary?treaty=mbt").json()
    assert (mbt["run"]["vote"], mbt["run"]["since"], mbt["run"]["first_symbol"]) == (
        "yes",
        "2010-12-08",
        "A/RES/65/48",
    )
    before = client.get("/v1/countries/KGZ/votes/summary?treaty=mbt&to=2010-12-07").json()
    assert before["run"] == {
        "vote": "abstain",
        "since": "2002-11-22",
        "until": "2009-12-02",
        "resolutions": 8,
        "first_symbol": "A/RES/57/74",
        "last_symbol": "A/RES/64/56",
        "current": True,
    }
    # `from` narrows the counts, not the run
    late = client.get("/v1/countries/KGZ/votes/summary?treaty=ccm&from=2020").json()
    assert late["run"] == ccm["run"]
    assert late["counts"]["yes"] == 6


def test_an_absence_breaks_a_run(client: TestClient, treaty_votes: Record) -> None:
    """A state with a non-vote among its latest treaty votes: the run stops there."""
    symbols = treaty_votes.symbols("mbt")
    symbols.sort(key=lambda s: (treaty_votes.dates[s], s))
    absent = sorted(c for c, v in treaty_votes.votes.items() if v.get(symbols[-1]) == "X")
    assert absent, "the last Mine Ban Treaty resolution has absent members"
    iso3 = absent[0]
    run = client.get(f"/v1/countries/{iso3}/votes/summary?treaty=mbt").json()["run"]
    assert run["current"] is False
    assert run["last_symbol"] != symbols[-1]


def test_summary_counts_match_the_file(client: TestClient, treaty_votes: Record) -> None:
    for iso3 in ("USA", "CHN", "KGZ", "FIN"):
        body = client.get(f"/v1/countries/{iso3}/votes/summary").json()
        mine = treaty_votes.votes[iso3]
        names = {"Y": "yes", "N": "no", "A": "abstain", "X": "non_voting"}
        want = {name: sum(v == code for v in mine.values()) for code, name in names.items()}
        assert body["counts"] == want, iso3
        assert [s["id"] for s in body["sources"]] == ["undl-ga-voting"]


def test_etag_and_304(client: TestClient) -> None:
    for url in ("/v1/agreement?countries=USA,FRA", "/v1/countries/KGZ/votes/summary"):
        first = client.get(url)
        again = client.get(url, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304
        assert again.headers["etag"] == first.headers["etag"]


@pytest.fixture(scope="module")
def whole_client(whole_file: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=whole_file))) as client:
        yield client


@pytest.fixture(scope="module")
def whole_record() -> Record:
    return read(shared_path("refdata", "undl", "ga_voting_1946-2026.csv.gz"))


@pytest.mark.parametrize(
    ("countries", "start", "end"),
    [
        (["USA", "FRA", "RUS", "CHN", "IND", "BRA", "KGZ", "ISR"], "", "9"),
        (["USA", "GBR", "CUB", "YUG", "DDR", "SSD"], "1980-01-01", "2019-12-31"),
    ],
)
def test_pairs_over_the_whole_record(
    whole_client: TestClient, whole_record: Record, countries: list[str], start: str, end: str
) -> None:
    query = f"countries={','.join(countries)}"
    if start:
        query += f"&from={start}&to={end}"
    symbols = whole_record.symbols(start=start, end=end)
    assert pairs(whole_client, query) == expected(whole_record, countries, symbols)


def test_the_whole_matrix_over_the_whole_record(
    whole_client: TestClient, whole_record: Record
) -> None:
    body = whole_client.get("/v1/agreement").json()
    symbols = whole_record.symbols()
    assert body["resolutions"] == len(symbols) == 5572
    # the loaded public record's three SCG votes of 2003-2005, which the whole file labels YUG
    voters = sorted([*whole_record.voters(symbols), "SCG"])
    assert len(voters) == 199
    assert [(p["a"], p["b"]) for p in body["pairs"]] == [
        (a, b) for i, a in enumerate(voters) for b in voters[i + 1 :]
    ]
    by_pair = {(p["a"], p["b"]): p for p in body["pairs"]}
    for a, b in [("ISR", "USA"), ("CHN", "PAK"), ("CSK", "DDR"), ("AFG", "ZWE")]:
        assert by_pair[(a, b)] == whole_record.pair(a, b, symbols)


def test_usa_summary_over_the_whole_record(whole_client: TestClient, whole_record: Record) -> None:
    body = whole_client.get("/v1/countries/USA/votes/summary?from=1990").json()
    mine = {s: v for s, v in whole_record.votes["USA"].items() if whole_record.dates[s] >= "1990"}
    assert body["counts"]["yes"] == sum(v == "Y" for v in mine.values())
    assert body["counts"]["no"] == sum(v == "N" for v in mine.values())
