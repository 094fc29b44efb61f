"""The package as the server gives it: the descriptor with download URLs, a resource streamed,
and the files' digests, kept per data version so that each is read once per process."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from functools import partial
from itertools import chain
from typing import Any

from sqlalchemy.orm import Session

from app import dataversion
from app.bulk.descriptor import DataPackage
from app.bulk.package import describe
from app.bulk.rows import Digest, chunks, digest, tallied
from app.bulk.tables import TABLES, Table
from app.errors import ProblemError


class Digests:
    """The digests of the files at the newest data version seen (older ones are dropped)."""

    def __init__(self) -> None:
        self.version = -1
        self.known: dict[str, Digest] = {}
        self.lock = threading.Lock()
        #: Held while the descriptor reads the files it has no digest of, so it is done once.
        self.describing = threading.Lock()

    def get(self, version: int, name: str) -> Digest | None:
        """The digest of resource `name` at `version`, if known."""
        with self.lock:
            return self.known.get(name) if version == self.version else None

    def put(self, version: int, name: str, found: Digest) -> None:
        """Keep the digest of resource `name` at `version` (unless a newer version is held)."""
        with self.lock:
            if version > self.version:
                self.version, self.known = version, {}
            if version == self.version:
                self.known[name] = found


_MADE = threading.Lock()


def digests_of(state: Any) -> Digests:
    """The digests an app keeps (on its `state`), made on first use."""
    with _MADE:
        found: Digests | None = getattr(state, "bulk_digests", None)
        if found is None:
            found = state.bulk_digests = Digests()
        return found


def changed() -> ProblemError:
    """The data changed while a request read it: it is not answered for a mixed state."""
    return ProblemError(
        503,
        "Data changed",
        "the record changed while it was read; retry",
        kind="data-changed",
        retry_after=1,
    )


def package(
    session: Session, version: int, digests: Digests, url: Callable[[Table], str]
) -> DataPackage:
    """The descriptor at data `version`, each resource's path `url(table)`: the files without
    a digest at that version are read (not kept) first."""
    if dataversion.current(session) != version:
        raise changed()
    with digests.describing:
        found = {t.name: digests.get(version, t.name) for t in TABLES}
        for table in TABLES:
            if found[table.name] is None:
                found[table.name] = digest(session, table)
        if dataversion.current(session) != version:
            raise changed()
        known = {name: d for name, d in found.items() if d is not None}
        for name, d in known.items():
            digests.put(version, name, d)
    return describe(session, version, known, url)


def stream(
    session: Session, table: Table, version: int, digests: Digests
) -> tuple[Iterator[bytes], int | None]:
    """A resource's CSV at data `version`, and its size where known. The statement runs and
    its first batch is read here, so a failure is a problem response, not a broken stream;
    the rest is read as it is sent. Read whole, the file's digest is kept."""
    parts = chunks(session, table)
    first = next(parts)
    if dataversion.current(session) != version:  # the rows are of a later version
        return tallied(chain([first], parts), _ignore), None
    known = digests.get(version, table.name)
    done = partial(digests.put, version, table.name)
    return tallied(chain([first], parts), done), known.bytes if known else None


def _ignore(_found: Digest) -> None:
    """A digest of rows read at another version than the request's."""
