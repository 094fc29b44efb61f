"""Uncached read benchmark: every request a different URL, ours without its response cache.

    python bench/cold.py [--engines sqlite,postgresql] [--duration 15] [--connections 32]
                         [--questions country-votes,members-on-date] [--reuse] [--also-cached]

Both sides hold every UN General Assembly vote (../shared/refdata/undl/ga_voting_1946-2026.csv.gz,
848,241 rows). Ours: `migrate`, `load`, `import untc` of the seven UNTC pages and
`import undl --all`, into a SQLite file under var/bench/cold/ and into the PostgreSQL database
`bench_cold` (`--pg-database`: another name, e.g. for a second checkout); served by ONE uvicorn
worker with RESPONSE_CACHE_ENTRIES=0, so every request runs its queries. Peer: Datasette 0.65
in immutable mode on the same votes and the UNTC participation table, inserted with
sqlite-utils and indexed (a virtual environment under var/bench/).

wrk (1 thread, 32 connections) draws every request's page size, date or symbol at random in a
Lua script, so no two consecutive requests need be the same URL; every pattern is first checked
with plain GETs (200 with rows), warmed up for 2 s, then measured once the machine is idle
(`--quiet-wait`): the CPU other processes used during a measurement is reported, and a
disturbed measurement is taken again. A non-2xx answer counts as an error. Prints one table
(flags: p99 over 50 ms, ours under 3x Datasette) and writes var/bench/cold-results.csv. The
databases are kept: `--reuse` skips rebuilding those built before (var/bench/built.json says
what was built). `--also-cached` also measures ours with the response cache on (1024
entries), one fixed URL per question.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import quote

from builds import (
    ROOT,
    VOTE_ROWS,
    VOTES,
    WORK,
    build_peer,
    build_postgres,
    build_sqlite,
    peer_symbol,
    serve_ours,
    serve_peer,
    stop,
)
from wrkmix import Choice, DayRange, IntRange, Pattern, Result, check, run_wrk, wait_quiet

PORT = 8721  # ours; Datasette on the next one
ENGINES = {"sqlite": "ours SQLite", "postgresql": "ours PostgreSQL"}
SLOW_P99_MS, MIN_RATIO, BUSY_CORES = 50.0, 3.0, 0.25
MBT_DAYS = DayRange(date(1997, 12, 3), date(2026, 2, 3))


@dataclass(frozen=True)
class Question:
    """One question, asked of ours and of Datasette by URL patterns."""

    key: str
    label: str
    ours: Pattern
    peer: Pattern


def questions(symbols: Sequence[str], peer_db: Path | None = None) -> list[Question]:
    """The questions; `symbols` are the treaty-linked resolutions (spelt as ours does)."""
    ours_symbols = Choice(tuple(quote(s, safe="/") for s in symbols))
    spelt = [peer_symbol(peer_db, s) for s in symbols] if peer_db else list(symbols)
    peer_symbols = Choice(tuple(quote(s, safe="") for s in spelt))
    return [
        Question(
            "country-votes",
            "country votes page",
            Pattern("/v1/countries/KGZ/votes?limit={n}", {"n": IntRange(40, 60)}),
            Pattern(
                "/peer/votes.json?ms_code=KGZ&_sort=date&_size={n}&_nocount=1",
                {"n": IntRange(40, 60)},
            ),
        ),
        Question(
            "resolution-votes",
            "resolution with voter statuses",
            Pattern("/v1/resolutions/A/RES/73/61/votes?limit={n}", {"n": IntRange(170, 200)}),
            Pattern(
                "/peer/votes.json?resolution=A%2FRES%2F73%2F61&_size={n}&_nocount=1",
                {"n": IntRange(170, 200)},
            ),
        ),
        Question(
            "resolution-detail",
            "resolution detail",
            Pattern("/v1/resolutions/{s}", {"s": ours_symbols}),
            Pattern("/peer/votes.json?resolution={s}&_size=200&_nocount=1", {"s": peer_symbols}),
        ),
        Question(
            "votes-since-2000",
            "votes since 2000",
            Pattern("/v1/countries/USA/votes?from=2000&limit={n}", {"n": IntRange(180, 200)}),
            Pattern(
                "/peer/votes.json?ms_code=USA&date__gte=2000-01-01&_sort=date&_size={n}&_nocount=1",
                {"n": IntRange(180, 200)},
            ),
        ),
        Question(
            "members-on-date",
            "members on a date",
            Pattern("/v1/treaties/mbt/members?as_of={d}&limit=1000", {"d": MBT_DAYS}),
            Pattern(
                "/peer/participation.json?treaty=APMBC&_size=max&_nocount=1"
                "&ratification_date__lte={d}",
                {"d": MBT_DAYS},
            ),
        ),
        Question(
            "status-on-date",
            "status on a date",
            Pattern("/v1/countries/FRA/treaties/mbt?as_of={d}", {"d": MBT_DAYS}),
            Pattern(
                "/peer/participation.json?treaty=APMBC&country_iso3=FRA&_nocount=1"
                "&signature_date__lte={d}",
                {"d": MBT_DAYS},
            ),
        ),
    ]


QUESTION_KEYS = [q.key for q in questions(["A/RES/73/61"])]


def treaty_symbols(base: str) -> list[str]:
    """The resolutions ours links to the Mine Ban Treaty and the cluster-munition convention."""
    symbols = []
    for slug in ("mbt", "ccm"):
        with urllib.request.urlopen(f"{base}/v1/resolutions?limit=1000&treaty={slug}") as r:
            symbols += [item["symbol"] for item in json.load(r)["data"]]
    return symbols


def measure(
    base: str,
    patterns: Sequence[Pattern],
    duration: int,
    connections: int,
    server: int | None = None,
    quiet_wait: float = 120,
) -> list[Result]:
    """Check each pattern, warm it up for 2 s, wait for an idle machine, then measure it.

    A measurement during which other processes used the CPU is taken once more (after waiting
    up to 30 s for them to stop); the least disturbed of the two counts.
    """
    results = []
    for pattern in patterns:
        check(base, pattern)
        run_wrk(base, [pattern], 2, connections, server=server)
        tries: list[Result] = []
        for wait in (quiet_wait, min(quiet_wait, 30)):
            busy = wait_quiet(wait, BUSY_CORES)
            if busy >= BUSY_CORES:
                print(f"    (other processes use {busy:.2f} cores; measuring anyway)", flush=True)
            tries.append(run_wrk(base, [pattern], duration, connections, server=server))
            if tries[-1].other_cores < BUSY_CORES:
                break
        r = min(tries, key=lambda t: t.other_cores)
        results.append(r)
        print(
            f"    {pattern.template[:64]:<64} {r.rps:7.0f} req/s  p50 {r.p50_ms:6.1f}  "
            f"p99 {r.p99_ms:6.1f} ms  errors {r.errors}  cores: server {r.server_cores:.2f} "
            f"pg {r.postgres_cores:.2f} other {r.other_cores:.2f}",
            flush=True,
        )
    return results


def fixed(pattern: Pattern) -> Pattern:
    """One URL of the pattern, always the same (for the cached measurement)."""
    return Pattern(pattern.sample(random.Random(1)).replace("{", "{{").replace("}", "}}"))


def cell(r: Result | None) -> str:
    if r is None:
        return f"{'-':>7} {'-':>6} {'-':>7}"
    slow = "!" if r.p99_ms > SLOW_P99_MS else " "
    return f"{r.rps:7.0f} {r.p50_ms:6.1f} {r.p99_ms:6.1f}{slow}"


def ratio(ours: Result | None, peer: Result | None) -> str:
    if ours is None or peer is None:
        return f"{'-':>7}"
    value = ours.rps / peer.rps
    return f"{value:6.1f}x" + ("!" if value < MIN_RATIO else " ")


def flags(sides: dict[str, Result | None]) -> str:
    """Errors, and runs during which other processes used the CPU (p99 and ratios: `!`)."""
    out = []
    for side, r in sides.items():
        if r is not None and r.errors:
            out.append(f"{side}: {r.errors} errors")
        if r is not None and r.other_cores >= BUSY_CORES:
            out.append(f"{side}: CPU shared ({r.other_cores:.2f} cores used by others)")
    return "; ".join(out)


def print_table(labels: list[str], columns: dict[str, list[Result | None]]) -> None:
    """The cold table: each side's req/s, p50, p99, then ours over Datasette, then flags."""
    sides = list(columns)
    head1 = f"{'':<31}" + "".join(f" {s:<23}" for s in sides) + "  SQLite/DS   PG/DS  flags"
    head2 = f"{'question':<31}" + f" {'req/s':>7} {'p50 ms':>6} {'p99 ms':>7}" * len(sides)
    print(head1)
    print(head2)
    print("-" * (len(head1) + 30))
    for i, label in enumerate(labels):
        row = {s: columns[s][i] for s in sides}
        peer = row.get("Datasette")
        print(
            f"{label:<31}"
            + "".join(f" {cell(r):<23}" for r in row.values())
            + f"  {ratio(row.get('ours SQLite'), peer):>9}"
            + f" {ratio(row.get('ours PostgreSQL'), peer)}"
            + f"  {flags(row)}"
        )
    print(f"! p99 over {SLOW_P99_MS:.0f} ms, or ours under {MIN_RATIO:.0f}x Datasette's req/s")


CSV_HEADER = ["question", "side", "url", "requests", "rps", "p50_ms", "p99_ms", "errors"]
CSV_HEADER += ["server_cores", "postgres_cores", "other_cores"]


def write_csv(path: Path, rows: list[tuple[str, str, str, Result]]) -> None:
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_HEADER)
        for question, side, url, r in rows:
            cores = (r.server_cores, r.postgres_cores, r.other_cores)
            writer.writerow(
                [question, side, url, r.requests, f"{r.rps:.1f}", r.p50_ms, r.p99_ms, r.errors]
                + [f"{c:.2f}" for c in cores]
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="sqlite,postgresql", help="sqlite,postgresql")
    parser.add_argument("--duration", type=int, default=15, help="seconds per question and side")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--questions", default=",".join(QUESTION_KEYS), help="comma-separated")
    parser.add_argument("--reuse", action="store_true", help="keep databases built before")
    parser.add_argument(
        "--pg-database", default="bench_cold", help="PostgreSQL database to build and serve"
    )
    parser.add_argument("--port", type=int, default=PORT, help="ours; Datasette on the next")
    parser.add_argument("--also-cached", action="store_true", help="also ours with its cache on")
    parser.add_argument(
        "--quiet-wait", type=float, default=120, help="seconds to wait for an idle machine"
    )
    args = parser.parse_args()
    engines = [e for e in args.engines.split(",") if e]
    wanted = [q for q in args.questions.split(",") if q]
    if unknown := [e for e in engines if e not in ENGINES] + [
        q for q in wanted if q not in QUESTION_KEYS
    ]:
        raise SystemExit(f"unknown: {', '.join(unknown)} (questions: {', '.join(QUESTION_KEYS)})")
    if not engines:
        raise SystemExit("--engines needs sqlite, postgresql or both")
    if not VOTES.exists():
        raise SystemExit(f"missing {VOTES}: ../shared/refdata must be beside the project")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")

    print("building the databases (kept under var/bench/; --reuse skips this) …", flush=True)
    urls = {}
    if "sqlite" in engines:
        urls["sqlite"] = build_sqlite(
            "cold-sqlite", WORK / "cold" / "ours.db", VOTES, VOTE_ROWS, args.reuse
        )
    if "postgresql" in engines:
        urls["postgresql"] = build_postgres(
            "cold-postgresql", args.pg_database, VOTES, VOTE_ROWS, args.reuse
        )
    peer_db = build_peer(WORK / "cold" / "peer.db", args.reuse)

    ours_base = f"http://127.0.0.1:{args.port}"
    columns: dict[str, list[Result | None]] = {}
    cached: dict[str, list[Result]] = {}
    symbols: list[str] = []
    chosen: list[Question] = []
    for engine in ENGINES:
        if engine not in urls:
            continue
        print(f"{ENGINES[engine]}, one worker, response cache off:", flush=True)
        server = serve_ours(urls[engine], args.port, cache=0)
        try:
            symbols = symbols or treaty_symbols(ours_base)
            chosen = [q for q in questions(symbols, peer_db) if q.key in wanted]
            results = measure(
                ours_base,
                [q.ours for q in chosen],
                args.duration,
                args.connections,
                server.pid,
                args.quiet_wait,
            )
            columns[ENGINES[engine]] = list(results)
        finally:
            stop(server)
        if args.also_cached:
            print(f"{ENGINES[engine]}, one worker, response cache on (1024):", flush=True)
            server = serve_ours(urls[engine], args.port, cache=1024)
            try:
                patterns = [fixed(q.ours) for q in chosen]
                cached[ENGINES[engine]] = measure(
                    ours_base,
                    patterns,
                    args.duration,
                    args.connections,
                    server.pid,
                    args.quiet_wait,
                )
            finally:
                stop(server)
    for label in ENGINES.values():
        columns.setdefault(label, [None] * len(chosen))
    print("Datasette 0.65, immutable:", flush=True)
    server = serve_peer(peer_db, args.port + 1)
    try:
        peer_base = f"http://127.0.0.1:{args.port + 1}"
        columns["Datasette"] = list(
            measure(
                peer_base,
                [q.peer for q in chosen],
                args.duration,
                args.connections,
                server.pid,
                args.quiet_wait,
            )
        )
    finally:
        stop(server)

    commit = " ".join(
        subprocess.run(
            ["git", "log", "-1", "--format=%h", *paths],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        for paths in ([], ["--", "app", "migrations"])
    )
    print(
        f"\nuncached reads, {len(symbols)} treaty-linked symbols: wrk 1 thread, "
        f"{args.connections} connections, {args.duration} s per question after 2 s warm-up; "
        f"ours 1 worker, RESPONSE_CACHE_ENTRIES=0 (commit, last change to app/: {commit}); "
        f"Datasette 0.65 -i; {os.cpu_count()} cores\n"
    )
    print_table([q.label for q in chosen], columns)
    rows = [
        (q.label, side, pattern.template, r)
        for side, results in columns.items()
        for q, r in zip(chosen, results, strict=True)
        if r is not None
        for pattern in [q.peer if side == "Datasette" else q.ours]
    ]
    if cached:
        print("\nours with the response cache on (1024 entries), one fixed URL per question:\n")
        print(f"{'question':<31}" + "".join(f" {s + ' (cached)':<23}" for s in cached))
        for i, q in enumerate(chosen):
            print(f"{q.label:<31}" + "".join(f" {cell(res[i]):<23}" for res in cached.values()))
            rows += [
                (q.label, f"{side} cached", fixed(q.ours).template, res[i])
                for side, res in cached.items()
            ]
    write_csv(WORK / "cold-results.csv", rows)
    print(f"\nwritten: {WORK / 'cold-results.csv'}")


if __name__ == "__main__":
    main()
