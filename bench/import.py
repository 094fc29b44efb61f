"""Benchmark: `python -m app import undl --all` against `sqlite-utils insert --csv`.

Imports ../shared/refdata/undl/ga_voting_1946-2026.csv.gz (848,241 votes) into a fresh SQLite
database (from the decompressed .csv that sqlite-utils reads, and from the .csv.gz) and into a
scratch PostgreSQL database (created and dropped here), and times sqlite-utils on the same,
decompressed, file. Each run is a separate process, timed wall-clock
from start to exit; its peak RSS comes from wait4. Run with `.venv/bin/python bench/import.py`
(installs sqlite-utils into the venv when missing). PostgreSQL: BENCH_PG_URL, default
postgresql+psycopg://postgres@127.0.0.1:5432/postgres (a server where you may create databases).
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "refdata" / "undl" / "ga_voting_1946-2026.csv.gz"
ROWS = 848_241
BIN = Path(sys.executable).parent


def timed(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run a command; (wall seconds, peak RSS in MB, stdout). Fails loudly on a non-zero exit."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        args, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} exited {proc.returncode}:\n{out}")
    return seconds, usage.ru_maxrss / 1024, out


def prepare(url: str) -> None:
    """Migrate and load the curated data (countries, treaties) into an empty database."""
    for step in (["migrate"], ["load"]):
        subprocess.run(
            [sys.executable, "-m", "app", *step],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url},
            check=True,
            stdout=subprocess.DEVNULL,
        )


def ours(url: str, data: Path = DATA) -> tuple[float, float, str]:
    prepare(url)
    return timed(
        [sys.executable, "-m", "app", "import", "undl", "--all", str(data)], {"DATABASE_URL": url}
    )


def ours_postgres() -> tuple[float, float, str]:
    admin_url = make_url(
        os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    )
    name = f"bench_undl_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        return ours(admin_url.set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def sqlite_utils() -> Path:
    exe = BIN / "sqlite-utils"
    if not exe.exists():
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "sqlite-utils>=3.36"], check=True
        )
    return exe


def main() -> None:
    if not DATA.is_file():
        raise SystemExit(f"{DATA} is missing (../shared/refdata)")
    peer = sqlite_utils()
    version = subprocess.run([peer, "--version"], capture_output=True, text=True, check=True)
    results: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench-undl-") as tmp:
        csv_path = Path(tmp) / "ga_voting_1946-2026.csv"
        with gzip.open(DATA, "rb") as src, csv_path.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        seconds, rss, out = ours(f"sqlite:///{tmp}/ours.db", csv_path)
        results.append(("ours, SQLite (--all, the same .csv)", seconds, rss))
        print(out)
        seconds, rss, out = ours(f"sqlite:///{tmp}/ours_gz.db")
        results.append(("ours, SQLite (--all, from .csv.gz)", seconds, rss))
        seconds, rss, out = ours_postgres()
        results.append(("ours, PostgreSQL (--all, from .csv.gz)", seconds, rss))
        print(out)
        seconds, rss, _ = timed(
            [str(peer), "insert", f"{tmp}/peer.db", "votes", str(csv_path), "--csv"]
        )
        results.append(("sqlite-utils insert --csv", seconds, rss))
        seconds, rss, _ = timed(
            [str(peer), "insert", f"{tmp}/peer2.db", "votes", str(csv_path), "--csv",
             "--no-detect-types"]
        )  # fmt: skip
        results.append(("sqlite-utils insert --csv --no-detect-types", seconds, rss))
    print(f"{ROWS:,} rows; {version.stdout.strip()}; {os.cpu_count()} CPUs")
    print(f"{'run':<45} {'seconds':>8} {'rows/s':>9} {'peak RSS':>9}")
    for label, seconds, rss in results:
        print(f"{label:<45} {seconds:>8.2f} {ROWS / seconds:>9,.0f} {rss:>6.0f} MB")
    ours_sqlite, ours_gz, ours_pg, peer_default, peer_text = (ROWS / s for _, s, _ in results)
    print(f"ours SQLite / sqlite-utils (same .csv):       {ours_sqlite / peer_default:.1f}x")
    print(f"ours SQLite from .csv.gz / sqlite-utils:      {ours_gz / peer_default:.1f}x")
    print(f"ours SQLite / sqlite-utils --no-detect-types: {ours_sqlite / peer_text:.1f}x")
    print(f"ours PostgreSQL (.csv.gz) / sqlite-utils:     {ours_pg / peer_default:.1f}x")


if __name__ == "__main__":
    main()
