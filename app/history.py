"""The change log: one entry per record change (or per bulk import), in commit order.

Every write path takes the write lock before its first entry, so entry ids are handed out in
commit order: a feed reader that has seen entry N never later finds a new entry below N.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from app import models
from app.dataversion import KEY
from app.records import KINDS, Kind, Value, remove, store, values

Snapshot = dict[str, dict[str, tuple[Value, int]]]


#: The largest change id the changes table holds (its id is a 32-bit integer on PostgreSQL).
LAST_ID = 2**31 - 1


def lock(session: Session) -> None:
    """Serialise writers until commit (the data-version row; SQLite's write lock)."""
    meta = models.Meta
    done = session.execute(update(meta).where(meta.key == KEY).values(value=meta.value))
    if done.rowcount == 0:  # type: ignore[attr-defined]
        session.add(meta(key=KEY, value="0"))
        session.flush()


def log(
    session: Session,
    actor: str,
    action: str,
    kind: Kind | None = None,
    record_id: str | None = None,
    before: Value | None = None,
    after: Value | None = None,
    version: int | None = None,
    reason: str | None = None,
    summary: dict[str, Any] | None = None,
) -> models.Change:
    """Add one entry (the caller holds the lock and commits)."""
    change = models.Change(
        at=datetime.now(UTC),
        actor=actor,
        action=action,
        record_type=kind.name if kind else None,
        record_id=record_id,
        version=version,
        before=before,
        after=after,
        summary=summary,
        reason=reason,
    )
    session.add(change)
    session.flush()
    return change


def last_versions(session: Session, kind: Kind) -> dict[str, int]:
    """The highest version each record of a kind ever had, from its history."""
    c = models.Change
    rows = session.execute(
        select(c.record_id, func.max(c.version))
        .where(c.record_type == kind.name)
        .group_by(c.record_id)
    )
    return {rid: v for rid, v in rows if rid is not None and v is not None}


def snapshot(session: Session, scopes: dict[str, ColumnElement[bool] | None]) -> Snapshot:
    """The values of every kind named in `scopes`, each within its scope."""
    return {
        kind.name: values(session, kind, scopes[kind.name]) for kind in KINDS if kind.name in scopes
    }


def record_diff(session: Session, actor: str, before: Snapshot, after: Snapshot) -> int:
    """Log what changed between two snapshots, one entry per record; set the versions.

    Creations and updates come in dependency order, retirements after them in reverse, so
    replaying the entries in order never breaks a foreign key.
    """
    lock(session)
    count = 0
    for kind in KINDS:
        old, new = before.get(kind.name, {}), after.get(kind.name, {})
        last = last_versions(session, kind) if set(new) - set(old) else {}
        for rid, (value, _) in _ordered(kind, new):
            prior = old.get(rid)
            if prior is not None and prior[0] == value:
                continue
            version = prior[1] + 1 if prior else last.get(rid, 0) + 1
            store(session, kind, value, version, None)
            log(
                session,
                actor,
                "update" if prior else "create",
                kind,
                rid,
                prior[0] if prior else None,
                value,
                version,
            )
            count += 1
    for kind in reversed(KINDS):
        old, new = before.get(kind.name, {}), after.get(kind.name, {})
        for rid in old.keys() - new.keys():
            log(session, actor, "retire", kind, rid, old[rid][0], None, None)
            count += 1
    return count


def _ordered(
    kind: Kind, items: dict[str, tuple[Value, int]]
) -> list[tuple[str, tuple[Value, int]]]:
    """Treaties with parents after their parents; other kinds as they are."""
    pairs = list(items.items())
    if kind.name == "treaty":
        pairs.sort(key=lambda p: p[1][0]["parent"] is not None)
    return pairs


def record_import(session: Session, actor: str, summary: dict[str, Any]) -> models.Change:
    """One entry for a bulk import: its file, checksum and counts instead of every row."""
    lock(session)
    return log(session, actor, "import", summary=summary)


def import_counts(session: Session) -> dict[str, tuple[int, datetime]]:
    """How many imports each importer recorded, and when the last one was (UTC)."""
    c = models.Change
    importer = c.summary["importer"].as_string()
    rows = session.execute(
        select(importer, func.count(), func.max(c.at))
        .where(c.action == "import")
        .group_by(importer)
    )
    return {name or "unknown": (count, _utc(last)) for name, count, last in rows}


def _utc(at: datetime) -> datetime:
    """SQLite gives back naive datetimes; every time stored here is UTC."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def undo(session: Session, kind: Kind, record_id: str, value: Value | None, version: int) -> None:
    """Set a record to `value` (None: retire it) at `version`, whatever it holds now."""
    if value is None:
        remove(session, kind, record_id, None)
    else:
        store(session, kind, value, version, None)


def of_record(session: Session, kind: Kind, record_id: str) -> list[models.Change]:
    """The history of one record, oldest first."""
    c = models.Change
    stmt = select(c).where(c.record_type == kind.name, c.record_id == record_id).order_by(c.id)
    return list(session.scalars(stmt))


def since(session: Session, cursor: int, limit: int) -> list[models.Change]:
    """Up to `limit` entries after `cursor`, in commit order."""
    c = models.Change
    return list(session.scalars(select(c).where(c.id > cursor).order_by(c.id).limit(limit)))


def as_json(change: models.Change) -> dict[str, Any]:
    """An entry as the API returns it."""
    return {
        "id": change.id,
        "at": change.at.isoformat(),
        "actor": change.actor,
        "action": change.action,
        "record_type": change.record_type,
        "record_id": change.record_id,
        "version": change.version,
        "before": change.before,
        "after": change.after,
        "summary": change.summary,
        "reason": change.reason,
    }
