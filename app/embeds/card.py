"""The compact country card: one row per instrument, its short name and its status with a date.

The page's metrics are here too, so the oEmbed answer can give the iframe the card's height.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Protocol, TypeVar

from app.embeds import svg
from app.schemas import SourceOut, Status
from app.vocab import SourceKind, StatusKind

#: A short name longer than this gives way to the treaty's acronym, if it has one.
SHORT = 24
ACRONYM = re.compile(r"^[A-Z]{2,6}$")
#: How a kind of source is named in the one-line source (others by their publisher).
SOURCE_NAMES = {SourceKind.untc_status_page: "UN Treaty Collection"}

#: Metrics of the page (px), as set by `STYLE`: font, line height, padding, the name column.
FONT, LINE, PAD, CELL = 14.0, 1.4, 8.0, 6.0
SWATCH = 0.8 + 0.4  # the colour swatch and its margin, in em
HEADING, SMALL = 1.1, 0.9  # the heading's and the source line's size, in em
SLACK = 8.0  # estimates of text width are approximate
#: The colour swatch beside a status, one class per status.
SWATCH_STYLE = (
    ".sw{display:inline-block;width:.8em;height:.8em;margin-right:.4em;"
    "border:1px solid #555;vertical-align:-.05em}"
    + "".join(f".sw-{k.value}{{background:{c}}}" for k, c in svg.COLOURS.items())
)
#: Narrower than this (px), each row stacks: the name above its status.
STACK = 420
STYLE = SWATCH_STYLE + (
    "table.card th{width:1%;white-space:nowrap}table.card td{overflow-wrap:break-word}"
    "time{white-space:nowrap}h1{overflow-wrap:break-word}"
    "p.source{margin:6px 0 0;font-size:.9em;overflow-wrap:break-word}"
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}"
    f"@media (max-width:{STACK - 0.02}px){{table.card th,table.card td{{display:block;width:auto}}"
    "table.card th{white-space:normal;border-bottom:0;padding-bottom:0}"
    "table.card td{padding-top:0}}"
)
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class TreatyLike(Protocol):
    """What the card needs of a treaty."""

    @property
    def slug(self) -> str: ...

    @property
    def short_name(self) -> str: ...

    @property
    def parent(self) -> str | None: ...

    @property
    def entry_into_force_on(self) -> date | None: ...

    @property
    def aliases(self) -> list[str]: ...


@dataclass(frozen=True)
class Row:
    """One instrument on the card: its names, the status and the sources behind it."""

    name: str
    full_name: str
    status: Status
    sources: Sequence[SourceOut]


T = TypeVar("T", bound=TreatyLike)


def ordered(treaties: Iterable[T]) -> list[T]:
    """Conventions first, a convention with protocols last of them (its protocols follow it),
    then the protocols; each group by the instrument's entry into force."""
    listed = list(treaties)
    parents = {t.parent for t in listed if t.parent}
    return sorted(
        listed,
        key=lambda t: (
            t.parent is not None,
            t.slug in parents,
            t.entry_into_force_on or date.max,
            t.slug,
        ),
    )


def short_name(treaty: TreatyLike) -> str:
    """The short name, or its acronym when the short name is long."""
    if len(treaty.short_name) <= SHORT:
        return treaty.short_name
    return next((a for a in treaty.aliases if ACRONYM.match(a)), treaty.short_name)


def phrase(status: Status) -> str:
    """The status in words, once, with the date that explains it."""
    kind = status.status
    word = svg.label(kind).capitalize()
    if kind is StatusKind.state_party:
        on = status.entry_into_force_on or status.joined_on
        return f"{word} since {on.isoformat()}" if on else word
    if kind is StatusKind.pending_entry_into_force:
        eif = status.entry_into_force_on
        return f"{word} on {eif.isoformat()}" if eif else word
    if kind is StatusKind.signatory:
        return f"{word} since {status.signed_on.isoformat()}" if status.signed_on else word
    if kind is StatusKind.withdrawal_pending:
        effective = status.withdrawal_effective_on
        if effective:
            return f"{word}, effective {effective.isoformat()}"
        notified = status.withdrawal_notified_on
        return f"{word}, notified {notified.isoformat()}" if notified else word
    if kind is StatusKind.withdrawn:
        on = status.withdrawal_effective_on or status.withdrawal_notified_on
        return f"{word} since {on.isoformat()}" if on else word
    return word


def source_line(rows: Sequence[Row], profile_url: str) -> str:
    """One line: the sources by name, the latest date the record is known up to, a link."""
    names = list(
        dict.fromkeys(SOURCE_NAMES.get(s.kind, s.publisher) for row in rows for s in row.sources)
    )
    dates = [row.status.record_as_at for row in rows if row.status.record_as_at]
    at = f", as at {max(dates).isoformat()}" if dates else ""
    named = "; ".join(names) or "No record"
    return (
        f'<p class="source">Source: <a href="{escape(profile_url)}" target="_blank" '
        f'rel="noopener">{dated(named + at)}</a></p>'
    )


def _row(row: Row) -> str:
    """A table row: the name (the full short name as its title when abbreviated), the status."""
    name = escape(row.name)
    if row.name != row.full_name:
        name = f'<abbr title="{escape(row.full_name)}">{name}</abbr>'
    kind = row.status.status.value
    return (
        f'<tr><th scope=row>{name}</th><td><span class="sw sw-{kind}" aria-hidden=true>'
        f"</span>{dated(phrase(row.status))}</td></tr>"
    )


def dated(value: str) -> str:
    """Escaped text, each ISO date in it a `<time>` (kept on one line)."""
    return DATE.sub(lambda m: f'<time datetime="{m[0]}">{m[0]}</time>', escape(value))


def heading(country: str, as_of: date) -> str:
    """The card's heading text."""
    return f"{country}: treaty status on {as_of.isoformat()}"


def body(country: str, as_of: date, rows: Sequence[Row], profile_url: str) -> str:
    """The card: a heading, a table of instruments and their statuses, the source line."""
    return (
        f"<h1>{dated(heading(country, as_of))}</h1>"
        '<table class="card"><caption class="sr">Status toward each instrument</caption>'
        f"<tbody>{''.join(_row(r) for r in rows)}</tbody></table>"
        f"{source_line(rows, profile_url)}"
    )


def _lines(value: str, width: float, size: float, bold: bool = False) -> int:
    """Lines `value` takes, wrapped at its words, in `width` px at `size` px (estimated)."""
    return max(1, len(svg.wrap(value, width / (svg.BOLD if bold else 1.0), size)))


def height(width: int, country: str, rows: Sequence[tuple[str, str]]) -> int:
    """The card's height (px) at `width`, for rows of (instrument name, status phrase)."""
    inner, line = width - 2 * PAD, FONT * LINE
    top = _lines(heading(country, date.min), inner, FONT * HEADING, bold=True)
    total = PAD * 2 + top * FONT * HEADING * LINE + 6
    widest = max((svg.text_width(n, FONT) * svg.BOLD for n, _ in rows), default=0.0)
    for name, words in rows:
        if width < STACK:
            cell = inner - 2 * CELL
            lines = _lines(name, cell, FONT, bold=True) + _lines(words, cell - SWATCH * FONT, FONT)
        else:
            cell = inner - widest - 4 * CELL - SWATCH * FONT
            lines = _lines(words, cell, FONT)
        total += lines * line + 2 * 4 + 1
    source = "Source: UN Treaty Collection, as at 2000-01-01"
    total += 6 + _lines(source, inner, FONT * SMALL) * FONT * SMALL * LINE
    return math.ceil(total + SLACK)
