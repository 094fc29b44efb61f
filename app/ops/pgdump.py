"""PostgreSQL backups and restores with the client tools: `pg_dump` in custom format (one
consistent snapshot; writers go on), `pg_restore` in one transaction."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from app.dataversion import KEY
from app.ops.archive import (
    BackupError,
    Stamp,
    check_revision,
    mismatch,
    replacing,
    stamp_of,
)

#: A COPY block's header in a pg_restore script: table and columns.
COPY = re.compile(r"COPY (?:\S+\.)?\"?(\w+)\"? \(([^)]*)\) FROM stdin;")
#: The relations of a database's own schemas (an empty database has none).
RELATIONS = text(
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
    "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%' "
    "ORDER BY c.relname"
)


def tool(name: str) -> str:
    """The path of a PostgreSQL client program, or an error naming it."""
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} not found on PATH: install the PostgreSQL client tools (Debian: "
            "postgresql-client), of the server's major version or newer"
        )
    return found


def _call(args: list[str], url: URL | None = None) -> str:
    """Run a client program (the password, if any, in its environment); its output."""
    env = dict(os.environ)
    if url is not None and url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    done = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        name = Path(args[0]).name
        raise BackupError(f"{name} failed (exit {done.returncode}): {done.stderr.strip()}")
    return done.stdout


def conninfo(url: URL) -> str:
    """The libpq URI of a SQLAlchemy URL, without its password."""
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def copied_rows(script: str) -> dict[str, list[dict[str, str]]]:
    """The rows of each COPY block of a pg_restore SQL script, by table."""
    tables: dict[str, list[dict[str, str]]] = {}
    table, columns = None, [""]
    for line in script.splitlines():
        if table is None:
            header = COPY.fullmatch(line)
            if header:
                table, columns = header[1], [c.strip().strip('"') for c in header[2].split(",")]
                tables[table] = []
        elif line == "\\.":
            table = None
        else:
            tables[table].append(dict(zip(columns, line.split("\t"), strict=False)))
    return tables


def read_stamp(path: Path, shown: Path | None = None) -> Stamp:
    """The stamp a pg_dump archive records, once pg_restore reads its table of contents
    (`shown`: its name in errors, when `path` is a temporary file)."""
    name = shown or path
    pg_restore = tool("pg_restore")
    try:
        listing = _call([pg_restore, "--list", str(path)])
    except BackupError as exc:
        raise BackupError(f"{name} is not a readable pg_dump archive: {exc}") from None
    if not re.search(r"TABLE DATA \S+ alembic_version ", listing):
        raise BackupError(f"{name} is a pg_dump archive but not a backup of this API")
    tables = ["--table=alembic_version", "--table=meta"]
    script = _call([pg_restore, "--data-only", *tables, "--file=-", str(path)])
    rows = copied_rows(script)
    revisions = [r["version_num"] for r in rows.get("alembic_version", [])]
    values = [r["value"] for r in rows.get("meta", []) if r["key"] == KEY]
    return stamp_of(name, revisions, values)


def backup(url: URL, target: Path) -> Stamp:
    """Dump the database at `url` to the file `target` (replaced only once the archive reads
    back whole)."""
    pg_dump, pg_restore = tool("pg_dump"), tool("pg_restore")
    with replacing(target) as partial:
        _call([pg_dump, "--format=custom", f"--file={partial}", f"--dbname={conninfo(url)}"], url)
        stamp = read_stamp(partial, shown=target)
        try:  # every entry reads back, data included
            _call([pg_restore, f"--file={os.devnull}", str(partial)])
        except BackupError as exc:
            raise BackupError(f"{target} does not read back: {exc}") from None
        return stamp


def relations(engine: Engine) -> list[str]:
    """The tables, views, indexes and sequences of the database's own schemas."""
    with engine.connect() as conn:
        return list(conn.scalars(RELATIONS))


def restore(path: Path, url: URL, engine: Engine) -> Stamp:
    """Restore the archive at `path` into the empty database at `url`, in one transaction."""
    pg_restore = tool("pg_restore")
    stamp = read_stamp(path)
    check_revision(path, stamp)
    found = relations(engine)
    if found:
        raise BackupError(
            f"the database {url.database} is not empty ({len(found)} relations, e.g. "
            f"{', '.join(found[:3])}): restore into a new database (createdb)"
        )
    whole = ["--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges"]
    _call([pg_restore, *whole, f"--dbname={conninfo(url)}", str(path)], url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
        revision = conn.scalar(text("SELECT version_num FROM alembic_version"))
        value = conn.scalar(text('SELECT value FROM meta WHERE "key" = :key'), {"key": KEY})
    restored = Stamp(str(revision), int(value) if value is not None else 0)
    if restored != stamp:
        raise mismatch(restored, stamp)
    return stamp
