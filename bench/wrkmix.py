"""Random URL patterns for wrk: each request draws its own page size, date or key.

A Pattern is a URL template whose `{name}` fields are drawn per request (an integer range, a
day range or a list of values). `lua_script` turns patterns into a wrk script: `request()`
picks a pattern and draws its fields with math.random (seeded per thread), `response()`
counts every non-2xx answer, and `done()` prints one machine-readable line that `run_wrk`
reads. `check` GETs a pattern's edge values once (200 and a non-empty body) before any run.
"""

from __future__ import annotations

import json
import os
import random
import resource
import string
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path


@dataclass(frozen=True)
class IntRange:
    """An integer drawn uniformly in [low, high]."""

    low: int
    high: int

    def lua(self, _name: str) -> str:
        return f"tostring(math.random({self.low}, {self.high}))"

    def edges(self) -> list[str]:
        return [str(self.low), str(self.high)]

    def sample(self, rng: random.Random) -> str:
        return str(rng.randint(self.low, self.high))


@dataclass(frozen=True)
class DayRange:
    """A calendar day drawn uniformly between first and last (both included), as YYYY-MM-DD."""

    first: date
    last: date

    def lua(self, _name: str) -> str:
        epoch = (self.first - date(1970, 1, 1)).days * 86400
        days = (self.last - self.first).days
        return f'os.date("!%Y-%m-%d", {epoch} + math.random(0, {days}) * 86400)'

    def edges(self) -> list[str]:
        return [self.first.isoformat(), self.last.isoformat()]

    def sample(self, rng: random.Random) -> str:
        days = rng.randint(0, (self.last - self.first).days)
        return (self.first + timedelta(days=days)).isoformat()


@dataclass(frozen=True)
class Choice:
    """One of a list of values, already URL-encoded for where they go."""

    values: tuple[str, ...]

    def lua(self, name: str) -> str:
        return f"{name}[math.random(#{name})]"

    def edges(self) -> list[str]:
        return list(self.values)

    def sample(self, rng: random.Random) -> str:
        return rng.choice(self.values)


Draw = IntRange | DayRange | Choice


@dataclass(frozen=True)
class Pattern:
    """A URL path template; every `{name}` field is drawn anew for each request."""

    template: str
    draws: dict[str, Draw] = field(default_factory=dict)

    def parts(self) -> list[tuple[str, str | None]]:
        """(literal text, field name or None) pairs of the template."""
        return [(text, name) for text, name, _, _ in string.Formatter().parse(self.template)]

    def sample(self, rng: random.Random) -> str:
        return self.template.format(**{k: d.sample(rng) for k, d in self.draws.items()})

    def check_urls(self) -> list[str]:
        """Each field's edge values (both ends of a range, every value of a list), in step."""
        edges = {k: d.edges() for k, d in self.draws.items()}
        count = max((len(v) for v in edges.values()), default=1)
        return [
            self.template.format(**{k: v[i % len(v)] for k, v in edges.items()})
            for i in range(count)
        ]


def _quoted(text: str) -> str:
    if any(c in text for c in '"\\\n'):
        raise ValueError(f"unexpected character in URL text {text!r}")
    return f'"{text}"'


def lua_script(patterns: Sequence[Pattern], seed: int = 7) -> str:
    """A wrk script drawing a random pattern and random field values for each request."""
    lines: list[str] = []
    gens: list[str] = []
    for i, pattern in enumerate(patterns):
        pieces: list[str] = []
        for text, name in pattern.parts():
            if text:
                pieces.append(_quoted(text))
            if name is not None:
                draw = pattern.draws[name]
                table = f"v{i}_{name}"
                if isinstance(draw, Choice):
                    lines.append(f"local {table} = {{{', '.join(map(_quoted, draw.values))}}}")
                pieces.append(draw.lua(table))
        gens.append(f"  function() return {' .. '.join(pieces)} end,")
    return "\n".join(
        [
            *lines,
            "local gens = {",
            *gens,
            "}",
            "local threads = {}",
            "local count = 0",
            "function setup(thread)",
            "  count = count + 1",
            "  thread:set('id', count)",
            "  table.insert(threads, thread)",
            "end",
            "function init(args)",
            f"  math.randomseed({seed} * 1000 + id)",
            "  non2xx = 0",
            "end",
            "function request()",
            "  return wrk.format('GET', gens[math.random(#gens)]())",
            "end",
            "function response(status, headers, body)",
            "  if status < 200 or status > 299 then non2xx = non2xx + 1 end",
            "end",
            "function done(summary, latency, requests)",
            "  local bad = 0",
            "  for _, t in ipairs(threads) do bad = bad + t:get('non2xx') end",
            "  local e = summary.errors",
            "  io.write(string.format('BENCH %d %d %d %d %d %d\\n', summary.requests,",
            "    summary.duration, latency:percentile(50), latency:percentile(99), bad,",
            "    e.connect + e.read + e.write + e.timeout))",
            "end",
        ]
    )


@dataclass
class Result:
    """One wrk run: requests, requests/s, median and 99th percentile latency, errors, and the
    CPU (in cores, averaged over the run) used by the server, by PostgreSQL and by any other
    process on the machine (which skews the figures when it is not near 0)."""

    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    server_cores: float = 0.0
    postgres_cores: float = 0.0
    other_cores: float = 0.0


TICK = os.sysconf("SC_CLK_TCK")


def _busy_seconds() -> float:
    """CPU time the machine spent running processes (user and system) since boot.

    Interrupt time is left out: it is charged to no process (loopback traffic to PostgreSQL
    shows up there), so it would read as other processes' load.
    """
    user, nice, system = (
        int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:4]
    )
    return (user + nice + system) / TICK


@dataclass(frozen=True)
class Proc:
    """A process: its name, its parent, its CPU seconds and those of its children reaped."""

    name: str
    parent: int
    cpu: float
    reaped: float


def _processes() -> dict[int, Proc]:
    """Every process now."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name, rest = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :]
        f = rest.split()
        cpu, reaped = (int(f[11]) + int(f[12])) / TICK, (int(f[13]) + int(f[14])) / TICK
        found[int(entry.name)] = Proc(name, int(f[1]), cpu, reaped)
    return found


class CpuMeter:
    """Where the machine's CPU went between start() and stop().

    PostgreSQL's share includes the parallel workers it started and reaped in between (seen
    in the postmaster's children time), which no snapshot of the processes would catch; it is
    every PostgreSQL process on the machine, whichever database it serves.
    """

    def __init__(self, server: int | None) -> None:
        self.server = server

    def start(self) -> None:
        self.t0, self.busy0, self.procs0 = time.monotonic(), _busy_seconds(), _processes()
        self.children0 = resource.getrusage(resource.RUSAGE_CHILDREN)

    def _ours(self, procs: dict[int, Proc]) -> set[int]:
        ours = {self.server} if self.server in procs else set()
        grown = True
        while grown:
            more = {pid for pid, proc in procs.items() if proc.parent in ours} - ours
            grown, ours = bool(more), ours | more
        return ours

    def stop(self) -> tuple[float, float, float]:
        """(server, PostgreSQL, other processes) in cores, averaged since start()."""
        seconds, busy, procs = time.monotonic() - self.t0, _busy_seconds(), _processes()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        wrk = (children.ru_utime + children.ru_stime) - (
            self.children0.ru_utime + self.children0.ru_stime
        )
        none = Proc("", 0, 0.0, 0.0)

        def used(pids: set[int]) -> float:
            return sum(procs[p].cpu - self.procs0.get(p, none).cpu for p in pids)

        postgres = {p for p, proc in procs.items() if proc.name == "postgres"}
        postmasters = {p for p in postgres if procs[p].parent not in postgres}
        reaped = sum(procs[p].reaped - self.procs0.get(p, none).reaped for p in postmasters)
        me = used({os.getpid()})
        server, pg = used(self._ours(procs)), used(postgres) + reaped
        other = max(0.0, busy - self.busy0 - server - pg - wrk - me)
        return server / seconds, pg / seconds, other / seconds


@dataclass
class Running:
    """A wrk process started by `start_wrk`, and its script."""

    proc: subprocess.Popen[str]
    script: Path
    meter: CpuMeter

    def result(self) -> Result:
        """Wait for wrk to finish and read the line its script printed."""
        out, err = self.proc.communicate()
        cores = self.meter.stop()
        self.script.unlink(missing_ok=True)
        line = next((x for x in out.splitlines() if x.startswith("BENCH ")), None)
        if self.proc.returncode != 0 or line is None:
            raise SystemExit(f"wrk failed ({self.proc.returncode}):\n{out}\n{err}")
        requests, micros, p50, p99, bad, sockets = (int(x) for x in line.split()[1:])
        rps = requests / (micros / 1e6)
        return Result(requests, rps, p50 / 1000, p99 / 1000, bad + sockets, *cores)


def start_wrk(
    base: str,
    patterns: Sequence[Pattern],
    duration: int,
    connections: int,
    threads: int = 1,
    server: int | None = None,
) -> Running:
    """Start wrk on the patterns in the background (`server`: its pid, for the CPU meter)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua_script(patterns))
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s"]
    meter = CpuMeter(server)
    meter.start()
    proc = subprocess.Popen(
        [*cmd, "-s", script.name, base], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    return Running(proc, Path(script.name), meter)


def run_wrk(
    base: str,
    patterns: Sequence[Pattern],
    duration: int,
    connections: int,
    threads: int = 1,
    server: int | None = None,
) -> Result:
    """Drive the server at `base` with the patterns for `duration` seconds."""
    return start_wrk(base, patterns, duration, connections, threads, server).result()


def wait_quiet(limit: float, threshold: float = 0.25) -> float:
    """Wait (up to `limit` seconds) until other processes use under `threshold` cores for 2 s.

    Returns the cores they used in the last 2 s.
    """
    deadline = time.monotonic() + limit
    while True:
        meter = CpuMeter(None)
        meter.start()
        time.sleep(2)
        other = sum(meter.stop())
        if other < threshold or time.monotonic() > deadline:
            return other


def check(base: str, pattern: Pattern) -> int:
    """GET the pattern's edge values: each must answer 200 with rows. Returns the URLs checked."""
    urls = pattern.check_urls()
    for path in urls:
        with urllib.request.urlopen(base + path, timeout=60) as response:
            body = response.read()
            if response.status != 200 or not body:
                raise SystemExit(f"{path}: status {response.status}, {len(body)} bytes")
            if response.headers.get_content_type() == "application/json":
                doc = json.loads(body)
                rows = doc.get("data", doc.get("rows", doc)) if isinstance(doc, dict) else doc
                if not rows:
                    raise SystemExit(f"{path}: 200 but no rows")
            elif body.count(b"\n") < 2:  # CSV: a header and at least one row
                raise SystemExit(f"{path}: 200 but no rows")
    return len(urls)
