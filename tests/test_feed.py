"""History, revert, the change feed, its replay into a mirror, and concurrent writers."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Connection, create_engine, select
from sqlalchemy.orm import Session

from app import mirror, models
from app.auth import Scope, create_key
from app.config import Settings
from app.db import make_engine
from app.importers.undl import import_votes
from app.main import create_app
from app.public.load import load
from tests.conftest import DATA_DIR, migrate, shared_path
from tests.test_cli import run
from tests.test_load import data_copy, dump, edit  # noqa: F401
from tests.test_writes import key  # noqa: F401
from tests.undl_files import before_any_vote_import
from tests.writing import MBP, STOCKPILE, write

NDJSON = {"Accept": "application/x-ndjson"}
#: The entries a load of data/ writes: the public record's, then one per curated record.
LOADED = 857


#: The UNTC pages of the public record and the actions each holds (data/public).
PAGES = [
    ("untc-status-xxvi-2", 178),
    ("untc-status-xxvi-2-a", 111),
    ("untc-status-xxvi-2-b", 107),
    ("untc-status-xxvi-2-c", 90),
    ("untc-status-xxvi-2-d", 99),
    ("untc-status-xxvi-5", 309),
    ("untc-status-xxvi-6", 227),
]
VOTE_FILE = "3c6629bdbae06fddbe3970ce13b21d88f616c25351b44bbec595bb31a5028378"  # its sha256


def test_loads_and_imports_appear_in_the_feed(client: TestClient, session: Session) -> None:
    first = client.get("/v1/changes", params={"limit": 2}).json()
    assert [(e["id"], e["actor"], e["action"], e["record_type"]) for e in first["data"]] == [
        (1, "load", "import", None),
        (2, "load", "create", "country"),
    ]
    assert first["cursor"] == "2"
    assert first["next"] == "http://testserver/v1/changes?limit=2&since=2"
    every = client.get("/v1/changes", params={"limit": 10000}).json()["data"]
    assert len(every) == LOADED
    # the public record is one entry: the pages' actions and the UN vote file's votes
    record = every[0]["summary"]
    assert record["importer"] == "public-record"
    pages = record["untc"]["pages"]
    assert [(p["source"], p["actions"]["inserted"]) for p in pages] == PAGES
    assert sum(p["actions"]["inserted"] for p in pages) == 1121
    undl = record["undl"]
    assert (undl["file"], undl["checksum"], undl["rows"], undl["public_record"]) == (
        "ga_voting_mine_cluster.csv",
        VOTE_FILE,
        8043,
        True,
    )
    assert (undl["resolutions"]["inserted"], undl["votes"]["inserted"]) == (42, 8043)
    assert {e["action"] for e in every[1:]} == {"create"}

    # importing the file the record was written from writes nothing
    path = str(shared_path("refdata", "undl", "ga_voting_mine_cluster.csv"))
    import_votes(session, path)
    session.commit()
    assert client.get("/v1/changes", params={"since": str(LOADED)}).json()["data"] == []
    # a first import of it (the record's votes gone) is one entry
    before_any_vote_import(session.connection())
    import_votes(session, path)
    session.commit()
    tail = client.get("/v1/changes", params={"since": str(LOADED)}).json()
    assert len(tail["data"]) == 1
    entry = tail["data"][0]
    assert (entry["actor"], entry["action"], entry["record_type"]) == (
        "import undl",
        "import",
        None,
    )
    assert entry["summary"]["votes"] == {"inserted": 8043, "updated": 0, "unchanged": 0}
    assert entry["summary"]["rows"] == 8043
    assert entry["summary"]["checksum"] == VOTE_FILE
    assert client.get("/v1/changes", params={"since": tail["cursor"]}).json()["data"] == []


def test_ndjson_feed(client: TestClient) -> None:
    response = client.get("/v1/changes", params={"since": str(LOADED - 7)}, headers=NDJSON)
    assert response.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert [e["id"] for e in lines] == list(range(LOADED - 6, LOADED + 1))
    assert response.headers["feed-cursor"] == str(LOADED)
    assert client.get("/v1/changes", params={"since": "x"}).status_code == 400


def _feed(client: TestClient) -> Iterator[dict[str, Any]]:
    since = "0"
    while True:
        response = client.get("/v1/changes", params={"since": since, "limit": 300}, headers=NDJSON)
        lines = [json.loads(line) for line in response.text.splitlines()]
        yield from lines
        if len(lines) < 300:
            return
        since = response.headers["feed-cursor"]


def test_a_mirror_replaying_the_feed_ends_with_the_same_data(
    client: TestClient,
    key: str,  # noqa: F811
    session: Session,
    connection: Connection,
    scratch_url: str,
    data_copy: Path,  # noqa: F811
) -> None:
    assert write(client, "POST", "stockpiles", key, STOCKPILE).status_code == 201
    assert write(client, "PATCH", "stockpiles/kgz-stockpile-mod-2010", key, {"holder": "x"}, 1)
    assert write(client, "DELETE", "practices/kgz-apm-clearance-1999-2000", key, None, 1)
    citation = {"source": MBP, "number": 77, "text": "New footnote."}
    assert write(client, "POST", "citations", key, citation).status_code == 201
    edit(data_copy / "countries" / "kgz.yaml", "most if not all expired", "all expired")
    load(session, data_copy)
    session.commit()
    assert write(client, "POST", "country-names", key, {"country": "KGZ", "name": "Kirgizia"})

    engine = create_engine(scratch_url)
    try:
        with engine.begin() as conn:
            migrate(conn)
        with Session(engine) as other, other.begin():

            def rerun(entry: Mapping[str, Any]) -> None:
                """The public record's entry: the mirror re-runs the load of the same data/
                (the entry comes before those of the curated countries and treaties the
                record's rows point at, so the public part alone cannot go first)."""
                assert (entry["id"], entry["summary"]["undl"]["checksum"]) == (1, VOTE_FILE)
                load(other, DATA_DIR)

            last = mirror.apply(other, _feed(client), on_import=rerun)
        assert last == session.scalar(select(models.Change.id).order_by(models.Change.id.desc()))
        with engine.connect() as conn:
            mirrored = dump(conn)
    finally:
        engine.dispose()
    original = dump(connection)
    for table in ("meta", "api_keys"):
        original.pop(table), mirrored.pop(table)
    # an import the mirror re-ran was imported when it ran: the sources differ in that only
    at = [c.name for c in models.Source.__table__.columns].index("imported_at")
    for rows in (original, mirrored):
        imported = [r for r in rows["sources"] if r[at] is not None]
        assert len(imported) == 7 + 1  # the UNTC pages and the UN vote file
        rows["sources"] = [(*r[:at], *r[at + 1 :]) for r in rows["sources"]]
    assert mirrored == original
    tail = [(c[2], c[3], c[4], c[5]) for c in original["changes"][LOADED:]]
    assert tail == [
        ("anna", "create", "stockpile", "kgz-stockpile-curated-2020"),
        ("anna", "patch", "stockpile", "kgz-stockpile-mod-2010"),
        ("anna", "retire", "practice", "kgz-apm-clearance-1999-2000"),
        ("anna", "create", "citation", f"{MBP}:77"),
        # load makes the records of data/ sources match the files again
        ("load", "update", "stockpile", "kgz-stockpile-mod-2005"),
        ("load", "update", "stockpile", "kgz-stockpile-mod-2010"),
        ("load", "create", "practice", "kgz-apm-clearance-1999-2000"),
        ("load", "retire", "stockpile", "kgz-stockpile-curated-2020"),
        ("load", "retire", "citation", f"{MBP}:77"),
        ("anna", "create", "country_name", "kirgizia"),
    ]


def test_history_and_revert_through_the_cli(scratch_url: str) -> None:
    settings = Settings(database_url=scratch_url)
    engine = make_engine(settings)
    with engine.begin() as conn:
        migrate(conn)
    with Session(engine) as s, s.begin():
        load(s, DATA_DIR)
        secret = create_key(s, "anna", Scope.write)
    client = TestClient(create_app(settings))
    url = "stockpiles/kgz-stockpile-mod-2010"
    original = client.get(f"/v1/records/{url}").json()
    patched = write(client, "PATCH", url, secret, {"holder": "Army"}, 1, reason="typo")
    change = int(patched.headers["change-id"])
    done = run(scratch_url, "revert", str(change), "--by", "bob")
    assert (done.returncode, done.stdout.strip()) == (
        0,
        f"change {change} reverted by change {change + 1}",
    )
    now = client.get(f"/v1/records/{url}")
    assert (now.headers["etag"], now.json()) == ('"3"', original)
    entries = client.get(f"/v1/records/{url}/history").json()["data"]
    assert [(e["actor"], e["action"], e["version"], e["reason"]) for e in entries] == [
        ("load", "create", 1, None),
        ("anna", "patch", 2, "typo"),
        ("bob", "revert", 3, f"revert of change {change}"),
    ]
    assert entries[1]["before"] == original
    assert entries[1]["after"] == {**original, "holder": "Army"}
    assert (entries[2]["before"], entries[2]["after"]) == (entries[1]["after"], original)
    twice = run(scratch_url, "revert", str(change))
    assert (twice.returncode, twice.stderr.strip()) == (
        1,
        "error: stockpile 'kgz-stockpile-mod-2010' changed after change "
        f"{change}; revert the later changes first",
    )
    assert run(scratch_url, "revert", "999999").stderr.strip() == "error: no change 999999"
    engine.dispose()


ROUNDS, WRITERS = 25, 4


def test_concurrent_writers_lose_no_update(scratch_url: str) -> None:
    settings = Settings(database_url=scratch_url, rate_limit_writes=0)
    engine = make_engine(settings)
    with engine.begin() as conn:
        migrate(conn)
    with Session(engine) as s, s.begin():
        load(s, DATA_DIR)
        secret = create_key(s, "anna", Scope.write)
    client = TestClient(create_app(settings))
    url = "stockpiles/kgz-stockpile-mod-2010"
    start = client.get(f"/v1/records/{url}").json()["quantity_min"] or 0
    conflicts: list[int] = []
    errors: list[str] = []

    def writer() -> None:
        done = 0
        while done < ROUNDS:
            got = client.get(f"/v1/records/{url}")
            value, version = got.json(), got.headers["etag"].strip('"')
            body = {"quantity_min": (value["quantity_min"] or 0) + 1}
            response = write(client, "PATCH", url, secret, body, version)
            if response.status_code == 412:
                conflicts.append(1)
            elif response.status_code == 200:
                done += 1
            else:
                errors.append(response.text)
                return

    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    final = client.get(f"/v1/records/{url}")
    assert final.json()["quantity_min"] == start + ROUNDS * WRITERS
    assert final.headers["etag"] == f'"{1 + ROUNDS * WRITERS}"'
    with Session(engine) as s:
        patches = s.scalars(
            select(models.Change).where(models.Change.action == "patch").order_by(models.Change.id)
        ).all()
    assert [c.version for c in patches] == list(range(2, 2 + ROUNDS * WRITERS))
    assert [c.after["quantity_min"] for c in patches if c.after] == [
        start + i for i in range(1, 1 + ROUNDS * WRITERS)
    ]
    engine.dispose()


def test_a_cursor_past_every_change_id_the_table_holds_has_nothing_after_it(
    client: TestClient,
) -> None:
    """A change id beyond PostgreSQL's integer (2**31 - 1) is no error: no change follows it."""
    for since in ("2147483647", "3000000000", "999999999999999999"):
        body = client.get("/v1/changes", params={"since": since, "limit": 1}).json()
        assert (body["data"], body["cursor"], body["next"]) == ([], since, None)
