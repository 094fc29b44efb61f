"""Hot reads awaited on the event loop (PostgreSQL) give what the blocking path gives."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from app import dataversion
from app.config import Settings
from app.errors import DatabaseUnavailableError
from app.links import query_scope
from app.main import create_app
from app.paging import encode_cursor
from app.readmodel.pgreads import AsyncReads, AsyncVersionReader
from tests.test_faults import terminate_backends

URLS = [
    "/v1/countries/KGZ/votes?limit=40",
    "/v1/countries/KGZ/votes?limit=3&treaty=mbt",
    "/v1/countries/USA/votes?from=2000&to=2019-12-31&vote=abstain&limit=5",
    "/v1/countries/USA/votes?limit=2&cursor="
    + encode_cursor(
        (date(1997, 12, 9), "A/RES/52/38", "undl-ga-voting"),
        query_scope("/v1/countries/USA/votes", [], "json"),
    ),
    "/v1/countries/KGZ/votes?format=csv",
    "/v1/resolutions/A/RES/73/61/votes?limit=170",
    "/v1/resolutions/A/RES/73/61",
    "/v1/resolutions/73/61",
    "/v1/resolutions/A/RES/99/99",
    "/v1/resolutions/A/RES/99/99/votes",
    "/v1/treaties/mbt/members?as_of=2005-06-01&limit=1000",
    "/v1/countries/FRA/treaties/mbt?as_of=1998-07-01",
]


def needs_postgresql(url: str) -> None:
    if make_url(url).get_backend_name() != "postgresql":
        pytest.skip("reads awaited on the event loop are PostgreSQL's (SQLite answers in-process)")


@pytest.fixture
def served(scratch_url: str, scratch_engine: Engine) -> Iterator[TestClient]:
    """The real app, with its own readers, on a committed database (the curated data)."""
    settings = Settings(database_url=scratch_url, response_cache_entries=0)
    with TestClient(create_app(settings)) as client:
        yield client


def test_the_reader_fits_the_engine(served: TestClient, scratch_url: str) -> None:
    reader = served.app.state.version_reader  # type: ignore[attr-defined]
    if make_url(scratch_url).get_backend_name() == "postgresql":
        assert isinstance(reader, AsyncVersionReader)
    else:
        assert isinstance(reader, dataversion.VersionReader)
        assert not hasattr(reader, "reads")


def test_awaited_reads_answer_as_the_blocking_ones(
    served: TestClient, scratch_url: str, scratch_engine: Engine
) -> None:
    needs_postgresql(scratch_url)
    blocking = create_app(Settings(database_url=scratch_url, response_cache_entries=0))
    blocking.state.version_reader = dataversion.VersionReader(scratch_engine, 0)
    with TestClient(blocking) as other:
        statuses = []
        for url in URLS:
            mine, theirs = served.get(url), other.get(url)
            assert (mine.status_code, mine.content) == (theirs.status_code, theirs.content), url
            statuses.append(mine.status_code)
    assert statuses == [200] * 8 + [404, 404, 200, 200]
    reads = served.app.state.version_reader.reads  # type: ignore[attr-defined]
    assert 1 <= len(reads.idle) <= 2  # the version, then the page, on the same connection
    votes = served.get("/v1/countries/KGZ/votes?limit=40").json()["data"]
    assert len(votes) == 40
    assert [(v["resolution"]["symbol"], v["vote"], v["status"]) for v in votes[:3]] == [
        ("A/RES/51/45 S", "yes", "not_party"),
        ("A/RES/52/38 A", "yes", "not_party"),
        ("A/RES/52/38 H", "yes", "not_party"),
    ]


def test_a_write_shows_at_once(
    served: TestClient, scratch_url: str, scratch_engine: Engine
) -> None:
    needs_postgresql(scratch_url)
    url = "/v1/countries/KGZ/votes?limit=1"
    reader = served.app.state.version_reader  # type: ignore[attr-defined]
    before = served.get(url).headers["etag"]
    read = reader.value
    with Session(scratch_engine) as session:
        assert dataversion.current(session) == read
        dataversion.bump(session)
        session.commit()
    after = served.get(url)
    assert after.status_code == 200
    assert after.headers["etag"] != before
    assert reader.value == read + 1


def test_connections_ended_by_a_server_restart_are_replaced_unseen(
    served: TestClient, scratch_url: str
) -> None:
    needs_postgresql(scratch_url)
    url = "/v1/resolutions/A/RES/73/61"
    first = served.get(url)
    assert first.status_code == 200
    ended = terminate_backends(scratch_url)
    assert ended >= 1
    again = served.get(url)
    assert (again.status_code, again.content) == (200, first.content)


def test_a_new_event_loop_opens_its_own_connections(
    scratch_url: str, scratch_engine: Engine
) -> None:
    needs_postgresql(scratch_url)
    app = create_app(Settings(database_url=scratch_url, response_cache_entries=0))
    bodies = []
    for _ in range(2):  # each `with` runs the app on a loop of its own
        with TestClient(app) as client:
            bodies.append(client.get("/v1/countries/KGZ/votes?limit=5").content)
    assert bodies[0] == bodies[1]
    assert b'"A/RES/52/38 A"' in bodies[0]


def test_a_failed_statement_keeps_its_connection_and_says_why(database_url: str) -> None:
    needs_postgresql(database_url)
    reads = AsyncReads(database_url, size=2, timeout=2)

    async def scenario() -> list[tuple[int, ...]]:
        with pytest.raises(DBAPIError) as failed:
            await reads.rows("SELECT 1 / %s", (0,))
        assert "division by zero" in str(failed.value)
        assert len(reads.idle) == 1
        return await reads.rows("SELECT 6 * %s", (7,))

    assert asyncio.run(scenario()) == [(42,)]
    reads.close()


def test_a_read_cancelled_midway_does_not_give_its_connection_back(database_url: str) -> None:
    needs_postgresql(database_url)
    reads = AsyncReads(database_url, size=2, timeout=2)

    async def scenario() -> list[tuple[int, ...]]:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(reads.rows("SELECT pg_sleep(0.5)", None), 0.05)
        assert reads.idle == []
        return await reads.rows("SELECT 1", None)

    assert asyncio.run(scenario()) == [(1,)]
    reads.close()


def test_an_unreachable_server_fails_fast_after_the_first_try() -> None:
    reads = AsyncReads("postgresql+psycopg://postgres@127.0.0.1:1/none", size=2, timeout=2)

    async def scenario() -> None:
        with pytest.raises(OperationalError):
            await reads.rows("SELECT 1", None)
        with pytest.raises(DatabaseUnavailableError):
            await reads.rows("SELECT 1", None)

    asyncio.run(scenario())


def test_echo_sql_logs_the_awaited_statements(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    needs_postgresql(database_url)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine.Engine")
    reads = AsyncReads(database_url, size=1, timeout=2, echo=True)
    assert asyncio.run(reads.rows("SELECT 2 + %s", (3,))) == [(5,)]
    reads.close()
    assert [r.getMessage() for r in caplog.records] == ["SELECT 2 + %s\n[awaited] (3,)"]
