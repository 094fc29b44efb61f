"""The writes as the document states them: typed bodies (one schema per record type), If-Match
where the server requires it, Location on every 201; and the server doing what it says."""

from __future__ import annotations

from itertools import combinations
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openapi_schema_validator import OAS31Validator
from sqlalchemy.orm import Session

from app import records
from app.errors import PROBLEM_TYPE
from tests.test_injection import PROFILE
from tests.test_writes import EXAMPLES
from tests.writing import STOCKPILE, auth, write, write_key

SCHEMAS = "#/components/schemas/"
RECORD = "/v1/records/{kind}/{record_id}"
ALBANIA = "profile-alb-mine-ban-policy-2020-11-03"
OCTETS, PLAIN = "application/octet-stream", "text/plain; charset=utf-8"


@pytest.fixture
def spec(client: TestClient) -> dict[str, Any]:
    body: dict[str, Any] = client.get("/openapi.json").json()
    return body


@pytest.fixture
def key(client: TestClient, session: Session) -> str:
    return write_key(client, session, "contract")


def refs(schema: dict[str, Any], key: str) -> list[str]:
    return [branch["$ref"].removeprefix(SCHEMAS) for branch in schema[key]]


def validator(spec: dict[str, Any], name: str) -> Any:
    """An OpenAPI 3.1 schema validator of a component, its $refs resolved in the document."""
    return OAS31Validator({"$ref": SCHEMAS + name, "components": spec["components"]})


def matches(spec: dict[str, Any], names: list[str], body: Any) -> list[str]:
    return [name for name in names if validator(spec, name).is_valid(body)]


def test_each_write_has_its_id(spec: dict[str, Any]) -> None:
    ids = {
        (method, path): op["operationId"]
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if path.startswith(("/v1/records", "/v1/profiles", "/v1/drafts"))
    }
    assert ids == {
        ("post", "/v1/records/{kind}"): "createRecord",
        ("get", RECORD): "getRecord",
        ("put", RECORD): "replaceRecord",
        ("patch", RECORD): "patchRecord",
        ("delete", RECORD): "retireRecord",
        ("get", RECORD + "/history"): "getRecordHistory",
        ("post", "/v1/profiles"): "createProfile",
        ("get", "/v1/drafts"): "listDrafts",
        ("get", "/v1/drafts/{draft}"): "getDraft",
        ("patch", "/v1/drafts/{draft}"): "patchDraft",
        ("post", "/v1/drafts/{draft}/publish"): "publishDraft",
        ("post", "/v1/profiles/{source}/publish"): "publishProfile",
    }


def test_every_link_names_an_operation_and_its_parameters(spec: dict[str, Any]) -> None:
    operations = {op["operationId"]: op for item in spec["paths"].values() for op in item.values()}
    followed = set()
    for item in spec["paths"].values():
        for op in item.values():
            for response in op["responses"].values():
                for link in response.get("links", {}).values():
                    target = operations[link["operationId"]]
                    names = {f"{p['in']}.{p['name']}" for p in target.get("parameters", [])}
                    for parameter in link["parameters"]:
                        qualified = parameter if "." in parameter else f"path.{parameter}"
                        assert qualified in names, (link["operationId"], parameter)
                    followed.add(link["operationId"])
    assert followed == {"getRecord", "patchRecord", "replaceRecord", "retireRecord"} | {
        "getRecordHistory"
    }


def test_a_record_body_is_one_schema_per_record_type(spec: dict[str, Any]) -> None:
    create = spec["paths"]["/v1/records/{kind}"]["post"]
    kinds = next(p for p in create["parameters"] if p["name"] == "kind")["schema"]["enum"]
    assert (
        kinds
        == list(records.BY_PATH)
        == [
            "country-names",
            "sources",
            "citations",
            "resolutions",
            "treaty-actions",
            "status-statements",
            "participations",
            "positions",
            "stockpiles",
            "practices",
            "votes",
        ]
    )
    for op in (create, spec["paths"][RECORD]["put"]):
        assert op["requestBody"]["required"] is True
        (content,) = op["requestBody"]["content"].items()
        assert (content[0], content[1]["schema"]["$ref"]) == (
            "application/json",
            SCHEMAS + "RecordWrite",
        )
    whole = spec["components"]["schemas"]["RecordWrite"]
    assert "anyOf" not in whole
    assert "`stockpiles`: StockpileWrite; `practices`: PracticeWrite;" in whole["description"]
    assert refs(whole, "oneOf") == [
        "CountryNameWrite",
        "SourceWrite",
        "CitationWrite",
        "ResolutionWrite",
        "TreatyActionWrite",
        "StatusStatementWrite",
        "ParticipationWrite",
        "PositionWrite",
        "StockpileWrite",
        "PracticeWrite",
        "VoteWrite",
    ]
    patch = spec["paths"][RECORD]["patch"]["requestBody"]
    (content,) = patch["content"].items()
    assert (content[0], content[1]["schema"]["$ref"]) == (
        "application/merge-patch+json",
        SCHEMAS + "RecordPatch",
    )
    assert refs(spec["components"]["schemas"]["RecordPatch"], "anyOf") == [
        "CountryNamePatch",
        "SourcePatch",
        "CitationPatch",
        "ResolutionPatch",
        "TreatyActionPatch",
        "StatusStatementPatch",
        "ParticipationPatch",
        "PositionPatch",
        "StockpilePatch",
        "PracticePatch",
        "VotePatch",
    ]


def test_no_record_can_match_two_record_types(spec: dict[str, Any]) -> None:
    """`oneOf` holds: every record type's schema has a member that another does not allow."""
    schemas = spec["components"]["schemas"]
    for a, b in combinations(refs(schemas["RecordWrite"], "oneOf"), 2):
        one, other = schemas[a], schemas[b]
        assert one["additionalProperties"] is other["additionalProperties"] is False
        apart = set(one["required"]) - set(other["properties"]) or set(other["required"]) - set(
            one["properties"]
        )
        assert apart, (a, b)


@pytest.mark.parametrize(("path", "body", "rid", "change"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_the_records_the_server_takes_match_their_own_schema_only(
    spec: dict[str, Any], path: str, body: dict[str, Any], rid: str, change: dict[str, Any]
) -> None:
    whole = refs(spec["components"]["schemas"]["RecordWrite"], "oneOf")
    patches = refs(spec["components"]["schemas"]["RecordPatch"], "anyOf")
    position = list(records.BY_PATH).index(path)
    assert matches(spec, whole, body) == [whole[position]]
    assert patches[position] in matches(spec, patches, change)


def test_the_document_refuses_what_the_server_refuses(
    spec: dict[str, Any], client: TestClient, key: str
) -> None:
    citation = {"source": STOCKPILE["source"], "number": 99, "text": "Seen in Osh."}
    assert matches(spec, ["CitationWrite"], citation) == ["CitationWrite"]  # id: made
    created = write(client, "POST", "citations", key, citation)
    assert (created.status_code, created.json()["id"]) == (201, f"{STOCKPILE['source']}:99")
    for body, field, message in [
        ({**STOCKPILE, "colour": "red"}, "colour", "Extra inputs are not permitted"),
        (
            {**STOCKPILE, "quantity_kind": "lots"},
            "quantity_kind",
            "Input should be 'exact', 'range', 'qualitative' or 'unknown'",
        ),
        ({**STOCKPILE, "quantity": -1}, "quantity", "Input should be greater than or equal to 0"),
        ({**STOCKPILE, "country": "kgz"}, "country", "String should match pattern '^[A-Z]{3}$'"),
        # what the table cannot keep (the same on SQLite and PostgreSQL)
        ({**STOCKPILE, "holder": "M" * 201}, "holder", "String should have at most 200 characters"),
        (
            {**STOCKPILE, "quantity": 2**31},
            "quantity",
            "Input should be from -2147483648 to 2147483647",
        ),
    ]:
        assert not validator(spec, "StockpileWrite").is_valid(body), field
        refused = write(client, "POST", "stockpiles", key, body)
        assert (refused.status_code, refused.json()["detail"]) == (422, f"{field}: {message}")
        assert refused.json()["parameter"] == field
    url = "stockpiles/kgz-stockpile-mod-2010"
    for patch, field in [({"country": None}, "country"), ({"types": "PMN"}, "types")]:
        assert not validator(spec, "StockpilePatch").is_valid(patch), patch
        refused = write(client, "PATCH", url, key, patch, 1)
        assert (refused.status_code, refused.json()["parameter"]) == (422, field)
    taken_out = {"condition": None, "types": None}
    assert validator(spec, "StockpilePatch").is_valid(taken_out)
    patched = write(client, "PATCH", url, key, taken_out, 1)
    assert (patched.json()["condition"], patched.json()["types"]) == (None, [])


def test_if_match_is_required_where_the_server_answers_428_without_it(
    spec: dict[str, Any], client: TestClient, key: str
) -> None:
    for path, item in spec["paths"].items():
        for method, op in item.items():
            found = [p for p in op.get("parameters", []) if p["name"].lower() == "if-match"]
            if path == RECORD and method in ("put", "patch", "delete"):
                assert [(p["in"], p["required"]) for p in found] == [("header", True)]
                assert set(op["responses"]) >= {"412", "428"}
            else:
                assert found == [], (method, path)
    url = "stockpiles/kgz-stockpile-mod-2010"
    current = client.get(f"/v1/records/{url}").json()
    for method, body in (("PUT", current), ("PATCH", {"holder": "MoD"}), ("DELETE", None)):
        missing = write(client, method, url, key, body)
        assert missing.status_code == 428
        assert missing.headers["content-type"] == "application/problem+json"
        assert missing.json() == {
            "type": PROBLEM_TYPE + "if-match-required",
            "title": "Precondition required",
            "status": 428,
            "detail": "send If-Match with the ETag of the version you read",
            "instance": f"/v1/records/{url}",
            "parameter": "If-Match",
        }
        stale = write(client, method, url, key, body, 2)
        assert (stale.status_code, stale.json()["type"]) == (412, PROBLEM_TYPE + "stale-version")
        assert (stale.json()["current_version"], stale.json()["parameter"]) == (1, "If-Match")
        assert stale.json()["detail"] == (
            "stockpile 'kgz-stockpile-mod-2010' is at version 1, not 2: "
            "someone changed it first; read it again and retry"
        )
        unknown = client.request(
            method,
            f"/v1/records/{url}",
            json=body,
            headers={**auth(key), "If-Match": "abc"},
        )
        assert (unknown.status_code, unknown.json()["detail"]) == (
            412,
            "If-Match 'abc' matches no version",
        )
    assert client.get(f"/v1/records/{url}").headers["etag"] == '"1"'


def test_every_201_documents_and_sends_its_location(
    spec: dict[str, Any], client: TestClient, key: str
) -> None:
    created = [
        (method, path)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if "201" in op["responses"]
    ]
    assert created == [("post", "/v1/profiles"), ("post", "/v1/records/{kind}")]
    for method, path in created:
        assert "Location" in spec["paths"][path][method]["responses"]["201"]["headers"]
    record = write(client, "POST", "stockpiles", key, STOCKPILE)
    assert record.headers["location"] == "/v1/records/stockpiles/kgz-stockpile-curated-2020"
    profile = client.post("/v1/profiles", content=PROFILE.read_bytes(), headers=auth(key))
    assert profile.status_code == 201
    assert profile.headers["location"] == f"/v1/sources/{ALBANIA}"
    source = client.get(profile.headers["location"])
    assert (source.status_code, source.json()["id"]) == (200, ALBANIA)


def test_profile_text_is_declared_as_the_server_reads_it(
    spec: dict[str, Any], client: TestClient, key: str
) -> None:
    body = spec["paths"]["/v1/profiles"]["post"]["requestBody"]
    assert body["required"] is True
    assert body["content"] == {
        "application/octet-stream": {
            "schema": {"type": "string", "format": "binary", "minLength": 1}
        }
    }
    empty = client.post("/v1/profiles", content=b"", headers={**auth(key), "Content-Type": OCTETS})
    assert (empty.status_code, empty.json()["detail"]) == (422, "body: the profile text is empty")
    text = PROFILE.read_bytes()
    for ingested in (
        client.post("/v1/profiles", content=text, headers={**auth(key), "Content-Type": OCTETS}),
        client.post("/v1/profiles", files={"file": ("alb.txt", text)}, headers=auth(key)),
        client.post("/v1/profiles", content=text, headers={**auth(key), "Content-Type": PLAIN}),
    ):
        assert ingested.status_code == 201, ingested.text
        assert [(p["source"], len(p["drafts"])) for p in ingested.json()] == [(ALBANIA, 5)]


def test_a_draft_edit_is_its_record_types_merge_patch(
    spec: dict[str, Any], client: TestClient, key: str
) -> None:
    body = spec["paths"]["/v1/drafts/{draft}"]["patch"]["requestBody"]
    assert body["required"] is True
    (content,) = body["content"].items()
    assert content[0] == "application/merge-patch+json"
    assert refs(content[1]["schema"], "anyOf") == [
        "StatusStatementPatch",
        "VotePatch",
        "ParticipationPatch",
        "StockpilePatch",
        "PracticePatch",
        "PositionPatch",
    ]
    ingested = client.post("/v1/profiles", content=PROFILE.read_bytes(), headers=auth(key))
    drafts = {d["kind"]: d for d in ingested.json()[0]["drafts"]}
    url = f"/v1/drafts/{drafts['vote']['id']}"
    for media_type, edit, code in (
        ("application/merge-patch+json", b'{"source_code": "Y"}', "Y"),
        ("application/json", b'{"source_code": "A"}', "A"),
        ("application/merge-patch+json", b'{"source_code": null}', None),
    ):
        headers = {**auth(key), "Content-Type": media_type}
        edited = client.patch(url, content=edit, headers=headers)
        assert (edited.status_code, edited.json()["payload"].get("source_code")) == (200, code)
    assert not validator(spec, "VotePatch").is_valid({"vote": "maybe"})
    bad = client.patch(url, json={"vote": "maybe"}, headers=auth(key))
    assert (bad.status_code, bad.json()["parameter"]) == (422, "vote")
    assert bad.json()["detail"] == "vote: Input should be 'yes', 'no', 'abstain' or 'non_voting'"
    listed = client.patch(url, json=["vote"], headers=auth(key))
    assert (listed.status_code, listed.json()["detail"]) == (
        422,
        "body: a merge patch is a JSON object",
    )
