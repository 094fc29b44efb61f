"""import UN Digital Library General Assembly voting data (CSV, .csv.gz or - for stdin).

`python -m app import undl FILE [--treaty mbt,ccm,ccw | --all] [--dry-run]`: the whole file is
checked, the votes of the kept resolutions are merged into the database in one transaction,
and every resolution's counted votes are compared with its official totals.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import dataversion, history, models
from app.config import Settings
from app.importers.undl_child import read_in_child
from app.importers.undl_fields import TITLE_PATTERNS, UndlError
from app.importers.undl_read import CountryLookup, ResolutionState, VoteRow, open_input
from app.importers.undl_write import (
    SOURCE_ID,
    Counts,
    Mismatch,
    VoteStage,
    describe_source,
    ensure_source,
    mismatch,
    write_resolutions,
)
from app.names import fold

#: Called with the number of bytes of the file read so far.
Progress = Callable[[int], None]


@dataclass
class UndlReport:
    """What an import of one file did."""

    file: str
    layout: str = ""
    rows: int = 0
    resolutions_in_file: int = 0
    resolutions: Counts = field(default_factory=Counts)
    votes: Counts = field(default_factory=Counts)
    mismatches: list[Mismatch] = field(default_factory=list)
    source_changed: bool = False
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        """Whether the import wrote anything."""
        return self.source_changed or self.resolutions.changed or self.votes.changed

    def lines(self) -> list[str]:
        """The summary printed at the end."""
        res, votes = self.resolutions, self.votes
        kept = res.inserted + res.updated + res.unchanged
        out = [
            f"file          {self.file} ({self.layout} layout), source {SOURCE_ID}",
            f"rows read     {self.rows}",
            f"resolutions   {kept} kept of {self.resolutions_in_file}: {res.inserted} inserted "
            f"{res.updated} updated {res.unchanged} unchanged",
            f"votes         {votes.inserted} inserted {votes.updated} updated "
            f"{votes.unchanged} unchanged",
            f"mismatches    {len(self.mismatches)}",
            *(f"  {m}" for m in self.mismatches),
            f"seconds       {self.seconds:.2f}",
        ]
        return out


def country_lookup(session: Session) -> CountryLookup:
    """Every country code and known folded name in the database."""
    codes = list(session.scalars(select(models.Country.iso3)))
    names: dict[str, str] = dict(
        session.execute(select(models.CountryName.folded, models.CountryName.country_iso3)).all()
    )
    return CountryLookup(codes, names)


def treaty_slugs(session: Session, text: str) -> set[str]:
    """`--treaty mbt,ccm` as slugs; aliases (`apmbc`, `ottawa`) work too."""
    slugs = set()
    for item in (t for t in text.split(",") if t.strip()):
        folded = fold(item)
        slug = folded if folded in TITLE_PATTERNS else None
        if slug is None:
            slug = session.scalar(
                select(models.TreatyAlias.treaty).where(models.TreatyAlias.folded == folded)
            )
        if slug not in TITLE_PATTERNS:
            raise UndlError(f"--treaty: {item.strip()!r} is not one of {', '.join(TITLE_PATTERNS)}")
        slugs.add(slug)
    return slugs


def import_votes(
    session: Session,
    path: str,
    treaties: set[str] | None = None,
    keep_all: bool = False,
    progress: Progress | None = None,
) -> UndlReport:
    """Import one vote file, all or nothing (a savepoint inside the caller's transaction).

    Keeps the resolutions linked to `treaties` (default: any treaty), or every resolution
    with `keep_all`. Raises UndlError, leaving the database as it was, on any bad line.
    On SQLite this relies on the engine emitting BEGIN itself (`app.db.make_engine`).
    """
    started = time.perf_counter()
    wanted = set(TITLE_PATTERNS) if treaties is None else treaties

    def keep(treaty: str | None) -> bool:
        return keep_all or treaty in wanted

    with session.begin_nested():
        check_reference_data(session)
        lookup = country_lookup(session)
        with open_input(path) as infile:
            report = UndlReport(infile.name)
            stage = VoteStage(session, SOURCE_ID)

            def sink(batch: list[VoteRow], done: int) -> None:
                if batch:
                    stage.add(batch)
                if progress is not None:
                    progress(done)

            result, checksum = read_in_child(infile, lookup, keep, sink)
        report.layout, report.rows = result.layout.name, result.rows
        report.resolutions_in_file = len(result.resolutions)
        kept = [s for s in result.resolutions.values() if s.keep]
        options = {"all": keep_all, "treaties": sorted(wanted)}
        write_checked(session, report, stage, kept, checksum, options)
    report.seconds = time.perf_counter() - started
    return report


def write_checked(
    session: Session,
    report: UndlReport,
    stage: VoteStage,
    kept: list[ResolutionState],
    checksum: str,
    options: dict[str, Any],
    actor: str | None = "import undl",
    take_over: Collection[str] = (),
) -> None:
    """Write a checked file's resolutions and staged votes; the Source describes the file only
    when something changed, so the same content under any name or layout writes nothing.

    A change is logged as one import by `actor` and bumps the data version (with `actor`
    None, the caller does). Resolutions in `take_over` become this source's own.
    """
    report.source_changed = ensure_source(session, report.file, checksum, report.rows)
    report.resolutions, dates = write_resolutions(session, kept, SOURCE_ID, take_over)
    report.votes = stage.merge(dates)
    report.mismatches = [m for m in map(mismatch, kept) if m is not None]
    if report.changed:
        describe_source(session, report.file, checksum, report.rows)
        if actor is not None:
            history.record_import(session, actor, summary(report, checksum, options))
            dataversion.bump(session)
    session.flush()


def summary(report: UndlReport, checksum: str, options: dict[str, Any]) -> dict[str, Any]:
    """What the history keeps of an import: the file, its checksum, options and counts."""
    return {
        "importer": "undl",
        "file": report.file,
        "checksum": checksum,
        "layout": report.layout,
        "rows": report.rows,
        **options,
        "resolutions": asdict(report.resolutions),
        "votes": asdict(report.votes),
    }


def check_reference_data(session: Session) -> None:
    """Refuse an import into a database without countries or the treaties votes link to."""
    countries = session.scalar(select(func.count()).select_from(models.Country))
    treaties = set(session.scalars(select(models.Treaty.slug)))
    missing = sorted(set(TITLE_PATTERNS) - treaties)
    if not countries or missing:
        raise UndlError(
            "the database has no countries or lacks treaties "
            f"{', '.join(missing) or '(none)'}: run `python -m app load` first"
        )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `python -m app import undl`."""
    parser.add_argument("file", help="the CSV (.csv or .csv.gz), or - for standard input")
    add_options(parser)


def add_options(parser: argparse.ArgumentParser) -> None:
    """`--treaty`/`--all` and `--dry-run`, shared with `sync undl`."""
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--treaty",
        metavar="SLUGS",
        help="keep resolutions about these treaties only (comma-separated: mbt,ccm,ccw)",
    )
    which.add_argument(
        "--all", action="store_true", help="keep every resolution, linked to a treaty or not"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="check and count everything, write nothing"
    )


def run(settings: Settings, args: argparse.Namespace) -> int:
    """`python -m app import undl`: exit 0 on success, 1 when the file is refused."""
    return import_file(
        settings, args.file, args, f"import failed, nothing was written: {args.file}"
    )


def import_file(settings: Settings, path: str, args: argparse.Namespace, failed: str) -> int:
    """Import `path` with the options in `args` and print the summary (0), or one line (1).

    The line is `failed: <problem>` on stderr, and the database is left as it was.
    """
    from app.db import make_engine, make_sessionmaker, refresh_statistics

    engine = make_engine(settings)
    bar = _Bar(path) if sys.stderr.isatty() else None
    try:
        with make_sessionmaker(engine)() as session:
            try:
                treaties = treaty_slugs(session, args.treaty) if args.treaty else None
                report = import_votes(session, path, treaties, args.all, bar)
            except UndlError as exc:
                session.rollback()
                if bar is not None:
                    bar.close()
                print(f"{failed}: {exc}", file=sys.stderr)
                return 1
            if args.dry_run:
                session.rollback()
            else:
                session.commit()
        if report.changed and not args.dry_run:
            refresh_statistics(engine, "votes", "resolutions")
    finally:
        if bar is not None:
            bar.close()
        engine.dispose()
    print("\n".join(report.lines()))
    if args.dry_run:
        print("dry run: nothing was written")
    else:
        print("imported" if report.changed else "already up to date")
    return 0


class _Bar:
    """A progress bar over the bytes of the file, on stderr (used when it is a terminal)."""

    def __init__(self, path: str) -> None:
        from tqdm import tqdm

        size = Path(path).stat().st_size if path != "-" and Path(path).is_file() else None
        self.bar = tqdm(total=size, unit="B", unit_scale=True, desc="undl", leave=False)

    def __call__(self, done: int) -> None:
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        self.bar.close()
