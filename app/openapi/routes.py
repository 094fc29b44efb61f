"""What each route says of itself in the document: its id, summary, problems and CSV form."""

from __future__ import annotations

import inspect

from fastapi.routing import APIRoute

from app import errors
from app.limits import WRITE_METHODS
from app.paging import Page

#: The longest operationId a generated client's function names are made from.
MAX_ID = 40


def operation_id(route: APIRoute) -> str:
    """The route's operationId: its handler's name in camelCase (list_countries: listCountries)."""
    head, *rest = route.name.split("_")
    found = head + "".join(word.capitalize() for word in rest)
    if len(found) > MAX_ID:
        raise ValueError(f"operationId {found!r} is longer than {MAX_ID} characters")
    return found


def describe(route: APIRoute) -> None:
    """Summary from the docstring; the problems a route can answer; the CSV form of a list."""
    docstring = inspect.getdoc(route.endpoint) or ""
    if docstring and not route.summary:
        route.summary = docstring.splitlines()[0].rstrip(".")
    statuses = [400]  # an unknown query parameter, on every path
    if route.path.startswith("/v1/"):
        statuses += [404, 422, 503]
        methods = route.methods or set()
        if methods & WRITE_METHODS:
            statuses += [401, 403, 409, 413, 429]
        if methods & {"PUT", "PATCH", "DELETE"} and route.path.startswith("/v1/records/"):
            statuses += [412, 428]  # a record's If-Match
    route.responses = {**errors.problem_responses(*statuses), **route.responses}
    if _is_page(route):
        csv = {"schema": {"type": "string", "description": "CSV: the same fields, flattened"}}
        route.responses[200] = {"content": {"text/csv": csv}}


def _is_page(route: APIRoute) -> bool:
    """Whether the route's response model is a `Page` of some record."""
    origin = getattr(route.response_model, "__pydantic_generic_metadata__", {}).get("origin")
    return isinstance(origin, type) and issubclass(origin, Page)


def is_paged(route: APIRoute) -> bool:
    """Whether the route answers pages with a `next` link (and a Link header)."""
    return _is_page(route) or "next" in getattr(route.response_model, "model_fields", {})
