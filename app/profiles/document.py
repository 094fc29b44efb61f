"""Layout of a profile: sections, headings, paragraphs, footnotes and sentences with spans."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.profiles.text import dates

KINDS = {
    "mine ban policy": "mine_ban_policy",
    "cluster munition ban policy": "cluster_munition_ban_policy",
}
_KIND_LINE = re.compile(
    r"^\W{0,3}(?:(?P<pre>[^\n]{1,80}?)\s{0,3}[—–:\-|]\s{0,3})?"
    r"(?P<kind>mine ban policy|cluster munition ban policy)\W{0,3}$",
    re.IGNORECASE,
)
_UPDATED = re.compile(r"^\W{0,3}last\s+updated\s*:?\s*(?P<date>[^\n]{4,40})$", re.IGNORECASE)
_FOOTNOTE = re.compile(r"^[^\w\[\n]{0,3}\[(\d{1,3})\]\s*")
_MARKER = re.compile(r"\[(\d{1,3})\]")
_UPDATE = re.compile(r"^\W{0,3}(?:update|editor['’]s note)\b", re.IGNORECASE)
_END = re.compile(r"[.!?](?:[\"'”’)]{0,3})(?:\[\d{1,3}\]){0,10}")
_ABBREV = {
    "amb",
    "no",
    "nos",
    "p",
    "pp",
    "e.g",
    "i.e",
    "st",
    "dr",
    "mr",
    "mrs",
    "ms",
    "vol",
    "art",
    "para",
    "approx",
    "u.s",
    "u.n",
    "etc",
    "jr",
    "lt",
    "col",
    "gen",
    "fig",
    "cf",
}
_HEADING_MAX = 70


@dataclass
class Sentence:
    """A sentence: clean text (markers removed), span in the normalised text, footnotes."""

    text: str
    start: int
    end: int
    citations: list[int]
    paragraph: int
    footnote: int | None = None  # the footnote it is part of, if any
    first: bool = False  # first sentence of its paragraph
    update: bool = False  # part of an UPDATE note
    summary: bool = False  # under a "Summary" heading


@dataclass
class Footnote:
    """A numbered footnote of the list at the end of a section."""

    number: int
    text: str
    start: int
    end: int


@dataclass
class Section:
    """One profile (a file may hold a cluster-munition and a mine-ban section)."""

    kind: str | None
    country_name: str | None
    title: str | None
    last_updated: str | None = None
    paragraphs: list[tuple[int, int, str]] = field(default_factory=list)  # start, end, heading
    footnotes: dict[int, Footnote] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _lines(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _is_heading(line: str) -> bool:
    s = line.strip()
    return 0 < len(s) <= _HEADING_MAX and not re.search(r"[.!?:;,\]”\"]$", s) and "[" not in s


def split_sections(text: str) -> list[Section]:
    """Find sections, their headings, paragraphs (as spans) and footnote lists."""
    sections: list[Section] = []
    current: Section | None = None
    previous_heading: str | None = None
    para: list[int] = []  # start, end of the paragraph being built
    heading = ""
    footnote: Footnote | None = None

    def close_paragraph() -> None:
        nonlocal para
        if para and current is not None:
            current.paragraphs.append((para[0], para[1], heading))
        para = []

    lines = _lines(text)
    country_lines = _country_lines(text, lines)
    for index, (start, end) in enumerate(lines):
        line = text[start:end]
        stripped = line.strip()
        if index in country_lines:
            close_paragraph()
            footnote = None
            previous_heading = stripped.strip("#*• ")
            continue
        kind = _KIND_LINE.match(stripped) if len(stripped) <= 120 else None
        if kind:
            close_paragraph()
            footnote = None
            pre = kind.group("pre")
            country = pre.strip() if pre else previous_heading
            current = Section(KINDS[kind.group("kind").lower()], country, None)
            current.title = f"{country}: {_title(kind.group('kind'))}" if country else None
            if sections and current.country_name is None:
                current.country_name = sections[-1].country_name
            sections.append(current)
            heading = ""
            continue
        if current is None:
            if not stripped:
                continue
            if _is_heading(line) and not _UPDATE.match(stripped):
                previous_heading = stripped.strip("#*• ")
                continue
            current = Section(None, previous_heading, None)
            sections.append(current)
        updated = _UPDATED.match(stripped)
        if updated:
            found = dates(updated.group("date"), years=False)
            current.last_updated = found[0].value if found else None
            close_paragraph()
            continue
        fn = _FOOTNOTE.match(line)
        if fn:
            close_paragraph()
            number = int(fn.group(1))
            expected = max(current.footnotes, default=0) + 1
            if number != expected:
                current.warnings.append(
                    f"footnote [{number}] found where [{expected}] was expected"
                )
            if number in current.footnotes:
                current.warnings.append(f"footnote [{number}] appears twice; the first is kept")
                footnote = None
                continue
            footnote = Footnote(number, line[fn.end() :].strip(), start + fn.end(), end)
            current.footnotes[number] = footnote
            continue
        if not stripped:
            close_paragraph()
            continue
        if footnote is not None:  # continuation line of a footnote
            footnote.text = f"{footnote.text} {stripped}".strip()
            footnote.end = end
            continue
        if _is_heading(line) and not _UPDATE.match(stripped):
            close_paragraph()
            heading = stripped.lower()
            continue
        if para and re.search(r"[.!?”\"’)\]]\s*$", text[para[0] : para[1]]):
            close_paragraph()  # a single newline after a finished sentence ends a paragraph
        if para:
            para[1] = end
        else:
            para = [start + (len(line) - len(line.lstrip())), end]
    close_paragraph()
    kept = [s for s in sections if s.paragraphs or s.footnotes or s.kind]
    return kept or [Section(None, previous_heading, None)]


def _country_lines(text: str, lines: list[tuple[int, int]]) -> set[int]:
    """Lines that name the country just above a profile-kind heading."""
    found: set[int] = set()
    last = -1
    for i, (start, end) in enumerate(lines):
        stripped = text[start:end].strip()
        if not stripped:
            continue
        heading_above = last >= 0 and _is_heading(text[lines[last][0] : lines[last][1]])
        if len(stripped) <= 120 and _KIND_LINE.match(stripped) and heading_above:
            pre = text[lines[last][0] : lines[last][1]].strip()
            if not _KIND_LINE.match(pre) and not _FOOTNOTE.match(pre):
                found.add(last)
        last = i
    return found


def _title(kind: str) -> str:
    return " ".join(w.capitalize() for w in kind.lower().split())


def sentences(text: str, start: int, end: int, paragraph: int) -> list[Sentence]:
    """Split text[start:end] into sentences with their footnote markers."""
    out: list[Sentence] = []
    pos = start
    chunk = text[start:end]
    for m in _END.finditer(chunk):
        stop = start + m.end()
        after = text[stop : stop + 2]
        if stop < end and not re.match(r"\s*[A-Z“\"‘'(\[0-9]", after):
            continue
        if stop < end and not after[:1].isspace() and "[" not in m.group(0):
            continue
        word = re.search(r"(\S+)$", text[pos : start + m.start()])
        token = word.group(1).lower().strip('(“"') if word else ""
        if token in _ABBREV or re.fullmatch(r"[a-z]", token):
            continue
        out.append(_sentence(text, pos, stop, paragraph))
        pos = stop
        while pos < end and text[pos].isspace():
            pos += 1
    if pos < end and text[pos:end].strip():
        out.append(_sentence(text, pos, end, paragraph))
    if out:
        out[0].first = True
    return out


def _sentence(text: str, start: int, end: int, paragraph: int) -> Sentence:
    raw = text[start:end]
    cites = [int(n) for n in _MARKER.findall(raw)]
    clean = " ".join(_MARKER.sub(" ", raw).split())
    clean = re.sub(r" ([.,;:!?”’)])", r"\1", clean)
    return Sentence(clean, start, end, list(dict.fromkeys(cites)), paragraph)
