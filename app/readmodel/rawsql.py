"""Statements compiled once per shape and run on the driver's own cursor: rows as tuples.

A hot read's statement is the same text every time but for its values; building and
compiling it through SQLAlchemy on each request costs more than SQLite takes to answer it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import Connection, Dialect, Select, bindparam
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import BindParameter

from app.db import fetch_raw


@dataclass(frozen=True)
class Prepared:
    """A statement's SQL for one dialect, its parameters' order and its constant values."""

    sql: str
    order: tuple[str, ...] | None  # positional parameters (SQLite), None: named (psycopg)
    constants: dict[str, Any]
    text_dates: bool  # SQLite keeps dates as ISO text


def prepare(stmt: Select[Any], dialect: Dialect) -> Prepared:
    """Compile `stmt` once; its unvalued bind parameters are given to `run`.

    Values known when the statement is built (source ids, vote words: the same for the
    whole data version) are written into the SQL as literals, so that the driver adapts and
    sends only the request's own values.
    """
    compiled = _literal(stmt).compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    order = tuple(compiled.positiontup) if compiled.positional and compiled.positiontup else None
    constants = {k: v for k, v in compiled.params.items() if v is not None}
    return Prepared(compiled.string, order, constants, dialect.name == "sqlite")


def _literal(stmt: Select[Any]) -> Select[Any]:
    """`stmt` with every bind parameter that has a value rendered as a literal."""

    def inline(element: Any, **_: Any) -> Any:
        if isinstance(element, BindParameter) and element.value is not None:
            return bindparam(
                element.key,
                element.value,
                type_=element.type,
                unique=True,
                expanding=element.expanding,
                literal_execute=True,
            )
        return None

    return cast(Select[Any], visitors.replacement_traverse(stmt, {}, inline))


def run(conn: Connection, prepared: Prepared, values: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The rows of a prepared statement for `values`, as the driver returns them."""
    return fetch_raw(conn, prepared.sql, arguments(prepared, values))


def arguments(prepared: Prepared, values: dict[str, Any]) -> Any:
    """The driver's arguments of a prepared statement for `values` (with its constants)."""
    params = {**prepared.constants, **values}
    if prepared.text_dates:
        params = {k: v.isoformat() if isinstance(v, date) else v for k, v in params.items()}
    return params if prepared.order is None else tuple(params[n] for n in prepared.order)
