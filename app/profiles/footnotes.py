"""Reading the parts of a footnote: issuer, document reference, date and place."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from app.profiles.text import dates

_MEETING_WORDS = re.compile(
    r"\b(Conference|Committee|Meeting|Session|Workshop|Process|Assembly|Seminar|Symposium)\b"
)
_SYMBOL = re.compile(
    r"\b(?:UNGA |General Assembly )?[Rr]esolution (?:A/RES/)?(\d{2,3})/(\d{1,3})\b"
)
_LETTER_NO = re.compile(
    r"^(?:[Ss]ee,? )?Letter (?:No\.? ?|#)?(?P<no>[\w][\w./\-]{0,30}\d[\w./\-]{0,30}) from (?:the )?"
    r"(?P<issuer>[^,]{3,200}),"
)
_OF_PLACE = re.compile(r"^(?P<body>.{3,200}) of (?:the )?(?P<of>[A-Z][\w’' -]{2,60})$")
_LETTER_FROM = re.compile(r"^(?:[Ss]ee,? )?(?P<ref>Letter from [^,]{3,120}),\s*(?P<rest>.*)$")
_STATEMENT = re.compile(
    r"(?:^|\b)(?:[Ss]ee,? (?:for example,? )?)?[Ss]tatement (?:of|by) (?P<rest>.*)$"
)
_PUBLICATION = re.compile(
    r"(?P<author>[A-Z][\w.&’' -]{0,80}?), (?P<title>[^()]{3,200}?) "
    r"\((?P<place>[^:()]{2,60}): [^()]{1,160}?\)(?:, (?P<page>pp?\. ?[\d–-]{1,12}))?"
)
_PLACE = re.compile(r"^[A-Z][a-zé]+(?: [A-Z][a-zé]+)?$")
_COUNTRYISH = re.compile(r"^[A-Z][\w’'-]+(?: [A-Z][\w’'-]+){0,3}$")


@dataclass
class CitationParts:
    """What can be read from a footnote."""

    date: str | None = None
    issuer: str | None = None
    reference: str | None = None
    place: str | None = None


def first_sentence(text: str) -> str:
    """The footnote up to its first full stop that ends a sentence."""
    m = re.search(r"(?<!\bNo)(?<!\bAmb)(?<!\bp)(?<!\b[A-Z])\.(?:\s|$)", text)
    return text[: m.start()] if m else text


def read_citation(text: str, is_country: Callable[[str], bool]) -> CitationParts:
    """Issuer, reference, date and place of a footnote, where they can be read."""
    head = first_sentence(text[:2000])
    found = dates(head, years=False)
    parts = CitationParts(date=found[-1].value if found else None)
    symbol = _SYMBOL.search(head)
    if (
        symbol
        and head.count("Resolution") + head.count("resolution") >= 1
        and ("UNGA" in head or "General Assembly" in head)
    ):
        parts.issuer = "United Nations General Assembly"
        parts.reference = f"UNGA Resolution {symbol.group(1)}/{symbol.group(2)}"
        return parts
    letter = _LETTER_NO.match(head)
    if letter:
        parts.reference = f"Letter {letter.group('no')}"
        issuer = letter.group("issuer").strip()
        of = _OF_PLACE.match(issuer)
        if of and is_country(of.group("of")):
            issuer = of.group("body")
        parts.issuer = issuer
        return parts
    letter_from = _LETTER_FROM.match(head)
    if letter_from:
        parts.reference = letter_from.group("ref").strip()
        rest = [p.strip() for p in letter_from.group("rest").split(",") if p.strip()]
        if rest and not dates(rest[0], years=False):
            parts.issuer = rest[0]
        return parts
    statement = _STATEMENT.search(head)
    if statement:
        _statement(statement.group("rest"), is_country, parts)
        return parts
    see = re.search(r"\b[Ss]ee ", head)
    pub = _PUBLICATION.match(head, see.end()) if see else _PUBLICATION.match(head)
    if pub:
        parts.issuer = pub.group("author").strip()
        page = f", {pub.group('page')}" if pub.group("page") else ""
        parts.reference = f"{pub.group('title').strip()}{page}"
        parts.place = pub.group("place").strip()
    return parts


def _statement(rest: str, is_country: Callable[[str], bool], parts: CitationParts) -> None:
    pieces = [p.strip() for p in rest.split(",") if p.strip()]
    if pieces and dates(pieces[-1], years=False):
        pieces = pieces[:-1]
    meeting_at = next((i for i, p in enumerate(pieces) if _MEETING_WORDS.search(p)), None)
    if meeting_at is None or meeting_at == 0:
        who = pieces[0] if pieces else None
        meeting = pieces[0] if meeting_at == 0 else None
        if who and meeting is None:
            parts.issuer = _issuer(who, is_country)
        if meeting:
            parts.reference = f"Statement, {meeting}"
        return
    who = ", ".join(pieces[:meeting_at])
    parts.issuer = _issuer(who, is_country)
    parts.reference = f"Statement, {pieces[meeting_at]}"
    after = pieces[meeting_at + 1 : meeting_at + 2]
    if after and _PLACE.match(after[0]):
        parts.place = after[0]


def _issuer(who: str, is_country: Callable[[str], bool]) -> str:
    if _COUNTRYISH.match(who) and is_country(who):
        return f"Government of {who.removeprefix('the ')}"
    return who


def meeting_of(text: str) -> tuple[str, str | None, str | None] | None:
    """A statement footnote's meeting, place and date: (meeting, place, date)."""
    statement = _STATEMENT.search(first_sentence(text[:2000]))
    if not statement:
        return None
    pieces = [p.strip() for p in statement.group("rest").split(",") if p.strip()]
    when = dates(pieces[-1], years=False) if pieces else []
    date = when[0].value if when else None
    meeting_at = next((i for i, p in enumerate(pieces) if _MEETING_WORDS.search(p)), None)
    if meeting_at is None:
        return None
    place = None
    after = pieces[meeting_at + 1 : meeting_at + 2]
    if after and _PLACE.match(after[0]):
        place = after[0]
    return pieces[meeting_at], place, date
