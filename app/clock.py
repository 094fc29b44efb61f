"""The one clock the API answers by: now and today in UTC, pinned once per request."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request

log = logging.getLogger(__name__)


class Clock:
    """UTC now from the system or, for tests only, from the instant written in `fake_file`.

    The fake file holds one ISO 8601 instant (e.g. `2026-02-19T23:59:55Z`), re-read on every
    call so a test can move a running server across midnight; a missing or unreadable file is
    an error, never a silent fallback.
    """

    def __init__(self, fake_file: Path | None = None) -> None:
        self.fake_file = fake_file
        if fake_file is not None:
            log.warning("TEST_CLOCK_FILE is set: answering for the time in %s", fake_file)

    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        if self.fake_file is None:
            return datetime.now(UTC)
        fake = datetime.fromisoformat(self.fake_file.read_text(encoding="utf-8").strip())
        return fake.replace(tzinfo=UTC) if fake.tzinfo is None else fake.astimezone(UTC)


def seconds_to_midnight(now: datetime) -> int:
    """Whole seconds from `now` until the next UTC midnight (never past it)."""
    midnight = datetime.combine(now.astimezone(UTC).date() + timedelta(days=1), time(), UTC)
    return int((midnight - now).total_seconds())


def pin(scope_state: dict[str, object], clock: Clock) -> datetime:
    """Fix now (and so today) for one request, so its cache key and its answer agree."""
    now = clock.now()
    scope_state["now"] = now
    return now


def today_of(request: Request) -> date:
    """Today in UTC as pinned for this request (pinned on first use if nothing pinned it)."""
    state = request.scope.setdefault("state", {})
    pinned = state.get("now")
    now = pinned if isinstance(pinned, datetime) else pin(state, request.app.state.clock)
    return now.date()


async def today(request: Request) -> date:
    """Today in UTC as pinned for this request: the default `as_of` of every endpoint.

    Async, as every dependency of the hot reads: it runs on the event loop, no thread hop.
    """
    return today_of(request)


#: The request's today; a route taking it answers differently each day (see app/cache.py).
Today = Annotated[date, Depends(today)]
