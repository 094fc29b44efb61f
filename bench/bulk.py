"""Bulk download benchmark: the whole vote record streamed from /v1/bulk/votes.csv.

    python bench/bulk.py [--engines sqlite,postgresql] [--pg-database bench_bulk] [--reuse]

Ours holds every UN General Assembly vote (../shared/refdata/undl/ga_voting_1946-2026.csv.gz,
848,241 rows; with the public record's and the curated ones the resource has 848,684): built
as bench/cold.py builds it, into a SQLite file under var/bench/bulk/ and into the PostgreSQL
database `--pg-database`, and served by one uvicorn worker as configured. For each engine, one
client reads the votes resource to the end (64 KiB reads, the body counted, not kept):

0. a small resource (treaties), so that the code paths are loaded before the baseline;
1. plain, the first read of the votes: the size is not known yet, so no Content-Length;
2. the descriptor (/v1/bulk), which reads every resource once to learn its size and hash;
3. plain again, now with Content-Length;
4. gzip (Accept-Encoding: gzip).

It prints each download's rows, seconds, rows/s and MB/s, and the server's resident memory:
VmRSS once ready, and its peak (VmHWM, from /proc/<pid>/status) after each step. A server that
held the resource in memory would grow by its size (about 44 MB) or more on the first step.
"""

from __future__ import annotations

import argparse
import re
import time
import urllib.request
import zlib
from dataclasses import dataclass
from pathlib import Path

from builds import VOTE_ROWS, serve_ours, stop, whole_record

PORT = 8741
READ = 1 << 16
#: The file's votes, the public record's 415 non-votes and 20 YUG votes, the 8 curated ones.
RESOURCE_ROWS = VOTE_ROWS + 415 + 20 + 8


@dataclass
class Download:
    """One download read to the end."""

    rows: int
    bytes: int
    seconds: float
    length: str | None
    encoding: str | None

    def line(self) -> str:
        return (
            f"{self.rows:,} rows, {self.bytes / 1e6:.1f} MB on the wire in {self.seconds:.2f} s: "
            f"{self.rows / self.seconds:,.0f} rows/s, {self.bytes / 1e6 / self.seconds:.1f} MB/s "
            f"(Content-Length {self.length or 'absent'}, "
            f"Content-Encoding {self.encoding or 'none'})"
        )


def memory_kb(pid: int, field: str) -> int:
    """A /proc/<pid>/status figure in kB (VmRSS: now; VmHWM: the peak so far)."""
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(rf"^{field}:\s+(\d+) kB", status, re.M)
    if found is None:
        raise SystemExit(f"no {field} for process {pid}")
    return int(found.group(1))


def download(url: str, gzip: bool = False) -> Download:
    """Read `url` to the end, counting its rows (line ends, the header's left out)."""
    headers = {"Accept-Encoding": "gzip" if gzip else "identity"}
    request = urllib.request.Request(url, headers=headers)
    started = time.perf_counter()
    size = lines = 0
    inflate = zlib.decompressobj(wbits=31) if gzip else None
    with urllib.request.urlopen(request, timeout=600) as response:
        length = response.headers.get("Content-Length")
        encoding = response.headers.get("Content-Encoding")
        while chunk := response.read(READ):
            size += len(chunk)
            text = inflate.decompress(chunk) if inflate is not None else chunk
            lines += text.count(b"\n")
    seconds = time.perf_counter() - started
    return Download(lines - 1, size, seconds, length, encoding)


def measure(engine: str, url: str, port: int) -> None:
    """Serve `url` and download the votes resource the four ways; print figures and memory."""
    server = serve_ours(url, port, cache=None)
    base = f"http://127.0.0.1:{port}"
    try:
        pid = server.pid
        download(f"{base}/v1/bulk/treaties.csv")  # the code paths, before the baseline
        print(
            f"{engine}: server ready, one small resource read: VmRSS "
            f"{memory_kb(pid, 'VmRSS') / 1024:.0f} MB, "
            f"peak {memory_kb(pid, 'VmHWM') / 1024:.0f} MB",
            flush=True,
        )
        steps = [
            ("plain, size unknown", lambda: download(f"{base}/v1/bulk/votes.csv")),
            ("descriptor", None),
            ("plain, size known", lambda: download(f"{base}/v1/bulk/votes.csv")),
            ("gzip", lambda: download(f"{base}/v1/bulk/votes.csv", gzip=True)),
        ]
        for name, step in steps:
            if step is None:
                started = time.perf_counter()
                with urllib.request.urlopen(f"{base}/v1/bulk", timeout=600) as response:
                    response.read()
                text = f"read every resource in {time.perf_counter() - started:.2f} s"
            else:
                found = step()
                if found.rows != RESOURCE_ROWS:
                    raise SystemExit(f"{name}: {found.rows} rows")
                text = found.line()
            peak = memory_kb(pid, "VmHWM") / 1024
            print(f"  {name:<20} {text}; server peak RSS {peak:.0f} MB", flush=True)
    finally:
        stop(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="sqlite,postgresql", help="sqlite,postgresql")
    parser.add_argument("--reuse", action="store_true", help="keep databases built before")
    parser.add_argument(
        "--pg-database", default="bench_bulk", help="PostgreSQL database to build and serve"
    )
    parser.add_argument("--port", type=int, default=PORT)
    args = parser.parse_args()
    for engine, url in whole_record("bulk", args.engines, args.pg_database, args.reuse).items():
        measure(engine, url, args.port)


if __name__ == "__main__":
    main()
