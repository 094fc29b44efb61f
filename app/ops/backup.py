"""`python -m app backup FILE`: a backup of the whole database, safe while the server runs.

SQLite: an online backup (one snapshot; writers are not blocked). PostgreSQL: `pg_dump` in
custom format. Either way the file is written beside FILE and replaces it only once it reads
back, recording the schema revision and data version it holds.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from app.config import Settings
from app.ops import pgdump, sqlitefile
from app.ops.archive import BackupError, Stamp


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of `backup`."""
    parser.add_argument("file", type=Path, help="the backup file to write (replaced if present)")


def sqlite_path(url: URL) -> Path:
    """The file of a SQLite URL (an in-memory database has none to copy)."""
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(url.database)


def backup(settings: Settings, target: Path) -> Stamp:
    """Back up the configured database to `target`."""
    if target.is_dir():
        raise BackupError(f"{target} is a directory; name the backup file")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a directory")
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        return sqlitefile.backup(sqlite_path(url), target)
    return pgdump.backup(url, target)


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Write the backup and say what it holds."""
    try:
        stamp = backup(settings, args.file)
    except (BackupError, OSError) as exc:
        print(f"backup failed, nothing was written: {exc}", file=sys.stderr)
        return 1
    size = args.file.stat().st_size
    print(f"backup written: {args.file} ({stamp}, {size:,} bytes)")
    return 0
