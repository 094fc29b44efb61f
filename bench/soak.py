"""Soak test: 60 s at 64 connections over a realistic mix, on PostgreSQL with the real votes.

    python bench/soak.py [--duration 60] [--connections 64] [--workers 2]
                         [--pg postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Builds a fresh PostgreSQL database (`bench_soak`), loads data/, imports the UN Treaty
Collection pages and all 848,241 UN General Assembly votes from ../shared/refdata, serves the
API with one uvicorn worker per core and drives it with wrk: status lookups for every UN
member, vote histories, CSV exports, full-text searches and ETag revalidations
(If-None-Match). Prints requests/s, p50/p99, errors, and the servers' memory (RSS) at the
start and at the end. Search rate limiting is off for the run (all load comes from one
address).
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

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
REFDATA = ROOT.parent / "shared" / "refdata"
VOTES = REFDATA / "undl" / "ga_voting_1946-2026.csv.gz"
PAGES = sorted((REFDATA / "raw" / "untc_status_2026-02-03").glob("*.html.gz"))
WORDS = ["mines", "border", "letter", "stockpile", "treaty", "Geneva", "cluster", "Nairobi"]


def sh(*cmd: str | Path, env: dict[str, str]) -> None:
    subprocess.run([str(c) for c in cmd], check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)


def fresh_database(admin_url: str, name: str) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


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
    """A wrk script that picks one request of the mix at random each time."""
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--port", type=int, default=8711)
    args = parser.parse_args()
    if not VOTES.exists():
        raise SystemExit(f"missing {VOTES}: ../shared/refdata must be beside the project")
    url = fresh_database(args.pg, "bench_soak")
    env = {**os.environ, "DATABASE_URL": url, "RATE_LIMIT_SEARCH": "0", "LOG_LEVEL": "WARNING"}
    python = sys.executable
    print("loading data/, the UNTC pages and 848,241 votes into PostgreSQL …", flush=True)
    sh(python, "-m", "app", "migrate", env=env)
    sh(python, "-m", "app", "load", env=env)
    sh(python, "-m", "app", "import", "untc", *PAGES, env=env)
    sh(python, "-m", "app", "import", "undl", "--all", VOTES, env=env)

    server = subprocess.Popen(
        [python, "-m", "app", "serve", "--port", str(args.port), "--workers", str(args.workers)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(300):
            try:
                if get(base + "/readyz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        members = [
            line.split(",")[0]
            for line in urllib.request.urlopen(
                base + "/v1/countries?un_member=true&limit=1000&format=csv"
            )
            .read()
            .decode()
            .splitlines()[1:]
        ]
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(lua_script(base, members))
        pids = server_pids(server.pid)
        subprocess.run(
            ["wrk", "-t2", "-c16", "-d5s", "-s", script.name, base], check=True, capture_output=True
        )  # warm-up
        start_rss = rss_kb(pids)
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{args.connections}",
                f"-d{args.duration}s",
                "--latency",
                "-s",
                script.name,
                base,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        end_rss = rss_kb(pids)
    finally:
        server.terminate()
        server.wait(timeout=30)
    requests = re.search(r"(\d+) requests in", out).group(1)  # type: ignore[union-attr]
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)  # type: ignore[union-attr]
    p50 = re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1)  # type: ignore[union-attr]
    p99 = re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1)  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: (.*)", out)
    print(
        f"\n{args.duration} s, {args.connections} connections, {args.workers} workers, "
        f"PostgreSQL, {len(members)} UN members in the mix\n"
        f"requests: {requests}   req/s: {rps}   p50: {p50}   p99: {p99}\n"
        f"errors: {bad.group(1) if bad else 0} non-2xx/3xx, "
        f"{sockets.group(1) if sockets else 'no socket errors'}\n"
        f"server RSS (all processes): start {start_rss / 1024:.0f} MB, end {end_rss / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main()
