"""Stream a UN Digital Library GA voting CSV: checked vote rows out, tallies per resolution kept."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import operator
import os
import sys
import zlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from app.importers.undl_fields import (
    Layout,
    UndlError,
    check_date,
    check_symbol,
    check_text,
    check_total,
    detect_layout,
    session_of,
    treaty_of,
)
from app.names import fold
from app.vocab import VoteKind

#: One staged vote: (resolution symbol, country alpha-3, vote kind, the file's own code, the
#: resolution's date as the file gives it, ISO 8601).
VoteRow = tuple[str, str, str, str, str]

#: Index of each vote kind in ResolutionState.counts.
KINDS = (VoteKind.yes, VoteKind.no, VoteKind.abstain, VoteKind.non_voting)

csv.field_size_limit(1 << 24)


class _HashingRaw(io.RawIOBase):
    """A raw binary reader that hashes and counts the bytes as they go by."""

    def __init__(self, inner: IO[bytes]) -> None:
        self.inner = inner
        self.sha256 = hashlib.sha256()
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.inner.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.sha256.update(data)
        self.bytes_read += n
        return n


@dataclass
class InputFile:
    """An open input: decoded text, plus the checksum and size of the bytes as given."""

    name: str
    text: IO[str]
    raw: _HashingRaw
    size: int | None

    def checksum(self) -> str:
        """sha256 of every byte of the file (read to the end first)."""
        while self.raw.read(1 << 20):
            pass
        return self.raw.sha256.hexdigest()


@contextmanager
def open_input(path: str) -> Iterator[InputFile]:
    """Open `path` (`-` for stdin), gzip-compressed or not, as UTF-8 text with or without BOM."""
    with ExitStack() as stack:
        if path == "-":
            # a descriptor of its own: a child process closes its sys.stdin on start
            inner: IO[bytes] = stack.enter_context(os.fdopen(os.dup(sys.stdin.fileno()), "rb"))
            name, size = "stdin", None
        else:
            try:
                inner = stack.enter_context(Path(path).open("rb"))
            except OSError as exc:
                raise UndlError(f"cannot open {path}: {exc.strerror}") from None
            name, size = Path(path).name, Path(path).stat().st_size
        raw = _HashingRaw(inner)
        buffered = io.BufferedReader(raw, 1 << 16)
        binary: IO[bytes] | gzip.GzipFile = buffered
        if buffered.peek(2)[:2] == b"\x1f\x8b":
            binary = gzip.GzipFile(fileobj=buffered, mode="rb")
        yield InputFile(name, io.TextIOWrapper(binary, encoding="utf-8-sig", newline=""), raw, size)


@dataclass(slots=True)
class ResolutionState:
    """What the file says about one resolution, and the votes counted for it so far."""

    symbol: str
    raw: tuple[str, ...]
    line: int
    session: int
    date: date
    title: str
    treaty: str | None
    meeting: str | None
    draft: str | None
    totals: tuple[int | None, ...]  # yes, no, abstain, non_voting, members
    keep: bool
    counts: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    mask: int = 0


@dataclass
class ReadResult:
    """A file read to the end without a problem."""

    layout: Layout
    rows: int
    resolutions: dict[str, ResolutionState]


class CountryLookup:
    """Countries by alpha-3 code, else by folded name; each with a bit for duplicate checks."""

    def __init__(self, codes: list[str], names: dict[str, str]) -> None:
        self.bits = {code: 1 << i for i, code in enumerate(sorted(codes))}
        self.by_code: dict[str, tuple[str, int]] = {c: (c, b) for c, b in self.bits.items()}
        self.names = names
        self._pairs: dict[tuple[str, str], tuple[str, int]] = {}

    def find(self, code: str, name: str, line: int, column: str) -> tuple[str, int]:
        """The country of a row whose code is missing or unknown, by its name."""
        found = self._pairs.get((code, name))
        if found is None:
            iso3 = self.names.get(fold(name)) if name.strip() else None
            if iso3 is None:
                raise UndlError(f"unknown country: code {code!r}, name {name!r}", line, column)
            found = self._pairs[(code, name)] = (iso3, self.bits[iso3])
        return found


ResolutionFilter = Callable[[str | None], bool]


class _Reader:
    def __init__(self, rows: Any, header: list[str], lookup: CountryLookup) -> None:
        self.rows = rows
        self.layout = layout = detect_layout(header)
        self.col = {name: i for i, name in enumerate(header)}
        self.lookup = lookup
        self.states: dict[str, ResolutionState] = {}
        self.keys = [
            layout.symbol,
            layout.date,
            *([layout.session] if layout.session else []),
            layout.title,
            layout.meeting,
            layout.draft,
            layout.total_yes,
            layout.total_no,
            layout.total_abstain,
            layout.total_non_voting,
            layout.total_members,
        ]
        self.keys = [k for k in self.keys if k in self.col]

    def line(self) -> int:
        return int(self.rows.line_num)

    def resolution(self, raw: tuple[str, ...], keep: ResolutionFilter) -> ResolutionState:
        """The state of the resolution a row belongs to; its fields are checked once."""
        fields = dict(zip(self.keys, raw, strict=True))
        layout, line = self.layout, self.line()
        try:
            symbol = check_symbol(fields[layout.symbol])
        except ValueError as exc:
            raise UndlError(str(exc), line, layout.symbol) from None
        known = self.states.get(symbol)
        if known is not None and known.raw == raw:
            return known
        state = self._parse(symbol, fields, raw, keep)
        if known is not None:
            for key, first, now in zip(self.keys, known.raw, raw, strict=True):
                if first != now and key != layout.symbol:
                    raise UndlError(
                        f"{now!r} differs from {first!r} given for {symbol} on line {known.line}",
                        line,
                        key,
                    )
            return known
        self.states[symbol] = state
        return state

    def _parse(
        self, symbol: str, fields: dict[str, str], raw: tuple[str, ...], keep: ResolutionFilter
    ) -> ResolutionState:
        layout, line = self.layout, self.line()
        column = layout.date
        try:
            voted_on = check_date(fields[layout.date])
            column = layout.session or layout.symbol
            session = session_of(
                fields[layout.session] if layout.session else None, symbol, voted_on
            )
            column = layout.title
            title = " ".join(fields[layout.title].split())
            if not title:
                raise ValueError("empty title")
            totals = []
            for column in (
                layout.total_yes,
                layout.total_no,
                layout.total_abstain,
                layout.total_non_voting,
                layout.total_members,
            ):
                totals.append(check_total(fields[column]))
            column = layout.meeting
            meeting = check_text(fields.get(layout.meeting, ""), 40)
            column = layout.draft
            draft = check_text(fields.get(layout.draft, ""), 60)
        except ValueError as exc:
            raise UndlError(str(exc), line, column) from None
        treaty = treaty_of(title)
        return ResolutionState(
            symbol, raw, line, session, voted_on, title, treaty, meeting, draft, tuple(totals),
            keep(treaty),
        )  # fmt: skip

    def run(
        self,
        keep: ResolutionFilter,
        sink: Callable[[list[VoteRow]], None],
        batch_size: int,
    ) -> ReadResult:
        layout, col, lookup = self.layout, self.col, self.lookup
        i_code, i_name, i_vote = col[layout.code], col[layout.country_name], col[layout.vote]
        votes = {code: (kind.value, KINDS.index(kind)) for code, kind in layout.votes.items()}
        key_of = operator.itemgetter(*(col[k] for k in self.keys))
        by_code = lookup.by_code
        width = len(col)
        batch: list[VoteRow] = []
        prev: tuple[str, ...] | None = None
        state: ResolutionState | None = None
        day = ""
        n = 0
        for row in self.rows:
            if len(row) != width:
                if not row:
                    continue
                raise UndlError(
                    f"{len(row)} columns where the header has {width}"
                    + (" (truncated row)" if len(row) < width else ""),
                    self.line(),
                    list(col)[min(len(row), width - 1)] if len(row) < width else None,
                )
            n += 1
            key = key_of(row)
            if key != prev or state is None:
                state = self.resolution(key, keep)
                prev, day = key, state.date.isoformat()
            code = row[i_vote]
            vote = votes.get(code)
            if vote is None:
                expected = ", ".join(layout.votes)
                raise UndlError(
                    f"unknown vote code {code!r} (expected {expected})", self.line(), layout.vote
                )
            country = by_code.get(row[i_code])
            if country is None:
                country = lookup.find(row[i_code], row[i_name], self.line(), layout.code)
            iso3, bit = country
            if state.mask & bit:
                raise UndlError(
                    f"second vote of {iso3} on {state.symbol}", self.line(), layout.code
                )
            state.mask |= bit
            state.counts[vote[1]] += 1
            if state.keep:
                batch.append((state.symbol, iso3, vote[0], code, day))
                if len(batch) >= batch_size:
                    sink(batch)
                    batch = []
        if batch:
            sink(batch)
        return ReadResult(layout, n, self.states)


def read_votes(
    text: IO[str],
    lookup: CountryLookup,
    keep: ResolutionFilter,
    sink: Callable[[list[VoteRow]], None],
    batch_size: int = 10_000,
) -> ReadResult:
    """Check every row of a vote file and hand the kept votes to `sink` in batches.

    Raises UndlError naming the line and column of the first problem: an unknown header, a
    truncated row, an unknown vote code or country, a bad date, symbol, session or total,
    a second vote of a country on one resolution, or resolution fields that differ between
    rows of the same resolution. Memory holds one batch and one small record per resolution.
    """
    rows = csv.reader(text)
    try:
        try:
            header = [h.strip().lower() for h in next(rows)]
        except StopIteration:
            raise UndlError("the file is empty") from None
        return _Reader(rows, header, lookup).run(keep, sink, batch_size)
    except UnicodeDecodeError:
        raise UndlError(f"not UTF-8 text (near line {int(rows.line_num) + 1})") from None
    except csv.Error as exc:
        raise UndlError(f"malformed CSV: {exc}", int(rows.line_num)) from None
    except (OSError, EOFError, zlib.error) as exc:
        raise UndlError(f"cannot read the file: {exc}", int(rows.line_num)) from None
