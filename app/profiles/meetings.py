"""Extractor for meeting participation, in the body and in statement footnotes."""

from __future__ import annotations

import re

from app.profiles.context import Ctx
from app.profiles.footnotes import meeting_of
from app.profiles.lexicon import treaty_mentions
from app.profiles.result import ParticipationItem
from app.profiles.text import MONTHS, dates, years_in
from app.vocab import ParticipationRole

_ORD = (
    r"(?:First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth|Eleventh|Twelfth|"
    r"Thirteenth|Fourteenth|Fifteenth|Sixteenth|Seventeenth|Eighteenth|Nineteenth|Twentieth|"
    r"Twenty-\w{3,6}|\d{1,2}(?:st|nd|rd|th)) "
)
MEETING = re.compile(
    rf"(?:(?P<year>\d{{4}}) )?(?P<ord>{_ORD})?(?P<name>Review Conference|Meetings? of (?:the )?"
    r"States Parties|Signing Conference|Oslo Process|Ottawa Process|Standing Committee "
    r"(?:meetings?|on (?:the )?[A-Z][\w ]{3,60}?(?=[,.;]| in | as ))|[Ii]ntersessional "
    r"[Mm]eetings?|(?:Meeting|Conference) of (?:the )?High Contracting Parties|Diplomatic "
    r"Conference)"
)
_ROLES: list[tuple[re.Pattern[str], ParticipationRole]] = [
    (
        re.compile(r"\binvited to,? but did not attend|\binvited,? but did not attend"),
        ParticipationRole.invited_not_attended,
    ),
    (
        re.compile(r"\bdid not (?:attend|participate in)\b|\babsent from\b"),
        ParticipationRole.not_attended,
    ),
    (re.compile(r"\bas an? observer\b"), ParticipationRole.observer),
    (re.compile(r"\bas a State Party\b"), ParticipationRole.state_party),
    (
        re.compile(r"\b(?:participated|attended|took part|joined|was represented)\b"),
        ParticipationRole.participant,
    ),
]
_ADOPTION = re.compile(
    r"consensus adoption of the (?:convention|treaty) text in ([A-Z][a-z]{2,30})"
)
_YEAR_LIST = re.compile(r"^\s{0,2}in (\d{4}(?:(?:,| and|, and) \d{4}){0,20})")
_PLACE = re.compile(r"^ (?:in|at|held in) ([A-Z][a-z]{2,30})\b")


def participations(ctx: Ctx) -> list[ParticipationItem]:
    """Meetings named in a sentence, with the role of the verb phrase before each."""
    text = ctx.text
    hits: list[tuple[int, int, ParticipationRole]] = []
    for pattern, role in _ROLES:
        for m in pattern.finditer(text):
            if not any(a <= m.start() < b for a, b, _ in hits):
                hits.append((m.start(), m.end(), role))
    roles = sorted((start, role) for start, _, role in hits)
    items: list[ParticipationItem] = []
    for m in MEETING.finditer(text):
        before = [role for pos, role in roles if pos < m.start()]
        if not before:
            continue
        role = before[-1]
        if role is ParticipationRole.participant and any(
            r is ParticipationRole.observer for r in before
        ):
            role = ParticipationRole.observer
        name = f"{m.group('ord') or ''}{m.group('name')}"
        tail = text[m.end() : m.end() + 80]
        place = _PLACE.match(tail)
        if place and place.group(1).lower() not in MONTHS:
            name = f"{name}, {place.group(1)}"
        treaty = ctx.treaty_near(m.start(), m.end() + 60)
        if m.group("year"):
            years = [int(m.group("year"))]
        else:
            listed = _YEAR_LIST.match(tail)
            years = years_in(listed.group(1)) if listed else []
        near = list(dates(tail[:45], years=False))
        date = near[0].value if near else None
        if not years:
            later = years_in(tail) or years_in(text)
            years = later[:1]
        if not years:
            ctx.warnings.append(f"meeting without a year: {ctx.text[:80]!r}")
            continue
        plural = name.startswith("Meetings") or len(years) > 1
        for year in years:
            meeting = name.replace("Meetings", "Meeting")
            if plural or m.group("year"):
                meeting = f"{year} {meeting}"
            items.append(
                ParticipationItem(
                    **ctx.base(),
                    treaty=treaty,
                    meeting=meeting,
                    year=year,
                    date=date if len(years) == 1 else None,
                    role=role,
                )
            )
    adoption = _ADOPTION.search(text)
    if adoption:
        found = dates(text[adoption.end() :], years=True)
        if found:
            items.append(
                ParticipationItem(
                    **ctx.base(),
                    treaty=ctx.treaty_near(),
                    meeting=f"{adoption.group(1)} Diplomatic Conference",
                    year=int(found[0].value[:4]),
                    date=found[0].value if len(found[0].value) > 4 else None,
                    role=ParticipationRole.participant,
                )
            )
    return items


def from_footnote(ctx: Ctx, note: str) -> list[ParticipationItem]:
    """A statement footnote: the country spoke at the meeting it names."""
    found = meeting_of(note)
    if found is None or found[2] is None:
        return []
    meeting, place, date = found
    mentions = treaty_mentions(meeting)
    treaty = mentions[0].slug if mentions else ctx.treaty
    for m in mentions:
        meeting = (meeting[: m.start] + meeting[m.end :]) if m.start == 0 else meeting
    meeting = meeting.strip()
    if place:
        meeting = f"{meeting}, {place}"
    return [
        ParticipationItem(
            **ctx.base(),
            treaty=treaty,
            meeting=meeting,
            year=int(str(date)[:4]),
            date=date,
            role=ParticipationRole.participant,
        )
    ]


def meeting_key(meeting: str) -> str:
    """The part of a meeting name that identifies it (no place, no article)."""
    head = meeting.split(",")[0].lower()
    return " ".join(w for w in re.findall(r"\w+", head) if w != "the")
