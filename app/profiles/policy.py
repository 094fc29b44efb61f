"""Extractors for treaty status, UNGA votes and positions."""

from __future__ import annotations

import re

from app.profiles.context import Ctx
from app.profiles.result import PositionItem, StatusItem, VoteItem
from app.profiles.text import dates, years_in
from app.vocab import StatusKind, VoteKind

_STATUS: list[tuple[re.Pattern[str], StatusKind, str | None]] = [
    (
        re.compile(r"\bsigned\b[^.;]{0,120}?\bbut (?:has )?(?:not|never) (?:yet )?ratified"),
        StatusKind.signatory,
        "signature",
    ),
    (
        re.compile(
            r"\b(?:has|have|had) (?:still )?not (?:yet )?(?:acceded|joined|ratified|signed)\b|"
            r"\b(?:has|have) yet to (?:accede|join|ratify|sign)\b"
        ),
        StatusKind.not_party,
        None,
    ),
    (
        re.compile(
            r"\b(?:is|are|remains) not (?:yet )?(?:a )?(?:State )?[Pp]arty\b|"
            r"\bnor is it (?:a )?(?:State )?[Pp]arty\b"
        ),
        StatusKind.not_party,
        None,
    ),
    (
        re.compile(
            r"\b[Nn]on-?\s?[Ss]ignatory\b|\bnot a signatory\b|\bnever signed\b|"
            r"\b(?:remains|stays) outside\b"
        ),
        StatusKind.not_party,
        None,
    ),
    (
        re.compile(r"\bwithdrew from\b|\bwithdrawal (?:took|takes) effect\b"),
        StatusKind.withdrawn,
        None,
    ),
    (
        re.compile(
            r"\b(?:is|are|became|becoming|has been) (?:a |an |its |the )?(?:\d{1,3}\w{0,2} )?"
            r"States? Part(?:y|ies)\b|^State Party\b|\b[Ss]tate [Pp]arty [A-Z]"
        ),
        StatusKind.state_party,
        None,
    ),
    (re.compile(r"\b(?:is|are) (?:a )?party to\b"), StatusKind.state_party, None),
    (re.compile(r"\bratified\b"), StatusKind.state_party, "ratification"),
    (re.compile(r"\bacceded\b"), StatusKind.state_party, "accession"),
    (re.compile(r"\b(?:is|are) (?:a )?[Ss]ignatory\b|^Signatory\b"), StatusKind.signatory, None),
    (re.compile(r"\bsigned\b"), StatusKind.signatory, "signature"),
]


def statuses(ctx: Ctx) -> list[StatusItem]:
    """Status statements: each phrase applies to the treaties named after it."""
    text = ctx.text
    hits: list[tuple[int, int, StatusKind, str | None]] = []
    for pattern, status, action in _STATUS:
        for m in pattern.finditer(text):
            if any(a <= m.start() < b or m.start() <= a < m.end() for a, b, _, _ in hits):
                continue
            if (
                action == "signature"
                and status is StatusKind.signatory
                and len(_STATUS)
                and (re.search(r"\b(?:ratified|acceded)\b", text) and "but" not in m.group(0))
            ):
                continue
            hits.append((m.start(), m.end(), status, action))
    hits.sort()
    items: list[StatusItem] = []
    for i, (start, end, status, action) in enumerate(hits):
        stop = hits[i + 1][0] if i + 1 < len(hits) else len(text)
        slugs = [m.slug for m in ctx.mentions if end <= m.start < stop]
        if not slugs:
            before = [m.slug for m in ctx.mentions if m.start < start]
            slugs = before[-1:] or [ctx.treaty]
        when = ctx.when if ctx.update else ctx.as_of
        if action:
            found = dates(text[end:stop], years=False) or dates(text, years=False)
            when = found[0].value if found else when
        for slug in dict.fromkeys(slugs):
            items.append(
                StatusItem(
                    **ctx.base(),
                    treaty=slug,
                    status=status,
                    date=when,
                    action=action,
                    update=ctx.update,
                )
            )
    return items


_VERBS: list[tuple[re.Pattern[str], VoteKind]] = [
    (re.compile(r"\bvoted (?:in favou?r|for|yes)\b"), VoteKind.yes),
    (re.compile(r"\bvoted (?:against|no)\b"), VoteKind.no),
    (re.compile(r"\babstained\b|\babstention\b"), VoteKind.abstain),
    (
        re.compile(r"\b(?:was|were) absent\b|\bdid not (?:vote|participate in the vote)\b"),
        VoteKind.non_voting,
    ),
]
_SYMBOL = re.compile(r"(?:[Rr]esolutions? |A/RES/)(\d{2,3})/(\d{1,3})\b")
_SINCE = re.compile(r"\b(?:since|every year since|each year since|from) (\d{4})\b")
_YEARS = re.compile(r"\bin (\d{4})((?:(?:,| and|, and) \d{4}){0,20})")
_PRIOR = re.compile(r"\b(?:[Pp]rior to|[Bb]efore|[Uu]ntil) (?:[A-Z][a-z]+ )?\d{4}")


def votes(ctx: Ctx) -> list[VoteItem]:
    """UNGA votes: one item per resolution or per year of a range."""
    text = ctx.text
    if not re.search(r"[Rr]esolution|UNGA|General Assembly", text) or _PRIOR.search(text):
        return []
    verbs = sorted(
        ((m.start(), kind) for p, kind in _VERBS for m in p.finditer(text)), key=lambda v: v[0]
    )
    items: list[VoteItem] = []
    for i, (start, kind) in enumerate(verbs):
        stop = verbs[i + 1][0] if i + 1 < len(verbs) else len(text)
        seg_start = (
            start
            if i
            or _SYMBOL.search(text[start:stop])
            or _YEARS.search(text[start:stop])
            or _SINCE.search(text[start:stop])
            else 0
        )
        seg = text[seg_start:stop]
        treaty = ctx.treaty_near(seg_start, seg_start + len(seg))
        items += _votes_in(ctx, seg, kind, treaty)
    return items


def _votes_in(ctx: Ctx, seg: str, kind: VoteKind, treaty: str) -> list[VoteItem]:
    base = ctx.base()
    symbols = [f"A/RES/{a}/{b}" for a, b in _SYMBOL.findall(seg)]
    full = list(dates(seg, years=False))
    when = full[0].value if full and len(full[0].value) == 10 else None
    if symbols:
        return [
            VoteItem(**base, resolution=s, year=_year(s, full), date=when, treaty=treaty, vote=kind)
            for s in symbols
        ]
    since = _SINCE.search(seg)
    if since and ctx.ref_year:
        first = int(since.group(1))
        return [
            VoteItem(
                **base,
                resolution=ctx.resolutions.get((treaty, y)),
                year=y,
                treaty=treaty,
                vote=kind,
                pattern=True,
            )
            for y in range(first, max(first, ctx.ref_year) + 1)
        ]
    years = [int(d.value[:4]) for d in full]
    listed = _YEARS.search(seg)
    if not years and listed:
        years = years_in(listed.group(0))
    for number in ctx.citations:  # a resolution named in the sentence's footnote
        note, note_date = ctx.footnotes.get(number, ("", None))
        found = _SYMBOL.findall(note)
        if len(found) == 1 and len(years) <= 1:
            symbol = f"A/RES/{found[0][0]}/{found[0][1]}"
            return [
                VoteItem(
                    **base,
                    resolution=symbol,
                    year=_year(symbol, []),
                    date=note_date,
                    treaty=treaty,
                    vote=kind,
                )
            ]
    if not years:
        ctx.warnings.append(f"vote without a year or resolution: {ctx.text[:80]!r}")
        return []
    return [
        VoteItem(
            **base,
            resolution=ctx.resolutions.get((treaty, y)),
            year=y,
            date=when,
            treaty=treaty,
            vote=kind,
        )
        for y in dict.fromkeys(years)
    ]


def _year(symbol: str, found: object) -> int:
    return int(symbol.split("/")[2]) + 1945


_POSITIONS: list[tuple[str, re.Pattern[str]]] = [
    ("stockpile_origin", re.compile(r"\binherited (?:a|its|the) (?:stockpile|stock)")),
    (
        "accession_under_consideration",
        re.compile(
            r"under (?:active |serious )?(?:consideration|review|study)|"
            r"considering (?:joining|accession|acceding|ratification)|"
            r"intends to (?:join|accede|ratify)|preparing to (?:join|accede)"
        ),
    ),
    (
        "reason_not_joining",
        re.compile(
            r"could not (?:yet )?join|cannot (?:yet )?join|unable to (?:join|accede)|"
            r"not in a position to (?:join|accede)|does not have the financial resources|"
            r"lacks (?:both )?financial"
        ),
    ),
    (
        "support",
        re.compile(
            r"\bsupports? the (?:goal|idea|aims?|objectives?|principles?|humanitarian)|"
            r"expressed (?:its )?support|\bsupportive of\b"
        ),
    ),
    ("opposition", re.compile(r"\bopposes\b|\bdoes not support\b")),
    (
        "legislation",
        re.compile(
            r"\benacted (?:national |domestic )?legislation|implementation "
            r"legislation|national implementation measures"
        ),
    ),
]


def positions(ctx: Ctx) -> list[PositionItem]:
    """One position per sentence that states a policy."""
    text = ctx.text
    kind = None
    if re.search(r"[Rr]esolution|UNGA", text) and (
        _PRIOR.search(text) or _SINCE.search(text) or "every year" in text
    ):
        kind = "voting_pattern"
    else:
        kind = next((k for k, p in _POSITIONS if p.search(text)), None)
    if kind is None:
        return []
    return [PositionItem(**ctx.base(), treaty=ctx.treaty_near(), date=ctx.when, kind=kind)]
