"""write the whole record as a Frictionless Data Package: `python -m app export package DIR`.

One CSV per resource and `datapackage.json` (Table Schemas, sources, licences, row counts,
sizes, SHA-256), all read in one transaction, so the files and the descriptor are of one
data version.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app import dataversion
from app.bulk import descriptor
from app.bulk.package import describe
from app.bulk.rows import Digest, chunks, tallied
from app.bulk.tables import TABLES
from app.config import Settings
from app.db import make_engine

DESCRIPTOR = "datapackage.json"


@contextmanager
def snapshot(engine: Engine) -> Iterator[Session]:
    """A read-only session that sees one state of the database throughout (PostgreSQL:
    repeatable read; SQLite: its transaction's own snapshot)."""
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with engine.connect().execution_options(**options) as conn, Session(bind=conn) as session:
        try:
            yield session
        finally:
            session.rollback()


def write(session: Session, folder: Path) -> tuple[descriptor.DataPackage, list[Path]]:
    """Write every resource's CSV and the descriptor into `folder`; the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    digests: dict[str, Digest] = {}
    written = []
    for table in TABLES:
        path = folder / table.file
        with path.open("wb") as out:
            for data in tallied(chunks(session, table), partial(digests.__setitem__, table.name)):
                out.write(data)
        written.append(path)
    package = describe(session, dataversion.current(session), digests, lambda t: t.file)
    (folder / DESCRIPTOR).write_bytes(descriptor.to_json(package, indent=True))
    return package, [*written, folder / DESCRIPTOR]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`python -m app export package DIR`."""
    parser.add_argument("folder", type=Path, metavar="DIR", help="folder to write the package to")


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Write the package; print each resource's rows and the files written."""
    engine = make_engine(settings)
    try:
        with snapshot(engine) as session:
            package, written = write(session, args.folder)
    finally:
        engine.dispose()
    for resource in package.resources:
        print(f"{resource.name:<15} {resource.rows:>9} rows {resource.bytes:>11} bytes")
    for path in written:
        print(f"wrote {path}")
    print(f"data package written (data version {package.data_version})")
    return 0
