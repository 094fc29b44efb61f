"""The end notes of a UNTC status page: their text and date, the withdrawal dates they give,
and which actions of a participant's row each note backs."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from selectolax.lexbor import LexborHTMLParser

from app.vocab import JOINING_ACTIONS, ActionKind

_LONG_DATE = r"(\d{1,2} [A-Za-z]+ \d{4})"
_NOTIFIED = re.compile(rf"On {_LONG_DATE}, the Government of [^.]*?notification of withdrawal")
_EFFECTIVE = re.compile(rf"withdrawal (?:took|will take|takes) effect for [^.]*? on {_LONG_DATE}")
_ON_DATE = re.compile(rf"\b[Oo]n {_LONG_DATE}\s*[,:]")

#: The words by which a note names a kind of action: a note backs the actions of its row of
#: the kinds it names ("Upon its ratification …", "In its notification of provisional
#: application …"), besides the withdrawal it gives the dates of.
NAMES = {
    kind: re.compile(words, re.I)
    for kind, words in {
        ActionKind.signature: r"\bsign(?:ed|ature)\b",
        ActionKind.ratification: r"\bratif(?:ication|ied)\b",
        ActionKind.accession: r"\b(?:accession|acceded)\b",
        ActionKind.acceptance: r"\bacceptance\b",
        ActionKind.approval: r"\bapprov(?:al|ed)\b",
        ActionKind.succession: r"\bsuccession\b",
        ActionKind.consent_to_be_bound: r"\bconsent(?:ed|ing)? to be bound\b",
        ActionKind.provisional_application: (
            r"\bprovisional application\b|\bprovisionally apply\b|\bapply provisionally\b"
        ),
    }.items()
}
WITHDRAWAL = (ActionKind.withdrawal_notified, ActionKind.withdrawal_effective)


class NoteError(ValueError):
    """A note referred to that cannot be used; the message names the note."""


@dataclass(frozen=True)
class EndNote:
    """One end note a participant row refers to.

    `text` is the note as printed on the page, whitespace-normalised; None where it was read
    from the public record, which holds no UN prose. `date` is the day of the first thing the
    note says happened ("On 27 June 2025, the Government …"), if it says one.
    """

    number: int
    text: str | None
    date: date | None

    @property
    def reference(self) -> str:
        """How the page refers to it: "End note 4"."""
        return f"End note {self.number}"


@dataclass(frozen=True)
class Backed:
    """An action of a row with the numbers of the end notes that back it."""

    kind: ActionKind
    date: date
    notes: tuple[int, ...] = ()


def read_notes(tree: LexborHTMLParser) -> dict[str, str]:
    """Every end note of the page by its mark, as printed (line breaks as spaces)."""
    notes: dict[str, str] = {}
    for node in tree.css("div.divNotesAll"):
        anchor = node.css_first("a[name]")
        if anchor is None:
            continue
        mark = (anchor.attributes.get("name") or "").strip()
        anchor.decompose()
        for br in node.css("br"):
            br.replace_with(" ")
        notes[mark] = " ".join(node.text(separator="").split())
    return notes


def _day(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%d %B %Y").date()
    except ValueError:
        return None


def note_date(text: str) -> date | None:
    """The day of the first thing the note says happened ("On 27 June 2025, the Government
    …", "on 28 April 2014, …"), or None."""
    for found in _ON_DATE.finditer(text):
        day = _day(found.group(1))
        if day is not None:
            return day
    return None


def withdrawal(text: str) -> tuple[date, date] | None:
    """The notification and effective dates of a withdrawal note; None for another note."""
    if "notification of withdrawal" not in text:
        return None
    notified, effective = _NOTIFIED.search(text), _EFFECTIVE.search(text)
    days = [_day(m.group(1)) if m else None for m in (notified, effective)]
    if days[0] is None or days[1] is None:
        raise NoteError("cannot read the withdrawal dates")
    return days[0], days[1]


def annotate(
    marks: Sequence[str], table: Sequence[tuple[ActionKind, date]], notes: dict[str, str]
) -> tuple[list[Backed], dict[int, EndNote]]:
    """A row's actions (its table's, then a withdrawal's from its note) with the notes that
    back them, and those notes.

    A note backs the withdrawal it gives the dates of and the row's actions of the kinds it
    names; a note that backs none of them is about the row's consent to be bound (a
    territorial application, a declaration, a predecessor state) and backs its joining action,
    or every action of a row that has none.
    """
    rows: list[tuple[ActionKind, date, list[int]]] = [(k, d, []) for k, d in table]
    used: dict[int, EndNote] = {}
    for mark in dict.fromkeys(marks):
        if mark not in notes:
            raise NoteError(f"end note {mark!r} is not on the page")
        if not mark.isascii() or not mark.isdigit() or int(mark) < 1:
            raise NoteError(f"end note {mark!r} is not numbered 1, 2, 3, …")
        number, text = int(mark), notes[mark]
        if not text:
            raise NoteError(f"end note {mark} is empty")
        used[number] = EndNote(number, text, note_date(text))
        try:
            dates = withdrawal(text)
        except NoteError as exc:
            raise NoteError(f"end note {mark}: {exc}") from None
        backed = [row for row in rows if _names(text, row[0])]
        if dates is not None:
            if any(kind in WITHDRAWAL for kind, _, _ in rows):
                raise NoteError(f"end note {mark}: a second withdrawal")
            rows += [(kind, day, [number]) for kind, day in zip(WITHDRAWAL, dates, strict=True)]
        elif not backed:
            backed = [row for row in rows if row[0] in JOINING_ACTIONS] or rows
        for _, _, numbers in backed:
            numbers.append(number)
    return [Backed(k, d, tuple(sorted(n))) for k, d, n in rows], used


def _names(text: str, kind: ActionKind) -> bool:
    words = NAMES.get(kind)
    return words is not None and words.search(text) is not None
