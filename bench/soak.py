"""Soak test: 60 s at 64 connections over a realistic mix, on PostgreSQL with the real votes.

    python bench/soak.py [--duration 60] [--connections 64] [--workers 2] [--mix both]
                         [--reuse] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Builds a fresh PostgreSQL database (`bench_soak`; `--reuse` keeps the one built before), loads
data/, imports the UN Treaty Collection pages and all 848,241 UN General Assembly votes from
../shared/refdata, serves the API with one uvicorn worker per core (`--workers 1` for one) and
drives it with wrk (2 threads) through two mixes, one after the other (`--mix cached|uncached`
for one):

- cached: the server as configured (response cache on): status lookups for every UN member,
  vote histories, CSV exports, full-text searches and ETag revalidations (If-None-Match);
- uncached: RESPONSE_CACHE_ENTRIES=0 and a random URL for every request: the questions of
  bench/cold.py, CSV vote histories of random UN members with a random limit, and complete CSV
  vote lists of the treaty-linked resolutions.

For each: requests/s, p50/p99, errors (must be 0: a non-2xx answer of the uncached mix, a
non-2xx/3xx of the cached one, any socket error or timeout) and the servers' memory (RSS) at
the start, the middle and the end of the run (it should stay flat). Search rate limiting is off
for the run (all load comes from one address). Exits 1 when there were errors.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from builds import ADMIN_URL, VOTE_ROWS, VOTES, build_postgres, serve_ours, stop
from cold import questions, treaty_symbols
from wrkmix import Choice, IntRange, Pattern, check, start_wrk

WORDS = ["mines", "border", "letter", "stockpile", "treaty", "Geneva", "cluster", "Nairobi"]


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        return response.status, dict(response.headers)


def rss_kb(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    return total


def server_pids(parent: int) -> list[int]:
    children = subprocess.run(
        ["pgrep", "-P", str(parent)], capture_output=True, text=True, check=False
    ).stdout.split()
    return [parent, *(int(c) for c in children)]


def lua_script(base: str, members: list[str]) -> str:
    """A wrk script that picks one request of the cached mix at random each time."""
    rng = random.Random(7)
    requests: list[tuple[str, dict[str, str]]] = []
    for iso3 in members:
        requests.append((f"/v1/countries/{iso3}/treaties/mbt", {}))
        requests.append((f"/v1/countries/{iso3}/votes?treaty=ccm", {}))
    for slug in ("mbt", "ccm", "ccw"):
        requests.append((f"/v1/treaties/{slug}/members?format=csv&limit=1000", {}))
        requests.append((f"/v1/treaties/{slug}/timeline", {"Accept": "text/csv"}))
    for word in WORDS:
        requests.append((f"/v1/search?q={word}", {}))
    for url in ("/v1/treaties/ccm/members?as_of=2026-02-03&limit=1000", "/v1/resolutions/73/61"):
        _, headers = get(base + url)
        for _ in range(len(members) // 4):  # revalidations are a good share of dashboard traffic
            requests.append((url, {"If-None-Match": headers["etag"]}))
    rng.shuffle(requests)
    lines = ["local reqs = {"]
    for path, headers in requests:
        hdrs = ", ".join(
            f'["{k}"] = "{v.replace(chr(34), chr(92) + chr(34))}"' for k, v in headers.items()
        )
        lines.append(f'  {{"{path}", {{{hdrs}}}}},')
    lines += [
        "}",
        "local n = #reqs",
        "request = function()",
        "  local r = reqs[math.random(n)]",
        '  return wrk.format("GET", r[1], r[2])',
        "end",
    ]
    return "\n".join(lines)


def uncached_mix(members: list[str], symbols: list[str]) -> list[Pattern]:
    """The cold questions, CSV vote histories and complete CSV resolution vote lists."""
    return [
        *(q.ours for q in questions(symbols)),
        Pattern(
            "/v1/countries/{c}/votes?format=csv&limit={n}",
            {"c": Choice(tuple(members)), "n": IntRange(50, 500)},
        ),
        Pattern(
            "/v1/resolutions/{s}/votes?format=csv",
            {"s": Choice(tuple(quote(s, safe="/") for s in symbols))},
        ),
    ]


def memory(pids: list[int], wait: float) -> list[int]:
    """RSS now, after `wait` seconds and after `wait` more (start, middle, end of a run)."""
    samples = [rss_kb(pids)]
    time.sleep(wait)
    samples.append(rss_kb(pids))
    return samples


def run_cached(base: str, pids: list[int], members: list[str], args: argparse.Namespace) -> int:
    """The cached mix; prints its figures and returns its errors."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua_script(base, members))
    subprocess.run(
        ["wrk", "-t2", "-c16", "-d5s", "-s", script.name, base], check=True, capture_output=True
    )  # warm-up
    load = ["-t2", f"-c{args.connections}", f"-d{args.duration}s", "--latency"]
    wrk = subprocess.Popen(
        ["wrk", *load, "-s", script.name, base], stdout=subprocess.PIPE, text=True
    )
    rss = memory(pids, args.duration / 2)
    out = wrk.communicate()[0]
    rss.append(rss_kb(pids))
    Path(script.name).unlink()
    requests = re.search(r"(\d+) requests in", out).group(1)  # type: ignore[union-attr]
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)  # type: ignore[union-attr]
    p50 = re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1)  # type: ignore[union-attr]
    p99 = re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1)  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    errors = int(bad.group(1)) if bad else 0
    errors += sum(int(g) for g in sockets.groups()) if sockets else 0
    print(
        f"\ncached mix (response cache as configured): {args.duration} s, {args.connections} "
        f"connections, {args.workers} workers, PostgreSQL, {len(members)} UN members in the mix\n"
        f"requests: {requests}   req/s: {rps}   p50: {p50}   p99: {p99}\n"
        f"errors: {errors} ({bad.group(1) if bad else 0} non-2xx/3xx, "
        f"{sockets.group(0) if sockets else 'no socket errors'})\n" + rss_line(rss),
        flush=True,
    )
    return errors


def run_uncached(base: str, pids: list[int], members: list[str], args: argparse.Namespace) -> int:
    """The uncached mix; prints its figures and returns its errors."""
    patterns = uncached_mix(members, treaty_symbols(base))
    checked = sum(check(base, p) for p in patterns)
    start_wrk(base, patterns, 5, 16, threads=2).result()  # warm-up
    wrk = start_wrk(base, patterns, args.duration, args.connections, threads=2, server=pids[0])
    rss = memory(pids, args.duration / 2)
    r = wrk.result()
    rss.append(rss_kb(pids))
    print(
        f"\nuncached mix (RESPONSE_CACHE_ENTRIES=0, a random URL per request, {len(patterns)} "
        f"patterns, {checked} URLs checked first): {args.duration} s, {args.connections} "
        f"connections, {args.workers} workers, PostgreSQL\n"
        f"requests: {r.requests}   req/s: {r.rps:.1f}   p50: {r.p50_ms:.1f} ms   "
        f"p99: {r.p99_ms:.1f} ms\n"
        f"errors: {r.errors} (non-2xx answers, socket errors and timeouts)\n"
        f"CPU: server {r.server_cores:.2f} cores, PostgreSQL {r.postgres_cores:.2f}, "
        f"other processes {r.other_cores:.2f}\n" + rss_line(rss),
        flush=True,
    )
    return r.errors


def rss_line(kb: list[int]) -> str:
    start, middle, end = (k / 1024 for k in kb)
    return (
        f"server RSS (all processes): start {start:.0f} MB, middle {middle:.0f} MB, "
        f"end {end:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--mix", choices=["both", "cached", "uncached"], default="both")
    parser.add_argument("--reuse", action="store_true", help="keep the database built before")
    parser.add_argument("--pg", default=ADMIN_URL, help="a server where you may create databases")
    parser.add_argument("--port", type=int, default=8711)
    args = parser.parse_args()
    if not VOTES.exists():
        raise SystemExit(f"missing {VOTES}: ../shared/refdata must be beside the project")
    print("loading data/, the UNTC pages and 848,241 votes into PostgreSQL …", flush=True)
    url = build_postgres("soak-postgresql", "bench_soak", VOTES, VOTE_ROWS, args.reuse, args.pg)
    base = f"http://127.0.0.1:{args.port}"
    errors = 0
    mixes = {"cached": (None, run_cached), "uncached": (0, run_uncached)}
    for mix, (cache, run) in mixes.items():
        if args.mix not in ("both", mix):
            continue
        server = serve_ours(url, args.port, cache, args.workers, RATE_LIMIT_SEARCH="0")
        try:
            members = [
                line.split(",")[0]
                for line in urllib.request.urlopen(
                    base + "/v1/countries?un_member=true&limit=1000&format=csv"
                )
                .read()
                .decode()
                .splitlines()[1:]
            ]
            errors += run(base, server_pids(server.pid), members, args)
        finally:
            stop(server)
    if errors:
        print(f"\nFAILED: {errors} errors", file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
