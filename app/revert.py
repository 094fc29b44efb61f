"""`python -m app revert CHANGE_ID`: undo one change, as a new change."""

from __future__ import annotations

import argparse
import sys

from sqlalchemy.orm import Session

from app import dataversion, history, models
from app.config import Settings
from app.records import BY_NAME, get
from app.writes import Written


class RevertError(ValueError):
    """A change that cannot be undone (now)."""


def revert(session: Session, change_id: int, actor: str, reason: str | None = None) -> Written:
    """Put the record of a change back to its value before it; the record must still hold
    the value the change gave it (undo later changes first)."""
    history.lock(session)
    change = session.get(models.Change, change_id)
    if change is None:
        raise RevertError(f"no change {change_id}")
    if change.record_type is None or change.record_id is None:
        raise RevertError(
            f"change {change_id} is a bulk import ({change.actor}); import the earlier file again"
        )
    kind, record_id = BY_NAME[change.record_type], change.record_id
    current = get(session, kind, record_id)
    if (current[0] if current else None) != change.after:
        raise RevertError(
            f"{kind.name} {record_id!r} changed after change {change_id}; revert the later "
            "changes first"
        )
    last = history.last_versions(session, kind).get(record_id, 0)
    version = max(last, current[1] if current else 0) + 1
    history.undo(session, kind, record_id, change.before, version)
    entry = history.log(
        session,
        actor,
        "revert",
        kind,
        record_id,
        change.after,
        change.before,
        version if change.before is not None else None,
        reason or f"revert of change {change_id}",
    )
    dataversion.bump(session)
    return Written(change.before, version, entry.id, entry)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of `revert`."""
    parser.add_argument("change_id", type=int, help="id of the change to undo")
    parser.add_argument("--by", default="revert", help="who reverts (recorded as the actor)")
    parser.add_argument("--reason", help="why (recorded with the change)")


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Undo one change and print the new change's id."""
    from app.db import make_engine, make_sessionmaker

    engine = make_engine(settings)
    try:
        with make_sessionmaker(engine)() as session, session.begin():
            written = revert(session, args.change_id, args.by, args.reason)
    except RevertError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"change {args.change_id} reverted by change {written.change_id}")
    return 0
