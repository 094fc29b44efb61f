"""The API's exception handlers: every error becomes an RFC 9457 problem response."""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount
from starlette.staticfiles import StaticFiles

from app.embeds.errors import match_urls, problem_page
from app.errors import PROBLEM_TYPE, DatabaseUnavailableError, NotFoundError, ProblemError
from app.framing import EMBED_PREFIX

log = logging.getLogger("app")
#: The methods a 405's `Allow` may name, in the order it names them (HEAD: wherever GET is,
#: see app/head.py; OPTIONS only answers CORS preflights, so a path does not support it).
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def problem_response(request: Request, exc: ProblemError) -> Response:
    """Render a problem as RFC 9457 JSON; under /embed/, as a page a frame can show."""
    if request.url.path.startswith(EMBED_PREFIX):
        return embed_problem(request, exc)
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + exc.kind,
        "title": exc.title,
        "status": exc.status,
        "detail": exc.detail,
        "instance": request.url.path,
    }
    if exc.parameter is not None:
        body["parameter"] = exc.parameter
    body.update(exc.extra)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
    if "retry_after" in exc.extra:
        headers["Retry-After"] = str(exc.extra["retry_after"])
    return JSONResponse(
        body, status_code=exc.status, media_type="application/problem+json", headers=headers
    )


def embed_problem(request: Request, exc: ProblemError) -> HTMLResponse:
    """A problem of an embed page as HTML: close matches link to the same page for each."""
    route = request.scope.get("route")
    path_format = getattr(route, "path_format", "")
    query = request.url.query
    matches = match_urls(
        path_format,
        request.path_params,
        exc.parameter or "",
        exc.extra.get("suggestions", []),
        query,
    )
    plain = quote(request.url.path) if exc.status in (400, 422) and query else None
    detail = f"{exc.unmatched}." if isinstance(exc, NotFoundError) and matches else exc.detail
    page = problem_page(exc.status, exc.title, detail, exc.extra.get("errors", []), matches, plain)
    headers = {"Retry-After": str(exc.extra["retry_after"])} if "retry_after" in exc.extra else {}
    return HTMLResponse(page, status_code=exc.status, headers=headers)


async def _problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProblemError)
    return problem_response(request, exc)


def _message(error: dict[str, Any]) -> str:
    """Pydantic's message; for a closed vocabulary, the value and every allowed one."""
    if error["type"] in ("enum", "literal_error") and error["loc"][0] in ("query", "path"):
        allowed = re.findall(r"'([^']*)'", error.get("ctx", {}).get("expected", ""))
        return f"{error['input']!r} is not one of {', '.join(allowed)}"
    return str(error["msg"])


def _named(error: dict[str, Any]) -> str:
    """The parameter or body field an error is about (a body that is no JSON: `body`, not the
    position of the fault)."""
    if error["type"] == "json_invalid":
        return "body"
    return str(error["loc"][-1])


async def _validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"parameter": _named(e), "in": str(e["loc"][0]), "message": _message(e)}
        for e in exc.errors()
    ]
    first = errors[0] if errors else {"parameter": None, "message": "invalid request"}
    problem = ProblemError(
        422,
        "Invalid parameter",
        f"{first['parameter']}: {first['message']}",
        kind="invalid-parameter",
        parameter=first["parameter"],
        errors=errors,
    )
    return problem_response(request, problem)


async def _database(request: Request, exc: Exception) -> Response:
    log.warning("database unavailable: %s", type(exc).__name__)
    problem = ProblemError(
        503,
        "Service unavailable",
        "the database cannot be reached; retry shortly",
        kind="database-unavailable",
        retry_after=5,
    )
    return problem_response(request, problem)


def allowed_methods(request: Request) -> list[str]:
    """The methods the request's path answers, whichever route answers each (RFC 9110
    §10.2.1): the router is asked for every method, as it would route it."""
    scope = {k: v for k, v in request.scope.items() if k not in ("fastapi", "route", "endpoint")}
    scope["root_path"] = scope.get("app_root_path", scope.get("root_path", ""))  # before mounts
    found: set[str] = set()
    for route in request.app.router.routes:
        if isinstance(route, Mount):  # a mount takes every method; static files answer GET
            if isinstance(route.app, StaticFiles) and route.matches(scope)[0] == Match.FULL:
                found.add("GET")
            continue
        for method in METHODS:
            if route.matches({**scope, "method": method})[0] == Match.FULL:
                found.add(method)
    if "GET" in found:
        found.add("HEAD")
    return [method for method in METHODS if method in found]


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    problem = ProblemError(
        exc.status_code, str(exc.detail), str(exc.detail), kind=f"http-{exc.status_code}"
    )
    response = problem_response(request, problem)
    if exc.status_code == 405:  # RFC 9110 §15.5.6: every method of the path, not one route's
        response.headers["Allow"] = ", ".join(allowed_methods(request))
    return response


def install(app: FastAPI) -> None:
    """Register the problem handlers on an app."""
    app.add_exception_handler(ProblemError, _problem)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(OperationalError, _database)
    app.add_exception_handler(InterfaceError, _database)
    app.add_exception_handler(DatabaseUnavailableError, _database)
