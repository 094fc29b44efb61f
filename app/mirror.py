"""Replaying the change feed into another database (a mirror).

Record entries carry the whole value after the change, so applying them in feed order
rebuilds the records, their versions and the history itself. A bulk import entry carries its
file's checksum and options instead of its rows: the mirror re-runs that import from the
same file (`on_import`), which must yield the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app import dataversion, history, models
from app.records import BY_NAME

Entry = Mapping[str, Any]


class MirrorError(RuntimeError):
    """An entry the mirror cannot apply."""


def apply(
    session: Session, entries: Iterable[Entry], on_import: Callable[[Entry], None] | None = None
) -> int:
    """Apply feed entries in order (no commit); returns the last entry id applied."""
    history.lock(session)
    last = 0
    for entry in entries:
        if entry["record_type"] is None:
            if on_import is None:
                raise MirrorError(
                    f"change {entry['id']} is a bulk import ({entry['actor']}): re-run it from "
                    f"the file with checksum {_checksums(entry)}"
                )
            top = session.scalar(select(func.max(models.Change.id))) or 0
            on_import(entry)
            session.execute(delete(models.Change).where(models.Change.id > top))
        else:
            kind = BY_NAME[entry["record_type"]]
            history.undo(session, kind, entry["record_id"], entry["after"], entry["version"] or 0)
        session.add(
            models.Change(**{k: entry[k] for k in _COLUMNS}, at=datetime.fromisoformat(entry["at"]))
        )
        session.flush()
        last = int(entry["id"])
    if last:
        dataversion.bump(session)
    return last


_COLUMNS = (
    "id",
    "actor",
    "action",
    "record_type",
    "record_id",
    "version",
    "before",
    "after",
    "summary",
    "reason",
)


def _checksums(entry: Entry) -> str:
    summary = entry.get("summary") or {}
    pages = summary.get("pages") or [summary]
    return ", ".join(str(p.get("checksum")) for p in pages)
