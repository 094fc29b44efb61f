"""UN Digital Library GA voting CSV: the two layouts, and the checks on single fields."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from app.names import fold
from app.vocab import VoteKind


class UndlError(Exception):
    """A file the importer refuses; the message names the line and the column."""

    def __init__(self, message: str, line: int | None = None, column: str | None = None) -> None:
        self.message = message
        self.line = line
        self.column = column
        where = ""
        if line is not None:
            where = f"line {line}"
            if column is not None:
                where += f", column {column!r}"
            where += ": "
        super().__init__(f"{where}{message}")


@dataclass(frozen=True)
class Layout:
    """Where each field of a vote row is, by column name, and the vote codes used."""

    name: str
    code: str
    country_name: str
    vote: str
    symbol: str
    date: str
    title: str
    session: str | None
    meeting: str
    draft: str
    total_yes: str
    total_no: str
    total_abstain: str
    total_non_voting: str
    total_members: str
    votes: dict[str, VoteKind]

    @property
    def required(self) -> tuple[str, ...]:
        """Columns a header must have (meeting and draft may be missing)."""
        names = (self.code, self.country_name, self.vote, self.symbol, self.date, self.title)
        totals = (self.total_yes, self.total_no, self.total_abstain)
        more = (self.total_non_voting, self.total_members)
        return (*names, *((self.session,) if self.session else ()), *totals, *more)


LAYOUT_2026 = Layout(
    name="2026",
    code="ms_code",
    country_name="ms_name",
    vote="ms_vote",
    symbol="resolution",
    date="date",
    title="title",
    session="session",
    meeting="meeting",
    draft="draft",
    total_yes="total_yes",
    total_no="total_no",
    total_abstain="total_abstentions",
    total_non_voting="total_non_voting",
    total_members="total_ms",
    votes={"Y": VoteKind.yes, "N": VoteKind.no, "A": VoteKind.abstain, "X": VoteKind.non_voting},
)

LAYOUT_2024 = Layout(
    name="2024",
    code="ms_codes",
    country_name="ms_names",
    vote="ms_votes",
    symbol="resolutions",
    date="date",
    title="title",
    session=None,
    meeting="meeting",
    draft="draft",
    total_yes="yes",
    total_no="no",
    total_abstain="abstentions",
    total_non_voting="non-voting",
    total_members="total-voting",
    votes={"Y": VoteKind.yes, "N": VoteKind.no, "A": VoteKind.abstain, "NV": VoteKind.non_voting},
)

LAYOUTS = (LAYOUT_2026, LAYOUT_2024)


def detect_layout(header: list[str]) -> Layout:
    """The layout a header row is in; refuse a header that is neither, saying what is needed."""
    names = set(header)
    for layout in LAYOUTS:
        if layout.vote in names:
            missing = [c for c in layout.required if c not in names]
            if missing:
                raise UndlError(
                    f"header of the {layout.name} layout lacks column(s) {', '.join(missing)}; "
                    f"found: {', '.join(header)}",
                    line=1,
                )
            return layout
    needs = "; ".join(f"{lay.name} layout: {', '.join(lay.required)}" for lay in LAYOUTS)
    raise UndlError(
        f"not a UN Digital Library GA voting file: found columns {', '.join(header) or '(none)'}; "
        f"needed ({needs})",
        line=1,
    )


_SUFFIX = re.compile(r"^(A/RES/.*\d)\s*([A-Z])$")
_SYMBOL = re.compile(r"^A/RES/[\w/ -]+$")
_REGULAR_SESSION = re.compile(r"^A/RES/(\d+)/")


def normalise_symbol(raw: str) -> str:
    """`A/RES/73/61`; `73/61`, `a/res/51/45s` and `A/RES/51/45  S` become `A/RES/51/45 S`."""
    text = " ".join(raw.split()).upper()
    if not text.startswith("A/RES/"):
        text = f"A/RES/{text}"
    return _SUFFIX.sub(r"\1 \2", text)


def check_symbol(raw: str) -> str:
    """The normalised symbol, or a ValueError saying why it is not one."""
    if not raw.strip():
        raise ValueError("empty resolution symbol")
    symbol = normalise_symbol(raw)
    if len(symbol) > 40 or not _SYMBOL.match(symbol):
        raise ValueError(f"{raw!r} is not a resolution symbol like A/RES/73/61")
    return symbol


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_date(raw: str) -> date:
    """An ISO 8601 calendar date (YYYY-MM-DD)."""
    try:
        if not _ISO_DATE.match(raw):
            raise ValueError
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{raw!r} is not a date (expected YYYY-MM-DD)") from None


def session_of(raw: str | None, symbol: str, voted_on: date) -> int:
    """The regular GA session: the session column, else the symbol, else the vote date.

    Emergency and special sessions (`ES-10`, `A/RES/ES-10/…`) are filed under the regular
    session in progress on the vote date (session N opens in September of 1945 + N).
    """
    if raw is not None:
        text = raw.strip().upper()
        if text.isdigit() and int(text) > 0:
            return int(text)
        if not _SPECIAL_SESSION.match(text):
            raise ValueError(f"{raw!r} is not a session number")
    else:
        found = _REGULAR_SESSION.match(symbol)
        if found:
            return int(found.group(1))
    return voted_on.year - 1945 if voted_on.month >= 9 else voted_on.year - 1946


_SPECIAL_SESSION = re.compile(r"^E?S-?\d+$")


def check_total(raw: str) -> int | None:
    """An official total as the file writes it (`120.0`, `120`), or None when blank."""
    text = raw.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if value < 0 or not value.is_integer():
        raise ValueError(f"{raw!r} is not a vote count")
    return int(value)


def check_text(raw: str, limit: int) -> str | None:
    """An optional short text column (meeting, draft), at most `limit` characters."""
    text = raw.strip()
    if len(text) > limit:
        raise ValueError(f"longer than {limit} characters")
    return text or None


#: A report symbol and agenda item some titles start with ("A/71/251 98p - Implementation …").
TITLE_PREFIX = re.compile(r"^a \d+ \d+ \d+[a-z]* ")

#: Treaty slug → patterns over the folded title of the resolutions that concern it.
TITLE_PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    "mbt": (
        re.compile(
            r"^(implementation of the )?convention (on|to) the prohibition of the use "
            r"stockpil+ing production and transfer of anti ?personn[ae]l mines"
        ),
        re.compile(r"^an international agreement to ban anti ?personnel land ?mines"),
        re.compile(r"^banning anti ?personnel land ?mines"),
    ),
    "ccm": (re.compile(r"^(implementation of the )?convention on cluster munitions"),),
    "ccw": (
        re.compile(
            r"^convention on prohibitions or restrictions on the use of certain conventional "
            r"weapons"
        ),
    ),
}


def treaty_of(title: str) -> str | None:
    """The treaty a resolution is about, recognised by its title; None for any other text."""
    folded = TITLE_PREFIX.sub("", fold(title))
    for slug, patterns in TITLE_PATTERNS.items():
        if any(p.match(folded) for p in patterns):
            return slug
    return None
