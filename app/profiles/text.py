"""Text normalisation that keeps every character's offset in the original, and dates."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: Letters of other alphabets that look like Latin ones (replaced inside Latin words only).
LOOKALIKES = str.maketrans(
    "аеорсухіјѕԁԛԝАВЕКМНОРСТХУІЈЅΑΒΕΖΗΙΚΜΝΟΡΤΥΧοαν",
    "aeopcyxijsdqwABEKMHOPCTXYIJSABEZHIKMNOPTYXoav",
)
_SPACES = {"\u00a0", "\u2007", "\u202f", "\u2009", "\u200a", "\u2002", "\u2003", "\t", "\x0b"}
_DROPPED = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\ufffd", "\r"}
_WORD = re.compile(r"\w+")
_ASCII_LETTER = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Normalized:
    """Normalised text and, for each of its characters, the offset in the original."""

    text: str
    offsets: list[int]
    original_length: int

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) of a normalised [start, end)."""
        if start >= len(self.offsets):
            return (self.original_length, self.original_length)
        last = min(max(end, start + 1), len(self.offsets)) - 1
        return (self.offsets[start], self.offsets[last] + 1)


def normalize(raw: str) -> Normalized:
    """Line endings, odd spaces, invisible and control characters, lookalike letters."""
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(raw):
        if ch == "\r":
            if i + 1 < len(raw) and raw[i + 1] == "\n":
                continue
            ch = "\n"
        if ch in _DROPPED:
            continue
        if ch in _SPACES:
            ch = " "
        elif ch != "\n" and unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs"):
            continue
        chars.append(ch)
        offsets.append(i)
    text = "".join(chars)
    if any(ord(c) > 0x36F for c in text):
        text = _WORD.sub(_delookalike, text)
    return Normalized(text, offsets, len(raw))


def _delookalike(match: re.Match[str]) -> str:
    word = match.group(0)
    if word.isascii() or not _ASCII_LETTER.search(word):
        return word
    return word.translate(LOOKALIKES)


# --- dates -----------------------------------------------------------------------------------

MONTHS = {
    m: i + 1
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]
    )
}
_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
_FULL = re.compile(rf"\b(\d{{1,2}}) {_MONTH},? (\d{{4}})\b|\b{_MONTH} (\d{{1,2}}), (\d{{4}})\b")
_MONTH_YEAR = re.compile(rf"\b{_MONTH},? (\d{{4}})\b")
_YEAR = re.compile(r"\b(19[4-9]\d|20[0-4]\d)\b")


@dataclass(frozen=True)
class DateHit:
    """A date found in text: where, and its value with reduced precision."""

    start: int
    end: int
    value: str  # YYYY, YYYY-MM or YYYY-MM-DD


def dates(text: str, years: bool = True) -> list[DateHit]:
    """Full dates, month-year dates and (optionally) bare years, in text order."""
    hits: list[DateHit] = []
    taken: list[tuple[int, int]] = []
    for m in _FULL.finditer(text):
        if m.group(1):
            day, month, year = int(m.group(1)), m.group(2), m.group(3)
        else:
            day, month, year = int(m.group(5)), m.group(4), m.group(6)
        if 1 <= day <= 31:
            hits.append(
                DateHit(m.start(), m.end(), f"{year}-{MONTHS[month.lower()]:02d}-{day:02d}")
            )
            taken.append((m.start(), m.end()))
    for m in _MONTH_YEAR.finditer(text):
        if not _inside(m.start(), taken):
            hits.append(
                DateHit(m.start(), m.end(), f"{m.group(2)}-{MONTHS[m.group(1).lower()]:02d}")
            )
            taken.append((m.start(), m.end()))
    if years:
        for m in _YEAR.finditer(text):
            if not _inside(m.start(), taken):
                hits.append(DateHit(m.start(), m.end(), m.group(1)))
    return sorted(hits, key=lambda h: h.start)


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def month(value: str | None) -> str | None:
    """A partial date cut to month precision."""
    return value[:7] if value else None


def years_in(text: str) -> list[int]:
    """Every year mentioned, in order."""
    return [int(m.group(1)) for m in _YEAR.finditer(text)]
