"""CSV from the same field list as the JSON: columns are derived from the schema.

Rows are records of the schema, or the same records already in their JSON form (dicts).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from enum import Enum
from typing import Any, get_args, get_origin

import orjson
from pydantic import BaseModel


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds directly (also through `X | None`), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) is not None and get_origin(annotation) is not list:
        models = [
            a for a in get_args(annotation) if isinstance(a, type) and issubclass(a, BaseModel)
        ]
        return models[0] if len(models) == 1 else None
    return None


def columns(schema: type[BaseModel], prefix: str = "") -> list[str]:
    """Column names: nested models flattened as `parent.child`, lists kept as one column."""
    names: list[str] = []
    for name, info in schema.model_fields.items():
        nested = _model_of(info.annotation)
        if nested is not None:
            names += columns(nested, f"{prefix}{name}.")
        else:
            names.append(prefix + name)
    return names


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, BaseModel):
        ident = getattr(value, "id", None)
        return str(ident) if ident is not None else value.model_dump_json()
    if isinstance(value, dict):  # a nested record already in its JSON form
        ident = value.get("id")
        return str(ident) if ident is not None else orjson.dumps(value).decode()
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    return str(value)


def _values(item: BaseModel | dict[str, Any], cols: list[str]) -> list[str]:
    out = []
    for col in cols:
        value: Any = item
        for part in col.split("."):
            if isinstance(value, dict):
                value = value.get(part)
            else:
                value = getattr(value, part) if value is not None else None
        out.append(_cell(value))
    return out


def stream(
    schema: type[BaseModel],
    items: Iterable[BaseModel | dict[str, Any]],
    rows_per_chunk: int = 200,
) -> Iterator[str]:
    """CSV text, header first, in chunks of `rows_per_chunk` rows."""
    cols = columns(schema)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(cols)
    for count, item in enumerate(items, 1):
        writer.writerow(_values(item, cols))
        if count % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
