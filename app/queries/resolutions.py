"""UNGA resolutions: lists, symbol lookup, totals counted from the votes, per-country votes."""

from __future__ import annotations

import re

from sqlalchemy import Connection, extract, select
from sqlalchemy.orm import Session

from app import models
from app.errors import NotFoundError, ProblemError
from app.paging import Window
from app.queries.common import Citations, list_sources, pick
from app.schemas import (
    ResolutionOut,
    SourceOut,
)

_SYMBOL = re.compile(r"^(?:A/RES/)?((?:ES-)?\d{1,3})/(\d{1,4})\s*([A-Z]{1,2})?$")


def normalize_symbol(text: str, parameter: str = "symbol") -> str:
    """`73/61`, `a/res/73/61`, `51/45S` → `A/RES/73/61`, `A/RES/51/45 S`."""
    match = _SYMBOL.match(text.strip().upper())
    if match is None:
        raise ProblemError(
            422,
            "Invalid resolution symbol",
            f"{text!r} is not a UNGA resolution symbol like A/RES/73/61, 73/61 or 51/45 S",
            kind="invalid-parameter",
            parameter=parameter,
        )
    session_no, number, suffix = match.groups()
    return f"A/RES/{session_no}/{number}" + (f" {suffix}" if suffix else "")


def resolve_resolution(session: Session, text: str) -> models.Resolution:
    """The resolution a symbol in any accepted form names."""
    symbol = normalize_symbol(text)
    found = session.get(models.Resolution, symbol)
    if found is None:
        raise NotFoundError("resolution", text, "symbol", [])
    return found


def exists(conn: Connection, symbol: str) -> bool:
    """Whether a resolution of this (normalized) symbol is held."""
    found = conn.execute(select(models.Resolution.symbol).where(models.Resolution.symbol == symbol))
    return found.first() is not None


def _outs(session: Session, rows: list[models.Resolution]) -> list[ResolutionOut]:
    cites = Citations(session, [("resolution", r.symbol) for r in rows])
    return [
        ResolutionOut.model_validate(
            pick(ResolutionOut, r, citations=cites.of("resolution", r.symbol))
        )
        for r in rows
    ]


def list_resolutions(
    session: Session,
    window: Window,
    treaty: str | None = None,
    session_no: int | None = None,
    year: int | None = None,
) -> tuple[list[ResolutionOut], str | None, list[SourceOut]]:
    """Resolutions by date, filtered by treaty, session and year."""
    stmt = select(models.Resolution)
    if treaty is not None:
        stmt = stmt.where(models.Resolution.treaty == treaty)
    if session_no is not None:
        stmt = stmt.where(models.Resolution.session == session_no)
    if year is not None:
        stmt = stmt.where(extract("year", models.Resolution.date) == year)
    rows, cursor = window.select(session, stmt, [models.Resolution.date, models.Resolution.symbol])
    resolutions = [r[0] for r in rows]
    return (
        _outs(session, resolutions),
        cursor,
        list_sources(session, {r.source for r in resolutions}),
    )
