"""`python -m app restore FILE`: restore a backup into an empty database of its engine.

The file is checked first (a backup of this API, of a schema revision this code knows) and
the database must be empty; the restore then runs in one transaction. After it, the data
version, the change feed and every ETag are those of the database that was backed up.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from app.config import Settings
from app.db import make_engine
from app.ops import pgdump, sqlitefile
from app.ops.archive import BackupError, Stamp, kind_of, schema_revisions
from app.ops.backup import sqlite_path

#: How an engine is named to an operator.
ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of `restore`."""
    parser.add_argument("file", type=Path, help="a file written by `backup`")


def restore(settings: Settings, path: Path) -> Stamp:
    """Restore the backup at `path` into the configured (empty) database."""
    url = make_url(settings.database_url)
    kind, backend = kind_of(path), url.get_backend_name()
    if kind != backend:
        raise BackupError(
            f"{path} is a {ENGINES[kind]} backup and DATABASE_URL a "
            f"{ENGINES.get(backend, backend)} database: restore it into a {ENGINES[kind]} database"
        )
    if kind == "sqlite":
        return sqlitefile.restore(path, sqlite_path(url))
    engine = make_engine(settings)
    try:
        return pgdump.restore(path, url, engine)
    finally:
        engine.dispose()


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Restore and say what the database now holds."""
    try:
        stamp = restore(settings, args.file)
    except BackupError as exc:
        outcome = "restore failed" if exc.written else "restore refused, nothing was written"
        print(f"{outcome}: {exc}", file=sys.stderr)
        return 1
    except (OSError, SQLAlchemyError) as exc:
        print(f"restore failed: {exc}", file=sys.stderr)
        return 1
    shown = make_url(settings.database_url).render_as_string(hide_password=True)
    print(f"restored {args.file} into {shown} ({stamp})")
    head = schema_revisions()[1]
    if stamp.revision != head:
        print(f"the schema is at {stamp.revision}, older than {head}: run `python -m app migrate`")
    return 0
