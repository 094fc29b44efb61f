"""Read benchmark: this API against Datasette on the same real data, same load, one run.

    python bench/read.py [--duration 10] [--connections 32] [--workers 2]

Both sides get the same data: the UN General Assembly votes on the mine-ban and cluster-munition
resolutions (../shared/refdata/undl/ga_voting_mine_cluster.csv) and the UN Treaty Collection
status pages (../shared/refdata/raw/untc_status_2026-02-03/). Ours is loaded through its own
importers into SQLite; Datasette serves the same files inserted with sqlite-utils (indexed,
immutable mode, no facet suggestions, no counts: its fastest settings). wrk drives each
question at a fixed concurrency for a fixed time; the script prints requests/s, p50 and p99
for each side and the ratio.

Questions: a country's vote history on one treaty, a resolution's per-country votes, and a
treaty's member list. Ours is measured twice: as configured (ETag-keyed response cache on) and
with the response cache off (every request runs its queries).

Needs wrk (Debian package `wrk`) and a separate virtual environment for the peer, which the
script creates under var/bench/ (datasette, sqlite-utils from PyPI).
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "refdata"
VOTES_CSV = SHARED / "undl" / "ga_voting_mine_cluster.csv"
UNTC_PAGES = sorted((SHARED / "raw" / "untc_status_2026-02-03").glob("*.html.gz"))
PARTICIPATION_CSV = SHARED / "treaty_participation_untc.csv"
WORK = ROOT / "var" / "bench"
PEER_VENV = WORK / "peer-venv"

QUESTIONS = [
    (
        "vote history (KGZ, Mine Ban Treaty)",
        "/v1/countries/KGZ/votes?treaty=mbt&limit=100",
        "/peer/votes.json?ms_code=KGZ&treaty=mbt&_size=100&_nocount=1",
    ),
    (
        "resolution votes (A/RES/73/61)",
        "/v1/resolutions/A/RES/73/61",
        "/peer/votes.json?resolution=A%2FRES%2F73%2F61&_size=200&_nocount=1",
    ),
    (
        "treaty members (Mine Ban Treaty)",
        "/v1/treaties/mbt/members?as_of=2026-02-03&limit=1000",
        "/peer/participation.json?treaty=APMBC&_size=max&_nocount=1",
    ),
]


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def run(*cmd: str | Path, env: dict[str, str] | None = None) -> None:
    subprocess.run(
        [str(c) for c in cmd],
        check=True,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def prepare_ours(db: Path) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    python = sys.executable
    run(python, "-m", "app", "migrate", env=env)
    run(python, "-m", "app", "load", env=env)
    run(python, "-m", "app", "import", "untc", *UNTC_PAGES, env=env)
    run(python, "-m", "app", "import", "undl", VOTES_CSV, env=env)
    return env


TREATY_OF_TITLE = [
    ("Implementation of the Convention on Cluster Munitions", "ccm"),
    ("Implementation of the Convention on the Prohibition of the Use", "mbt"),
    ("Convention on the Prohibition of the Use", "mbt"),
    ("An international agreement to ban anti-personnel landmines", "mbt"),
    ("Banning anti-personnel landmines", "mbt"),
]


def prepare_peer(db: Path) -> Path:
    if not (PEER_VENV / "bin" / "datasette").exists():
        run(sys.executable, "-m", "venv", PEER_VENV)
        run(
            PEER_VENV / "bin" / "pip", "install", "--quiet", "datasette>=0.64", "sqlite-utils>=3.36"
        )
    utils = PEER_VENV / "bin" / "sqlite-utils"
    run(utils, "insert", db, "votes", VOTES_CSV, "--csv")  # 4.x detects column types
    run(utils, "insert", db, "participation", PARTICIPATION_CSV, "--csv")
    with sqlite3.connect(db) as conn:
        conn.execute("ALTER TABLE votes ADD COLUMN treaty TEXT")
        for prefix, slug in TREATY_OF_TITLE:
            conn.execute(
                "UPDATE votes SET treaty = ? WHERE treaty IS NULL AND title LIKE ?",
                (slug, prefix + "%"),
            )
    for table, column in [
        ("votes", "ms_code"),
        ("votes", "resolution"),
        ("participation", "treaty"),
    ]:
        run(utils, "create-index", db, table, column)
    return PEER_VENV / "bin" / "datasette"


def wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server at {url} did not become ready")


def wrk(url: str, duration: int, connections: int) -> Result:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout

    def latency(pct: str) -> float:
        match = re.search(rf"^\s*{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if match is None:
            raise SystemExit(f"no {pct}% latency in wrk output:\n{out}")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    count = int(errors.group(1)) if errors else 0
    count += sum(int(g) for g in sockets.groups()) if sockets else 0
    return Result(rps, latency("50"), latency("99"), count)


def serve(cmd: list[str | Path], env: dict[str, str], ready: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [str(c) for c in cmd],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_ready(ready)
    return proc


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    proc.wait(timeout=20)


def measure(base: str, paths: list[str], duration: int, connections: int) -> list[Result]:
    results = []
    for path in paths:
        with urllib.request.urlopen(base + path, timeout=10) as response:  # check it answers 200
            assert response.status == 200, path
        wrk(base + path, 2, connections)  # warm-up: every worker has served it once
        results.append(wrk(base + path, duration, connections))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per question and side")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    if not VOTES_CSV.exists():
        raise SystemExit(f"missing {VOTES_CSV}: ../shared/refdata must be beside the project")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    shutil.rmtree(WORK / "data", ignore_errors=True)
    (WORK / "data").mkdir(parents=True)
    ours_db, peer_db = WORK / "data" / "ours.db", WORK / "data" / "peer.db"
    print("preparing both databases from ../shared/refdata …", flush=True)
    env = prepare_ours(ours_db)
    datasette = prepare_peer(peer_db)

    ours_port, peer_port = 8701, 8702
    ours_cmd: list[str | Path] = [
        sys.executable,
        "-m",
        "app",
        "serve",
        "--port",
        str(ours_port),
        "--workers",
        str(args.workers),
    ]
    rows: dict[str, list[Result]] = {}
    for label, cache in (("ours", "1024"), ("ours, no response cache", "0")):
        proc = serve(
            ours_cmd,
            {**env, "RESPONSE_CACHE_ENTRIES": cache},
            f"http://127.0.0.1:{ours_port}/healthz",
        )
        try:
            rows[label] = measure(
                f"http://127.0.0.1:{ours_port}",
                [q[1] for q in QUESTIONS],
                args.duration,
                args.connections,
            )
        finally:
            stop(proc)
    peer_cmd: list[str | Path] = [
        datasette,
        "serve",
        "-i",
        peer_db,
        "-p",
        str(peer_port),
        "--setting",
        "max_returned_rows",
        "1000",
    ]
    proc = serve(peer_cmd, dict(os.environ), f"http://127.0.0.1:{peer_port}/peer.json")
    try:
        rows["datasette"] = measure(
            f"http://127.0.0.1:{peer_port}",
            [q[2] for q in QUESTIONS],
            args.duration,
            args.connections,
        )
    finally:
        stop(proc)

    print(
        f"\n{args.connections} connections, {args.duration} s per question, "
        f"ours with {args.workers} uvicorn worker(s), Datasette 1 process (immutable)\n"
    )
    header = f"{'question':<38} {'side':<26} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}"
    print(header)
    print("-" * len(header))
    for i, (question, _, _) in enumerate(QUESTIONS):
        peer = rows["datasette"][i]
        for side, results in rows.items():
            r = results[i]
            ratio = "" if side == "datasette" else f"  {r.rps / peer.rps:5.1f}x Datasette"
            print(
                f"{question:<38} {side:<26} {r.rps:9.0f} {r.p50_ms:8.2f} {r.p99_ms:8.2f} "
                f"{r.errors:6d}{ratio}"
            )
    with open(WORK / "read-results.csv", "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["question", "side", "rps", "p50_ms", "p99_ms", "errors"])
        for i, (question, _, _) in enumerate(QUESTIONS):
            for side, results in rows.items():
                r = results[i]
                writer.writerow([question, side, f"{r.rps:.1f}", r.p50_ms, r.p99_ms, r.errors])


if __name__ == "__main__":
    main()
