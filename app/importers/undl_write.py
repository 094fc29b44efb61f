"""Write an imported vote file: the Source, the resolutions, and the votes merged set-wise."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, ForeignKeyConstraint, Table, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.schema import AddConstraint, CreateIndex, DropConstraint, DropIndex

from app import models
from app.importers.undl_fields import UndlError
from app.importers.undl_read import ResolutionState, VoteRow
from app.vocab import SourceKind

#: One source for the whole UN Digital Library dataset: a newer download of it (or a part
#: of it) updates the votes this source already holds instead of adding a second copy.
SOURCE_ID = "undl-ga-voting"
SOURCE_URL = "https://digitallibrary.un.org/record/4060887"
PUBLISHER = "United Nations Dag Hammarskjöld Library"
LICENCE = "United Nations terms of use; acknowledge the United Nations as the source"

#: Resolution columns an import may only fill, never overwrite, on a resolution it does not own.
FILLABLE = (
    "meeting",
    "draft",
    "total_yes",
    "total_no",
    "total_abstain",
    "total_non_voting",
    "total_members",
    "counted_yes",
    "counted_no",
    "counted_abstain",
    "counted_non_voting",
)
TALLY_NAMES = ("yes", "no", "abstain", "non_voting", "members")

VOTES = models.Base.metadata.tables[models.Vote.__tablename__]

#: On PostgreSQL, an import adding at least this many votes (and no fewer than the source
#: held) inserts them with the votes table's foreign keys and secondary indexes dropped, then
#: rebuilds and re-validates them (on SQLite, a first import of any size drops and rebuilds
#: the secondary indexes).
BULK_ROWS = 50_000


@dataclass
class Counts:
    """What an import did to one kind of record."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        """Whether any row was written."""
        return bool(self.inserted or self.updated)


@dataclass(frozen=True)
class Mismatch:
    """A resolution whose counted votes differ from its official totals."""

    symbol: str
    differences: tuple[tuple[str, int, int], ...]  # (tally, official, counted)

    def __str__(self) -> str:
        parts = ", ".join(f"{t}: official {o}, counted {c}" for t, o, c in self.differences)
        return f"{self.symbol} ({parts})"


def mismatch(state: ResolutionState) -> Mismatch | None:
    """Compare the counted votes of a resolution with the totals the file states."""
    counted = (*state.counts, sum(state.counts))
    diffs = tuple(
        (name, official, count)
        for name, official, count in zip(TALLY_NAMES, state.totals, counted, strict=True)
        if official is not None and official != count
    )
    return Mismatch(state.symbol, diffs) if diffs else None


class VoteStage:
    """Where the vote batches go. On SQLite, straight into `votes` as each batch arrives, so
    writing overlaps reading: an upsert inserts a new vote and updates a held one that changed,
    its foreign keys deferred until `merge` checks them; a source's first import drops the
    secondary indexes and rebuilds them in `merge`. On PostgreSQL, COPY into a temporary
    table merged into `votes` at the end with two set-based statements.

    Votes are written with the date the file gives their resolution; `merge` then gives the
    votes of the resolutions in `dates` (see `write_resolutions`) the date stored instead."""

    def __init__(self, session: Session, source: str) -> None:
        self.conn: Connection = session.connection()
        self.source = source
        self.postgres = self.conn.dialect.name == "postgresql"
        self.dbapi: Any = self.conn.connection.dbapi_connection
        self.rows = 0
        self.written = 0  # SQLite: votes inserted or updated so far
        self.keys: dict[str, set[str]] = {"resolution": set(), "country": set()}  # SQLite
        #: the votes the source holds before this import
        self.held = self._count()
        self.checks = ExitStack()
        if not self.postgres:  # SQLite writes each batch straight into votes
            self.conn.exec_driver_sql("PRAGMA cache_size = -65536")
            # resolutions are written after the file is read: keys wait for `_check_keys`
            self.conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            if not self.held:
                self.checks.enter_context(without_checks(self.conn, VOTES, keys=False))
            return
        self.conn.execute(text("DROP TABLE IF EXISTS undl_stage"))
        self.conn.execute(
            text(
                "CREATE TEMPORARY TABLE undl_stage (resolution VARCHAR(40) NOT NULL, "
                "country VARCHAR(3) NOT NULL, vote VARCHAR(40) NOT NULL, "
                "source_code VARCHAR(4) NOT NULL, date DATE NOT NULL)"
            )
        )

    def add(self, batch: list[VoteRow]) -> None:
        """Stage (or, on SQLite, write) a batch of checked votes."""
        cursor = self.dbapi.cursor()
        try:
            if self.postgres:
                with cursor.copy("COPY undl_stage FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                cursor.executemany(UPSERT, [(*row, self.source) for row in batch])
                self.written += cursor.rowcount
                self.keys["resolution"].update(row[0] for row in batch)
                self.keys["country"].update(row[1] for row in batch)
        finally:
            cursor.close()
        self.rows += len(batch)

    def merge(self, dates: Mapping[str, date]) -> Counts:
        """Finish the write (PostgreSQL: update changed votes of the source, insert new ones,
        drop the stage); then the votes of each resolution in `dates` (of any source) take
        its date.

        A vote is changed when its kind is: the same vote under another layout's code (`NV`
        for `X`) is the same content, and keeps the code first stored. Its date follows its
        resolution's and is no change of the vote.

        On PostgreSQL, an import that adds BULK_ROWS votes or more, and at least as many as the
        source held, goes through `without_checks`: it is a first import in all but name.
        """
        counts = self._merge() if self.postgres else self._finish()
        models.follow_dates(self.conn, dates)
        return counts

    def _finish(self) -> Counts:
        self.checks.close()  # rebuild the indexes a first import dropped
        self._check_keys()
        inserted = self._count() - self.held if self.held else self.written
        return Counts(inserted, self.written - inserted, self.rows - self.written)

    def _count(self) -> int:
        """The votes the source holds now."""
        found = self.conn.execute(
            text("SELECT count(*) FROM votes WHERE source = :source"), {"source": self.source}
        )
        return int(found.scalar_one())

    def _check_keys(self) -> None:
        """Check the keys SQLite deferred (the votes came before their resolutions), then
        check at once again for the rest of the transaction: a later write of the caller
        that leaves a vote dangling fails there and then, not at commit.

        Ending the deferral forgets what SQLite counted, so the keys of every vote written
        here are checked first; one is missing: sqlalchemy's IntegrityError, naming it.
        """
        keys = {**self.keys, "source": {self.source}}
        for fk in VOTES.foreign_keys:
            wanted = keys[fk.parent.name]
            found: set[str] = set()
            for chunk in _chunks(sorted(wanted)):
                found.update(
                    self.conn.execute(select(fk.column).where(fk.column.in_(chunk))).scalars()
                )
            if missing := sorted(wanted - found):
                problem = f"FOREIGN KEY constraint failed: votes.{fk.parent.name} {missing[0]!r}"
                raise IntegrityError(
                    "check of the votes' keys", None, sqlite3.IntegrityError(problem)
                )
        self.conn.exec_driver_sql("PRAGMA defer_foreign_keys = OFF")

    def _merge(self) -> Counts:
        self.conn.execute(text("ANALYZE undl_stage"))
        params = {"source": self.source}
        insert_sql = (
            "INSERT INTO votes (resolution, country, vote, source_code, date, source) "
            "SELECT s.resolution, s.country, s.vote, s.source_code, s.date, "
            "CAST(:source AS VARCHAR(80)) FROM undl_stage s"
        )
        updated = 0
        if self.held:
            updated = self.conn.execute(
                text(
                    "UPDATE votes SET vote = s.vote, source_code = s.source_code, "
                    "version = votes.version + 1 "
                    "FROM undl_stage s WHERE votes.source = :source "
                    "AND votes.resolution = s.resolution AND votes.country = s.country "
                    "AND (votes.vote <> s.vote OR votes.source_code IS NULL)"
                ),
                params,
            ).rowcount
            insert_sql += (
                " WHERE NOT EXISTS (SELECT 1 FROM votes v WHERE v.resolution = s.resolution "
                "AND v.country = s.country AND v.source = :source)"
            )
        # at least rows - held of the staged votes are new
        if self.rows - self.held >= max(BULK_ROWS, self.held):
            with without_checks(self.conn, VOTES):
                inserted = self.conn.execute(text(insert_sql), params).rowcount
        else:
            inserted = self.conn.execute(text(insert_sql), params).rowcount
        self.conn.execute(text("DROP TABLE undl_stage"))
        return Counts(inserted, updated, self.rows - inserted - updated)


#: SQLite: insert a vote, or update the held one when its kind changed (or it had no code).
UPSERT = (
    "INSERT INTO votes (resolution, country, vote, source_code, date, source, version) "
    "VALUES (?, ?, ?, ?, ?, ?, 1) ON CONFLICT (resolution, country, source) DO UPDATE "
    "SET vote = excluded.vote, source_code = excluded.source_code, version = votes.version + 1 "
    "WHERE votes.vote <> excluded.vote OR votes.source_code IS NULL"
)


@contextmanager
def without_checks(conn: Connection, table: Table, keys: bool = True) -> Iterator[None]:
    """Drop `table`'s secondary indexes (and, with `keys`, its foreign keys) for a bulk
    insert, then rebuild them.

    Per-row foreign-key triggers and index upkeep cost more than the insert itself; one
    index build and one validating scan per key afterwards cost a fraction. Inside the
    caller's transaction: the DDL rolls back with it, and the exclusive lock it takes on the
    table lasts until commit. Re-adding each key checks every row, so a bad reference still
    fails the import. Keys on PostgreSQL only: SQLite cannot drop a constraint.
    """
    foreign = sorted(
        (c for c in table.constraints if isinstance(c, ForeignKeyConstraint) and keys),
        key=lambda c: str(c.name),
    )
    indexes = sorted(table.indexes, key=lambda i: str(i.name))
    for key in foreign:
        conn.execute(DropConstraint(key))
    for index in indexes:
        conn.execute(DropIndex(index))
    yield
    for index in indexes:
        conn.execute(CreateIndex(index))
    for key in foreign:
        conn.execute(AddConstraint(key))


def _chunks(items: list[str], size: int = 500) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def write_resolutions(
    session: Session,
    states: list[ResolutionState],
    source: str,
    take_over: Collection[str] = (),
) -> tuple[Counts, dict[str, date]]:
    """Insert new resolutions, update this source's own ones, only fill gaps in others'.

    A resolution created by another source (the curated `data/resolutions.yaml`, say) keeps
    its source, title, date and treaty; the import fills its empty totals, tallies, meeting
    and draft. Resolutions in `take_over` become this source's whatever they were.

    Also returns the date of each resolution whose votes may hold another one: its date
    changed, or it kept a date the file does not give (for `VoteStage.merge`).
    """
    table = Table(models.Resolution.__tablename__, models.Base.metadata)
    conn = session.connection()
    existing: dict[str, Any] = {}
    for chunk in _chunks([s.symbol for s in states]):
        for row in conn.execute(select(table).where(table.c.symbol.in_(chunk))).mappings():
            existing[row["symbol"]] = row
    counts, new_rows, dates = Counts(), [], {}
    for state in states:
        wanted = _resolution_row(state, source)
        old = existing.get(state.symbol)
        if old is None:
            new_rows.append(wanted)
            counts.inserted += 1
            continue
        if old["source"] == source or state.symbol in take_over:
            changes = {k: v for k, v in wanted.items() if old[k] != v}
        else:
            changes = {k: wanted[k] for k in FILLABLE if old[k] is None and wanted[k] is not None}
        if changes:
            conn.execute(update(table).where(table.c.symbol == state.symbol).values(**changes))
            counts.updated += 1
        else:
            counts.unchanged += 1
        kept = changes.get("date", old["date"])
        if kept != old["date"] or kept != state.date:
            dates[state.symbol] = kept
    if new_rows:
        conn.execute(insert(table), new_rows)
    return counts, dates


def _resolution_row(state: ResolutionState, source: str) -> dict[str, Any]:
    yes, no, abstain, non_voting, members = state.totals
    return {
        "symbol": state.symbol,
        "session": state.session,
        "date": state.date,
        "title": state.title,
        "treaty": state.treaty,
        "meeting": state.meeting,
        "draft": state.draft,
        "total_yes": yes,
        "total_no": no,
        "total_abstain": abstain,
        "total_non_voting": non_voting,
        "total_members": members,
        "counted_yes": state.counts[0],
        "counted_no": state.counts[1],
        "counted_abstain": state.counts[2],
        "counted_non_voting": state.counts[3],
        "source": source,
    }


def _source_fields(file: str, checksum: str, rows: int) -> dict[str, Any]:
    return {
        "title": f"UN General Assembly voting data (UN Digital Library), file {file}",
        "publisher": PUBLISHER,
        "kind": SourceKind.un_data,
        "url": SOURCE_URL,
        "licence": LICENCE,
        "origin": "import",
        "checksum": checksum,
        "row_count": rows,
    }


def describes(session: Session, file: str) -> bool:
    """Whether the dataset's Source is missing or describes a file of this name."""
    source = session.get(models.Source, SOURCE_ID)
    return source is None or source.title == _source_fields(file, "", 0)["title"]


def ensure_source(session: Session, file: str, checksum: str, rows: int) -> bool:
    """Create the dataset's Source (describing this file) if it is missing; whether it was."""
    source = session.get(models.Source, SOURCE_ID)
    if source is None:
        fields = _source_fields(file, checksum, rows)
        session.add(models.Source(id=SOURCE_ID, imported_at=datetime.now(UTC), **fields))
        session.flush()
        return True
    if source.origin != "import":
        raise UndlError(f"source id {SOURCE_ID!r} is taken by a {source.origin} source")
    return False


def describe_source(session: Session, file: str, checksum: str, rows: int) -> None:
    """The Source now describes `file`, the latest one that changed something."""
    source = session.get_one(models.Source, SOURCE_ID)
    for key, value in _source_fields(file, checksum, rows).items():
        setattr(source, key, value)
    source.imported_at = datetime.now(UTC)
