"""A resource's CSV, read from the database a batch of rows at a time and written as it comes:
never the whole table in memory, on a server-side cursor where the engine has one."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import JSON, Boolean, Column, DateTime, Float
from sqlalchemy.orm import Session

from app.bulk.tables import Table

#: Rows fetched from the database, and written as one chunk, at a time.
BATCH = 2000
#: How the CSV ends its lines (RFC 4180).
LINE_END = "\r\n"

Cell = Callable[[Any], Any]


@dataclass(frozen=True)
class Digest:
    """What a resource's file holds: rows (the header left out), bytes and its SHA-256."""

    rows: int
    bytes: int
    sha256: str


def _boolean(value: Any) -> str | None:
    return None if value is None else ("true" if value else "false")


def _datetime(value: datetime | None) -> str | None:
    """An instant in UTC (SQLite gives back the naive UTC time it stored)."""
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def _json(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value).decode()


def _number(value: float | None) -> str | None:
    return None if value is None else repr(float(value))


def cell(column: Column[object]) -> Cell | None:
    """How a column's value becomes a cell, where the csv module's `str` would not do:
    booleans as true/false, instants in UTC, JSON as JSON (None is an empty cell)."""
    kind = column.type
    if isinstance(kind, Boolean):
        return _boolean
    if isinstance(kind, DateTime):
        return _datetime
    if isinstance(kind, JSON):
        return _json
    if isinstance(kind, Float):
        return _number
    return None


def chunks(session: Session, table: Table, batch: int = BATCH) -> Iterator[tuple[bytes, int]]:
    """The resource's CSV in chunks, the header first: (UTF-8 bytes, rows in them). The first
    chunk (the header and the first batch) is read when it is asked for."""
    cells = [cell(c) for c in table.columns]
    plain = all(c is None for c in cells)
    options = {"stream_results": True, "yield_per": batch}
    result = session.connection().execute(table.query(), execution_options=options)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=LINE_END)
    writer.writerow([c.name for c in table.columns])
    try:
        for part in result.partitions():
            if plain:
                writer.writerows(part)
            else:
                writer.writerows(
                    [v if f is None else f(v) for f, v in zip(cells, row, strict=True)]
                    for row in part
                )
            yield _take(buffer), len(part)
    finally:
        result.close()
    if buffer.tell():  # the header of a table without rows
        yield _take(buffer), 0


def _take(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    return data


def tallied(parts: Iterable[tuple[bytes, int]], done: Callable[[Digest], None]) -> Iterator[bytes]:
    """The chunks' bytes; once the last has passed, `done` is given their digest."""
    sha, rows, size = hashlib.sha256(), 0, 0
    for data, count in parts:
        sha.update(data)
        rows, size = rows + count, size + len(data)
        yield data
    done(Digest(rows, size, sha.hexdigest()))


def digest(session: Session, table: Table) -> Digest:
    """The digest of a resource's file, read without keeping it."""
    found: list[Digest] = []
    for _ in tallied(chunks(session, table), found.append):
        pass
    return found[0]
