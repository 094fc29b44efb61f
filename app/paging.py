"""Cursor pagination: opaque cursors over a stable sort key, for SQL and in-memory lists."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Generic, TypeVar

import orjson
from pydantic import BaseModel, Field
from sqlalchemy import Connection, Select, tuple_
from sqlalchemy.orm import QueryableAttribute, Session

from app.errors import ProblemError
from app.schemas import COVERAGE_MEANING, CoverageSource, SourceOut

T = TypeVar("T")
Key = tuple[Any, ...]


class Page(BaseModel, Generic[T]):
    """One page of a list, the link to the next one, and the sources of its facts."""

    data: list[T]
    next: str | None = Field(None, description="URL of the next page; null on the last page.")
    sources: list[SourceOut] = Field(
        default_factory=list, description="Every source the facts on this page come from."
    )


class CoveredPage(Page[T], Generic[T]):
    """A page of curated records about a country, with the sources consulted for them."""

    coverage: list[CoverageSource] = Field(default_factory=list, description=COVERAGE_MEANING)


def encode_cursor(key: Key) -> str:
    """An opaque cursor for the position after `key`."""
    values = [v.isoformat() if isinstance(v, date) else v for v in key]
    return base64.urlsafe_b64encode(orjson.dumps(values)).decode().rstrip("=")


def _key_value(value: Any, kind: type) -> Any:
    """One value of a cursor as the sort key's type, only in the shape `encode_cursor` writes."""
    if kind is int and type(value) is int and -(2**63) <= value < 2**63:
        return value
    if kind is str and type(value) is str and "\x00" not in value:
        return value
    if kind is date and type(value) is str:
        return date.fromisoformat(value)
    raise ValueError(f"not a {kind.__name__}")


def decode_cursor(cursor: str, types: Sequence[type]) -> Key:
    """The sort key a cursor stands for; a 400 problem if it was not made by us."""
    try:
        raw = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(types):
            raise ValueError("wrong shape")
        return tuple(_key_value(v, t) for v, t in zip(raw, types, strict=True))
    except (ValueError, TypeError, orjson.JSONDecodeError) as exc:
        raise invalid_cursor() from exc


def invalid_cursor() -> ProblemError:
    """The problem for a cursor this API did not issue."""
    return ProblemError(
        400,
        "Invalid cursor",
        "cursor is not one this API issued; use the `next` link of the previous page",
        kind="invalid-cursor",
        parameter="cursor",
    )


class Window:
    """The requested slice of a list: how many rows and after which sort key."""

    def __init__(self, limit: int, cursor: str | None, types: Sequence[type]) -> None:
        self.limit = limit
        self.after = decode_cursor(cursor, types) if cursor else None

    def select(
        self,
        session: Session | Connection,
        stmt: Select[Any],
        order: Sequence[QueryableAttribute[Any]],
    ) -> tuple[list[Any], str | None]:
        """Run `stmt` ordered by `order` (unique, ascending) from the cursor on.

        The order columns are added to the selected columns, after the caller's.
        """
        stmt = stmt.add_columns(*order)
        if self.after is not None:
            stmt = stmt.where(tuple_(*order) > tuple_(*self.after))
        rows = list(session.execute(stmt.order_by(*order).limit(self.limit + 1)))
        return self._cut(rows, lambda row: tuple(row[-len(order) :]))

    def slice(self, items: Sequence[T], key: Callable[[T], Key]) -> tuple[list[T], str | None]:
        """Slice an in-memory list, sorted by `key` (unique), from the cursor on."""
        ordered = sorted(items, key=key)
        if self.after is not None:
            ordered = [i for i in ordered if key(i) > self.after]
        return self._cut(ordered[: self.limit + 1], key)

    def cut(self, rows: list[Any], key: Callable[[Any], Key]) -> tuple[list[Any], str | None]:
        """The page of `rows` (read `limit` + 1, sorted by `key`) and the next cursor."""
        return self._cut(rows, key)

    def _cut(self, rows: list[Any], key: Callable[[Any], Key]) -> tuple[list[Any], str | None]:
        if len(rows) <= self.limit:
            return rows, None
        rows = rows[: self.limit]
        return rows, encode_cursor(key(rows[-1]))
