"""Load `data/` whole: the curated records and the public record, in one transaction.

The public record goes through the importers' own write paths (the UNTC pages' actions under
`untc-status-…`, the votes under `undl-ga-voting`), so loading it and importing the files it
was written from store the same rows, and either after the other writes nothing. A stored
UNTC page newer than the record's (a later `sync untc`) is kept. The record holds no end note
text: a load keeps the text an import of the same page (same checksum) stored; importing the
page after a load fills it in.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Container, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import history, models
from app.importers import curated, undl, untc
from app.importers.sync import SyncReport
from app.importers.undl_fields import UndlError
from app.importers.undl_read import KINDS, ResolutionState
from app.importers.undl_write import SOURCE_ID, VoteStage, describes, ensure_source
from app.importers.untc_notes import EndNote
from app.importers.untc_page import Action, Page, Participant, UntcPageError
from app.importers.untc_report import PageReport
from app.importers.untc_report import summary as untc_summary
from app.importers.yamlfile import DataFileError, Problem
from app.public import files
from app.public.files import PublicRecord


def _pages(record: PublicRecord, where: str) -> list[Page]:
    """The status pages as the UNTC importer reads them."""
    by_page: dict[str, dict[int, Participant]] = defaultdict(dict)
    for a in record.actions:
        who = by_page[a.untc_number].setdefault(a.row, Participant(a.row, a.participant, []))
        who.withdrawn = who.withdrawn or a.withdrawn
        who.actions.append(Action(a.action, a.date, a.end_notes))
    notes: dict[str, dict[int, EndNote]] = defaultdict(dict)
    for n in record.end_notes:
        notes[n.untc_number][n.number] = EndNote(n.number, None, n.date)
    return [
        Page(
            file=where,
            checksum=p.checksum,
            untc_number=p.untc_number,
            title=p.title,
            status_as_at=p.status_as_at,
            printed_parties=p.printed_parties,
            printed_signatories=p.printed_signatories,
            participants=list(by_page[p.untc_number].values()),
            end_notes=notes[p.untc_number],
        )
        for p in record.pages
    ]


def _states(record: PublicRecord) -> list[ResolutionState]:
    """The resolutions as the vote importer reads them, with their votes counted."""
    counted: dict[str, Counter[str]] = defaultdict(Counter)
    for v in record.votes:
        counted[v.symbol][v.vote] += 1
    states = []
    for r in record.resolutions:
        totals = (r.total_yes, r.total_no, r.total_abstain, r.total_non_voting, r.total_members)
        counts = [counted[r.symbol][k] for k in KINDS]
        state = ResolutionState(r.symbol, (), 0, r.session, r.date, r.title, r.treaty, r.meeting,
                                r.draft, totals, True, counts)  # fmt: skip
        states.append(state)
    return states


@contextmanager
def _refused_as(where: Path) -> Iterator[None]:
    """An importer's refusal of the record (a page whose UNTC number no treaty has any more,
    a participant name no country has) is a problem of the record's file, as in any file."""
    try:
        yield
    except (UntcPageError, UndlError) as exc:
        message = str(exc)
        for named in (where, Path(where.parent.parent.name, where.parent.name, where.name)):
            message = message.removeprefix(f"{named}: ")
        raise DataFileError([Problem(str(where), None, None, None, None, message)]) from None


@dataclass
class PublicLoad:
    """The public record, read and checked, and what loading it did."""

    record: PublicRecord
    directory: Path
    pages: list[Page]
    changed: bool = False
    kept_newer: list[str] = field(default_factory=list)
    untc: list[PageReport] = field(default_factory=list)
    undl: undl.UndlReport | None = None
    kept_imported: int = 0
    fresh: list[Page] | None = None

    @classmethod
    def read(cls, directory: Path) -> PublicLoad:
        """Read `directory` (raises DataFileError naming file, line and column)."""
        record = files.read(directory)
        where = f"{directory.parent.name}/{directory.name}/untc_actions.csv"
        return cls(record, directory, _pages(record, where))

    @property
    def source_ids(self) -> list[str]:
        """The sources the record's facts come from."""
        return [untc.source_id(p.untc_number) for p in self.record.pages] + [SOURCE_ID]

    @property
    def symbols(self) -> set[str]:
        """The resolutions the record holds."""
        return {r.symbol for r in self.record.resolutions}

    def problems(self, known: curated.Known) -> list[Problem]:
        """References to countries and treaties that do not exist."""
        out: list[Problem] = []
        checks: list[tuple[str, list[Any], str, Container[str]]] = [
            ("untc_pages.csv", self.record.pages, "treaty", known.treaties),
            ("untc_actions.csv", self.record.actions, "country", known.countries),
            ("unga_resolutions.csv", self.record.resolutions, "treaty", known.treaties),
            ("unga_votes.csv", self.record.votes, "country", known.countries),
        ]
        for name, rows, attr, valid in checks:
            for line, row in enumerate(rows, start=2):
                value = getattr(row, attr)
                if value not in valid:
                    column = [f.name for f in fields(row)].index(attr) + 1
                    where = str(self.directory / name)
                    out.append(
                        Problem(where, line, column, None, attr, f"unknown {attr} {value!r}")
                    )
        return out

    def _fresh(self, session: Session) -> list[Page]:
        """Pages not older than the stored ones (decided once, before anything is written)."""
        if self.fresh is not None:
            return self.fresh
        fresh = self.fresh = []
        for page in self.pages:
            stored = session.get(models.Source, untc.source_id(page.untc_number))
            newer = stored.status_as_at if stored is not None else None
            if newer is not None and newer > page.status_as_at:
                self.kept_newer.append(f"{page.untc_number} (stored {newer})")
                continue
            fresh.append(page)
        return fresh

    def write_sources(self, session: Session) -> None:
        """The pages' sources and the vote dataset's (before the treaties that cite them)."""
        for page in self._fresh(session):
            self.changed |= untc.write_source(session, page)
        votes = self.record.manifest.undl_votes
        if votes is not None:
            with _refused_as(self.directory / "unga_votes.csv"):
                self.changed |= ensure_source(session, votes.file, votes.sha256, votes.rows)

    def write_records(self, session: Session) -> None:
        """The pages' treaty actions and the resolutions with their votes."""
        with _refused_as(self.directory / "untc_actions.csv"):
            self.untc = untc.import_pages(session, self._fresh(session), actor=None)
        votes = self.record.manifest.undl_votes
        summary: dict[str, Any] = {"importer": "public-record", "untc": untc_summary(self.untc)}
        if votes is not None:
            summary["undl"] = self._write_votes(session, votes)
        if any(r.changed for r in self.untc) or (self.undl is not None and self.undl.changed):
            self.changed = True
        if self.changed:
            history.record_import(session, "load", summary)

    def _write_votes(self, session: Session, votes: files.Download) -> dict[str, Any]:
        """The resolutions and their votes; after an import of another file (the whole UN
        record, a newer download) only the resolutions it does not hold, so that a load never
        undoes an import and a restart writes nothing."""
        states, rows = _states(self.record), self.record.votes
        if not describes(session, votes.file):
            held = set(
                session.scalars(
                    select(models.Resolution.symbol).where(
                        models.Resolution.source == SOURCE_ID,
                        models.Resolution.symbol.in_(sorted(self.symbols)),
                    )
                )
            )
            self.kept_imported = len(held)
            states = [s for s in states if s.symbol not in held]
            rows = [v for v in rows if v.symbol not in held]
        report = self.undl = undl.UndlReport(votes.file, self.record.manifest.undl_layout or "")
        report.rows = votes.rows
        report.resolutions_in_file = len(self.record.resolutions)
        stage = VoteStage(session, SOURCE_ID)
        day = {r.symbol: r.date.isoformat() for r in self.record.resolutions}
        stage.add([(v.symbol, v.country, v.vote.value, v.code, day[v.symbol]) for v in rows])
        options = {"public_record": True}
        with _refused_as(self.directory / "unga_votes.csv"):
            undl.write_checked(
                session, report, stage, states, votes.sha256, options, None, self.symbols
            )
        return undl.summary(report, votes.sha256, options)

    def lines(self) -> list[str]:
        """What the load did to the public record, for the command line."""
        out = [r.summary() for r in self.untc]
        out += [f"UNTC page kept, the stored one is newer: {k}" for k in self.kept_newer]
        if self.undl is not None:
            res, votes = self.undl.resolutions, self.undl.votes
            out.append(
                f"UNGA votes: resolutions {res.inserted} inserted {res.updated} updated "
                f"{res.unchanged} unchanged; votes {votes.inserted} inserted {votes.updated} "
                f"updated {votes.unchanged} unchanged"
            )
        if self.kept_imported:
            out.append(f"UNGA votes: {self.kept_imported} resolutions kept as last imported")
        return out


def load(session: Session, data_dir: Path) -> SyncReport:
    """Validate and write everything under `data_dir` (the caller commits)."""
    directory = data_dir / files.PUBLIC_DIR
    public = PublicLoad.read(directory) if directory.is_dir() else None
    return curated.load(session, data_dir, public)
