"""RFC 9457 problem details for every error the API returns (no web framework needed)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

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


class DatabaseUnavailableError(Exception):
    """The database failed a moment ago: not tried again until the cool-down ends."""
