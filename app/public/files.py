"""The public record's files in `data/public/`: one field list per file, written and read here.

Facts only, in the project's own CSV form: the dated actions of every participant of the UN
Treaty Collection status pages with the end notes (by number and date, never their text) that
back them, and the UNGA record of the treaty resolutions (each
resolution with its official totals, every member's recorded vote). `manifest.yaml` names the
downloaded files they were written from, with their checksums.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import ConfigDict, TypeAdapter, ValidationError
from pydantic.dataclasses import dataclass as pydantic_dataclass

from app.importers.csvfile import from_csv, to_csv, write_if_changed
from app.importers.yamlfile import DataFileError, Problem
from app.vocab import ActionKind, VoteKind

PUBLIC_DIR = "public"


@dataclass(frozen=True)
class PageRow:
    """One UNTC status page: its number, treaty, title, as-at date and the counts it prints."""

    untc_number: str
    treaty: str
    title: str
    status_as_at: date
    printed_parties: int | None
    printed_signatories: int | None
    participants: int
    checksum: str


@dataclass(frozen=True)
class ActionRow:
    """One dated action of one participant of a page, with the numbers of the page's end notes
    that back it."""

    untc_number: str
    row: int
    participant: str
    country: str
    withdrawn: bool
    action: ActionKind
    date: date
    end_notes: tuple[int, ...]


@dataclass(frozen=True)
class EndNoteRow:
    """An end note a participant row of a page refers to: its number and the first date it
    states (its text stays on the page)."""

    untc_number: str
    number: int
    date: date | None


@dataclass(frozen=True)
class ResolutionRow:
    """One UNGA resolution voted on, with the official totals the UN record gives."""

    symbol: str
    session: int
    date: date
    treaty: str
    title: str
    meeting: str | None
    draft: str | None
    total_yes: int | None
    total_no: int | None
    total_abstain: int | None
    total_non_voting: int | None
    total_members: int | None


@dataclass(frozen=True)
class VoteRow:
    """One member's recorded vote on one resolution, with the UN file's own code."""

    symbol: str
    country: str
    vote: VoteKind
    code: str


_STRICT = ConfigDict(extra="forbid")


@pydantic_dataclass(frozen=True, config=_STRICT)
class Download:
    """A downloaded file the record was written from."""

    file: str
    sha256: str
    bytes: int
    rows: int


@pydantic_dataclass(config=_STRICT)
class Manifest:
    """Where the record came from: the files, and the vote file's layout."""

    untc_pages: list[Download] = field(default_factory=list)
    undl_votes: Download | None = None
    undl_layout: str | None = None


@dataclass
class PublicRecord:
    """Every file of the public record, read and checked."""

    manifest: Manifest
    pages: list[PageRow]
    actions: list[ActionRow]
    resolutions: list[ResolutionRow]
    votes: list[VoteRow]
    end_notes: list[EndNoteRow] = field(default_factory=list)


#: Each CSV file of the record and the row type it holds.
FILES: dict[str, type[Any]] = {
    "untc_pages.csv": PageRow,
    "untc_actions.csv": ActionRow,
    "untc_end_notes.csv": EndNoteRow,
    "unga_resolutions.csv": ResolutionRow,
    "unga_votes.csv": VoteRow,
}
MANIFEST = "manifest.yaml"


def write(out_dir: Path, record: PublicRecord) -> list[Path]:
    """Write the record's files (only those whose content changes); return the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    texts = {
        "untc_pages.csv": to_csv(record.pages, PageRow),
        "untc_actions.csv": to_csv(record.actions, ActionRow),
        "untc_end_notes.csv": to_csv(record.end_notes, EndNoteRow),
        "unga_resolutions.csv": to_csv(record.resolutions, ResolutionRow),
        "unga_votes.csv": to_csv(record.votes, VoteRow),
        MANIFEST: _manifest_text(record.manifest),
    }
    return [
        out_dir / name for name, text in texts.items() if write_if_changed(out_dir / name, text)
    ]


_MANIFEST_HEAD = """\
# The public record: facts the project's own code derived from downloaded UN files.
# Written by `python -m app export public-record FILE...`; do not edit by hand (export again).
"""


def _manifest_text(manifest: Manifest) -> str:
    return _MANIFEST_HEAD + yaml.safe_dump(
        dataclasses.asdict(manifest), sort_keys=False, allow_unicode=True
    )


def read(public_dir: Path) -> PublicRecord:
    """Read and check every file of the record in `public_dir`."""
    problems: list[Problem] = []
    loaded: dict[str, list[Any]] = {}
    for name, kind in FILES.items():
        path = public_dir / name
        if not path.is_file():
            problems.append(Problem(str(path), None, None, None, None, "file is missing"))
            continue
        try:
            loaded[name] = from_csv(path, kind)
        except DataFileError as exc:
            problems.extend(exc.problems)
    manifest = _read_manifest(public_dir / MANIFEST, problems)
    if problems:
        raise DataFileError(problems)
    record = PublicRecord(
        manifest,
        loaded["untc_pages.csv"],
        loaded["untc_actions.csv"],
        loaded["unga_resolutions.csv"],
        loaded["unga_votes.csv"],
        loaded["untc_end_notes.csv"],
    )
    _check(public_dir, record)
    return record


def _read_manifest(path: Path, problems: list[Problem]) -> Manifest:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return TypeAdapter(Manifest).validate_python(data)
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"])
            problems.append(Problem(str(path), None, None, None, where, error["msg"]))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problems.append(Problem(str(path), None, None, None, None, f"unreadable manifest: {exc}"))
    return Manifest()


def _check(public_dir: Path, record: PublicRecord) -> None:
    """Cross-file checks: actions and end notes name a page, actions the page's end notes,
    votes a resolution, one vote per member, and the manifest names the file the votes come
    from."""
    problems: list[Problem] = []
    if record.votes and record.manifest.undl_votes is None:
        message = "the votes' source file (undl_votes) is not named"
        problems.append(
            Problem(str(public_dir / MANIFEST), None, None, None, "undl_votes", message)
        )
    pages = {p.untc_number for p in record.pages}
    symbols = {r.symbol for r in record.resolutions}
    problems += _end_note_problems(public_dir, record, pages)
    where = str(public_dir / "untc_actions.csv")
    notes = {(n.untc_number, n.number) for n in record.end_notes}
    column = [f.name for f in dataclasses.fields(ActionRow)].index("end_notes") + 1
    for line, action in enumerate(record.actions, start=2):
        if action.untc_number not in pages:
            message = f"page {action.untc_number!r} is not in untc_pages.csv"
            problems.append(Problem(where, line, 1, None, "untc_number", message))
        for n in action.end_notes:
            if (action.untc_number, n) not in notes:
                message = f"end note {n} of {action.untc_number} is not in untc_end_notes.csv"
                problems.append(Problem(where, line, column, None, "end_notes", message))
    where = str(public_dir / "unga_votes.csv")
    seen: set[tuple[str, str]] = set()
    for line, vote in enumerate(record.votes, start=2):
        if vote.symbol not in symbols:
            message = f"resolution {vote.symbol!r} is not in unga_resolutions.csv"
            problems.append(Problem(where, line, 1, None, "symbol", message))
        if (vote.symbol, vote.country) in seen:
            message = f"second vote of {vote.country} on {vote.symbol}"
            problems.append(Problem(where, line, 2, None, "country", message))
        seen.add((vote.symbol, vote.country))
    if problems:
        raise DataFileError(problems)


def _end_note_problems(public_dir: Path, record: PublicRecord, pages: set[str]) -> list[Problem]:
    """End notes of a page not in untc_pages.csv, and a page's note listed twice."""
    problems: list[Problem] = []
    where = str(public_dir / "untc_end_notes.csv")
    seen: set[tuple[str, int]] = set()
    for line, note in enumerate(record.end_notes, start=2):
        if note.untc_number not in pages:
            message = f"page {note.untc_number!r} is not in untc_pages.csv"
            problems.append(Problem(where, line, 1, None, "untc_number", message))
        if (note.untc_number, note.number) in seen:
            message = f"end note {note.number} of {note.untc_number} is listed twice"
            problems.append(Problem(where, line, 2, None, "number", message))
        seen.add((note.untc_number, note.number))
    return problems
