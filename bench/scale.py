"""Scale benchmark: ten times the UN votes on PostgreSQL, the cold questions at 1x and 10x.

    python bench/scale.py [--duration 15] [--connections 32] [--questions ...] [--reuse]

Writes var/bench/ga_voting_10x.csv: ten copies of every row of
../shared/refdata/undl/ga_voting_1946-2026.csv.gz (8,482,410 rows). Copy k moves session s to
s + 100k, and with it every symbol that embeds the session: the resolution (`A/RES/73/61` ->
`A/RES/173/61` for k = 1; `A/RES/ES-10/…` and `A/RES/S-4/…` likewise move their number),
the draft, committee report and meeting (`A/73/PV.45` -> `A/173/PV.45`). The counts of
rewritten symbols are printed, and the copies' resolution symbols are checked to be disjoint.

Then builds the PostgreSQL database `bench_scale` (migrate, load, import untc, import undl
--all of the 10x file), reporting rows/s and the peak RSS of the import, and a 1x database
the same way (`bench_scale_1x`; with --reuse and none built yet, bench/cold.py's `bench_cold`
if it built one: a run never drops the database bench/cold.py may be using). Each is served by
one uvicorn worker with the response cache off and asked the questions of bench/cold.py with
the same wrk setup; prints p50 at 10x next to 1x, and their ratio (target: within 1.5x).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

from builds import (
    VOTE_ROWS,
    VOTES,
    WORK,
    build_postgres,
    import_line,
    pg_exists,
    pg_url,
    read_marker,
    reusable,
    serve_ours,
    stop,
    write_marker,
)
from cold import (
    BUSY_CORES,
    PORT,
    QUESTION_KEYS,
    cell,
    measure,
    questions,
    treaty_symbols,
    write_csv,
)
from wrkmix import Result

COPIES = 10
TEN_X = WORK / f"ga_voting_{COPIES}x.csv"
TARGET = 1.5
#: The session number in a symbol: `A/RES/73/61`, `A/RES/ES-10/2`, `A/RES/S-4/23A`.
RESOLUTION = re.compile(r"^A/RES/((?:E?S-)?)(\d+)/")
#: The session in a document symbol, wherever it is: `A/73/PV.45`, `A/ES-11/L.1 and A/ES-11/…`.
DOCUMENT = re.compile(r"(?<![\w-])A/((?:E?S-)?)(\d+)/")
SESSION = re.compile(r"^((?:E?S-)?)(\d+)$")
DOCUMENT_COLUMNS = ("draft", "committee_report", "meeting")


def shift(match: re.Match[str], by: int) -> str:
    """The matched symbol prefix with its session number moved up by `by`."""
    head = match.group(0)[: match.start(2) - match.start(0)]
    return f"{head}{int(match.group(2)) + by}{match.group(0)[match.end(2) - match.start(0) :]}"


class Rewriter:
    """Rewrites the session-bearing columns of one copy, counting what it changed."""

    def __init__(self, copy: int) -> None:
        self.by = 100 * copy
        self.memo: dict[tuple[str, str], str] = {}
        self.rewritten: Counter[str] = Counter()
        self.kept: Counter[str] = Counter()

    def value(self, column: str, raw: str) -> str:
        key = (column, raw)
        if key in self.memo:
            return self.memo[key]
        if self.by == 0 or not raw:
            out = raw
        elif column == "resolution":
            if not RESOLUTION.match(raw):
                raise SystemExit(f"resolution symbol of an unknown form: {raw!r}")
            out = RESOLUTION.sub(lambda m: shift(m, self.by), raw, count=1)
        elif column == "session":
            if not SESSION.match(raw):
                raise SystemExit(f"session of an unknown form: {raw!r}")
            out = SESSION.sub(lambda m: shift(m, self.by), raw)
        else:
            out = DOCUMENT.sub(lambda m: shift(m, self.by), raw)
        if self.by and raw:
            (self.rewritten if out != raw else self.kept)[column] += 1
        self.memo[key] = out
        return out


def write_ten_x(path: Path) -> dict[str, Any]:
    """Write the 10x file; returns what was rewritten (distinct values per column)."""
    rows = 0
    symbols: list[set[str]] = []
    rewritten: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", newline="", buffering=1 << 20) as out:
        writer = csv.writer(out)
        for copy in range(COPIES):
            rewrite = Rewriter(copy)
            mine: set[str] = set()
            with gzip.open(VOTES, "rt", newline="") as fh:
                reader = csv.reader(fh)
                header = next(reader)
                if copy == 0:
                    writer.writerow(header)
                where = {name: header.index(name) for name in header}
                columns = [
                    (where[c], c)
                    for c in ("session", "resolution", *DOCUMENT_COLUMNS)
                    if c in where
                ]
                uid = where["undl_id"]
                for row in reader:
                    for i, column in columns:
                        row[i] = rewrite.value(column, row[i])
                    if copy:
                        row[uid] = ""
                    mine.add(row[where["resolution"]])
                    writer.writerow(row)
                    rows += 1
            symbols.append(mine)
            rewritten += rewrite.rewritten
            kept += rewrite.kept
    everything = set().union(*symbols)
    if len(everything) != sum(len(s) for s in symbols):
        raise SystemExit("two copies share a resolution symbol")
    if rows != VOTE_ROWS * COPIES:
        raise SystemExit(f"{rows} rows written, expected {VOTE_ROWS * COPIES}")
    tmp.rename(path)
    return {
        "rows": rows,
        "resolutions": len(everything),
        "rewritten": dict(rewritten),
        "not_rewritten": dict(kept),
        "built_at": time.strftime("%Y-%m-%d %H:%M:%S"),
    }


def ten_x_file(reuse: bool) -> Path:
    entry = read_marker().get("scale-file")
    if reuse and entry is not None and TEN_X.exists():
        print(f"  {TEN_X.name}: reusing the file written {entry['built_at']}")
    else:
        started = time.perf_counter()
        entry = write_ten_x(TEN_X)
        entry["seconds"] = time.perf_counter() - started
        write_marker("scale-file", entry)
        print(f"  {TEN_X.name}: {entry['rows']:,} rows in {entry['seconds']:.0f} s")
    print(
        f"  {entry['resolutions']:,} distinct resolution symbols, none shared between copies.\n"
        "  Values rewritten (distinct per copy, summed over copies 1-9; not rewritten: values\n"
        "  that are not empty but name no session):"
    )
    for column, count in sorted(entry["rewritten"].items()):
        left = entry["not_rewritten"].get(column, 0)
        print(f"    {column:<18} {count:>8,}   (not rewritten: {left})")
    return TEN_X


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds per question")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--questions", default=",".join(QUESTION_KEYS), help="comma-separated")
    parser.add_argument("--reuse", action="store_true", help="keep the file and databases")
    parser.add_argument("--quiet-wait", type=float, default=120)
    parser.add_argument("--port", type=int, default=PORT)
    args = parser.parse_args()
    wanted = [q for q in args.questions.split(",") if q]
    if unknown := [q for q in wanted if q not in QUESTION_KEYS]:
        raise SystemExit(f"unknown: {', '.join(unknown)} (questions: {', '.join(QUESTION_KEYS)})")

    clock = time.perf_counter()

    def lap(what: str) -> None:
        nonlocal clock
        print(f"[{what}: {time.perf_counter() - clock:.0f} s]", flush=True)
        clock = time.perf_counter()

    print(f"writing the {COPIES}x vote file …", flush=True)
    votes = ten_x_file(args.reuse)
    lap("10x file")
    print("building the PostgreSQL databases …", flush=True)
    one_x = ("scale-postgresql-1x", "bench_scale_1x")
    own = reusable(one_x[0], VOTES) is not None and pg_exists(one_x[1])
    cold = reusable("cold-postgresql", VOTES, pg_url("bench_cold")) is not None
    cold = cold and pg_exists("bench_cold")
    if args.reuse and cold and not own:
        one_x = ("cold-postgresql", "bench_cold")
    urls = {"1x": build_postgres(*one_x, VOTES, VOTE_ROWS, args.reuse)}
    lap("1x database")
    urls["10x"] = build_postgres(
        "scale-postgresql", "bench_scale", votes, VOTE_ROWS * COPIES, args.reuse
    )
    lap("10x database")

    base = f"http://127.0.0.1:{args.port}"
    results: dict[str, list[Result]] = {}
    symbols: list[str] = []
    for size, url in urls.items():
        print(f"ours PostgreSQL {size}, one worker, response cache off:", flush=True)
        server = serve_ours(url, args.port, cache=0)
        try:
            symbols = symbols or treaty_symbols(base)  # the 1x symbols, in both
            chosen = [q for q in questions(symbols) if q.key in wanted]
            results[size] = measure(
                base,
                [q.ours for q in chosen],
                args.duration,
                args.connections,
                server.pid,
                args.quiet_wait,
            )
        finally:
            stop(server)
        lap(f"measuring {size}")

    built = read_marker()
    print("\nimport undl --all into PostgreSQL (one process reading, one writing):")
    for size, key in (("1x", one_x[0]), ("10x", "scale-postgresql")):
        print(f"  {size:>3}: {import_line(built[key])}")
    print(
        f"\nuncached reads on PostgreSQL, 1x and {COPIES}x votes: wrk 1 thread, "
        f"{args.connections} connections, {args.duration} s per question after 2 s warm-up; "
        "ours 1 worker, RESPONSE_CACHE_ENTRIES=0\n"
    )
    print(f"{'':<31} {'1x':<23} {'10x':<23}")
    print(f"{'question':<31}" + f" {'req/s':>7} {'p50 ms':>6} {'p99 ms':>7}" * 2 + "  p50 10x/1x")
    rows = []
    for i, q in enumerate(chosen):
        one, ten = results["1x"][i], results["10x"][i]
        over = ten.p50_ms / one.p50_ms
        flag = f"  over {TARGET}x" if over > TARGET else ""
        shared = max(one.other_cores, ten.other_cores) >= BUSY_CORES
        busy = "  (CPU shared with other processes)" if shared else ""
        print(f"{q.label:<31} {cell(one):<23} {cell(ten):<23} {over:9.2f}x{flag}{busy}")
        rows += [(q.label, "PostgreSQL 1x", q.ours.template, one)]
        rows += [(q.label, f"PostgreSQL {COPIES}x", q.ours.template, ten)]
    write_csv(WORK / "scale-results.csv", rows)
    print(f"\nwritten: {WORK / 'scale-results.csv'}")


if __name__ == "__main__":
    main()
