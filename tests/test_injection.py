"""Injection: values that look like SQL, full-text-search syntax or path traversal are harmless.

Each hostile request gets its exact status with an RFC 9457 problem naming the parameter (or a
well-formed answer), leaves every table exactly as it was, and a normal request works after it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import anyio
import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from app.errors import PROBLEM_TYPE
from app.links import query_scope
from app.paging import encode_cursor
from tests.test_load import dump
from tests.writing import MBP, STOCKPILE, auth, write, write_key

PROFILE = Path(__file__).parent / "profiles" / "texts" / "alb_crlf.txt"

HOSTILE = {
    "or-true": "' OR '1'='1",
    "drop": "1; DROP TABLE votes; --",
    "like": "%' --",
    "nul": "K\x00Z",
    "unicode-quotes": "\u2019 OR \u20181\u2019=\u20181",
    "long": "x" * 5000,
}
VALUES = pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))


# --- helpers ------------------------------------------------------------------------------------


def snapshot(connection: Connection) -> dict[str, Any]:
    """Every row of every table, and the size of the full-text index."""
    rows: dict[str, Any] = dump(connection)
    rows["search_documents"] = connection.scalar(text("SELECT count(*) FROM search_documents"))
    return rows


def assert_harmless(client: TestClient, connection: Connection, before: dict[str, Any]) -> None:
    """Nothing was written, and a normal request still answers."""
    assert snapshot(connection) == before
    assert client.get("/v1/countries/KGZ").json()["iso3"] == "KGZ"


def assert_problem(response: httpx.Response, status: int, parameter: str) -> None:
    """An RFC 9457 problem with this status, naming this parameter."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"].startswith(PROBLEM_TYPE)
    assert (body["status"], body.get("parameter")) == (status, parameter)
    assert body["title"]
    assert body["detail"]


def expected(value: str, status: int, max_length: int | None) -> int:
    """A value over the parameter's length is a 422, so is a NUL character, except in a cursor
    (the only 400s here), which is then just one the API did not issue."""
    if max_length is not None and len(value) > max_length:
        return 422
    return 422 if "\x00" in value and status != 400 else status


def cursor(raw: str) -> str:
    """A cursor as the API encodes them, around any JSON text."""
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def raw_get(client: TestClient, raw_path: str) -> tuple[int, str, bytes]:
    """GET a path exactly as written (like `curl --path-as-is`; httpx would drop the `..`)."""
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 50000),
        "root_path": "",
        "path": unquote(raw_path),  # what uvicorn puts in the scope
        "raw_path": raw_path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
    }
    sent: list[MutableMapping[str, Any]] = []
    requests = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive() -> dict[str, Any]:
        if requests:
            return requests.pop()
        await done.wait()  # then the client goes away, as after a real response
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            done.set()

    async def run() -> None:
        await client.app(scope, receive, send)

    assert client.portal is not None
    done = client.portal.call(anyio.Event)
    client.portal.call(run)
    start = next(m for m in sent if m["type"] == "http.response.start")
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], headers.get("content-type", ""), body


@pytest.fixture
def key(client: TestClient, session: Session) -> str:
    """A write key checked through the test's session."""
    return write_key(client, session, "mallory")


@pytest.fixture
def drafts(client: TestClient, key: str) -> dict[str, dict[str, Any]]:
    """The drafts of a small ingested profile, by kind."""
    ingested = client.post("/v1/profiles", content=PROFILE.read_bytes(), headers=auth(key))
    assert ingested.status_code == 201, ingested.text
    return {d["kind"]: d for d in ingested.json()[0]["drafts"]}


# --- path and query parameters of the read endpoints --------------------------------------------

PATH_PARAMETERS = [
    # URL with {} for the value, parameter, status for a hostile value, max length
    ("/v1/countries/{}", "country", 404, 200),
    ("/v1/countries/{}/profile", "country", 404, 200),
    ("/v1/countries/{}/votes", "country", 404, 200),
    ("/v1/countries/KGZ/treaties/{}", "treaty", 404, 200),
    ("/v1/treaties/{}/members", "treaty", 404, 200),
    ("/v1/resolutions/{}", "symbol", 422, 40),
    ("/v1/sources/{}", "source", 404, None),
    ("/v1/citations/{}", "citation", 404, None),
    ("/v1/records/stockpiles/{}", "record_id", 404, None),
    ("/v1/records/{}/kgz-stockpile-mod-2010", "kind", 404, None),
    ("/v1/drafts/{}", "draft", 404, 40),
]


@VALUES
@pytest.mark.parametrize(("url", "parameter", "status", "max_length"), PATH_PARAMETERS)
def test_hostile_path_values(
    client: TestClient,
    connection: Connection,
    url: str,
    parameter: str,
    status: int,
    max_length: int | None,
    value: str,
) -> None:
    before = snapshot(connection)
    response = client.get(url.format(quote(value, safe="")))
    assert_problem(response, expected(value, status, max_length), parameter)
    assert_harmless(client, connection, before)


QUERY_PARAMETERS = [
    # URL, parameter, status for a hostile value (200: an empty page), max length
    ("/v1/countries", "treaty", 404, 200),
    ("/v1/countries?treaty=mbt", "status", 422, 300),
    ("/v1/countries", "un_member", 422, None),
    ("/v1/countries", "cursor", 400, 512),
    ("/v1/countries", "limit", 422, None),
    ("/v1/countries", "format", 422, None),
    ("/v1/countries/KGZ/profile", "as_of", 422, None),
    ("/v1/countries/KGZ/votes", "treaty", 404, 200),
    ("/v1/countries/KGZ/votes", "from", 422, None),
    ("/v1/countries/KGZ/votes", "vote", 422, 300),
    ("/v1/treaties/mbt/members", "as_of", 422, None),
    ("/v1/treaties/mbt/members", "status", 422, 300),
    ("/v1/treaties/mbt/timeline", "to", 422, None),
    ("/v1/resolutions", "treaty", 404, 200),
    ("/v1/resolutions", "session", 422, None),
    ("/v1/search?q=mines", "kind", 422, 300),
    ("/v1/search?q=mines", "cursor", 400, 512),
    ("/v1/changes", "since", 400, 20),
    ("/v1/drafts", "source", 200, 80),
    ("/v1/drafts", "kind", 200, 40),
    ("/v1/drafts", "status", 422, None),
    ("/v1/drafts", "cursor", 400, 512),
]


@VALUES
@pytest.mark.parametrize(("url", "parameter", "status", "max_length"), QUERY_PARAMETERS)
def test_hostile_query_values(
    client: TestClient,
    connection: Connection,
    url: str,
    parameter: str,
    status: int,
    max_length: int | None,
    value: str,
) -> None:
    before = snapshot(connection)
    sep = "&" if "?" in url else "?"
    response = client.get(f"{url}{sep}{parameter}={quote(value, safe='')}")
    status = expected(value, status, max_length)
    if status == 200:
        assert response.json()["data"] == []
    else:
        assert_problem(response, status, parameter)
    assert_harmless(client, connection, before)


@pytest.mark.parametrize(
    ("q", "iso3"),
    [
        ("' OR '1'='1", []),
        ("1; DROP TABLE votes; --", []),
        ("\u2019 OR \u20181\u2019=\u20181", []),
        ("kyrgyz%", ["KGZ"]),
        ("k%z", []),  # % is no LIKE wildcard ...
        ("k_rgyzstan", []),  # ... nor is _
        ("%' --", "all"),  # folding drops punctuation: no word, no filter (like q=)
    ],
)
def test_name_search_is_no_like_pattern(
    client: TestClient, connection: Connection, q: str, iso3: list[str] | str
) -> None:
    before = snapshot(connection)
    response = client.get("/v1/countries", params={"q": q, "limit": 1000})
    assert response.status_code == 200
    found = [c["iso3"] for c in response.json()["data"]]
    everything = client.get("/v1/countries", params={"limit": 1000}).json()["data"]
    assert found == ([c["iso3"] for c in everything] if iso3 == "all" else iso3)
    assert_harmless(client, connection, before)


@VALUES
def test_csv_asked_for_hostile_values(
    client: TestClient, connection: Connection, value: str
) -> None:
    before = snapshot(connection)
    status = expected(value, 404, 200)
    by_format = client.get("/v1/countries/KGZ/votes", params={"treaty": value, "format": "csv"})
    by_accept = client.get(
        "/v1/countries/KGZ/votes", params={"treaty": value}, headers={"Accept": "text/csv"}
    )
    assert_problem(by_format, status, "treaty")  # errors stay problems, never CSV
    assert_problem(by_accept, status, "treaty")
    listed = client.get("/v1/drafts", params={"source": value}, headers={"Accept": "text/csv"})
    if expected(value, 200, 80) == 200:
        assert listed.headers["content-type"] == "text/csv; charset=utf-8"
        assert listed.text.splitlines() == [
            "id,source,kind,status,payload,span,citations,record_id"
        ]
    else:
        assert_problem(listed, 422, "source")
    assert_harmless(client, connection, before)


@pytest.mark.parametrize(
    "raw",
    [
        "[null]",
        "[true]",
        "[1.5]",
        "[1e300]",
        "[[]]",
        "[{}]",
        '["\\u0000"]',
        '["\' OR 1=1 --", null]',
        "[9223372036854775808]",
    ],
)
@pytest.mark.parametrize(
    "url",
    [
        "/v1/countries",
        "/v1/countries/KGZ/stockpiles",
        "/v1/countries/KGZ/citations",
        "/v1/countries/KGZ/treaties",
        "/v1/treaties",
        "/v1/treaties/mbt/members",
        "/v1/treaties/mbt/timeline",
        "/v1/sources",
        "/v1/drafts",
        "/v1/search?q=mines",
    ],
)
def test_forged_cursors_are_400(
    client: TestClient, connection: Connection, url: str, raw: str
) -> None:
    before = snapshot(connection)
    sep = "&" if "?" in url else "?"
    assert_problem(client.get(f"{url}{sep}cursor={cursor(raw)}"), 400, "cursor")
    assert_harmless(client, connection, before)


def test_a_negative_search_offset_is_400(client: TestClient) -> None:
    response = client.get("/v1/search", params={"q": "mines", "cursor": cursor("[-1]")})
    assert_problem(response, 400, "cursor")


@pytest.mark.parametrize(
    ("key", "first"), [("' OR 1=1 --", "ABW"), ("ZZZ' OR '1'='1", None), ("KGZ' --", "KHM")]
)
def test_a_well_formed_cursor_is_only_a_sort_key(
    client: TestClient, connection: Connection, key: str, first: str | None
) -> None:
    before = snapshot(connection)
    scope = query_scope("/v1/countries", [("as_of", "2026-02-03")], "json")
    params = {"cursor": encode_cursor((key,), scope), "limit": 1, "as_of": "2026-02-03"}
    page = client.get("/v1/countries", params=params)
    assert page.status_code == 200
    assert [c["iso3"] for c in page.json()["data"]] == ([first] if first else [])
    assert_harmless(client, connection, before)


@pytest.mark.parametrize(
    "since", ["\u00b2", "\u0661\u0662", "-1", "1e3", " 1", "99999999999999999999"]
)
def test_change_feed_cursor_is_plain_digits(
    client: TestClient, connection: Connection, since: str
) -> None:
    before = snapshot(connection)
    assert_problem(client.get("/v1/changes", params={"since": since}), 400, "since")
    assert_harmless(client, connection, before)


# --- full-text search ---------------------------------------------------------------------------

FTS5_SYNTAX = ['"', "*", "NEAR(a b)", "a OR", "-x", "col:term", "^x", "(", "AND NOT"]
TSQUERY_SYNTAX = ["&", "|", "!", "<->", ":*", "()", "\\", "\\\\"]
SYNTAX = pytest.mark.parametrize("junk", FTS5_SYNTAX + TSQUERY_SYNTAX)


def hits(client: TestClient, q: str) -> set[tuple[str, str]]:
    """Every hit of a search that must be well formed: kinds, ranks best first, its sources."""
    response = client.get("/v1/search", params={"q": q, "limit": 1000})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"data", "next", "next_cursor", "sources"}
    assert body["next"] is None
    assert {h["kind"] for h in body["data"]} <= {"position", "citation", "source"}
    ranks = [h["rank"] for h in body["data"]]
    assert ranks == sorted(ranks, reverse=True)
    return {(h["kind"], h["id"]) for h in body["data"]}


def has_words(q: str) -> bool:
    return any(ch.isalnum() for ch in q)


@SYNTAX
def test_search_syntax_alone(client: TestClient, connection: Connection, junk: str) -> None:
    before = snapshot(connection)
    if has_words(junk):
        hits(client, junk)
    else:  # the documented problem: nothing to search for
        assert_problem(client.get("/v1/search", params={"q": junk}), 422, "q")
    assert_harmless(client, connection, before)


@SYNTAX
def test_a_word_after_search_syntax_still_finds(
    client: TestClient, connection: Connection, junk: str
) -> None:
    before = snapshot(connection)
    alone = hits(client, "mines")
    assert len(alone) > 5
    after = hits(client, f"{junk} mines")
    if has_words(junk):
        assert after <= alone  # every word must match: more words, fewer hits
    else:
        assert after == alone
        assert hits(client, f"{junk}mines{junk}") == alone
    assert_harmless(client, connection, before)


def test_operators_are_words_on_both_engines(client: TestClient) -> None:
    both = hits(client, "mines border")
    assert both == {("citation", f"{MBP}:7")}
    assert hits(client, "mines -border") == both  # no exclusion: every word must match
    assert hits(client, "mines & border") == both
    assert hits(client, "mines | border") == both
    assert hits(client, '"border mines"') == both  # no phrase either


@pytest.mark.parametrize(
    ("q", "status"),
    [
        ("' OR '1'='1", 200),
        ("1; DROP TABLE votes; --", 200),
        ("%' --", 422),
        ("mines\x00", 422),
        ("\u2019mines\u2019", 200),
        ("x" * 201, 422),
        ("mines') UNION SELECT * FROM api_keys --", 200),
    ],
)
def test_sql_looking_searches(
    client: TestClient, connection: Connection, q: str, status: int
) -> None:
    before = snapshot(connection)
    if status == 200:
        hits(client, q)
    else:
        assert_problem(client.get("/v1/search", params={"q": q}), status, "q")
    assert_harmless(client, connection, before)


# --- path traversal -----------------------------------------------------------------------------

STATIC = "/static-offline-docs"


@pytest.mark.parametrize(
    "path",
    [
        f"{STATIC}/../__init__.py",
        f"{STATIC}/../../../../../../etc/passwd",
        f"{STATIC}/..%2f__init__.py",
        f"{STATIC}/%2e%2e/__init__.py",
        f"{STATIC}/%2e%2e%2f%2e%2e%2fapp%2fconfig.py",
        f"{STATIC}/%252e%252e/__init__.py",
        f"{STATIC}/..%5c__init__.py",
        f"{STATIC}/..\\__init__.py",
        f"{STATIC}/....//....//etc/passwd",
        f"{STATIC}//etc/passwd",
        f"{STATIC}/",
        "/docs/../../etc/passwd",
        "/docs/..%2f..%2fetc%2fpasswd",
        "/openapi.json/../../pyproject.toml",
        "/v1/countries/KGZ/../../../etc/passwd",
        "/v1/countries/..%2f..%2fpyproject.toml",
    ],
)
def test_nothing_outside_the_app_is_served(
    client: TestClient, connection: Connection, path: str
) -> None:
    before = snapshot(connection)
    status, content_type, body = raw_get(client, path)
    assert (status, content_type) == (404, "application/problem+json")
    assert json.loads(body)["type"] == PROBLEM_TYPE + "http-404"
    assert raw_get(client, f"{STATIC}/swagger-ui.css")[:2] == (200, "text/css; charset=utf-8")
    assert_harmless(client, connection, before)


@pytest.mark.parametrize(
    ("path", "status", "parameter"),
    [
        ("/v1/resolutions/../../../etc/passwd", 422, "symbol"),
        ("/v1/resolutions/..%2F..%2Fetc%2Fpasswd", 422, "symbol"),
        ("/v1/resolutions/%252e%252e%252f73%252f61", 422, "symbol"),
        ("/v1/records/stockpiles/../../../etc/passwd", 404, "record_id"),
        ("/v1/records/stockpiles/..%5C..%5Cwindows%5Cwin.ini", 404, "record_id"),
        ("/v1/sources/..%5C..%5Cetc%5Cpasswd", 404, "source"),
        ("/v1/sources/%252e%252e%252fetc%252fpasswd", 404, "source"),
        ("/v1/citations/..%5Cmonitor-kgz-mine-ban-policy-2019:7", 404, "citation"),
        ("/v1/countries/%2e%2e", 404, "country"),
        ("/v1/treaties/%2e%2e%5cwindows", 404, "treaty"),
    ],
)
def test_traversal_in_api_paths_is_just_a_value(
    client: TestClient, connection: Connection, path: str, status: int, parameter: str
) -> None:
    before = snapshot(connection)
    got_status, content_type, body = raw_get(client, path)
    assert (got_status, content_type) == (status, "application/problem+json")
    assert json.loads(body)["parameter"] == parameter
    assert_harmless(client, connection, before)


# --- curator writes -----------------------------------------------------------------------------

ROUTE = "stockpiles/kgz-stockpile-mod-2010"


@VALUES
@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_hostile_record_ids_in_write_paths(
    client: TestClient, connection: Connection, key: str, method: str, value: str
) -> None:
    before = snapshot(connection)
    body = {"PUT": STOCKPILE, "PATCH": {"holder": "x"}, "DELETE": None}[method]
    response = write(client, method, f"stockpiles/{quote(value, safe='')}", key, body, 1)
    assert_problem(response, expected(value, 404, None), "record_id")
    assert_harmless(client, connection, before)


@VALUES
def test_hostile_record_types_and_histories(
    client: TestClient, connection: Connection, key: str, value: str
) -> None:
    before = snapshot(connection)
    path = quote(value, safe="")
    assert_problem(write(client, "POST", path, key, STOCKPILE), expected(value, 404, None), "kind")
    history = client.get(f"/v1/records/votes/{path}/history")
    if "\x00" in value:
        assert_problem(history, 422, "record_id")
    else:  # no other record's changes leak out
        assert (history.status_code, history.json()) == (200, {"data": []})
    assert_harmless(client, connection, before)


VOTE = {"country": "KGZ", "resolution": "A/RES/70/54", "vote": "yes", "source": MBP}
KEY_FIELDS = [
    ("stockpiles", STOCKPILE, "id"),
    ("stockpiles", STOCKPILE, "country"),
    ("stockpiles", STOCKPILE, "source"),
    ("votes", VOTE, "resolution"),
    ("positions", {"id": "p", "country": "KGZ", "kind": "support", "text": "t"}, "kind"),
]


@VALUES
@pytest.mark.parametrize(("path", "body", "field"), KEY_FIELDS)
def test_hostile_ids_and_references_in_bodies(
    client: TestClient,
    connection: Connection,
    key: str,
    path: str,
    body: dict[str, Any],
    field: str,
    value: str,
) -> None:
    before = snapshot(connection)
    response = write(client, "POST", path, key, {"source": MBP, **body, field: value})
    assert_problem(response, 422, field)
    assert_harmless(client, connection, before)


TEXT_FIELDS = [
    # record type, a valid record, its id, the field, the field's max length
    ("stockpiles", STOCKPILE, STOCKPILE["id"], "holder", 200),
    ("stockpiles", STOCKPILE, STOCKPILE["id"], "condition", None),
    (
        "sources",
        {"id": "inj-notes", "title": "t", "publisher": "p", "kind": "reference"},
        "inj-notes",
        "title",
        None,
    ),
    ("citations", {"source": MBP, "number": 99, "text": "t"}, f"{MBP}:99", "place", 200),
    (
        "positions",
        {"id": "inj-position", "country": "KGZ", "kind": "support", "text": "t", "source": MBP},
        "inj-position",
        "text",
        None,
    ),
    ("votes", VOTE, f"A/RES/70/54|KGZ|{MBP}", "note", None),
    ("votes", VOTE, f"A/RES/70/54|KGZ|{MBP}", "source_code", 4),
]
WRITTEN = {"stockpile_costs", "citation_links", "changes", "meta", "search_documents"}


@VALUES
@pytest.mark.parametrize(("path", "body", "rid", "field", "max_length"), TEXT_FIELDS)
def test_hostile_text_is_stored_as_text(
    client: TestClient,
    connection: Connection,
    key: str,
    path: str,
    body: dict[str, Any],
    rid: str,
    field: str,
    max_length: int | None,
    value: str,
) -> None:
    before = snapshot(connection)
    response = write(client, "POST", path, key, {**body, field: value})
    if expected(value, 201, max_length) == 422:
        assert_problem(response, 422, field)
        assert_harmless(client, connection, before)
        return
    assert response.status_code == 201, response.text
    assert client.get(f"/v1/records/{path}/{rid}").json()[field] == value
    after = snapshot(connection)
    assert {t for t in after if after[t] != before[t]} <= WRITTEN | {path}  # votes intact
    assert len(after[path]) == len(before[path]) + 1


@VALUES
def test_hostile_reason_is_kept_verbatim(
    client: TestClient, connection: Connection, key: str, value: str
) -> None:
    before = snapshot(connection)
    response = write(client, "PATCH", ROUTE, key, {"holder": "MoD"}, 1, reason=value)
    if expected(value, 200, 500) == 422:
        assert_problem(response, 422, "reason")
        assert_harmless(client, connection, before)
        return
    assert response.status_code == 200, response.text
    entries = client.get(f"/v1/records/{ROUTE}/history").json()["data"]
    assert entries[-1]["reason"] == value


@pytest.mark.parametrize(
    "if_match", ["' OR '1'='1", "1; DROP TABLE votes; --", '"1" OR "1"="1"', "%' --", "1 --"]
)
def test_hostile_if_match_is_412(
    client: TestClient, connection: Connection, key: str, if_match: str
) -> None:
    before = snapshot(connection)
    response = client.patch(
        f"/v1/records/{ROUTE}", json={"holder": "x"}, headers={**auth(key), "If-Match": if_match}
    )
    assert_problem(response, 412, "If-Match")
    assert_harmless(client, connection, before)


@pytest.mark.parametrize(
    ("path", "raw", "field"),
    [
        ("stockpiles", json.dumps({**STOCKPILE, "quantity": 2**31}), "quantity"),
        ("stockpiles", json.dumps({**STOCKPILE, "quantity": 10**30}), "quantity"),
        (
            "stockpiles",
            json.dumps(STOCKPILE).replace('"quantity": 1200', '"quantity": 1e400'),
            "quantity",
        ),
        ("stockpiles", json.dumps(STOCKPILE).replace("600000.0", "Infinity"), "costs.0.amount"),
        ("stockpiles", json.dumps(STOCKPILE).replace("600000.0", "NaN"), "costs.0.amount"),
        ("citations", json.dumps({"source": MBP, "number": 2**40, "text": "t"}), "number"),
        (
            "resolutions",
            json.dumps(
                {
                    "symbol": "A/RES/99/1",
                    "session": 2**40,
                    "date": "2044-12-02",
                    "title": "Mines",
                    "source": "un-ga-documents",
                }
            ),
            "session",
        ),
    ],
)
def test_numbers_out_of_range_are_422(
    client: TestClient, connection: Connection, key: str, path: str, raw: str, field: str
) -> None:
    before = snapshot(connection)
    response = client.post(
        f"/v1/records/{path}",
        content=raw,
        headers={**auth(key), "Content-Type": "application/json"},
    )
    assert_problem(response, 422, field)
    assert_harmless(client, connection, before)


def test_a_country_name_is_a_name_not_a_pattern(
    client: TestClient, connection: Connection, key: str
) -> None:
    before = snapshot(connection)
    for punctuation in ("%' --", "*", "--"):
        alias = {"country": "KGZ", "name": punctuation, "kind": "alias"}
        assert_problem(write(client, "POST", "country-names", key, alias), 422, "name")
    assert_harmless(client, connection, before)
    alias = {"country": "KGZ", "name": "' OR '1'='1", "kind": "alias"}
    assert write(client, "POST", "country-names", key, alias).status_code == 201
    assert client.get("/v1/countries/%27%20OR%20%271%27%3D%271").json()["iso3"] == "KGZ"
    assert client.get("/v1/countries/%27%20OR%20%272%27%3D%272").status_code == 404
    assert client.get("/v1/countries/%25").status_code == 404


# --- profiles and drafts ------------------------------------------------------------------------


@VALUES
def test_hostile_draft_and_source_ids(
    client: TestClient,
    connection: Connection,
    key: str,
    drafts: dict[str, dict[str, Any]],
    value: str,
) -> None:
    before = snapshot(connection)
    path = quote(value, safe="")
    status = expected(value, 404, 40)
    patched = client.patch(f"/v1/drafts/{path}", json={"note": "x"}, headers=auth(key))
    assert_problem(patched, status, "draft")
    assert_problem(client.post(f"/v1/drafts/{path}/publish", headers=auth(key)), status, "draft")
    published = client.post(f"/v1/profiles/{path}/publish", headers=auth(key))
    assert_problem(published, expected(value, 404, 80), "source")
    assert_harmless(client, connection, before)


@VALUES
@pytest.mark.parametrize(("field", "max_length"), [("meeting", 200), ("note", None)])
def test_hostile_draft_payloads(
    client: TestClient,
    connection: Connection,
    key: str,
    drafts: dict[str, dict[str, Any]],
    field: str,
    max_length: int | None,
    value: str,
) -> None:
    draft = drafts["participation"]
    before = snapshot(connection)
    url = f"/v1/drafts/{draft['id']}"
    patched = client.patch(url, json={field: value}, headers=auth(key))
    if expected(value, 200, max_length) == 422:
        assert_problem(patched, 422, field)
        assert_harmless(client, connection, before)
        return
    assert (patched.status_code, patched.json()["payload"][field]) == (200, value)
    published = client.post(f"{url}/publish", headers=auth(key))
    assert published.status_code == 200, published.text
    record = client.get(f"/v1/records/participations/{published.json()['record_id']}")
    assert record.json()[field] == value
    assert snapshot(connection)["votes"] == before["votes"]


@pytest.mark.parametrize(
    "edit",
    [
        ("Albania", "Albania'; DROP TABLE votes; --"),
        ("Oslo", "Oslo') OR 1=1 --"),
        (" ", " \x00"),
        ("12 March 2010", "12 March 2010 %' UNION SELECT hash FROM api_keys --"),
    ],
)
def test_hostile_profile_text_is_read_as_text(
    client: TestClient, connection: Connection, key: str, edit: tuple[str, str]
) -> None:
    before = snapshot(connection)
    profile = PROFILE.read_text(encoding="utf-8").replace(*edit)
    ingested = client.post("/v1/profiles", content=profile.encode(), headers=auth(key))
    assert ingested.status_code == 201, ingested.text
    assert ingested.json()[0]["result"]["country"] == "ALB"
    after = snapshot(connection)
    changed = {t for t in after if after[t] != before[t]}
    assert changed <= {"sources", "citations", "drafts", "meta", "search_documents"}
    assert len(after["sources"]) == len(before["sources"]) + 1
