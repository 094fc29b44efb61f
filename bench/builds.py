"""Benchmark databases: ours (SQLite or PostgreSQL) and Datasette's, built once and kept.

Each build is recorded in var/bench/built.json (what was built, from which file, how long the
vote import took and its peak RSS), so `--reuse` can skip rebuilding a database that exists.
Servers are started and stopped here too.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
REFDATA = ROOT.parent / "shared" / "refdata"
VOTES = REFDATA / "undl" / "ga_voting_1946-2026.csv.gz"
VOTE_ROWS = 848_241
PAGES = sorted((REFDATA / "raw" / "untc_status_2026-02-03").glob("*.html.gz"))
PARTICIPATION = REFDATA / "treaty_participation_untc.csv"
WORK = ROOT / "var" / "bench"
MARKER = WORK / "built.json"
PEER_VENV = WORK / "peer-venv"
ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
ENGINES = ("sqlite", "postgresql")


@dataclass
class Step:
    """One command run to completion: wall seconds, and peak RSS of its largest process
    (from wait4) and of all its processes together (sampled every 0.1 s)."""

    seconds: float
    rss_mb: float
    tree_rss_mb: float


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants (0 once it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0
    found = re.search(r"VmRSS:\s+(\d+)", status)
    return (int(found.group(1)) if found else 0) + sum(tree_rss_kb(int(c)) for c in children)


def timed(cmd: list[str | Path], env: dict[str, str] | None = None) -> Step:
    """Run a command from the project root; fail loudly (with its stderr) on a non-zero exit."""
    started = time.perf_counter()
    peak = 0
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [str(c) for c in cmd], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err
        )
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, tree_rss_kb(proc.pid))
            time.sleep(0.1)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            message = err.read().decode(errors="replace")[-4000:]
            raise SystemExit(f"{' '.join(map(str, cmd))} exited {proc.returncode}:\n{message}")
    return Step(seconds, usage.ru_maxrss / 1024, peak / 1024)


def app_env(url: str, **more: str) -> dict[str, str]:
    """The environment ours runs in: this checkout's code, the given database."""
    return {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": url, **more}


def read_marker() -> dict[str, Any]:
    return json.loads(MARKER.read_text()) if MARKER.exists() else {}


def write_marker(key: str, entry: dict[str, Any]) -> None:
    built = read_marker()
    built[key] = entry
    WORK.mkdir(parents=True, exist_ok=True)
    MARKER.write_text(json.dumps(built, indent=2) + "\n")


def pg_url(name: str, admin_url: str = ADMIN_URL) -> str:
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def pg_exists(name: str, admin_url: str = ADMIN_URL) -> bool:
    engine = create_engine(admin_url)
    with engine.connect() as conn:
        found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        exists = found.first() is not None
    engine.dispose()
    return exists


def pg_fresh(name: str, admin_url: str = ADMIN_URL) -> str:
    """Drop and create the PostgreSQL database `name`; its URL."""
    if name in ("test", "postgres"):
        raise SystemExit(f"refusing to recreate the database {name!r}")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return pg_url(name, admin_url)


def reusable(key: str, votes: Path, url: str | None = None) -> dict[str, Any] | None:
    """The marker entry of a database built before from `votes` (at `url`), if any."""
    entry: dict[str, Any] | None = read_marker().get(key)
    if entry is None or entry.get("votes") != str(votes):
        return None
    if url is not None and make_url(entry["url"]).database != make_url(url).database:
        return None
    return entry


def build_ours(key: str, url: str, votes: Path, rows: int, reuse: bool) -> dict[str, Any]:
    """Migrate, load data/, import the UNTC pages and every vote of `votes` (unless reused).

    `url` names an empty database, or with `reuse` the one built before. Returns the marker
    entry, with the seconds and peak RSS of each step.
    """
    env = app_env(url)
    python = sys.executable
    entry = reusable(key, votes, url)
    if reuse and entry is not None:
        try:
            timed([python, "-m", "app", "migrate"], env)  # a newer migration, if any
        except SystemExit as exc:
            raise SystemExit(
                f"{key}: the kept database cannot be migrated by this checkout (built by "
                f"another, newer one?); run without --reuse to rebuild it.\n{exc}"
            ) from None
        print(f"  {key}: reusing the database built {entry['built_at']}", flush=True)
        return entry
    print(f"  {key}: building from {votes.name} …", flush=True)
    steps = {
        "migrate": timed([python, "-m", "app", "migrate"], env),
        "load": timed([python, "-m", "app", "load"], env),
        "untc": timed([python, "-m", "app", "import", "untc", *PAGES], env),
        "undl": timed([python, "-m", "app", "import", "undl", "--all", votes], env),
    }
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    entry = {
        "url": make_url(url).render_as_string(hide_password=True),
        "votes": str(votes),
        "rows": rows,
        "commit": commit,
        "built_at": time.strftime("%Y-%m-%d %H:%M:%S"),
        "steps": {name: asdict(step) for name, step in steps.items()},
    }
    write_marker(key, entry)
    print(f"  {key}: {import_line(entry)}", flush=True)
    return entry


def import_line(entry: dict[str, Any]) -> str:
    """`import undl --all` of a build: rows, seconds, rows/s, peak RSS."""
    undl, rows = entry["steps"]["undl"], entry["rows"]
    return (
        f"import undl --all {rows:,} rows in {undl['seconds']:.1f} s "
        f"({rows / undl['seconds']:,.0f} rows/s), peak RSS {undl['rss_mb']:.0f} MB "
        f"(largest process), {undl['tree_rss_mb']:.0f} MB (all its processes)"
    )


def build_sqlite(key: str, db: Path, votes: Path, rows: int, reuse: bool) -> str:
    """Ours on a SQLite file under var/bench/; its URL."""
    url = f"sqlite:///{db}"
    keep = reuse and db.exists() and reusable(key, votes, url) is not None
    if not keep:
        for leftover in db.parent.glob(db.name + "*"):
            leftover.unlink()
        db.parent.mkdir(parents=True, exist_ok=True)
    build_ours(key, url, votes, rows, keep)
    return url


def build_postgres(
    key: str, name: str, votes: Path, rows: int, reuse: bool, admin_url: str = ADMIN_URL
) -> str:
    """Ours on the PostgreSQL database `name` (created afresh unless reused); its URL.

    Ends with VACUUM ANALYZE, as autovacuum would do soon after an import: without it (and
    autovacuum is off on some servers) the planner has no statistics on the new rows.
    """
    url = pg_url(name, admin_url)
    keep = reuse and reusable(key, votes, url) is not None and pg_exists(name, admin_url)
    if not keep:
        pg_fresh(name, admin_url)
    build_ours(key, url, votes, rows, keep)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        autovacuum = conn.execute(text("SHOW autovacuum")).scalar()
        started = time.perf_counter()
        conn.execute(text("VACUUM (ANALYZE)"))
    engine.dispose()
    print(
        f"  {key}: VACUUM (ANALYZE) in {time.perf_counter() - started:.1f} s "
        f"(autovacuum is {autovacuum} on this server)",
        flush=True,
    )
    return url


def peer_tool(name: str) -> Path:
    """A command of the peer's virtual environment (Datasette 0.65, sqlite-utils)."""
    if not (PEER_VENV / "bin" / "datasette").exists():
        subprocess.run([sys.executable, "-m", "venv", PEER_VENV], check=True)
        pip = [str(PEER_VENV / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, "datasette==0.65.*", "sqlite-utils>=3.36"], check=True)
    return PEER_VENV / "bin" / name


def whole_record(name: str, engines: str, pg_database: str, reuse: bool) -> dict[str, str]:
    """Ours holding every vote of the whole record on each engine of `engines` (a comma list
    of sqlite and postgresql): a SQLite file under var/bench/NAME/, the PostgreSQL database
    `pg_database`; each built afresh unless `reuse`. Their URLs, by engine."""
    asked = [e for e in engines.split(",") if e]
    if unknown := [e for e in asked if e not in ENGINES]:
        raise SystemExit(f"unknown engines: {', '.join(unknown)}")
    if not VOTES.exists():
        raise SystemExit(f"missing {VOTES}: ../shared/refdata must be beside the project")
    print("building the databases (kept under var/bench/; --reuse skips this) …", flush=True)
    urls = {}
    for engine in asked:
        key = f"{name}-{engine}"
        if engine == "sqlite":
            urls[engine] = build_sqlite(key, WORK / name / "ours.db", VOTES, VOTE_ROWS, reuse)
        else:
            urls[engine] = build_postgres(key, pg_database, VOTES, VOTE_ROWS, reuse)
    return urls


def build_peer(db: Path, reuse: bool) -> Path:
    """Datasette's database: every vote and the UNTC participation table, indexed."""
    entry = read_marker().get("peer")
    if reuse and db.exists() and entry is not None:
        print(f"  peer: reusing the database built {entry['built_at']}", flush=True)
        return db
    print("  peer: building (sqlite-utils insert --csv) …", flush=True)
    db.unlink(missing_ok=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    utils = peer_tool("sqlite-utils")
    with tempfile.NamedTemporaryFile(suffix=".csv", dir=WORK) as plain:
        with gzip.open(VOTES) as packed:
            shutil.copyfileobj(packed, plain)
        plain.flush()
        insert = timed([utils, "insert", db, "votes", plain.name, "--csv"])
    timed([utils, "insert", db, "participation", PARTICIPATION, "--csv"])
    for table, *columns in [
        ("votes", "ms_code", "date"),
        ("votes", "resolution"),
        ("participation", "treaty", "country_iso3"),
    ]:
        timed([utils, "create-index", db, table, *columns])
    write_marker(
        "peer",
        {"votes": str(VOTES), "built_at": time.strftime("%Y-%m-%d %H:%M:%S"), **asdict(insert)},
    )
    return db


def peer_symbol(db: Path, symbol: str) -> str:
    """The symbol as the vote file spells it (`A/RES/51/45S` for our `A/RES/51/45 S`)."""
    with sqlite3.connect(db) as conn:
        for spelling in (symbol, symbol.replace(" ", "")):
            if conn.execute("SELECT 1 FROM votes WHERE resolution = ?", (spelling,)).fetchone():
                return spelling
    raise SystemExit(f"{symbol} is not in the peer's votes")


def wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited ({proc.returncode}) before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server at {url} did not become ready")


def serve(cmd: list[str | Path], env: dict[str, str], ready: str) -> subprocess.Popen[bytes]:
    """Start a server and wait until `ready` answers 200; refuse a port already in use (the
    readiness check would be answered by that other server)."""
    port = urlsplit(ready).port
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port or 80)) == 0:
            raise SystemExit(f"port {port} is in use: is another benchmark running?")
    proc = subprocess.Popen(
        [str(c) for c in cmd],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_ready(ready, proc)
    return proc


def serve_ours(
    url: str, port: int, cache: int | None, workers: int = 1, **env_vars: str
) -> subprocess.Popen[bytes]:
    """Ours on `url` with `cache` response-cache entries (0: every request runs its queries;
    None: as configured)."""
    env = app_env(url, LOG_LEVEL="WARNING", **env_vars)
    if cache is not None:
        env["RESPONSE_CACHE_ENTRIES"] = str(cache)
    cmd: list[str | Path] = [sys.executable, "-m", "app", "serve", "--port", str(port)]
    return serve([*cmd, "--workers", str(workers)], env, f"http://127.0.0.1:{port}/readyz")


def serve_peer(db: Path, port: int) -> subprocess.Popen[bytes]:
    """Datasette in immutable mode, without facet suggestions, up to 1000 rows a page."""
    cmd: list[str | Path] = [peer_tool("datasette"), "serve", "-i", db, "-p", str(port)]
    cmd += ["--setting", "max_returned_rows", "1000", "--setting", "suggest_facets", "off"]
    return serve(cmd, dict(os.environ), f"http://127.0.0.1:{port}/{db.stem}.json")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
