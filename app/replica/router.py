"""Which database a read goes to: the replica when it has applied the primary's data version.

Both versions are read per request (one indexed read each, side by side). The replica serves
only at the very version the primary reports, so a client that has just written (the write
moved the primary's version before it answered) never reads from a replica that lacks it. A
replica that lags, or cannot be reached, leaves the read to the primary; a primary that cannot
be reached leaves it to the replica, at the version the replica has applied.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge
from sqlalchemy.exc import DBAPIError

from app.dataversion import read_version
from app.errors import DatabaseUnavailableError
from app.replica.sources import Source

log = logging.getLogger("app")
#: Seconds a request waits for the replica's version (a replica that stopped answering without
#: closing its connections would otherwise hold each read up to DB_CONNECT_TIMEOUT).
WAIT = 0.5
#: Seconds the replica is left alone after it failed or was too slow, as after a failed connect.
COOLDOWN = 1.0


class Reason(StrEnum):
    """Why a read went where it went."""

    in_step = "in_step"  # the replica has applied the primary's version
    lagging = "replica_lagging"  # it has not (yet): the primary serves
    replica_down = "replica_unavailable"  # it cannot be reached: the primary serves
    replica_failed = "replica_failed"  # it failed during the read: read again on the primary
    primary_down = "primary_unavailable"  # the primary cannot be reached: the replica serves


#: The X-Read-From header of each reason.
HEADERS = {
    Reason.in_step: b"replica",
    Reason.lagging: b"primary; replica=lagging",
    Reason.replica_down: b"primary; replica=unavailable",
    Reason.replica_failed: b"primary; replica=unavailable",
    Reason.primary_down: b"replica; primary=unavailable",
}


@dataclass(frozen=True)
class Choice:
    """Where one request reads, at which data version, and why."""

    source: Source
    version: int
    reason: Reason

    @property
    def header(self) -> bytes:
        """The value of the response's X-Read-From header."""
        return HEADERS[self.reason]


class ReadRouter:
    """Chooses the database of each read, counts the choices and logs each change of them."""

    def __init__(
        self,
        primary: Source,
        replica: Source,
        registry: CollectorRegistry,
        wait: float = WAIT,
        cooldown: float = COOLDOWN,
    ) -> None:
        self.primary, self.replica = primary, replica
        self.wait, self.cooldown, self.retry_at = wait, cooldown, 0.0
        self.reads = Counter(
            "db_reads",
            "Read requests by the database that served them and why (README, Read replica).",
            ["source", "reason"],
            registry=registry,
        )
        self.behind = Gauge(
            "db_replica_versions_behind",
            "Data versions the replica had still to apply at the last read (0: in step).",
            registry=registry,
            multiprocess_mode="livemax",
        )
        self.condition = Reason.in_step

    async def choose(self) -> Choice | None:
        """Where a read goes now; None when neither database can be reached."""
        primary, replica = await asyncio.gather(version(self.primary), self.replica_version())
        if primary is None:
            if replica is None:  # left alone after a failure: asked again, as the last resort
                replica = await self.replica_version(force=True)
            if replica is None:
                return None
            return self.chosen(Choice(self.replica, replica, Reason.primary_down))
        if replica is None:
            return self.chosen(Choice(self.primary, primary, Reason.replica_down))
        self.behind.set(max(primary - replica, 0))
        if replica == primary:
            return self.chosen(Choice(self.replica, replica, Reason.in_step))
        return self.chosen(Choice(self.primary, primary, Reason.lagging))

    async def replica_version(self, force: bool = False) -> int | None:
        """The replica's version, waited for `wait` seconds at most; None when it failed or was
        too slow, and (unless `force`d) for `cooldown` seconds after that."""
        if not force and time.monotonic() < self.retry_at:
            return None
        try:
            found = await asyncio.wait_for(version(self.replica), self.wait)
        except TimeoutError:
            found = None
        if found is None:
            self.retry_at = time.monotonic() + self.cooldown
        return found

    async def on_primary(self) -> Choice | None:
        """The primary at its version now, for a read the replica failed (left alone for
        `cooldown` seconds then); None if the primary is down."""
        self.retry_at = time.monotonic() + self.cooldown
        primary = await version(self.primary)
        if primary is None:
            return None
        return self.chosen(Choice(self.primary, primary, Reason.replica_failed))

    def chosen(self, choice: Choice) -> Choice:
        """Count `choice`, and log when the reason differs from the last one."""
        self.reads.labels(choice.source.name, choice.reason.value).inc()
        reason = Reason.replica_down if choice.reason is Reason.replica_failed else choice.reason
        if reason is not self.condition:
            level = logging.INFO if reason in (Reason.in_step, Reason.lagging) else logging.WARNING
            log.log(
                level,
                "read replica: %s (was %s); reads go to the %s at data version %d",
                reason.value,
                self.condition.value,
                choice.source.name,
                choice.version,
            )
            self.condition = reason
        return choice


async def version(source: Source) -> int | None:
    """The data version `source` reports now; None when it cannot be reached."""
    reader: Any = source.version_reader  # a callable, or one awaited (app/dataversion.py)
    try:
        return await read_version(reader)
    except (DBAPIError, DatabaseUnavailableError, OSError):
        return None
