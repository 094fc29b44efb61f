"""UN Treaty Collection status pages (saved "View Details" HTML, .html or .html.gz)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import dataversion, history, models
from app.config import Settings
from app.errors import NotFoundError
from app.importers.sync import Counts, upsert
from app.importers.untc_cite import NoteSync, citation_rows, forget_texts, link_rows
from app.importers.untc_page import Page, UntcPageError, read_page
from app.importers.untc_report import PageReport, print_reports, summary
from app.names import fold
from app.queries.countries import resolve_country
from app.vocab import SourceKind

PUBLISHER = "United Nations, Office of Legal Affairs, Treaty Section"
LICENCE = "© United Nations; UN website terms of use"
PAGE_URL = (
    "https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no={number}"
    "&chapter=26&clang=_en"
)


def source_id(untc_number: str) -> str:
    """The stable id of the imported source for a treaty page, e.g. "untc-status-xxvi-5"."""
    return f"untc-status-{untc_number.lower()}"


def import_pages(
    session: Session,
    pages: list[Page],
    retrieved_on: date | None = None,
    actor: str | None = "import untc",
) -> list[PageReport]:
    """Write the pages' actions (no commit); on a problem raise UntcPageError, having written
    nothing: every page is checked before the first write.

    Only actions of each page's own imported source are inserted, updated or deleted; actions
    of any other source (curated ones in particular) are never touched. A change is logged
    as one import by `actor` and bumps the data version (with `actor` None, the caller does).
    """
    seen: dict[str, str] = {}
    for page in pages:
        if page.untc_number in seen:
            raise UntcPageError(
                f"{page.file}: same treaty ({page.untc_number}) as {seen[page.untc_number]}"
            )
        seen[page.untc_number] = page.file
    query = select(models.CountryName.folded, models.CountryName.country_iso3)
    names: dict[str, str] = {row.folded: row.country_iso3 for row in session.execute(query)}
    prepared = [_prepare(session, page, names) for page in pages]
    reports = [_write_page(session, *item, retrieved_on) for item in prepared]
    if actor is not None and any(r.changed for r in reports):
        history.record_import(session, actor, summary(reports))
        dataversion.bump(session)
    return reports


def _prepare(
    session: Session, page: Page, names: dict[str, str]
) -> tuple[Page, models.Treaty, dict[str, dict[str, Any]]]:
    """Every check that can fail, before anything is written."""
    treaty = session.scalars(
        select(models.Treaty).where(models.Treaty.untc_number == page.untc_number)
    ).first()
    if treaty is None:
        raise UntcPageError(f"{page.file}: UNTC number {page.untc_number} is not a known treaty")
    sid = source_id(page.untc_number)
    rows = _action_rows(session, page, treaty.slug, sid, names)
    taken = session.scalars(
        select(models.TreatyAction.id).where(
            models.TreatyAction.id.in_(list(rows)), models.TreatyAction.source != sid
        )
    ).first()
    if taken is not None:
        raise UntcPageError(f"{page.file}: action id {taken!r} already belongs to another source")
    source = session.get(models.Source, sid)
    if source is not None and source.origin != "import":
        raise UntcPageError(f"{page.file}: source {sid!r} exists with origin {source.origin!r}")
    return page, treaty, rows


def _write_page(
    session: Session,
    page: Page,
    treaty: models.Treaty,
    rows: dict[str, dict[str, Any]],
    retrieved_on: date | None,
) -> PageReport:
    sid = source_id(page.untc_number)
    report = PageReport(page, treaty.slug, sid)
    report.source_changed = write_source(session, page, retrieved_on)
    notes = NoteSync(session, sid, report.end_notes, report.links)
    notes.write_notes(citation_rows(page, sid))
    _sync_actions(session, sid, rows, report.actions)
    notes.write_links(link_rows(sid, ((aid, row["notes"]) for aid, row in rows.items())))
    notes.finish()
    if report.changed:  # the retrieval day moves with the page's facts, not with note texts
        source = session.get_one(models.Source, sid)
        source.imported_at = datetime.now(UTC)
        a = report.actions
        if report.source_changed or a.inserted or a.updated or a.deleted:
            source.retrieved_on = retrieved_on or source.retrieved_on
        session.flush()
    return report


def write_source(session: Session, page: Page, retrieved_on: date | None = None) -> bool:
    """Create or update the page's Source; whether anything changed.

    The same page retrieved again on another day (or imported from a saved file, with no
    retrieval day) is the same content: only a change of the page itself updates the Source,
    and with it the retrieval day. End note texts read from the old page go with it, unless
    the new page brings them (an import does; a load of the public record, which holds none,
    does not).
    """
    sid = source_id(page.untc_number)
    wanted = _source_fields(page, sid, retrieved_on)
    source = session.get(models.Source, sid)
    if source is None:
        session.add(models.Source(**wanted, imported_at=datetime.now(UTC)))
        session.flush()
        return True
    changes = {k: v for k, v in wanted.items() if k != "retrieved_on" and getattr(source, k) != v}
    if not changes:
        return False
    for key, value in changes.items():
        setattr(source, key, value)
    if "checksum" in changes:
        forget_texts(session, page, sid)
    if retrieved_on is not None:
        source.retrieved_on = retrieved_on
    source.imported_at = datetime.now(UTC)
    session.flush()
    return True


def _source_fields(page: Page, sid: str, retrieved_on: date | None) -> dict[str, Any]:
    return {
        "id": sid,
        "title": f"{page.title} (UNTC status, chapter {page.untc_number})",
        "publisher": PUBLISHER,
        "kind": SourceKind.untc_status_page,
        "url": page.url or PAGE_URL.format(number=page.untc_number),
        "published_on": page.status_as_at.isoformat(),
        "retrieved_on": retrieved_on,
        "licence": LICENCE,
        "origin": "import",
        "status_as_at": page.status_as_at,
        "checksum": page.checksum,
        "row_count": len(page.participants),
    }


def _action_rows(
    session: Session, page: Page, treaty: str, sid: str, names: dict[str, str]
) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for who in page.participants:
        try:
            iso3 = names.get(fold(who.name)) or resolve_country(session, who.name).iso3
        except NotFoundError as exc:
            found = exc.extra.get("suggestions") or []
            close = ", ".join(f"{s['name']} ({s['iso3']})" for s in found) or "none"
            raise UntcPageError(
                f"{page.file}: row {who.row}, column 'Participant': unknown country "
                f"{who.name!r} (close matches: {close})"
            ) from exc
        for act in who.actions:
            aid = f"untc-{treaty}-{iso3.lower()}-{act.kind.value.replace('_', '-')}"
            if aid in rows:
                raise UntcPageError(
                    f"{page.file}: row {who.row} ({who.name}): {act.kind.value} given twice "
                    "(the country appears in two rows?)"
                )
            rows[aid] = {
                "id": aid,
                "country": iso3,
                "treaty": treaty,
                "action": act.kind,
                "date": act.date,
                "note": None,
                "source": sid,
                "notes": act.notes,
            }
    return rows


def _sync_actions(
    session: Session, sid: str, rows: dict[str, dict[str, Any]], counts: Counts
) -> None:
    scope = models.TreatyAction.source == sid
    columns = ({k: v for k, v in row.items() if k != "notes"} for row in rows.values())
    stale = upsert(session, models.TreatyAction, columns, ("id",), scope, counts, True)
    for gone in stale:
        session.delete(gone)
    session.flush()


def write(settings: Settings, pages: list[Page], retrieved_on: date | None = None) -> int:
    """Import parsed pages in one transaction and print a summary line per page."""
    from app.db import transaction

    try:
        with transaction(settings) as session:
            reports = import_pages(session, pages, retrieved_on)
    except UntcPageError as exc:
        print(f"import failed, nothing was written: {exc}", file=sys.stderr)
        return 1
    print_reports(reports)
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`python -m app import untc FILE [FILE ...]`."""
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help=".html or .html.gz")


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Parse every page first, then import them all or nothing."""
    try:
        pages = [read_page(path) for path in args.files]
    except UntcPageError as exc:
        print(f"import failed, nothing was written: {exc}", file=sys.stderr)
        return 1
    return write(settings, pages)
