"""The served document, completed: one Problem schema behind shared responses, the bearer key,
the headers each answer carries, 304s, servers, licence, contact and tag descriptions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel

from app.auth import REQUIRED
from app.cache import is_cached
from app.errors import PROBLEM_STATUSES, Problem
from app.openapi.routes import is_paged

Spec = dict[str, Any]
SCHEMAS = "#/components/schemas/"

DESCRIPTION = """\
Each country's status toward the Mine Ban Treaty, the Convention on Cluster Munitions and the
CCW and its protocols, derived on any date from the treaty actions of the UN Treaty Collection;
UN General Assembly votes on the related resolutions; stockpiles, use, production and transfer
records from the Landmine and Cluster Munition Monitor, each fact with its source and footnotes.

Reads need no key and carry an `ETag` (send it back in `If-None-Match` for a 304). Lists are
paged with opaque cursors (`next`, `next_cursor` and a `Link` header) and come as CSV too. Every
error is an RFC 9457 problem (`application/problem+json`). Writes need an API key with the
`write` scope, sent as `Authorization: Bearer <key>`. The whole record is a Frictionless Data
Package at `/v1/bulk`."""

TAG_TEXT = {
    "operations": "Liveness, readiness and Prometheus metrics for operators.",
    "countries": "Countries and territories (ISO 3166-1), their status toward each treaty, "
    "votes, stockpiles, practices and the footnotes behind them.",
    "treaties": "The treaties and protocols, their members on any date, timelines, events "
    "and counts by region.",
    "embeds": "Pictures and frames to publish: a treaty's world map and timeline chart, a "
    "country's status badge, and oEmbed.",
    "resolutions": "UN General Assembly resolutions on the treaties, with their recorded votes.",
    "votes": "Every recorded UNGA vote, filtered by country, resolution, treaty and period.",
    "analytics": "How alike states vote (Voeten's agreement, the State Department's "
    "coincidence) and a state's vote summary with its latest run, on the whole vote record.",
    "sources": "The sources of every fact (UN Treaty Collection pages, UN Digital Library "
    "votes, Monitor profiles) and their footnoted citations.",
    "search": "Full-text search across countries, treaties, resolutions, sources and citations.",
    "profiles": "Monitor profile text read into draft records a curator checks and publishes.",
    "writes": "Curator writes on records: create, replace, merge-patch, retire, with history.",
    "changes": "The feed of every accepted write, to mirror the data.",
    "bulk": "The whole record as a Frictionless Data Package, one CSV per resource.",
}


def _header(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"description": description, "schema": schema or {"type": "string"}}


HEADERS = {
    "ETag": _header(
        "The representation's validator (weak): send it in If-None-Match for a 304, or in "
        "If-Match to write a record."
    ),
    "Cache-Control": _header(
        "How long the answer may be reused: public, up to 60 s, and never past UTC midnight "
        "for an answer about today."
    ),
    "Vary": _header("The request headers the answer depends on: Accept, Accept-Encoding, Origin."),
    "Link": _header('The next page, as `<url>; rel="next"` (RFC 8288); absent on the last page.'),
    "Location": _header("The URL of the record created."),
    "Retry-After": _header("Seconds to wait before trying again.", {"type": "integer"}),
    "WWW-Authenticate": _header("The scheme to authenticate with: Bearer."),
}
#: The headers each problem status carries, beyond the problem body.
PROBLEM_HEADERS = {401: ["WWW-Authenticate"], 429: ["Retry-After"]}
PROBLEM_HEADERS[503] = ["Retry-After"]


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def _header_refs(names: Iterable[str]) -> dict[str, Any]:
    return {name: _ref("headers", name.replace("-", "")) for name in names}


def complete(spec: Spec, routes: Iterable[APIRoute], server: str) -> Spec:
    """`spec` (FastAPI's document of `routes`) completed in place, and returned."""
    info = spec["info"]
    info["description"] = DESCRIPTION
    info["license"] = {"name": "MIT", "identifier": "MIT"}
    info["contact"] = {"name": "Treaty Status API maintainers"}
    spec["servers"] = [{"url": server, "description": "This server."}]
    for tag in spec.get("tags", []):
        tag["description"] = TAG_TEXT[tag["name"]]
    components = spec.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template=SCHEMAS + "{model}")
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem
    _restore_examples(schemas)
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    components["headers"] = {name.replace("-", ""): h for name, h in HEADERS.items()}
    components["responses"] = {
        name: {
            "description": text,
            "headers": _header_refs(PROBLEM_HEADERS.get(status, [])),
            "content": {"application/problem+json": {"schema": {"$ref": SCHEMAS + "Problem"}}},
        }
        for status, (name, text) in PROBLEM_STATUSES.items()
    }
    components["securitySchemes"] = {
        "bearerAuth": {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key (`python -m app keys create`) with the scope the "
            "operation names, as `Authorization: Bearer <key>`.",
        }
    }
    by_operation = {(m.lower(), r.path_format): r for r in routes for m in r.methods or ()}
    used: set[str] = set()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            _complete_operation(operation, by_operation[(method, path)], method, path)
            used |= {r["$ref"] for r in operation["responses"].values() if "$ref" in r}
    components["responses"] = {
        name: response
        for name, response in components["responses"].items()
        if f"#/components/responses/{name}" in used
    }
    return spec


def _restore_examples(schemas: dict[str, Any]) -> None:
    """The models' examples as written: FastAPI drops every null from the document, so an
    example's null fields would go missing and the example break its own schema."""
    models: dict[str, list[type[BaseModel]]] = {}
    stack: list[type[BaseModel]] = [BaseModel]
    while stack:
        model = stack.pop()
        models.setdefault(model.__name__, []).append(model)
        stack.extend(model.__subclasses__())
    for name, schema in schemas.items():
        for model in models.get(name, []):
            extra = model.model_config.get("json_schema_extra")
            written = extra.get("examples") if isinstance(extra, dict) else None
            if written and _without_nulls(written) == schema.get("examples"):
                schema["examples"] = written
                break


def _without_nulls(value: Any) -> Any:
    """`value` with every null member of an object left out, as FastAPI writes examples."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


#: What every text parameter excludes: NUL, which no database stores (a 422 names it).
NO_NUL = "^[^\\u0000]*$"


def _complete_operation(operation: Spec, route: APIRoute, method: str, path: str) -> None:
    for parameter in operation.get("parameters", []):
        schema = parameter["schema"]
        for option in schema.get("anyOf", [schema]):
            free = not {"pattern", "enum", "const", "format"} & set(option)
            if option.get("type") == "string" and free:
                option["pattern"] = NO_NUL
    responses = operation["responses"]
    for code in list(responses):
        if code.isdigit() and int(code) >= 400:
            responses[code] = _ref("responses", PROBLEM_STATUSES[int(code)][0])
    scope = _scope(route.dependant)
    operation["security"] = [{"bearerAuth": []}] if scope else []
    if scope:
        operation["description"] = (
            f"{operation.get('description', '')}\n\nNeeds an API key with the `{scope}` scope."
        ).strip()
    versioned = path.startswith("/v1/records/")  # a record's writes answer its version
    if "201" in responses:
        names = ["Location", *(["ETag"] if versioned else [])]
        responses["201"].setdefault("headers", {}).update(_header_refs(names))
    if method == "get" and is_cached(path) and "200" in responses:
        names = ["ETag", "Cache-Control", "Vary", *(["Link"] if is_paged(route) else [])]
        responses["200"].setdefault("headers", {}).update(_header_refs(names))
        responses["304"] = {
            "description": "Not modified: the ETag sent in If-None-Match is still current.",
            "headers": _header_refs(["ETag", "Cache-Control", "Vary"]),
        }
    elif method in ("put", "patch") and "200" in responses and versioned:
        responses["200"].setdefault("headers", {}).update(_header_refs(["ETag"]))


def _scope(dependant: Dependant) -> str | None:
    """The API-key scope a route's dependencies require, if any."""
    for dependency in dependant.dependencies:
        scope = REQUIRED.get(dependency.call) if dependency.call else None
        found = scope.value if scope else _scope(dependency)
        if found:
            return found
    return None
