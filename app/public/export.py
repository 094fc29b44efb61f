"""write the public record (data/public/) from downloaded UNTC status pages and a UNDL vote file.

`python -m app export public-record FILE... [--out DIR]`: every `.html`/`.html.gz` file is a
UN Treaty Collection status page, the other file the UN Digital Library "General Assembly
Voting Data" CSV (either layout, `.csv` or `.csv.gz`), of which the resolutions about a
treaty are kept. Only facts are written (dates, codes, votes, names, titles, counts,
checksums, end note numbers and dates, never a note's text); running it again on the same
files writes nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from app.config import Settings
from app.importers import curated
from app.importers.sync import country_names
from app.importers.undl_fields import UndlError
from app.importers.undl_read import CountryLookup, ResolutionState, open_input, read_votes
from app.importers.untc_page import Page, UntcPageError, read_page
from app.importers.yamlfile import DataFileError
from app.names import fold, iso_countries
from app.public import files
from app.public.files import (
    ActionRow,
    Download,
    EndNoteRow,
    Manifest,
    PageRow,
    PublicRecord,
    ResolutionRow,
    VoteRow,
)
from app.vocab import VoteKind


class ExportError(Exception):
    """A downloaded file the export cannot use; the message names the file and the place."""


def _download(path: Path, rows: int) -> Download:
    content = path.read_bytes()
    return Download(path.name, hashlib.sha256(content).hexdigest(), len(content), rows)


def _page_rows(
    page: Page, treaty: str, names: dict[str, str]
) -> tuple[PageRow, list[ActionRow], list[EndNoteRow]]:
    actions = []
    for who in page.participants:
        iso3 = names.get(fold(who.name))
        if iso3 is None:
            raise ExportError(
                f"{page.file}: row {who.row}, column 'Participant': unknown country {who.name!r}"
            )
        if not who.actions:
            raise ExportError(f"{page.file}: row {who.row} ({who.name}): no dated action")
        for act in who.actions:
            actions.append(
                ActionRow(
                    page.untc_number,
                    who.row,
                    who.name,
                    iso3,
                    who.withdrawn,
                    act.kind,
                    act.date,
                    act.notes,
                )
            )
    page_row = PageRow(
        page.untc_number,
        treaty,
        page.title,
        page.status_as_at,
        page.printed_parties,
        page.printed_signatories,
        len(page.participants),
        page.checksum,
    )
    notes = [EndNoteRow(page.untc_number, n.number, n.date) for n in page.end_notes.values()]
    return page_row, actions, notes


def _votes(
    path: Path, lookup: CountryLookup
) -> tuple[list[ResolutionRow], list[VoteRow], Manifest]:
    votes: list[VoteRow] = []

    def sink(batch: list[tuple[str, str, str, str, str]]) -> None:
        votes.extend(VoteRow(symbol, iso3, VoteKind(v), code) for symbol, iso3, v, code, _ in batch)

    try:
        with open_input(str(path)) as infile:
            result = read_votes(infile.text, lookup, lambda treaty: treaty is not None, sink)
            checksum, size = infile.checksum(), infile.raw.bytes_read
    except UndlError as exc:
        raise ExportError(f"{path}: {exc}") from None
    kept: list[ResolutionState] = sorted(
        (s for s in result.resolutions.values() if s.keep), key=lambda s: (s.date, s.symbol)
    )
    resolutions = [
        ResolutionRow(
            s.symbol, s.session, s.date, str(s.treaty), s.title, s.meeting, s.draft, *s.totals
        )
        for s in kept
    ]
    order = {s.symbol: i for i, s in enumerate(kept)}
    votes.sort(key=lambda v: (order[v.symbol], v.country))
    manifest = Manifest(
        undl_votes=Download(path.name, checksum, size, result.rows),
        undl_layout=result.layout.name,
    )
    return resolutions, votes, manifest


def export(paths: list[Path], data_dir: Path) -> PublicRecord:
    """The public record the downloaded files hold (treaties and names from `data_dir`)."""
    cur = curated.read(data_dir)
    isos = list(iso_countries())
    names = {k: v["country_iso3"] for k, v in country_names(isos, cur.names).items()}
    lookup = CountryLookup([c.iso3 for c in isos], names)
    by_number = {t.untc_number: t.slug for t in cur.treaties.treaties if t.untc_number}
    pages = [p for p in paths if p.name.endswith((".html", ".html.gz"))]
    votes = [p for p in paths if p not in pages]
    if len(votes) != 1:
        raise ExportError(f"give exactly one UNDL vote file (given: {len(votes)})")
    record = PublicRecord(Manifest(), [], [], [], [])
    record.resolutions, record.votes, record.manifest = _votes(votes[0], lookup)
    try:
        read = {path: read_page(path) for path in pages}
    except UntcPageError as exc:
        raise ExportError(str(exc)) from None
    for path in sorted(pages, key=lambda p: read[p].untc_number):
        page = read[path]
        if page.untc_number not in by_number:
            raise ExportError(f"{page.file}: UNTC number {page.untc_number} is not a treaty")
        row, actions, notes = _page_rows(page, by_number[page.untc_number], names)
        record.pages.append(row)
        record.actions += actions
        record.end_notes += notes
        record.manifest.untc_pages.append(_download(path, len(page.participants)))
    return record


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`python -m app export public-record FILE... [--out DIR]`."""
    parser.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="UNTC pages and one UNDL vote file"
    )
    parser.add_argument("--out", type=Path, help="folder to write (default: DATA_DIR/public)")


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Write the record's files; exit 1 naming the file and place of a problem."""
    try:
        record = export(args.files, settings.data_dir)
    except (ExportError, DataFileError) as exc:
        print(f"export failed, nothing was written: {exc}", file=sys.stderr)
        return 1
    out = args.out or settings.data_dir / files.PUBLIC_DIR
    written = files.write(out, record)
    print(
        f"{len(record.pages)} UNTC pages, {len(record.actions)} treaty actions, "
        f"{len(record.end_notes)} end notes; "
        f"{len(record.resolutions)} resolutions, {len(record.votes)} votes"
    )
    for path in written:
        print(f"wrote {path}")
    print("public record written" if written else "public record already up to date")
    return 0
