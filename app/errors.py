"""RFC 9457 problem details for every error the API returns."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("app")

PROBLEM_TYPE = "https://treaty-status-api.example/problems/"


class Problem(BaseModel):
    """An RFC 9457 problem body (extra members such as `suggestions` may follow)."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    parameter: str | None = Field(None, description="The request parameter at fault.")


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` documenting problem bodies for these statuses."""
    texts = {
        400: "Unknown query parameter or invalid cursor.",
        401: "Missing or unknown API key.",
        403: "The key lacks the scope this needs.",
        404: "Nothing with that name or id (close matches in `suggestions`).",
        409: "Conflicts with the current data (an id taken, a record still referenced).",
        410: "The record was retired (its history remains).",
        412: "If-Match does not match the record's current version.",
        428: "This write needs an If-Match header with the record's ETag.",
        413: "Request body too large.",
        422: "A parameter or field has an invalid value (all listed in `errors`).",
        429: "Too many requests from this client; see Retry-After.",
        503: "The database cannot be reached; see Retry-After.",
    }
    schema = Problem.model_json_schema()
    return {
        status: {
            "description": texts[status],
            "content": {"application/problem+json": {"schema": schema}},
        }
        for status in statuses
    }


class ProblemError(Exception):
    """An error that becomes an `application/problem+json` response."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        *,
        kind: str,
        parameter: str | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail
        self.kind, self.parameter, self.extra = kind, parameter, extra


class NotFoundError(ProblemError):
    """Something named in the path does not exist."""

    def __init__(self, what: str, key: str, parameter: str, suggestions: list[Any]) -> None:
        hint = f"; did you mean {', '.join(s['name'] for s in suggestions)}?" if suggestions else ""
        super().__init__(
            404,
            f"{what.capitalize()} not found",
            f"No {what} matches {key!r}{hint}",
            kind=f"{what}-not-found",
            parameter=parameter,
            suggestions=suggestions,
        )


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


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"parameter": str(e["loc"][-1]), "in": str(e["loc"][0]), "message": e["msg"]}
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


class DatabaseUnavailableError(Exception):
    """The database failed a moment ago: not tried again until the cool-down ends."""


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
