"""The read model: spans agree with the status rule, hot reads run few statements on indexes."""

from __future__ import annotations

import csv
import gc
import io
import json
import weakref
from contextlib import nullcontext
from datetime import date, timedelta
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import Connection, event, select, text
from sqlalchemy.orm import Session

from app import dataversion, models
from app.paging import DatedPage, Page, Window
from app.queries.treaties import actions_by_country, rule_of
from app.readmodel import votes as readvotes
from app.readmodel.model import build
from app.readmodel.spans import Spans, change_days
from app.readmodel.store import ModelStore
from app.schemas import Member, ResolutionDetail, TreatyStatusDetail, VoteOut
from app.status import status_on
from app.vocab import ActionKind
from tests.conftest import count_queries

#: The hot questions: each asked twice with another page size or date, so no cache helps.
HOT = [
    ("/v1/countries/KGZ/votes?limit=40", "/v1/countries/KGZ/votes?limit=47", Page[VoteOut]),
    (
        "/v1/countries/USA/votes?from=2000&limit=20",
        "/v1/countries/USA/votes?from=2000&limit=23",
        Page[VoteOut],
    ),
    (
        "/v1/resolutions/A/RES/73/61/votes?limit=170",
        "/v1/resolutions/A/RES/73/61/votes?limit=199",
        Page[VoteOut],
    ),
    ("/v1/resolutions/A/RES/73/61", "/v1/resolutions/A/RES/72/53", ResolutionDetail),
    (
        "/v1/treaties/mbt/members?as_of=2005-06-01&limit=1000",
        "/v1/treaties/mbt/members?as_of=2026-02-19&limit=1000",
        DatedPage[Member],
    ),
    (
        "/v1/countries/FRA/treaties/mbt?as_of=1998-07-01",
        "/v1/countries/FRA/treaties/mbt?as_of=2001-01-30",
        TreatyStatusDetail,
    ),
]


def edges(spans_days: list[date]) -> list[date]:
    """Each day a status can change on, the day before and the day after."""
    return sorted({d + timedelta(days=k) for d in spans_days for k in (-1, 0, 1)} - {date.min})


def test_spans_agree_with_the_status_rule_on_every_action_and_edge(session: Session) -> None:
    compared = 0
    for treaty in session.scalars(select(models.Treaty)):
        rule = rule_of(treaty)
        grouped, _ = actions_by_country(session, treaty.slug)
        for actions in grouped.values():
            spans = Spans(rule, actions)
            days = [*edges(change_days(rule, actions)), date(1900, 1, 1), date(2100, 12, 31)]
            for day in days:
                expected = status_on(rule, actions, day).model_dump(mode="json")
                assert spans.on(day) == expected, (treaty.slug, actions[0].country, day)
                assert spans.kind_on(day) == expected["status"]
                compared += 1
    # every UNTC row of every treaty is in the comparison (1,121 actions of the public record)
    assert session.scalar(select(models.TreatyAction.id).limit(1)) is not None
    assert compared > 3 * 1121


def test_spans_of_a_state_without_actions(session: Session) -> None:
    treaty = session.get_one(models.Treaty, "mbt")
    none = Spans(rule_of(treaty), [])
    assert none.on(date(2026, 2, 3)) == {
        "status": "not_party",
        "as_of": "2026-02-03",
        "signed_on": None,
        "joined_on": None,
        "join_method": None,
        "entry_into_force_on": None,
        "withdrawal_notified_on": None,
        "withdrawal_effective_on": None,
        "record_as_at": None,
        "as_known_on": None,
        "beyond_record": False,
    }


def test_poland_spans_follow_its_withdrawal(session: Session) -> None:
    model = build(session, dataversion.current(session))
    pol = model.treaties["mbt"].spans_of("POL")
    assert pol.kind_on(date(2012, 12, 27)) == "pending_entry_into_force"
    assert pol.kind_on(date(2013, 6, 1)) == "state_party"
    pending = pol.on(date(2026, 2, 19))
    assert (pending["status"], pending["withdrawal_effective_on"]) == (
        "withdrawal_pending",
        "2026-02-20",
    )
    after = pol.on(date(2026, 2, 20))
    assert (after["status"], after["withdrawal_effective_on"]) == ("withdrawn", "2026-02-20")
    # the UNTC page is as at 2026-02-03: later days are beyond the record
    known = pol.on(date(2026, 2, 3))
    assert (known["beyond_record"], known["as_known_on"], known["record_as_at"]) == (
        False,
        None,
        "2026-02-03",
    )
    beyond = pol.on(date(2026, 2, 4))
    assert (beyond["beyond_record"], beyond["as_known_on"]) == (True, "2026-02-03")


#: Statements of each hot read, the data-version read included: a page of votes reads the
#: votes alone; a resolution's detail its own row and its votes; members and a status none.
#: (The version is read once more as the answer starts, app/cache.py: not counted here.)
STATEMENTS = [2, 2, 2, 3, 1, 1]


@pytest.mark.parametrize(
    ("first", "second", "schema", "count"),
    [(*hot, count) for hot, count in zip(HOT, STATEMENTS, strict=True)],
)
def test_a_hot_read_runs_at_most_three_statements(
    client: TestClient,
    connection: Connection,
    first: str,
    second: str,
    schema: type[BaseModel],
    count: int,
) -> None:
    warm = client.get(first)  # the model of this data version is built on first use
    assert warm.status_code == 200, warm.text
    with count_queries(connection) as statements:
        response = client.get(second)
    assert response.status_code == 200, response.text
    assert len(statements) == count + 1, statements
    assert "FROM meta" in statements[0]
    assert "FROM meta" in statements[-1]  # the version did not move while it was read
    assert not any("JOIN resolutions" in s for s in statements), statements
    body = response.json()
    # the bytes written straight from the read model are exactly what the schema describes
    assert schema.model_validate(body).model_dump(mode="json") == body


def test_the_model_follows_a_write_at_once(client: TestClient, session: Session) -> None:
    url = "/v1/countries/USA/treaties/mbt?as_of=2026-07-01"
    assert client.get(url).json()["status"]["status"] == "not_party"
    session.add(
        models.TreatyAction(
            id="usa-mbt-test-accession",
            country="USA",
            treaty="mbt",
            action=ActionKind.accession,
            date=date(2026, 1, 5),
            source="untc-status-xxvi-5",
        )
    )
    session.flush()
    dataversion.bump(session)
    status = client.get(url).json()["status"]
    assert (status["status"], status["entry_into_force_on"]) == ("state_party", "2026-07-01")
    members = client.get("/v1/treaties/mbt/members", params={"as_of": "2026-06-01", "limit": 1000})
    usa = [m for m in members.json()["data"] if m["country"] == "USA"]
    assert [(m["status"], m["joined_on"]) for m in usa] == [
        ("pending_entry_into_force", "2026-01-05")
    ]


def test_a_vote_shows_its_resolution_as_the_model_holds_it_after_a_write(
    client: TestClient, session: Session
) -> None:
    url = "/v1/resolutions/A/RES/73/61/votes?limit=1"
    first = client.get(url).json()["data"][0]["resolution"]
    resolution = session.get_one(models.Resolution, "A/RES/73/61")
    assert first == {
        "symbol": "A/RES/73/61",
        "date": resolution.date.isoformat(),
        "title": resolution.title,
        "treaty": "mbt",
        "source": resolution.source,
    }
    resolution.title = "Retitled in a test"
    session.flush()
    dataversion.bump(session)
    assert client.get(url).json()["data"][0]["resolution"]["title"] == "Retitled in a test"


def test_a_resolution_written_after_the_model_was_read_is_shown_from_the_database(
    client: TestClient, session: Session, connection: Connection
) -> None:
    url = "/v1/countries/USA/votes?from=2099-01-01"
    assert client.get(url).json()["data"] == []
    source = session.scalars(select(models.Vote.source).where(models.Vote.country == "USA")).first()
    assert source is not None
    session.add(
        models.Resolution(
            symbol="A/RES/99/1",
            session=99,
            date=date(2099, 1, 2),
            title="A resolution the model has not read",
            treaty="ccm",
            source=source,
        )
    )
    session.flush()
    session.add(models.Vote(resolution="A/RES/99/1", country="USA", vote="no", source=source))
    session.flush()  # no version bump: the model of the version read stays the one held
    with count_queries(connection) as statements:
        body = client.get(url + "&limit=10").json()  # another URL: the version is the same
    assert [(v["resolution"], v["vote"], v["status"]) for v in body["data"]] == [
        (
            {
                "symbol": "A/RES/99/1",
                "date": "2099-01-02",
                "title": "A resolution the model has not read",
                "treaty": "ccm",
                "source": source,
            },
            "no",
            "not_party",
        )
    ]
    assert len([s for s in statements if "resolutions" in s]) == 1, statements
    votes = client.get("/v1/resolutions/A/RES/99/1/votes").json()["data"]
    assert [(v["country"]["iso3"], v["vote"]) for v in votes] == [("USA", "no")]
    assert client.get("/v1/resolutions/A/RES/99/2/votes").status_code == 404


def _plans(connection: Connection, statements: list[tuple[str, Any]]) -> list[str]:
    """The query plan of each statement, one text per statement."""
    plans = []
    for sql, params in statements:
        if connection.dialect.name == "postgresql":
            rows = connection.exec_driver_sql("EXPLAIN " + sql, params).all()
        else:
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).all()
        plans.append("\n".join(str(r[-1]) for r in rows))
    return plans


@pytest.mark.parametrize(("first", "second", "schema"), HOT[:4])
def test_hot_vote_reads_never_scan_the_votes_table(
    client: TestClient, connection: Connection, first: str, second: str, schema: type[BaseModel]
) -> None:
    client.get(first)
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, sql: str, params: Any, *_rest: Any) -> None:
        if "votes" in sql and "data_version" not in sql:
            captured.append((sql, params))

    event.listen(connection, "before_cursor_execute", capture)
    try:
        assert client.get(second).status_code == 200
    finally:
        event.remove(connection, "before_cursor_execute", capture)
    assert captured
    if connection.dialect.name == "postgresql":
        # the test database is small enough for a sequential scan or a sort to be cheaper:
        # ask whether an index can serve the query, and its order, at all
        connection.execute(text("SET LOCAL enable_seqscan = off"))
        connection.execute(text("SET LOCAL enable_sort = off"))
    for plan in _plans(connection, captured):
        assert "Seq Scan on votes" not in plan, plan
        assert not any(
            line.strip(" |`-").startswith(("SCAN votes", "SCAN v ")) for line in plan.splitlines()
        ), plan
        # a country's history, a resolution's votes (and its detail) are read in order
        assert "TEMP B-TREE" not in plan, plan
        assert "Sort" not in plan, plan


def test_status_detail_matches_the_full_path(client: TestClient, session: Session) -> None:
    from app.queries.profile import treaty_status_detail
    from app.queries.treaties import actions_by_country, floor_of

    url = "/v1/countries/POL/treaties/mbt?as_of=2026-02-19"
    lean = client.get(url).json()
    grouped, _ = actions_by_country(session, "mbt")
    floor = floor_of(row for rows in grouped.values() for row in rows)
    assert floor == date(2026, 2, 3)  # the UNTC page's "status as at"
    full = treaty_status_detail(
        session, "POL", session.get_one(models.Treaty, "mbt"), date(2026, 2, 19), floor
    )
    assert lean == json.loads(full.model_dump_json())


def test_a_replaced_model_is_freed_at_once_though_frozen(session: Session) -> None:
    """The model just built is frozen out of the cyclic collector's way; the one a new data
    version replaces must still be freed, by reference counting alone (it holds no cycle)."""
    store = ModelStore(lambda: nullcontext(session))
    gc.collect()
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        first = weakref.ref(store.of(1))
        model_size = gc.get_freeze_count() - before
        assert model_size > 1000  # the model itself was frozen
        assert first() is not None
        store.of(2)
        assert first() is None  # freed when replaced, without a collection
        after_one = gc.get_freeze_count()
        for version in (3, 4, 5):
            store.of(version)
        assert gc.get_freeze_count() - after_one < model_size / 10
    finally:
        gc.unfreeze()


def test_the_models_json_bytes_are_its_voters_and_resolutions(session: Session) -> None:
    """A JSON page of votes embeds the model's bytes of each voter and resolution: they must
    be the very objects the model holds (one field list), and `noted` every resolution on
    which a vote has another source's record or a footnote."""
    model = build(session, 1)
    assert model.voter_json.keys() == model.voters.keys()
    assert model.resolution_json.keys() == model.resolutions.keys()
    for iso3, voter in model.voters.items():
        assert orjson.loads(orjson.dumps(model.voter_json[iso3])) == voter
    for symbol, resolution in model.resolutions.items():
        assert orjson.loads(orjson.dumps(model.resolution_json[symbol])) == resolution
    noted = {(symbol, iso3) for symbol, voters in model.noted.items() for iso3 in voters}
    assert noted == set(model.others) | {(s, c) for s, c, _ in model.vote_citations}
    assert "KGZ" in model.noted["A/RES/73/61"]  # Kyrgyzstan's vote there has two records


def test_a_json_page_and_a_csv_page_of_votes_show_the_same_voters(client: TestClient) -> None:
    url = "/v1/resolutions/A/RES/73/61/votes?limit=200"
    data = client.get(url).json()["data"]
    rows = list(csv.DictReader(io.StringIO(client.get(url + "&format=csv").text)))
    assert len(data) == len(rows) > 150
    for vote, row in zip(data, rows, strict=True):
        assert (vote["country"]["iso3"], vote["country"]["name"]) == (
            row["country.iso3"],
            row["country.name"],
        )
        assert vote["resolution"]["title"] == row["resolution.title"]
    kgz = next(v for v in data if v["country"]["iso3"] == "KGZ")
    assert [o["source"] for o in kgz["also_recorded"]] != []


def test_every_states_status_on_a_day_is_the_spans(session: Session) -> None:
    """`kinds_on` (what the vote pages look up) is each state's spans read on that day, the
    day given as a date or as SQLite's ISO text, on every change day of every treaty."""
    model = build(session, 1)
    for slug, treaty in model.treaties.items():
        days = {d for spans in treaty.spans.values() for d in spans.starts[1:]}
        for day in sorted(days | {d - timedelta(days=1) for d in days}):
            expected = {iso3: treaty.spans_of(iso3).kind_on(day) for iso3 in model.voters}
            assert model.kinds_on(slug, day) == expected, (slug, day)
            assert model.kinds_on(slug, day.isoformat()) == expected, (slug, day)
    assert model.kinds_on("mbt", "2018-12-05")["USA"] == "not_party"
    assert model.kinds_on("mbt", "2018-12-05")["FRA"] == "state_party"


def test_a_state_the_status_table_does_not_hold_is_read_from_its_spans(session: Session) -> None:
    """A voter written after the model was read is not in `kinds_on`'s table: its status
    comes from its spans (none: a state without actions), and the table stays as it was."""
    model = build(session, 1)
    kinds = model.kinds_on("mbt", date(2018, 12, 5))
    held = len(kinds)
    del kinds["FRA"]
    assert kinds["FRA"] == "state_party"
    assert kinds["ZZZ"] == model.treaties["mbt"].none.kind_on(date(2018, 12, 5)) == "not_party"
    assert "FRA" not in kinds
    assert "ZZZ" not in kinds
    assert len(kinds) == held - 1


@pytest.mark.parametrize(
    ("filters", "last"),
    [
        ({"symbol": "A/RES/73/61"}, models.Vote.country),
        ({"country": "KGZ"}, models.Vote.source),
        ({"country": "USA", "since": date(2000, 1, 1)}, models.Vote.source),
    ],
)
def test_fast_pages_leave_out_constant_columns_and_read_the_same(
    session: Session, filters: dict[str, Any], last: Any
) -> None:
    """A country's or a resolution's votes are read without the columns every row shares
    (`_full` puts them back): the pages, cursors and sources are those of the general
    statement, over two pages."""
    model = build(session, 1)
    conn = session.connection()
    prepared, _ = readvotes.fast(conn.dialect, model, Window(5, None, readvotes.ALL), **filters)
    selected = prepared.sql.split("FROM", 1)[0]
    left_out = "votes.country" if "country" in filters else "votes.resolution"
    assert left_out not in selected
    assert "votes.vote" in selected
    assert ("votes.date" in selected) == ("country" in filters)
    cursor = None
    for _ in range(2):
        window = Window(7, cursor, readvotes.ALL)
        fast = readvotes.page(conn, model, window, **filters)
        rows, general_cursor = window.select(
            conn,
            readvotes.statement(model, **filters).add_columns(models.Vote.date),
            [models.Vote.date, models.Vote.resolution, last],
        )
        general = readvotes.render(model, rows, {}, model.resolutions)
        assert (fast[0], fast[1], fast[2]) == (general[0], general_cursor, general[1])
        assert len(fast[0]) == 7
        assert fast[1] is not None
        cursor = fast[1]


def test_a_resolutions_own_facts_are_read_once_per_data_version(
    client: TestClient, session: Session, connection: Connection
) -> None:
    url = "/v1/resolutions/A/RES/73/61"
    first = client.get("/v1/resolutions/73/61").json()  # another URL: no response cache
    with count_queries(connection) as statements:
        again = client.get(url).json()
    assert again == first
    assert len(statements) == 3, statements  # the data version, the votes, the version again
    assert "FROM meta" in statements[0]
    assert "FROM votes" in statements[1]
    assert "FROM meta" in statements[2]
    resolution = session.get_one(models.Resolution, "A/RES/73/61")
    resolution.title = "Retitled in a test"
    resolution.total_yes = 1
    session.flush()
    dataversion.bump(session)
    changed = client.get(url).json()
    assert (changed["title"], changed["total_yes"], changed["tally_matches"]) == (
        "Retitled in a test",
        1,
        False,
    )
    assert changed["tally"] == first["tally"]
