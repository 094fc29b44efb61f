"""The reader: profile text → ProfileResult (never raises on text; problems become warnings)."""

from __future__ import annotations

import re

from app.profiles import meetings, policy, weapons
from app.profiles.context import Ctx
from app.profiles.document import _MARKER, _UPDATE, Section, Sentence, sentences, split_sections
from app.profiles.footnotes import read_citation
from app.profiles.lexicon import (
    AP_MINES,
    CLUSTER,
    KIND_TREATY,
    KIND_WEAPON,
    default_resolutions,
    find_country,
    is_country,
)
from app.profiles.result import CitationItem, CostItem, ProfileResult
from app.profiles.text import Normalized, dates, month, normalize

MAX_CHARS = 2_000_000
_CONNECTIVE = re.compile(
    r"^(?:However|But|Yet|It|This|They|Also|Moreover|Furthermore|Still|"
    r"In addition|As in|At the same time)\b"
)
_STATEMENT_YEAR = re.compile(r"^In (\d{4})\b|\b(?:in|In) (\d{4}),? that\b")
_NAME = re.compile(r"\b([A-Z][\w’'-]+(?: (?:of |and |the )?[A-Z][\w’'-]+){0,4})")


#: No word in a real profile is this long; longer runs are cut (with spaces, so every offset
#: stays put) before the patterns run, which keeps their time linear in the text.
MAX_WORD = 500
_LONG_WORD = re.compile(rf"\S{{{MAX_WORD + 1},}}")


def _cut_long_words(text: str) -> tuple[str, int]:
    cut = 0

    def shorten(m: re.Match[str]) -> str:
        nonlocal cut
        cut += 1
        return m.group()[:MAX_WORD] + " " * (len(m.group()) - MAX_WORD)

    return _LONG_WORD.sub(shorten, text), cut


def parse(raw: str, resolutions: dict[tuple[str, int], str] | None = None) -> ProfileResult:
    """Read a profile; a file with several profile sections gives them in `sections`."""
    text, cut = _cut_long_words(raw[:MAX_CHARS])
    norm = normalize(text)
    found = [
        _section(norm, s, resolutions or default_resolutions()) for s in split_sections(norm.text)
    ]
    first = found[0]
    first.sections = found[1:]
    if len(raw) > MAX_CHARS:
        first.warnings.append(f"text longer than {MAX_CHARS} characters: the rest was not read")
    if cut:
        first.warnings.append(f"{cut} run(s) of over {MAX_WORD} characters without a space cut")
    return first


def _country(section: Section, text: str, start: int) -> str | None:
    code = find_country(section.country_name)
    if code:
        return code
    window = text[start : start + 3000]
    for m in _NAME.finditer(window):
        words = m.group(1).split()
        for n in range(len(words), 0, -1):
            code = find_country(" ".join(words[:n]))
            if code:
                return code
    return None


def _section(
    norm: Normalized, section: Section, resolutions: dict[tuple[str, int], str]
) -> ProfileResult:
    text = norm.text
    warnings = list(section.warnings)
    body_start = section.paragraphs[0][0] if section.paragraphs else 0
    kind = section.kind
    if kind is None:
        body = " ".join(text[a:b] for a, b, _ in section.paragraphs)
        kind = (
            "cluster_munition_ban_policy"
            if len(CLUSTER.findall(body)) > len(AP_MINES.findall(body))
            else "mine_ban_policy"
        )
        warnings.append(f"no profile heading found; the kind was guessed: {kind}")
    country = _country(section, text, body_start)
    if country is None:
        warnings.append("the country could not be recognised")
    citations = [
        CitationItem(number=f.number, text=f.text, **vars(read_citation(f.text, is_country)))
        for f in section.footnotes.values()
    ]
    result = ProfileResult(
        country=country,
        kind=kind,
        title=section.title,
        last_updated=section.last_updated,
        citations=citations,
    )
    units = _units(text, section)
    cited = {n for s in units for n in s.citations if s.footnote is None}
    missing = sorted(cited - set(section.footnotes))
    if missing and not section.footnotes:
        warnings.append(
            "no footnote list: the text may be cut off; footnote markers "
            f"{', '.join(map(str, missing))} have no footnote"
        )
    elif missing:
        warnings.append(f"footnotes cited but missing: {', '.join(map(str, missing))}")
    if units and not re.search(r"[.!?”\"’)\]]$", units[-1].text):
        warnings.append("the text ends mid-sentence: it may be cut off")
    body_dates = [
        d.value
        for s in units
        if s.footnote is None and not s.update
        for d in dates(s.text, years=False)
    ]
    as_of = section.last_updated or month(max(body_dates, default=None))
    all_years = [int(d[:4]) for d in body_dates] + [
        int(d.value[:4]) for s in units if s.update for d in dates(s.text, years=False)
    ]
    ref_year = max([*all_years, int(as_of[:4])] if as_of else all_years, default=None)
    notes = {
        f.number: (f.text, next((c.date for c in citations if c.number == f.number), None))
        for f in section.footnotes.values()
    }
    treaty, weapon = KIND_TREATY[kind], KIND_WEAPON[kind]
    context: str | None = None
    for s in units:
        if s.first:
            context = None
        when = _when(s, context, notes)
        own = dates(s.text, years=False)
        if own and s.footnote is None:
            context = own[-1].value
        ctx = Ctx(
            text=s.text,
            span=norm.span(s.start, s.end),
            citations=s.citations,
            when=when,
            treaty=treaty,
            weapon=weapon,
            as_of=as_of,
            ref_year=ref_year,
            resolutions=resolutions,
            footnotes=notes,
            update=s.update,
            footnote=s.footnote,
            warnings=warnings,
        )
        _extract(ctx, s, result)
    for f in section.footnotes.values():
        ctx = Ctx(
            text=f.text,
            span=norm.span(f.start, f.end),
            citations=[f.number],
            when=notes[f.number][1],
            treaty=treaty,
            weapon=weapon,
            as_of=as_of,
            ref_year=ref_year,
            resolutions=resolutions,
            footnotes=notes,
            warnings=warnings,
        )
        result.participations += meetings.from_footnote(ctx, f.text)
    from app.profiles.merge import tidy

    tidy(result, section, warnings)
    result.warnings = list(dict.fromkeys(warnings))
    return result


def _extract(ctx: Ctx, s: Sentence, result: ProfileResult) -> None:
    try:
        result.statuses += policy.statuses(ctx)
        result.votes += policy.votes(ctx)
        result.positions += policy.positions(ctx)
        result.participations += meetings.participations(ctx)
        result.practices += weapons.practices(ctx)
        found = weapons.stockpiles(ctx)
        result.stockpiles += found
        figures = weapons.costs(ctx.text)
        if figures and not found:
            _attach_costs(ctx, figures, result)
    except (ValueError, IndexError) as exc:  # a pattern met text it cannot place
        ctx.warnings.append(f"could not read {s.text[:60]!r}: {exc.__class__.__name__}")


def _attach_costs(ctx: Ctx, figures: list[CostItem], result: ProfileResult) -> None:
    types = set(weapons._TYPE.findall(ctx.text))
    candidates = [p for p in result.stockpiles if p.reporter == "official" or not types]
    match = [p for p in candidates if types & set(p.types)] or candidates
    if not match:
        ctx.warnings.append(f"cost figures with no stockpile to attach them to: {ctx.text[:80]!r}")
        return
    costed = [p for p in match if p.costs]
    target = match[0] if types else (costed or match)[-1]
    target.costs += figures
    target.citations = list(dict.fromkeys([*target.citations, *ctx.citations]))


def _when(s: Sentence, context: str | None, notes: dict[int, tuple[str, str | None]]) -> str | None:
    own = dates(s.text, years=False)
    if own:
        return own[0].value if s.footnote is not None else month(own[0].value)
    year = _STATEMENT_YEAR.search(s.text)
    if year:
        return year.group(1) or year.group(2)
    if s.footnote is not None:
        return notes.get(s.footnote, ("", None))[1]
    if context and _CONNECTIVE.match(s.text):
        return month(context)
    for n in s.citations:
        if notes.get(n, ("", None))[1]:
            return month(notes[n][1])
    return None


def _units(text: str, section: Section) -> list[Sentence]:
    """Body sentences (with inherited footnotes), then footnote sentences."""
    units: list[Sentence] = []
    for index, (start, end, heading) in enumerate(section.paragraphs):
        found = sentences(text, start, end, index)
        update = bool(_UPDATE.match(text[start:end]))
        pending: list[Sentence] = []
        for s in found:
            s.update, s.summary = update, heading == "summary"
            pending.append(s)
            if s.citations:
                for p in pending:
                    p.citations = p.citations or list(s.citations)
                pending = []
        units += found
    for f in section.footnotes.values():
        for i, s in enumerate(sentences(text, f.start, f.end, -f.number)):
            s.footnote, s.citations = f.number, [f.number]
            if i or not _MARKER.search(s.text):
                units.append(s)
    return units
