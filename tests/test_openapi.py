"""The OpenAPI document: valid, every operation summarised, described and exemplified."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openapi_spec_validator import validate
from pydantic import BaseModel

from app import schemas


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
    assert len(operations(spec)) == 44  # with the pictures (SVG, JSON) and oEmbed


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
        schema = resolve(spec, ok["content"]["application/json"]["schema"])
        if schema.get("type") == "array":
            schema = resolve(spec, schema["items"])
        if "data" in schema.get("properties", {}):
            schema = resolve(spec, schema["properties"]["data"]["items"])
        assert schema.get("examples"), path


def example_models() -> list[type[BaseModel]]:
    return [
        cls
        for cls in vars(schemas).values()
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
        "sources",
        "search",
        "profiles",
        "writes",
        "changes",
    ]
    used = {tag for _, op in operations(spec) for tag in op["tags"]}
    assert used == {t["name"] for t in spec["tags"]}
    paths = list(spec["paths"])
    assert paths.index("/v1/resolutions/{symbol}/votes") < paths.index("/healthz")
