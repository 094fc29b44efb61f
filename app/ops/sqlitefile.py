"""SQLite backups and restores through SQLite's online backup API.

The backup copies the database in one step, which reads one snapshot of it: under the WAL
journal the server keeps, writers are never blocked by that read, and the copy is the
database as of one commit.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from app.dataversion import KEY
from app.ops.archive import (
    BackupError,
    Stamp,
    check_revision,
    mismatch,
    replacing,
    stamp_of,
)

#: How long to wait for a lock held by a writer (a checkpoint, or a restore's target).
BUSY_SECONDS = 30.0


def _read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to the database file at `path`."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_SECONDS)


def read_stamp(path: Path, shown: Path | None = None) -> Stamp:
    """The stamp a SQLite backup records, once its pages check out (`shown`: its name in
    errors, when `path` is a temporary file)."""
    name = shown or path
    try:
        with closing(_read_only(path)) as conn:
            return _stamp(conn, name)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{name} is not a readable SQLite database ({exc})") from None


def _stamp(conn: sqlite3.Connection, name: Path) -> Stamp:
    """The stamp of the database open on `conn`, once its pages check out."""
    check = conn.execute("PRAGMA quick_check").fetchone()[0]
    if check != "ok":
        raise BackupError(f"{name} is damaged: {check}")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    missing = sorted({"alembic_version", "meta"} - tables)
    if missing:
        raise BackupError(
            f"{name} is a SQLite database but not a backup of this API "
            f"(no table {', '.join(missing)})"
        )
    revisions = [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")]
    values = [r[0] for r in conn.execute('SELECT value FROM meta WHERE "key" = ?', (KEY,))]
    return stamp_of(name, revisions, values)


def backup(database: Path, target: Path) -> Stamp:
    """Copy the live database at `database` to the file `target` (replaced only once the
    copy is whole and checked)."""
    if not database.is_file():
        raise BackupError(f"no SQLite database at {database}")
    if target.resolve() == database.resolve():
        raise BackupError(f"{target} is the database itself: name another file")
    with replacing(target) as partial:
        try:
            with (
                closing(sqlite3.connect(database, timeout=BUSY_SECONDS)) as source,
                closing(sqlite3.connect(partial)) as copy,
            ):
                source.backup(copy)  # every page in one step: one snapshot
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        except sqlite3.Error as exc:
            raise BackupError(f"copying {database} to {target} failed ({exc})") from None
        return read_stamp(partial, shown=target)


def is_empty(database: Path) -> bool:
    """Whether the database at `database` is missing, or holds no table, view or index."""
    if not database.exists() or database.stat().st_size == 0:
        return True
    try:
        with closing(sqlite3.connect(database, timeout=BUSY_SECONDS)) as conn:
            objects: int = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            return objects == 0
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{database} is not a SQLite database ({exc})") from None


def restore(path: Path, database: Path) -> Stamp:
    """Copy the backup at `path` into the empty database at `database`, in one transaction."""
    stamp = read_stamp(path)
    check_revision(path, stamp)
    if not is_empty(database):
        raise BackupError(
            f"the database {database} is not empty: restore into a new file (or move this one "
            "aside first)"
        )
    database.parent.mkdir(parents=True, exist_ok=True)
    try:
        with (
            closing(_read_only(path)) as source,
            closing(sqlite3.connect(database, timeout=BUSY_SECONDS)) as target,
        ):
            source.backup(target)  # one transaction on the target
            target.execute("PRAGMA journal_mode=WAL")  # the journal the server keeps
            restored = _stamp(target, database)
    except sqlite3.Error as exc:
        raise BackupError(f"copying {path} into {database} failed ({exc})") from None
    if restored != stamp:
        raise mismatch(restored, stamp)
    return stamp
