"""Country endpoints."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy.orm import Session

from app import queries
from app.db import get_session
from app.schemas import CountryOut, Profile

router = APIRouter(prefix="/v1/countries", tags=["countries"])

CountryKey = Annotated[
    str,
    Path(
        description="Alpha-3, alpha-2 or numeric ISO 3166-1 code, or any known name "
        "(case and accents ignored).",
        examples=["KGZ", "kg", "417", "kyrgyz republic"],
        max_length=200,
    ),
]
DbSession = Annotated[Session, Depends(get_session)]


@router.get("/{country}", response_model=CountryOut)
def get_country(country: CountryKey, session: DbSession) -> CountryOut:
    """One country: its codes, names and UN membership."""
    return queries.country_out(session, queries.resolve_country(session, country))


@router.get("/{country}/profile", response_model=Profile)
def get_profile(
    country: CountryKey,
    session: DbSession,
    as_of: Annotated[
        date | None,
        Query(description="Date for the derived treaty status (ISO 8601); default today."),
    ] = None,
) -> Profile:
    """Everything known about one country, citations inline (the dashboard call)."""
    found = queries.resolve_country(session, country)
    return queries.get_profile(session, found, as_of or date.today())
