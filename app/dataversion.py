"""The data version: a counter bumped by every write, behind ETags and response caching.

Bumping it also rebuilds the full-text index, so search always matches the data.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import search
from app.models import Meta

KEY = "data_version"


def current(session: Session) -> int:
    """The data version now (0 before anything was written)."""
    value = session.scalar(select(Meta.value).where(Meta.key == KEY))
    return int(value) if value is not None else 0


def bump(session: Session) -> int:
    """Record that data changed; returns the new version (committed with the caller's write)."""
    row = session.get(Meta, KEY, with_for_update=True)
    if row is None:
        row = Meta(key=KEY, value="0")
        session.add(row)
    row.value = str(int(row.value) + 1)
    session.flush()
    search.reindex(session)
    return int(row.value)
