"""The OpenAPI document: valid, every operation summarised, described and exemplified."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from pydantic import BaseModel

from app import schemas
from app.analytics import schemas as analytics_schemas


@pytest.fixture
def spec(client: TestClient) -> dict[str, Any]:
    body: dict[str, Any] = client.get("/openapi.json").json()
    return body


def resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = spec["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def operations(spec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(path, op) for path, item in spec["paths"].items() for op in item.values()]


def test_the_document_validates(spec: dict[str, Any]) -> None:
    validate(spec)
    assert spec["info"]["title"] == "Treaty Status API"
    assert len(operations(spec)) == 50  # with the pictures (SVG, JSON), oEmbed, bulk, analytics


def test_every_operation_has_a_one_line_summary(spec: dict[str, Any]) -> None:
    for path, op in operations(spec):
        assert op["summary"], path
        assert "\n" not in op["summary"], path
    summaries = {path: op["summary"] for path, op in operations(spec)}
    assert summaries["/v1/countries/{country}/profile"] == (
        "Everything known about one country, citations inline (the dashboard call)"
    )


def test_every_parameter_is_described_with_an_example_where_it_names_something(
    spec: dict[str, Any],
) -> None:
    for path, op in operations(spec):
        for param in op.get("parameters", []):
            assert param.get("description"), (path, param["name"])
            if param["in"] == "path":
                assert param.get("examples") or param["schema"].get("examples"), (
                    path,
                    param["name"],
                )


def test_every_response_has_an_example(spec: dict[str, Any]) -> None:
    for path, op in operations(spec):
        if path in ("/healthz", "/readyz", "/metrics"):
            continue
        ok = op["responses"].get("200") or op["responses"]["201"]
        if "image/svg+xml" in ok["content"]:
            assert ok["content"]["image/svg+xml"]["schema"]["examples"], path
            continue
        if "application/json" not in ok["content"]:  # a file: a CSV of the data package
            assert ok["content"]["text/csv"]["schema"]["examples"], path
            continue
        schema = resolve(spec, ok["content"]["application/json"]["schema"])
        if schema.get("type") == "array":
            schema = resolve(spec, schema["items"])
        if "data" in schema.get("properties", {}):
            schema = resolve(spec, schema["properties"]["data"]["items"])
        assert schema.get("examples"), path


def example_models() -> list[type[BaseModel]]:
    return [
        cls
        for module in (schemas, analytics_schemas)
        for cls in vars(module).values()
        if isinstance(cls, type)
        and issubclass(cls, BaseModel)
        and "examples" in (cls.model_config.get("json_schema_extra") or {})  # type: ignore[operator]
    ]


@pytest.mark.parametrize("model", example_models(), ids=lambda m: m.__name__)
def test_examples_are_valid_records(model: type[BaseModel]) -> None:
    extra: Any = model.model_config["json_schema_extra"]
    for example in extra["examples"]:
        assert model.model_validate(example).model_dump(mode="json") == example


def test_docs_page_loads_nothing_from_the_internet(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert "Treaty Status API" in response.text
    assert re.findall(r"(?:src|href)=\"([^\"]+)\"", response.text)
    for url in re.findall(r"(?:src|href)=\"([^\"]+)\"", response.text):
        assert url.startswith("/"), url
        assert client.get(url).status_code == 200, url


def test_the_docs_sections_keep_their_order_whatever_the_routing_order(
    spec: dict[str, Any],
) -> None:
    """Routes are matched data reads first (app/main.py); the docs list their sections in the
    order of `TAGS`, and every operation is in one of them."""
    assert [t["name"] for t in spec["tags"]] == [
        "operations",
        "countries",
        "treaties",
        "embeds",
        "resolutions",
        "votes",
        "analytics",
        "sources",
        "search",
        "profiles",
        "writes",
        "changes",
        "bulk",
    ]
    used = {tag for _, op in operations(spec) for tag in op["tags"]}
    assert used == {t["name"] for t in spec["tags"]}
    paths = list(spec["paths"])
    assert paths.index("/v1/resolutions/{symbol}/votes") < paths.index("/healthz")


def schema_nodes(node: Any, where: str = "#") -> list[tuple[str, dict[str, Any]]]:
    """Every schema in the document that carries `examples` (a list), with its place."""
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        if isinstance(node.get("examples"), list) and ("type" in node or "anyOf" in node):
            found.append((where, node))
        for key, value in node.items():
            found += schema_nodes(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += schema_nodes(value, f"{where}/{i}")
    return found


def test_every_example_in_the_document_is_valid_against_its_schema(
    spec: dict[str, Any],
) -> None:
    """With a JSON Schema (2020-12) validator, as Redocly and code generators read them."""
    checked = 0
    for where, node in schema_nodes(spec):
        schema = {k: v for k, v in node.items() if k != "examples"}
        # the document's own $refs resolve against a root that holds its components
        validator = Draft202012Validator({**schema, "components": spec["components"]})
        for example in node["examples"]:
            errors = [e.message for e in validator.iter_errors(example)]
            assert errors == [], (where, errors)
            checked += 1
    assert checked > 100
    # a null-valued member of an example is written, not dropped
    vote = spec["components"]["schemas"]["VoteOut"]["examples"][0]
    assert vote["note"] is None


def test_operation_ids_are_short_unique_and_in_one_style(spec: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, op in operations(spec)]
    assert len(ids) == len(set(ids))
    for operation_id in ids:
        assert re.fullmatch(
            r"(list|get|create|replace|patch|retire|publish|search)[A-Za-z]*", operation_id
        )
        assert len(operation_id) <= 40, operation_id
    ops = {
        (path, method): op for path, item in spec["paths"].items() for method, op in item.items()
    }
    assert ops[("/v1/countries", "get")]["operationId"] == "listCountries"
    assert ops[("/v1/countries/{country}/profile", "get")]["operationId"] == "getCountryProfile"
    assert ops[("/v1/treaties/{treaty}/members", "get")]["operationId"] == "listTreatyMembers"
    assert ops[("/v1/votes", "get")]["operationId"] == "listVotes"


def test_every_problem_is_one_shared_schema_behind_shared_responses(spec: dict[str, Any]) -> None:
    text = json.dumps(spec)
    assert text.count('"application/problem+json"') == len(spec["components"]["responses"])
    assert "HTTPValidationError" not in text
    problem = spec["components"]["schemas"]["Problem"]
    assert problem["required"] == ["type", "title", "status", "detail"]
    assert {"errors", "suggestions", "parameter", "retry_after"} <= set(problem["properties"])
    for path, op in operations(spec):
        for code, response in op["responses"].items():
            if int(code) >= 400:
                assert set(response) == {"$ref"}, (path, code)
    responses = spec["components"]["responses"]
    assert responses["TooManyRequests"]["headers"] == {
        "Retry-After": {"$ref": "#/components/headers/RetryAfter"}
    }
    assert responses["Unauthorized"]["headers"] == {
        "WWW-Authenticate": {"$ref": "#/components/headers/WWWAuthenticate"}
    }


def test_writes_name_the_bearer_key_and_reads_need_none(spec: dict[str, Any]) -> None:
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in ("post", "put", "patch", "delete"):
                assert op["security"] == [{"bearerAuth": []}], (method, path)
                assert "`write` scope" in op["description"]
                assert set(op["responses"]) >= {"401", "403"}
            else:
                assert op["security"] == [], (method, path)


def test_headers_and_304s_are_documented_where_they_are_sent(
    spec: dict[str, Any], client: TestClient
) -> None:
    for path, item in spec["paths"].items():
        get = item.get("get")
        if get is None or not path.startswith("/v1/"):
            continue
        headers = set(get["responses"]["200"]["headers"])
        assert {"ETag", "Cache-Control", "Vary"} <= headers, path
        assert "304" in get["responses"], path
        body = get["responses"]["200"]["content"].get("application/json", {})
        paged = "next" in resolve(spec, body.get("schema", {})).get("properties", {})
        assert ("Link" in headers) == paged, path
    members = spec["paths"]["/v1/treaties/{treaty}/members"]["get"]["responses"]["200"]
    assert set(members["headers"]) == {"ETag", "Cache-Control", "Vary", "Link"}
    # and the server sends them
    first = client.get("/v1/countries", params={"limit": 2})
    assert {"etag", "cache-control", "vary", "link"} <= set(first.headers)
    again = client.get(
        "/v1/countries", params={"limit": 2}, headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.headers["etag"] == first.headers["etag"]


def test_the_document_names_its_server_licence_contact_and_sections(spec: dict[str, Any]) -> None:
    assert spec["servers"] == [{"url": "/", "description": "This server."}]
    assert spec["info"]["license"] == {"name": "MIT", "identifier": "MIT"}
    assert spec["info"]["contact"]["name"]
    assert "RFC 9457" in spec["info"]["description"]
    assert all(tag["description"] for tag in spec["tags"])


def test_pages_carry_the_next_cursor_beside_the_next_link(client: TestClient) -> None:
    first = client.get("/v1/countries", params={"limit": 2}).json()
    assert first["next_cursor"]
    assert f"cursor={first['next_cursor']}" in first["next"]
    as_of = first["next"].split("as_of=")[1].split("&")[0]
    second = client.get(
        "/v1/countries", params={"limit": 2, "cursor": first["next_cursor"], "as_of": as_of}
    ).json()
    four = client.get("/v1/countries", params={"limit": 4}).json()["data"]
    assert [c["iso3"] for c in first["data"]] == ["ABW", "AFG"]
    assert [c["iso3"] for c in first["data"] + second["data"]] == [c["iso3"] for c in four]
    last = client.get("/v1/treaties", params={"limit": 1000}).json()
    assert last["next"] is None
    assert last["next_cursor"] is None
