"""Voting analytics benchmark: agreement of one pair, and the whole matrix, on the whole record.

    python bench/agreement.py [--engines sqlite,postgresql] [--pg-database bench_agreement]
                              [--reuse] [--pairs 60]

Ours holds every UN General Assembly vote (../shared/refdata/undl/ga_voting_1946-2026.csv.gz,
848,241 votes on 5,572 resolutions), built as bench/cold.py builds it, and is served by one
uvicorn worker with the response cache off (RESPONSE_CACHE_ENTRIES=0), so every request
computes its answer; the vote matrix is built by a first request, as once per data version.

The peer is what a researcher writes without us: the same votes in a SQLite table (resolution,
country, vote, date) with indexes on (country, resolution) and (resolution, country), and one
self-join per pair computing the same counts and scores. It runs in this process, with no HTTP
in front of it; ours is timed over HTTP (a kept-alive connection), the whole request.

For each engine it prints:
1. one pair, all years: the median and p90 of `--pairs` different pairs (URLs that vary), ours
   and the peer's in one run, the ratio of the medians; every answer checked against the peer's;
2. the whole matrix (every pair of states that voted, all years) as JSON and as CSV: median of 5;
3. memory: the matrix's arrays (built here, in this process, from the same database) and the
   server's resident memory before and after the analytics (VmRSS, VmHWM).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import http.client
import json
import random
import re
import sqlite3
import statistics
import time
from pathlib import Path
from typing import Any

from builds import VOTE_ROWS, VOTES, WORK, serve_ours, stop, whole_record

PORT = 8743
PEER = WORK / "agreement" / "peer.db"
SELF_JOIN = """
SELECT count(*),
       coalesce(sum(a.vote IN ('Y', 'N') AND b.vote IN ('Y', 'N')), 0),
       coalesce(sum(a.vote = b.vote), 0),
       coalesce(sum((a.vote = 'Y' AND b.vote = 'N') OR (a.vote = 'N' AND b.vote = 'Y')), 0),
       avg(CASE WHEN a.vote = b.vote THEN 1.0
                WHEN a.vote = 'A' OR b.vote = 'A' THEN 0.5 ELSE 0.0 END),
       min(a.date), max(a.date)
  FROM votes AS a JOIN votes AS b ON b.resolution = a.resolution AND b.country = :b
 WHERE a.country = :a AND a.vote IN ('Y', 'N', 'A') AND b.vote IN ('Y', 'N', 'A')
"""


def build_peer(reuse: bool) -> sqlite3.Connection:
    """The peer's table of the same votes, indexed for a self-join."""
    if not (reuse and PEER.exists()):
        PEER.parent.mkdir(parents=True, exist_ok=True)
        PEER.unlink(missing_ok=True)
        db = sqlite3.connect(PEER)
        db.execute("CREATE TABLE votes (resolution TEXT, country TEXT, vote TEXT, date TEXT)")
        with gzip.open(VOTES, "rt", encoding="utf-8") as text:
            rows = (
                (r["resolution"], r["ms_code"], r["ms_vote"], r["date"])
                for r in csv.DictReader(text)
            )
            db.executemany("INSERT INTO votes VALUES (?, ?, ?, ?)", rows)
        db.execute("CREATE INDEX votes_country ON votes (country, resolution)")
        db.execute("CREATE INDEX votes_resolution ON votes (resolution, country)")
        db.execute("ANALYZE")
        db.commit()
        db.close()
    db = sqlite3.connect(PEER)
    (count,) = db.execute("SELECT count(*) FROM votes").fetchone()
    if count != VOTE_ROWS:
        raise SystemExit(f"peer: {count} votes, not {VOTE_ROWS}")
    return db


def peer_pair(db: sqlite3.Connection, a: str, b: str) -> dict[str, Any]:
    """The peer's answer for one pair, as ours writes it."""
    votes, yes_no, same, opposite, agree, first, last = db.execute(
        SELF_JOIN, {"a": a, "b": b}
    ).fetchone()
    return {
        "a": a,
        "b": b,
        "votes": votes,
        "votes_yes_no": yes_no,
        "same": same,
        "opposite": opposite,
        "agree": agree,
        "coincidence": (yes_no - opposite) / yes_no if yes_no else None,
        "first_date": first,
        "last_date": last,
    }


def pick_pairs(db: sqlite3.Connection, count: int) -> list[tuple[str, str]]:
    """`count` different pairs of the states that voted most (a fixed seed)."""
    states = [
        c
        for (c,) in db.execute("SELECT country FROM votes GROUP BY country HAVING count(*) > 2000")
    ]
    chosen: set[tuple[str, str]] = set()
    rng = random.Random(29)
    while len(chosen) < count:
        a, b = sorted(rng.sample(states, 2))
        chosen.add((a, b))
    return sorted(chosen)


def get(conn: http.client.HTTPConnection, path: str) -> tuple[float, bytes]:
    """Seconds and body of one GET on a kept-alive connection."""
    started = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    seconds = time.perf_counter() - started
    if response.status != 200:
        raise SystemExit(f"{path}: {response.status} {body[:300]!r}")
    return seconds, body


def close(x: float | None, y: float | None) -> bool:
    """The same score, but for the last bits of a mean summed in another order."""
    return x == y or (x is not None and y is not None and abs(x - y) < 1e-12)


def memory_mb(pid: int, field: str) -> float:
    """A /proc/<pid>/status figure in MB (VmRSS: now; VmHWM: the peak so far)."""
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(rf"^{field}:\s+(\d+) kB", status, re.M)
    return int(found.group(1)) / 1024 if found else float("nan")


def matrix_size(url: str) -> str:
    """The vote matrix built here from the database at `url`: its size and shape."""
    from sqlalchemy.orm import Session

    from app.analytics.matrix import build
    from app.config import Settings
    from app.db import make_engine
    from app.readmodel.model import build as build_model

    engine = make_engine(Settings(database_url=url))
    with Session(engine) as session:
        started = time.perf_counter()
        model = build_model(session, 0)
        middle = time.perf_counter()
        m = build(session.connection(), model)
        done = time.perf_counter()
    engine.dispose()
    return (
        f"matrix {len(m.countries)} countries x {len(m.symbols)} resolutions, "
        f"{m.nbytes / 1e6:.1f} MB of arrays, built in {done - middle:.2f} s "
        f"(read model {middle - started:.2f} s)"
    )


def measure(engine: str, url: str, peer: sqlite3.Connection, pairs: list[tuple[str, str]]) -> None:
    """Serve `url` without the response cache and time the pairs, the matrix, the memory."""
    server = serve_ours(url, PORT, cache=0)
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=600)
    try:
        pid = server.pid
        get(conn, "/v1/countries/USA")
        before = memory_mb(pid, "VmRSS")
        first, _ = get(conn, "/v1/agreement?countries=USA,FRA")
        print(
            f"{engine}: first analytics request (builds the vote matrix) {first:.2f} s; "
            f"server VmRSS {before:.0f} -> {memory_mb(pid, 'VmRSS'):.0f} MB",
            flush=True,
        )
        ours, theirs, wrong = [], [], 0
        for a, b in pairs:  # the first round checks every answer and warms both up
            (got,) = json.loads(get(conn, f"/v1/agreement?countries={a},{b}")[1])["pairs"]
            want = peer_pair(peer, a, b)
            scores = all(close(got[k], want[k]) for k in ("agree", "coincidence"))
            counts = all(got[k] == want[k] for k in want if k not in ("agree", "coincidence"))
            wrong += not (scores and counts)
        if wrong:
            raise SystemExit(f"{engine}: {wrong} pairs differ from the peer's")
        for a, b in pairs:  # then each side times every pair in turn
            ours.append(get(conn, f"/v1/agreement?countries={a},{b}")[0])
        for a, b in pairs:
            started = time.perf_counter()
            peer_pair(peer, a, b)
            theirs.append(time.perf_counter() - started)
        ours_median, peer_median = statistics.median(ours), statistics.median(theirs)
        print(
            f"  one pair, all years, {len(pairs)} pairs, timed after a checked round: ours (HTTP) "
            f"median "
            f"{ours_median * 1e3:.2f} ms, p90 {quantile(ours, 0.9) * 1e3:.2f} ms; SQLite "
            f"self-join median {peer_median * 1e3:.2f} ms, p90 {quantile(theirs, 0.9) * 1e3:.2f} "
            f"ms; ours {peer_median / ours_median:.1f}x faster; every answer equal to the peer's",
            flush=True,
        )
        for name, path in (("JSON", "/v1/agreement"), ("CSV", "/v1/agreement?format=csv")):
            times, size = [], 0
            for _ in range(5):
                seconds, body = get(conn, path)
                times.append(seconds)
                size = len(body)
            count = json.loads(body)["pairs"] if name == "JSON" else body.count(b"\n") - 1
            pairs_count = len(count) if isinstance(count, list) else count
            print(
                f"  whole matrix, {name}: {pairs_count:,} pairs, {size / 1e6:.1f} MB, median "
                f"{statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f})",
                flush=True,
            )
        wide, _ = get(conn, "/v1/agreement?format=csv&layout=wide")
        print(f"  whole matrix, wide CSV: {wide:.2f} s", flush=True)
        print(
            f"  server memory: VmRSS {memory_mb(pid, 'VmRSS'):.0f} MB, peak (VmHWM) "
            f"{memory_mb(pid, 'VmHWM'):.0f} MB",
            flush=True,
        )
    finally:
        conn.close()
        stop(server)
    print(f"  {matrix_size(url)}", flush=True)


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="sqlite,postgresql", help="sqlite,postgresql")
    parser.add_argument("--reuse", action="store_true", help="keep databases built before")
    parser.add_argument("--pg-database", default="bench_agreement")
    parser.add_argument("--pairs", type=int, default=60, help="different pairs timed")
    args = parser.parse_args()
    urls = whole_record("agreement", args.engines, args.pg_database, args.reuse)
    peer = build_peer(args.reuse)
    pairs = pick_pairs(peer, args.pairs)
    for engine, url in urls.items():
        measure(engine, url, peer, pairs)


if __name__ == "__main__":
    main()
