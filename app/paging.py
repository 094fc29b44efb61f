"""Cursor pagination: opaque cursors over a stable sort key, for SQL and in-memory lists."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Generic, TypeVar

import orjson
from pydantic import BaseModel, Field
from sqlalchemy import Connection, Select, tuple_
from sqlalchemy.orm import QueryableAttribute, Session

from app.errors import ProblemError
from app.schemas import COVERAGE_MEANING, RECORD_AS_AT_MEANING, CoverageSource, SourceOut

T = TypeVar("T")
Key = tuple[Any, ...]


class Page(BaseModel, Generic[T]):
    """One page of a list, the link to the next one, and the sources of its facts."""

    data: list[T]
    next: str | None = Field(
        None,
        description="URL of the next page, percent-encoded (that of a list read for today "
        "carries the date as `as_of`); null on the last page.",
    )
    next_cursor: str | None = Field(
        None,
        description="The opaque `cursor` of the next page, as in `next`: send it with the same "
        "query (and the `as_of` that `next` carries); null on the last page.",
    )
    sources: list[SourceOut] = Field(
        default_factory=list, description="Every source the facts on this page come from."
    )


class DatedPage(Page[T], Generic[T]):
    """A page of statuses toward a treaty, with the date the treaty's record is known up to."""

    record_as_at: date | None = Field(description=RECORD_AS_AT_MEANING)


class CoveredPage(Page[T], Generic[T]):
    """A page of curated records about a country, with the sources consulted for them."""

    coverage: list[CoverageSource] = Field(default_factory=list, description=COVERAGE_MEANING)


def encode_cursor(key: Key, scope: str = "") -> str:
    """An opaque cursor for the position after `key` in the list of the query `scope`
    (`app.links.query_scope`): the key's values, after a check of them and of the query."""
    values = [v.isoformat() if isinstance(v, date) else v for v in key]
    check = _check(scope, values)
    return base64.urlsafe_b64encode(orjson.dumps([check, *values])).decode().rstrip("=")


def _check(scope: str, values: list[Any]) -> str:
    """The check a cursor carries: a digest of its query and its key's values."""
    digest = hashlib.blake2b(orjson.dumps([scope, values]), digest_size=9, person=b"cursor")
    return base64.urlsafe_b64encode(digest.digest()).decode()


def _key_value(value: Any, kind: type) -> Any:
    """One value of a cursor as the sort key's type, only in the shape `encode_cursor` writes."""
    if kind is int and type(value) is int and -(2**63) <= value < 2**63:
        return value
    if kind is float and type(value) in (float, int) and abs(value) < 2**53:
        return float(value)
    if kind is str and type(value) is str and "\x00" not in value:
        return value
    if kind is date and type(value) is str:
        return date.fromisoformat(value)
    raise ValueError(f"not a {kind.__name__}")


def decode_cursor(cursor: str, types: Sequence[type], scope: str = "") -> Key:
    """The sort key a cursor stands for: a 400 problem if it was not made by us, or was made
    for another query than `scope` (or altered)."""
    try:
        raw = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(types) + 1 or type(raw[0]) is not str:
            raise ValueError("wrong shape")
        key = tuple(_key_value(v, t) for v, t in zip(raw[1:], types, strict=True))
    except (ValueError, TypeError, orjson.JSONDecodeError) as exc:
        raise invalid_cursor() from exc
    if not hmac.compare_digest(raw[0].encode(), _check(scope, raw[1:]).encode()):
        raise foreign_cursor()
    return key


def invalid_cursor() -> ProblemError:
    """The problem for a cursor this API did not issue."""
    return ProblemError(
        400,
        "Invalid cursor",
        "cursor is not one this API issued; use the `next` link of the previous page",
        kind="invalid-cursor",
        parameter="cursor",
    )


def foreign_cursor() -> ProblemError:
    """The problem for a cursor issued for another query than the one it is sent with."""
    return ProblemError(
        400,
        "Cursor of another query",
        "cursor continues another list: it was issued for another path, filter, as_of or "
        "format (or altered); send it with the query it came from, as the `next` link does",
        kind="cursor-mismatch",
        parameter="cursor",
    )


class Window:
    """The requested slice of a list: how many rows and after which sort key; its cursors
    belong to the query `scope` (`app.links.request_scope`; empty: no query)."""

    def __init__(
        self, limit: int, cursor: str | None, types: Sequence[type], scope: str = ""
    ) -> None:
        self.limit, self.scope = limit, scope
        self.after = decode_cursor(cursor, types, scope) if cursor else None

    def cursor_after(self, key: Key) -> str:
        """The cursor of the position after `key`, for this window's query."""
        return encode_cursor(key, self.scope)

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
        return rows, self.cursor_after(key(rows[-1]))
