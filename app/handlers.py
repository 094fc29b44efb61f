"""The API's exception handlers: every error becomes an RFC 9457 problem response."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.errors import PROBLEM_TYPE, DatabaseUnavailableError, ProblemError

log = logging.getLogger("app")


def problem_response(request: Request, exc: ProblemError) -> JSONResponse:
    """Render a problem as RFC 9457 JSON."""
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


async def _problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(request, exc)


def _message(error: dict[str, Any]) -> str:
    """Pydantic's message; for a closed vocabulary, the value and every allowed one."""
    if error["type"] in ("enum", "literal_error") and error["loc"][0] in ("query", "path"):
        allowed = re.findall(r"'([^']*)'", error.get("ctx", {}).get("expected", ""))
        return f"{error['input']!r} is not one of {', '.join(allowed)}"
    return str(error["msg"])


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"parameter": str(e["loc"][-1]), "in": str(e["loc"][0]), "message": _message(e)}
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


async def _database(request: Request, exc: Exception) -> JSONResponse:
    log.warning("database unavailable: %s", type(exc).__name__)
    problem = ProblemError(
        503,
        "Service unavailable",
        "the database cannot be reached; retry shortly",
        kind="database-unavailable",
        retry_after=5,
    )
    return problem_response(request, problem)


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    problem = ProblemError(
        exc.status_code, str(exc.detail), str(exc.detail), kind=f"http-{exc.status_code}"
    )
    return problem_response(request, problem)


def install(app: FastAPI) -> None:
    """Register the problem handlers on an app."""
    app.add_exception_handler(ProblemError, _problem)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(OperationalError, _database)
    app.add_exception_handler(InterfaceError, _database)
    app.add_exception_handler(DatabaseUnavailableError, _database)
