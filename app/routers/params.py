"""Parameter types shared by the routers."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Path, Query
from sqlalchemy.orm import Session

from app.db import get_session
from app.errors import ProblemError
from app.respond import ListParams
from app.vocab import StatusKind, VoteKind

E = TypeVar("E", bound=StrEnum)

DbSession = Annotated[Session, Depends(get_session)]
Listing = Annotated[ListParams, Depends()]

CountryKey = Annotated[
    str,
    Path(
        description="Alpha-3, alpha-2 or numeric ISO 3166-1 code, or any known name "
        "(case and accents ignored).",
        examples=["KGZ", "kg", "417", "kyrgyz republic"],
        max_length=200,
    ),
]
TreatyKey = Annotated[
    str,
    Path(
        description="Treaty slug or alias: mbt, ccm, ccw, ccw-p2a, ccw-p4, ccw-p5, ccw-art1, "
        "apmbc, ottawa, …",
        examples=["mbt", "ottawa", "ccm"],
        max_length=200,
    ),
]
AsOf = Annotated[
    date | None,
    Query(
        description="Date the status is derived for (ISO 8601); default today in UTC, the "
        "date of the request (then part of the ETag, and max-age ends at UTC midnight).",
        examples=["2026-02-03"],
    ),
]
TreatyFilter = Annotated[
    str | None,
    Query(description="Treaty slug or alias to filter on.", examples=["ccm"], max_length=200),
]

RegionFilter = Annotated[
    str | None,
    Query(
        description="UN M49 regions to keep, by name (case and accents ignored) or code; "
        "comma-separated: Africa (002), Americas (019), Asia (142), Europe (150), Oceania (009).",
        examples=["Europe", "150"],
        max_length=300,
    ),
]
SubregionFilter = Annotated[
    str | None,
    Query(
        description="UN M49 sub-regions or intermediate regions to keep, by name or code; "
        "comma-separated (e.g. Western Europe, 155, Caribbean, 029).",
        examples=["Western Europe", "029"],
        max_length=300,
    ),
]


def word_list(words: list[str], description: str, example: str) -> Any:
    """A query parameter holding a comma-separated list of `words` (pattern in the OpenAPI)."""
    one = "(?:" + "|".join(sorted(words, key=len, reverse=True)) + ")"
    return Query(
        pattern=f"^{one}(?:,{one})*$",
        max_length=300,
        description=f"{description} Comma-separated, from: {', '.join(sorted(words))}.",
        examples=[example],
    )


StatusList = Annotated[
    str | None,
    word_list([s.value for s in StatusKind], "Statuses to keep.", "state_party,withdrawal_pending"),
]
VoteList = Annotated[
    str | None, word_list([v.value for v in VoteKind], "Votes to keep.", "yes,abstain")
]


def parse_set(raw: str | None, vocabulary: type[E], parameter: str) -> set[E] | None:
    """A comma-separated list of vocabulary words; a 422 problem naming any unknown word."""
    if raw is None:
        return None
    words = {w.strip() for w in raw.split(",") if w.strip()}
    allowed = {v.value for v in vocabulary}
    unknown = sorted(words - allowed)
    if unknown or not words:
        raise ProblemError(
            422,
            "Invalid parameter",
            f"{parameter}: {', '.join(unknown) or 'empty'} not in {', '.join(sorted(allowed))}",
            kind="invalid-parameter",
            parameter=parameter,
        )
    return {vocabulary(w) for w in words}
