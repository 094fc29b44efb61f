"""What every backup file holds and how both engines check it: the schema revision and the
data version it records, the kind of file, and writing a file whole or not at all."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.db import alembic_config

#: The first bytes of a SQLite database file and of a pg_dump custom-format archive.
MAGIC = {"sqlite": b"SQLite format 3\x00", "postgresql": b"PGDMP"}


class BackupError(Exception):
    """A backup or restore that cannot be done; nothing was written unless `written`."""

    def __init__(self, message: str, written: bool = False) -> None:
        super().__init__(message)
        self.written = written


@dataclass(frozen=True)
class Stamp:
    """What a backup records about its database: schema revision and data version."""

    revision: str
    data_version: int

    def __str__(self) -> str:
        return f"schema {self.revision}, data version {self.data_version}"


def mismatch(restored: Stamp, stamp: Stamp) -> BackupError:
    """The error of a restore whose database does not record what its backup did."""
    return BackupError(
        f"the restored database records {restored}, the backup {stamp}: drop it and restore again",
        written=True,
    )


def kind_of(path: Path) -> str:
    """`sqlite` or `postgresql`: which engine's backup the file at `path` is."""
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file") from None
    except OSError as exc:
        raise BackupError(f"{path}: cannot be read ({exc.strerror})") from None
    for kind, magic in MAGIC.items():
        if head.startswith(magic):
            return kind
    raise BackupError(
        f"{path} is not a backup: neither a SQLite database nor a pg_dump custom-format archive"
    )


def schema_revisions() -> tuple[set[str], str]:
    """Every Alembic revision this code knows, and the newest (head)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())  # type: ignore[arg-type]
    return {s.revision for s in script.walk_revisions()}, str(script.get_current_head())


def check_revision(path: Path, stamp: Stamp) -> None:
    """Refuse a backup of a schema this code does not know (written by a newer release)."""
    known, head = schema_revisions()
    if stamp.revision not in known:
        raise BackupError(
            f"{path} holds schema revision {stamp.revision!r}, which this code does not know "
            f"(its newest is {head!r}): the backup was written by a newer release; restore it "
            "with that release"
        )


def stamp_of(path: Path, revisions: list[str], data_versions: list[str]) -> Stamp:
    """The stamp from the rows of `alembic_version` and of the data version in a backup."""
    if len(revisions) != 1:
        raise BackupError(
            f"{path} is not a backup of this API: alembic_version holds "
            f"{len(revisions)} rows, not one"
        )
    return Stamp(revisions[0], int(data_versions[0]) if data_versions else 0)


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary file beside `path` that becomes `path` when the block succeeds, and is
    removed when it fails: `path` is only ever the old file or the whole new one."""
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        yield partial
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
