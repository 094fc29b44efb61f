"""RFC 9457 problem details for every error the API returns (no web framework needed)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

PROBLEM_TYPE = "https://treaty-status-api.example/problems/"


class ProblemItem(BaseModel):
    """One fault of a request: the parameter or body field, where it was, and why."""

    parameter: str | None = Field(None, description="The query, path or header parameter.")
    field: str | None = Field(None, description="The body field (writes).")
    in_: str | None = Field(
        None, alias="in", description="Where the parameter was: query, path, header or body."
    )
    message: str = Field(description="What is wrong with it.")


class Suggestion(BaseModel):
    """A close match for a name that matched nothing: its key and its name."""

    model_config = ConfigDict(extra="allow")

    name: str
    iso3: str | None = Field(None, description="A country's alpha-3 code.")
    slug: str | None = Field(None, description="A treaty's slug.")


class Problem(BaseModel):
    """An RFC 9457 problem body: every 4xx and 5xx answer of the API (`type` names the
    problem; members past `parameter` appear where they apply)."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "type": PROBLEM_TYPE + "country-not-found",
                    "title": "Country not found",
                    "status": 404,
                    "detail": "No country matches 'Kyrgyzstn'; did you mean Kyrgyzstan?",
                    "instance": "/v1/countries/Kyrgyzstn",
                    "parameter": "country",
                    "suggestions": [{"iso3": "KGZ", "name": "Kyrgyzstan"}],
                }
            ]
        },
    )

    type: str = Field(description="A URI naming the kind of problem.")
    title: str = Field(description="A short summary of the kind of problem.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong with this request, for a person.")
    instance: str | None = Field(None, description="The path of the request.")
    parameter: str | None = Field(None, description="The request parameter at fault.")
    errors: list[ProblemItem] | None = Field(
        None, description="Every invalid parameter or field (422), in the request's order."
    )
    suggestions: list[Suggestion] | None = Field(
        None, description="Close matches for a name that matched nothing (404)."
    )
    allowed: list[str] | None = Field(None, description="The values a parameter takes (422).")
    retry_after: int | None = Field(
        None, description="Seconds to wait before trying again (429, 503), as in Retry-After."
    )
    current_version: int | None = Field(
        None, description="The record's current version, its ETag (412)."
    )
    change: int | None = Field(None, description="The change this answer concerns.")


#: Each problem status: its name among the document's responses, and what it means.
PROBLEM_STATUSES: dict[int, tuple[str, str]] = {
    400: ("BadRequest", "Unknown query parameter or invalid cursor."),
    401: ("Unauthorized", "Missing or unknown API key."),
    403: ("Forbidden", "The key lacks the scope this needs."),
    404: ("NotFound", "Nothing with that name or id (close matches in `suggestions`)."),
    409: ("Conflict", "Conflicts with the current data (an id taken, a record still referenced)."),
    410: ("Gone", "The record was retired (its history remains)."),
    412: ("PreconditionFailed", "If-Match does not match the record's current version."),
    413: ("ContentTooLarge", "Request body too large."),
    422: (
        "UnprocessableContent",
        "A parameter or field has an invalid value (all listed in `errors`).",
    ),
    428: ("PreconditionRequired", "This write needs an If-Match header with the record's ETag."),
    429: ("TooManyRequests", "Too many requests from this client; see Retry-After."),
    501: ("NotImplemented", "The server does not offer what was asked (oEmbed `format=xml`)."),
    503: ("ServiceUnavailable", "The database cannot be reached; see Retry-After."),
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for these problem statuses (the document refers each to its shared
    response, `app.openapi`)."""
    return {status: {"description": PROBLEM_STATUSES[status][1]} for status in statuses}


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
        #: The detail without its hint (for a page that lists the suggestions itself).
        self.unmatched = f"No {what} matches {key!r}"
        super().__init__(
            404,
            f"{what.capitalize()} not found",
            f"{self.unmatched}{hint}",
            kind=f"{what}-not-found",
            parameter=parameter,
            suggestions=suggestions,
        )


class DatabaseUnavailableError(Exception):
    """The database failed a moment ago: not tried again until the cool-down ends."""
