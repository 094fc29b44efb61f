"""Parse a UN Treaty Collection "View Details" status page into dated actions per participant."""

from __future__ import annotations

import gzip
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from app.importers.untc_notes import EndNote, NoteError, annotate, read_notes
from app.vocab import ActionKind

#: UNTC's letter after a date in the joining column, and the action it stands for.
JOIN_CODES = {
    "": ActionKind.ratification,
    "a": ActionKind.accession,
    "A": ActionKind.acceptance,
    "AA": ActionKind.approval,
    "d": ActionKind.succession,
    "P": ActionKind.consent_to_be_bound,
}

_CELL = re.compile(
    r"^(?P<open>\[)?\s*(?P<day>\d{1,2}) (?P<month>[A-Za-z]{3}) (?P<year>\d{4})"
    r"(?:\s+(?P<code>AA|A|a|d|P|n))?\s*(?P<close>\])?$"
)
_STATUS_AS_AT = re.compile(r"STATUS AS AT\s*:\s*(\d{2})-(\d{2})-(\d{4})", re.I)
_PRINTED = {"signatories": re.compile(r"Signatories\s*:\s*(\d+)", re.I)}
_PRINTED["parties"] = re.compile(r"Parties\s*:\s*(\d+)", re.I)
_NUMBERING = re.compile(r"^\d+\.\s*(?:[a-z]\s+)?")


class UntcPageError(Exception):
    """A page that cannot be imported; the message names the file, row and column."""


@dataclass(frozen=True)
class Action:
    """One dated action read from the participant table or the end notes, with the numbers
    of the end notes that back it."""

    kind: ActionKind
    date: date
    notes: tuple[int, ...] = ()


@dataclass
class Participant:
    """One row of the participant table."""

    row: int
    name: str
    footnotes: list[str]
    actions: list[Action] = field(default_factory=list)
    withdrawn: bool = False  # the page shows its dates in square brackets


@dataclass
class Page:
    """What one status page says."""

    file: str
    checksum: str
    untc_number: str
    title: str
    status_as_at: date
    printed_parties: int | None
    printed_signatories: int | None
    participants: list[Participant]
    url: str | None = None
    #: The end notes the participant rows refer to, by number.
    end_notes: dict[int, EndNote] = field(default_factory=dict)

    @property
    def parsed_parties(self) -> int:
        """Participants counted as parties the way UNTC counts them: deposited, not withdrawn."""
        joining = set(JOIN_CODES.values())
        return sum(
            not p.withdrawn and any(a.kind in joining for a in p.actions) for p in self.participants
        )

    @property
    def parsed_signatories(self) -> int:
        """Participants that signed and did not withdraw (UNTC's "Signatories")."""
        return sum(
            not p.withdrawn and any(a.kind is ActionKind.signature for a in p.actions)
            for p in self.participants
        )


def read_page(path: Path) -> Page:
    """Read a saved page (.html or .html.gz) from disk."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise UntcPageError(f"{path}: cannot read file: {exc.strerror or exc}") from exc
    return parse_page(content, str(path))


def _text(node: LexborNode) -> str:
    return " ".join(node.text(separator=" ").split())


def parse_page(content: bytes, file: str) -> Page:
    """Parse page bytes (gzip or plain UTF-8 HTML); `file` names the page in errors."""
    if content[:2] == b"\x1f\x8b":
        try:
            content = gzip.decompress(content)
        except (OSError, EOFError) as exc:
            raise UntcPageError(f"{file}: not a readable gzip file ({exc})") from exc
    try:
        html = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UntcPageError(f"{file}: not UTF-8 text (byte {exc.start})") from exc
    tree = LexborHTMLParser(html)
    number = _untc_number(tree, file)
    status_as_at = _status_as_at(tree, file)
    title_node = tree.css_first('[id$="rptTreaty_ctl00_tcTreaty"]')
    title = _NUMBERING.sub("", _text(title_node)) if title_node else number
    printed = tree.css_first('[id$="rptStatus_ctl00_tcText"]')
    counts: dict[str, int | None] = (
        dict.fromkeys(_PRINTED) if printed is None else _printed(_text(printed))
    )
    notes = read_notes(tree)
    participants = _participants(tree, file)
    end_notes: dict[int, EndNote] = {}
    for p in participants:
        end_notes |= _add_notes(p, notes, file)
    return Page(
        file=file,
        checksum=hashlib.sha256(content).hexdigest(),
        untc_number=number,
        title=title,
        status_as_at=status_as_at,
        printed_parties=counts["parties"],
        printed_signatories=counts["signatories"],
        participants=participants,
        end_notes=dict(sorted(end_notes.items())),
    )


def _untc_number(tree: LexborHTMLParser, file: str) -> str:
    for node in (tree.css_first("form#aspnetForm"), *tree.css('a[href*="mtdsg_no="]')):
        if node is None:
            continue
        target = node.attributes.get("action") or node.attributes.get("href") or ""
        found = parse_qs(urlsplit(target).query).get("mtdsg_no")
        if found:
            return found[0].strip()
    raise UntcPageError(f"{file}: no UNTC number (mtdsg_no) found: not a UNTC status page")


def _status_as_at(tree: LexborHTMLParser, file: str) -> date:
    for node in tree.css("div"):
        own = node.text(deep=False).strip()
        if own.upper().startswith("STATUS AS AT"):
            match = _STATUS_AS_AT.match(own)
            try:
                if match:
                    day, month, year = (int(g) for g in match.groups())
                    return date(year, month, day)
            except ValueError:
                pass
            raise UntcPageError(f"{file}: cannot read the 'STATUS AS AT' date {own!r}")
    raise UntcPageError(f"{file}: no 'STATUS AS AT' date found")


def _printed(text: str) -> dict[str, int | None]:
    found = {key: rx.search(text) for key, rx in _PRINTED.items()}
    return {key: int(m.group(1)) if m else None for key, m in found.items()}


def _column_roles(header: list[str], file: str) -> list[str]:
    roles = []
    for title in header:
        low = title.lower()
        if low.startswith("participant"):
            roles.append("participant")
        elif low.startswith("signature"):
            roles.append("signature")
        elif low.startswith("provisional application"):
            roles.append("provisional")
        elif any(word in low for word in ("ratification", "consent", "succession", "accession")):
            roles.append("joining")
        else:
            raise UntcPageError(f"{file}: participant table has an unknown column {title!r}")
    if roles.count("participant") != 1 or roles.count("joining") != 1:
        raise UntcPageError(
            f"{file}: participant table needs one 'Participant' and one ratification column, "
            f"found {header}"
        )
    return roles


def _participants(tree: LexborHTMLParser, file: str) -> list[Participant]:
    table = tree.css_first('table[id$="_tblgrid"]')
    if table is None:
        raise UntcPageError(f"{file}: no participant table (table id ending '_tblgrid')")
    rows = table.css("tr")
    if not rows:
        raise UntcPageError(f"{file}: the participant table is empty")
    header = [_text(td) for td in rows[0].css("td, th")]
    roles = _column_roles(header, file)
    participants = []
    for number, tr in enumerate(rows[1:], start=1):
        cells = tr.css("td")
        if len(cells) != len(roles):
            raise UntcPageError(
                f"{file}: row {number}: {len(cells)} cells, the header has {len(roles)}"
            )
        name_cell = cells[roles.index("participant")]
        marks = [n.strip() for a in name_cell.css("sup a") for n in _text(a).split(",")]
        for sup in name_cell.css("sup"):
            sup.decompose()
        who = Participant(number, _text(name_cell), [m for m in marks if m])
        if not who.name:
            raise UntcPageError(f"{file}: row {number}, column 'Participant': empty name")
        for role, title, cell in zip(roles, header, cells, strict=True):
            if role != "participant":
                _read_cell(who, role, title, _text(cell), file)
        participants.append(who)
    return participants


def _read_cell(who: Participant, role: str, column: str, text: str, file: str) -> None:
    if not text:
        return
    where = f"{file}: row {who.row} ({who.name}), column {column!r}"
    match = _CELL.match(text)
    if match is None:
        raise UntcPageError(f"{where}: cannot read {text!r} as a date like '11 Sep 2002 a'")
    if bool(match["open"]) != bool(match["close"]):
        raise UntcPageError(f"{where}: unbalanced square brackets in {text!r}")
    try:
        day = datetime.strptime(f"{match['day']} {match['month']} {match['year']}", "%d %b %Y")
    except ValueError as exc:
        raise UntcPageError(f"{where}: {text!r} is not a valid date") from exc
    code = match["code"] or ""
    if role == "signature" and not code:
        kind = ActionKind.signature
    elif role == "provisional" and code in ("", "n"):
        kind = ActionKind.provisional_application
    elif role == "joining" and code in JOIN_CODES:
        kind = JOIN_CODES[code]
    else:
        raise UntcPageError(f"{where}: code {code!r} in {text!r} does not belong in this column")
    who.withdrawn = who.withdrawn or bool(match["open"])
    who.actions.append(Action(kind, day.date()))


def _add_notes(who: Participant, notes: dict[str, str], file: str) -> dict[int, EndNote]:
    """The row's end notes, each action with those that back it; a withdrawal's dates come
    from the participant's end note (never from the table)."""
    where = f"{file}: row {who.row} ({who.name})"
    try:
        backed, used = annotate(who.footnotes, [(a.kind, a.date) for a in who.actions], notes)
    except NoteError as exc:
        raise UntcPageError(f"{where}, {exc}") from None
    who.actions = [Action(b.kind, b.date, b.notes) for b in backed]
    if who.withdrawn and not any(a.kind is ActionKind.withdrawal_notified for a in who.actions):
        raise UntcPageError(
            f"{where}: dates in square brackets (withdrawn) but no end note gives the "
            "withdrawal dates"
        )
    return used
