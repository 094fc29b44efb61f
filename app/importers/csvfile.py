"""Data files in CSV: one dataclass per file gives the columns, in order, and the cell types.

Written with a header of the field names and LF line ends (`None` empty, `True` as `y`, a tuple
of numbers space-separated, `10 11`); read
back checking the header and every cell, problems named by line and column like the YAML data
files' (`app.importers.yamlfile`).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import fields
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from app.importers.yamlfile import DataFileError, Problem
from app.vocab import ActionKind, VoteKind

Row = TypeVar("Row")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "y" if value else ""
    if isinstance(value, tuple):
        return " ".join(map(str, value))
    return str(value)


def to_csv(rows: list[Any], kind: type[Any]) -> str:
    """The rows as CSV text: a header of the field names, LF line ends, empty for None."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = [f.name for f in fields(kind)]
    writer.writerow(names)
    for row in rows:
        writer.writerow([_cell(getattr(row, name)) for name in names])
    return out.getvalue()


def _flag(text: str) -> bool:
    if text != "y":
        raise ValueError(f"{text!r} is not 'y' or empty")
    return True


def _numbers(text: str) -> tuple[int, ...]:
    if re.fullmatch(r"[0-9]+(?: [0-9]+)*", text) is None:
        raise ValueError(f"{text!r} is not numbers separated by single spaces")
    return tuple(int(part) for part in text.split(" "))


def _value(kind: Any, text: str) -> object:
    """A cell read back as the field's type (raises ValueError with a readable message)."""
    optional = " | None" in str(kind)
    base = str(kind).replace(" | None", "")
    if text == "":
        if optional or base == "str":
            return None if optional else text
        if base == "bool":
            return False
        if base == "tuple[int, ...]":
            return ()
        raise ValueError("is empty")
    readers: dict[str, Any] = {
        "str": str,
        "int": int,
        "date": date.fromisoformat,
        "bool": _flag,
        "tuple[int, ...]": _numbers,
        "ActionKind": ActionKind,
        "VoteKind": VoteKind,
    }
    reader = readers[base]
    if isinstance(reader, type) and issubclass(reader, StrEnum) and text not in set(reader):
        raise ValueError(f"{text!r} is not one of {', '.join(reader)}")
    return reader(text)


def from_csv(path: Path, kind: type[Row]) -> list[Row]:
    """Read a record file, checking the header and every cell; problems name line and column."""
    names = [f.name for f in fields(kind)]  # type: ignore[arg-type]
    types = {f.name: f.type for f in fields(kind)}  # type: ignore[arg-type]
    problems: list[Problem] = []
    rows: list[Row] = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        if header != names:
            message = f"header {header} is not the expected {names}"
            raise DataFileError([Problem(str(path), 1, 1, None, None, message)])
        for cells in reader:
            line = reader.line_num
            if len(cells) != len(names):
                message = f"{len(cells)} cells where the header has {len(names)}"
                problems.append(Problem(str(path), line, 1, None, None, message))
                continue
            values: dict[str, Any] = {}
            for column, (name, text) in enumerate(zip(names, cells, strict=True), start=1):
                try:
                    values[name] = _value(types[name], text)
                except ValueError as exc:
                    message = f"{text!r} {exc}" if str(exc) == "is empty" else str(exc)
                    problems.append(Problem(str(path), line, column, None, name, message))
            if len(values) == len(names):
                rows.append(kind(**values))
    if problems:
        raise DataFileError(problems)
    return rows


def write_if_changed(path: Path, text: str) -> bool:
    """Write `text` to `path` unless it already holds it; whether it was written."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True
