"""Curator writes: keys, create / replace / patch / retire per record type, If-Match, 422s."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import models
from app.auth import Scope, create_key, revoke_key
from app.errors import PROBLEM_TYPE
from tests.writing import CMP, MBP, STOCKPILE, auth, write, write_key


@pytest.fixture
def key(client: TestClient, session: Session) -> str:
    """A write key named "anna", checked through the test's session."""
    return write_key(client, session, "anna")


def test_every_401_and_403_path_on_the_write_routes(
    client: TestClient, key: str, session: Session
) -> None:
    reader = create_key(session, "reader", Scope.read)
    revoked = create_key(session, "gone", Scope.write)
    revoke_key(session, "gone")
    forged = key[:-4] + "AAAA"
    calls = [
        ("POST", "/v1/records/stockpiles"),
        ("PUT", "/v1/records/stockpiles/kgz-stockpile-mod-2010"),
        ("PATCH", "/v1/records/stockpiles/kgz-stockpile-mod-2010"),
        ("DELETE", "/v1/records/stockpiles/kgz-stockpile-mod-2010"),
    ]
    for method, url in calls:
        for headers in (
            {},
            {"Authorization": "Basic abc"},
            {"Authorization": "Bearer "},
            auth("tsa_nope_nope"),
            auth(forged),
            auth(revoked),
        ):
            response = client.request(method, url, json={}, headers=headers)
            assert response.status_code == 401, (method, headers)
            assert response.headers["www-authenticate"] == "Bearer"
            assert response.json()["type"].endswith("/unauthorized")
        response = client.request(method, url, json={}, headers=auth(reader))
        assert response.status_code == 403
        assert response.json()["detail"] == "this operation needs the 'write' scope"


EXAMPLES: list[tuple[str, dict[str, Any], str, dict[str, Any]]] = [
    (
        "country-names",
        {"country": "KGZ", "name": "Kirghizia", "kind": "historical"},
        "kirghizia",
        {"kind": "alias"},
    ),
    (
        "sources",
        {
            "id": "curator-notes",
            "title": "Curator notes",
            "publisher": "Monitor",
            "kind": "reference",
        },
        "curator-notes",
        {"licence": "CC BY 4.0"},
    ),
    (
        "citations",
        {"source": MBP, "number": 99, "text": "Interview with a deminer, Osh, 2020."},
        f"{MBP}:99",
        {"place": "Osh"},
    ),
    (
        "resolutions",
        {
            "symbol": "A/RES/99/1",
            "session": 99,
            "date": "2044-12-02",
            "title": "Mines",
            "treaty": "mbt",
            "source": "un-ga-documents",
        },
        "A/RES/99/1",
        {"total_yes": 150},
    ),
    (
        "treaty-actions",
        {
            "id": "kgz-ccm-signature-2030",
            "country": "KGZ",
            "treaty": "ccm",
            "action": "signature",
            "date": "2030-01-02",
            "source": CMP,
            "citations": [1],
        },
        "kgz-ccm-signature-2030",
        {"note": "signed in Geneva"},
    ),
    (
        "status-statements",
        {
            "id": "kgz-mbt-status-2030",
            "country": "KGZ",
            "treaty": "mbt",
            "status": "not_party",
            "as_of": "2030",
            "text": "Not party.",
            "source": MBP,
        },
        "kgz-mbt-status-2030",
        {"status": "signatory"},
    ),
    (
        "participations",
        {
            "id": "kgz-mbt-msp-2030",
            "country": "KGZ",
            "treaty": "mbt",
            "meeting": "MSP",
            "year": 2030,
            "role": "observer",
            "source": MBP,
        },
        "kgz-mbt-msp-2030",
        {"role": "state_party"},
    ),
    (
        "positions",
        {
            "id": "kgz-mbt-support-2030",
            "country": "KGZ",
            "kind": "support",
            "text": "Supports a mine-free world.",
            "source": MBP,
            "citations": [8],
        },
        "kgz-mbt-support-2030",
        {"date": "2030-05"},
    ),
    ("stockpiles", STOCKPILE, STOCKPILE["id"], {"quantity": 1100}),
    (
        "practices",
        {
            "id": "kgz-apm-use-2030",
            "country": "KGZ",
            "weapon": "antipersonnel_mine",
            "kind": "use",
            "finding": "no",
            "source": MBP,
        },
        "kgz-apm-use-2030",
        {"period_start": 2029},
    ),
    (
        "votes",
        {"country": "KGZ", "resolution": "A/RES/70/54", "vote": "yes", "source": MBP},
        f"A/RES/70/54|KGZ|{MBP}",
        {"note": "recorded late"},
    ),
]


@pytest.mark.parametrize(("path", "body", "rid", "change"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_create_replace_patch_retire(
    client: TestClient, key: str, path: str, body: dict[str, Any], rid: str, change: dict[str, Any]
) -> None:
    created = write(client, "POST", path, key, body, reason="new fact")
    assert created.status_code == 201, created.json()
    value = created.json()
    assert {k: value[k] for k in body} == body
    assert created.headers["etag"] == '"1"'
    assert created.headers["location"] == f"/v1/records/{path}/{quote(rid)}"
    got = client.get(created.headers["location"])
    assert (got.status_code, got.headers["etag"], got.json()) == (200, '"1"', value)

    replaced = write(client, "PUT", f"{path}/{rid}", key, {**body, **change}, 1)
    assert (replaced.status_code, replaced.headers["etag"]) == (200, '"2"')
    assert replaced.json() == {**value, **change}
    undone = {k: value[k] for k in change}
    patched = write(client, "PATCH", f"{path}/{rid}", key, undone, 2)
    assert (patched.status_code, patched.headers["etag"]) == (200, '"3"')
    assert patched.json() == value
    assert client.get(f"/v1/records/{path}/{rid}").headers["etag"] == '"3"'

    retired = write(client, "DELETE", f"{path}/{rid}", key, None, 3, reason="duplicate")
    assert retired.status_code == 200
    assert {k: retired.json()[k] for k in ("actor", "action", "before", "after", "reason")} == {
        "actor": "anna",
        "action": "retire",
        "before": value,
        "after": None,
        "reason": "duplicate",
    }
    gone = client.get(f"/v1/records/{path}/{rid}")
    assert (gone.status_code, gone.json()["change"]) == (410, retired.json()["id"])

    entries = client.get(f"/v1/records/{path}/{rid}/history").json()["data"]
    assert [(e["action"], e["version"], e["actor"]) for e in entries] == [
        ("create", 1, "anna"),
        ("replace", 2, "anna"),
        ("patch", 3, "anna"),
        ("retire", None, "anna"),
    ]
    assert [e["before"] for e in entries] == [None, value, {**value, **change}, value]
    assert [e["after"] for e in entries] == [value, {**value, **change}, value, None]
    assert entries[0]["reason"] == "new fact"
    again = write(client, "POST", path, key, body)
    assert (again.status_code, again.headers["etag"]) == (201, '"4"')


def test_stockpile_stored_values(client: TestClient, key: str, session: Session) -> None:
    assert write(client, "POST", "stockpiles", key, STOCKPILE).status_code == 201
    row = session.get(models.Stockpile, STOCKPILE["id"])
    assert row is not None
    assert (row.quantity_kind, row.quantity, row.reporter, row.version) == (
        "exact",
        1200,
        "official",
        1,
    )
    assert [(c.position, c.purpose, c.amount, c.currency, c.approximate) for c in row.costs] == [
        (0, "destruction", 600000.0, "USD", False)
    ]
    links = session.scalars(
        select(models.CitationLink.citation_id)
        .where(models.CitationLink.record_id == STOCKPILE["id"])
        .order_by(models.CitationLink.citation_id)
    )
    assert list(links) == [f"{MBP}:7", f"{MBP}:8"]
    listed = client.get("/v1/countries/KGZ/stockpiles").json()["data"]
    assert [s["id"] for s in listed].count(STOCKPILE["id"]) == 1
    mine = next(s for s in listed if s["id"] == STOCKPILE["id"])
    assert [c["number"] for c in mine["citations"]] == [7, 8]
    assert mine["costs"] == STOCKPILE["costs"]


def test_if_match_is_required_and_checked(client: TestClient, key: str) -> None:
    url = "stockpiles/kgz-stockpile-mod-2010"
    missing = write(client, "PATCH", url, key, {"holder": "MoD"})
    assert (missing.status_code, missing.json()["parameter"]) == (428, "If-Match")
    assert write(client, "DELETE", url, key).status_code == 428
    assert write(client, "PUT", url, key, {}).status_code == 428
    stale = write(client, "PATCH", url, key, {"holder": "MoD"}, 7)
    assert stale.status_code == 412
    assert (stale.json()["current_version"], stale.json()["parameter"]) == (1, "If-Match")
    assert write(client, "PATCH", url, key, {"holder": "MoD"}, "*").status_code == 412
    assert write(client, "PATCH", url, key, {"holder": "MoD"}, 1).headers["etag"] == '"2"'
    assert write(client, "PATCH", url, key, {"holder": "Army"}, 1).status_code == 412
    assert client.get(f"/v1/records/{url}").json()["holder"] == "MoD"


REF, BAD = "unknown-reference", "invalid-record"


@pytest.mark.parametrize(
    ("path", "body", "field", "detail", "kind"),
    [
        (
            "stockpiles",
            {**STOCKPILE, "source": "nowhere"},
            "source",
            "unknown source 'nowhere'",
            REF,
        ),
        (
            "stockpiles",
            {**STOCKPILE, "citations": [7, 99]},
            "citations.1",
            f"source '{MBP}' has no footnote 99",
            REF,
        ),
        (
            "stockpiles",
            {**STOCKPILE, "country": "XXX"},
            "country",
            "unknown country 'XXX' (expected an ISO 3166-1 alpha-3 code)",
            REF,
        ),
        (
            "stockpiles",
            {**STOCKPILE, "quantity_kind": "lots"},
            "quantity_kind",
            "Input should be 'exact', 'range', 'qualitative' or 'unknown'",
            BAD,
        ),
        (
            "stockpiles",
            {**STOCKPILE, "colour": "red"},
            "colour",
            "Extra inputs are not permitted",
            BAD,
        ),
        (
            "positions",
            {
                "id": "p",
                "country": "KGZ",
                "kind": "support",
                "text": "x",
                "treaty": "ottawa",
                "source": MBP,
            },
            "treaty",
            "unknown treaty 'ottawa'; known: ccm, ccw, ccw-art1, ccw-p2a, ccw-p4, ccw-p5, mbt",
            REF,
        ),
        (
            "votes",
            {"country": "KGZ", "resolution": "A/RES/1/1", "vote": "yes", "source": MBP},
            "resolution",
            "unknown resolution 'A/RES/1/1'",
            REF,
        ),
        (
            "citations",
            {"id": "x:1", "source": MBP, "number": 1, "text": "t"},
            "id",
            "a footnote's id is '{source}:{number}'",
            BAD,
        ),
    ],
)
def test_a_bad_record_is_a_422_naming_the_field(
    client: TestClient,
    key: str,
    path: str,
    body: dict[str, Any],
    field: str,
    detail: str,
    kind: str,
) -> None:
    """Well-formed fields naming what the data does not hold are an `unknown-reference`, apart
    from the faults of the record itself (`invalid-record`)."""
    response = write(client, "POST", path, key, body)
    assert response.status_code == 422
    problem = response.json()
    assert (problem["parameter"], problem["detail"]) == (field, f"{field}: {detail}")
    assert problem["type"] == PROBLEM_TYPE + kind


def test_keys_cannot_change_and_ids_are_unique(client: TestClient, key: str) -> None:
    url = "stockpiles/kgz-stockpile-mod-2010"
    renamed = write(client, "PATCH", url, key, {"id": "other"}, 1)
    assert (renamed.status_code, renamed.json()["parameter"]) == (422, "id")
    assert renamed.json()["type"] == PROBLEM_TYPE + "key-change"
    current = client.get(f"/v1/records/{url}").json()
    taken = write(client, "POST", "stockpiles", key, current)
    assert (taken.status_code, taken.json()["title"]) == (409, "Record exists")
    in_use = write(client, "DELETE", f"sources/{MBP}", key, None, 1)
    assert (in_use.status_code, in_use.json()["detail"]) == (
        409,
        f"source '{MBP}' is still referenced by footnotes; retire those first",
    )
    unknown = write(client, "POST", "widgets", key, {})
    assert unknown.status_code == 404


def test_reads_follow_writes_at_once(client: TestClient, key: str) -> None:
    url = "/v1/countries/KGZ/profile"
    before = client.get(url)
    practices = {p["id"] for p in before.json()["practices"]}
    gone = "kgz-apm-clearance-1999-2000"
    assert len(practices) == 9
    assert gone in practices
    assert write(client, "DELETE", f"practices/{gone}", key, None, 1).status_code == 200
    after = client.get(url)
    assert after.headers["etag"] != before.headers["etag"]
    assert {p["id"] for p in after.json()["practices"]} == practices - {gone}
    citation = client.get(f"/v1/citations/{MBP}:10").json()
    assert {"record_type": "practice", "record_id": gone} not in citation["records"]
    stockpiles = client.get("/v1/countries/KGZ/stockpiles")
    write(client, "PATCH", "stockpiles/kgz-stockpile-mod-2010", key, {"holder": "Army"}, 1)
    fresh = client.get("/v1/countries/KGZ/stockpiles")
    assert fresh.headers["etag"] != stockpiles.headers["etag"]
    holders = {s["id"]: s["holder"] for s in fresh.json()["data"]}
    assert holders["kgz-stockpile-mod-2010"] == "Army"


def test_merge_patch_null_removes_a_member(client: TestClient, key: str) -> None:
    url = "stockpiles/kgz-stockpile-border-guard-2005"
    response = write(client, "PATCH", url, key, {"condition": None, "types": ["PMN"]}, 1)
    assert response.status_code == 200
    assert (response.json()["condition"], response.json()["types"]) == (None, ["PMN"])
    typed = client.patch(
        f"/v1/records/{url}",
        content=b'{"holder": "Border Guard"}',
        headers={**auth(key), "If-Match": '"2"', "Content-Type": "application/merge-patch+json"},
    )
    assert (typed.status_code, typed.json()["holder"]) == (200, "Border Guard")
