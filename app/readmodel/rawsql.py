"""Statements compiled once per shape and run on the driver's own cursor: rows as tuples.

A hot read's statement is the same text every time but for its values; building and
compiling it through SQLAlchemy on each request costs more than SQLite takes to answer it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Dialect, Select

from app.db import fetch_raw


@dataclass(frozen=True)
class Prepared:
    """A statement's SQL for one dialect, its parameters' order and its constant values."""

    sql: str
    order: tuple[str, ...] | None  # positional parameters (SQLite), None: named (psycopg)
    constants: dict[str, Any]
    text_dates: bool  # SQLite keeps dates as ISO text


def prepare(stmt: Select[Any], dialect: Dialect) -> Prepared:
    """Compile `stmt` once; its unvalued bind parameters are given to `run`."""
    compiled = stmt.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    order = tuple(compiled.positiontup) if compiled.positional and compiled.positiontup else None
    constants = {k: v for k, v in compiled.params.items() if v is not None}
    return Prepared(compiled.string, order, constants, dialect.name == "sqlite")


def run(conn: Connection, prepared: Prepared, values: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The rows of a prepared statement for `values`, as the driver returns them."""
    params = {**prepared.constants, **values}
    if prepared.text_dates:
        params = {k: v.isoformat() if isinstance(v, date) else v for k, v in params.items()}
    args: Any = params if prepared.order is None else tuple(params[n] for n in prepared.order)
    return fetch_raw(conn, prepared.sql, args)
