"""UNTC import behaviour: idempotent, updates from a newer page, all-or-nothing rejections."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from app import dataversion, models
from app.config import PROJECT_ROOT
from app.importers.sync import Counts
from app.importers.untc import import_pages
from app.importers.untc_page import UntcPageError, parse_page, read_page
from app.vocab import ActionKind
from tests.test_untc import before_any_page_import, page_html, page_path, table_counts

AFG_ACCESSION = "<td>11 Sep\t 2002 a<br></td>"
ALB_RATIFICATION = "<td>29 Feb\t 2000 <br></td>"
RATIFY_COLUMN = "Ratification, Acceptance(A), Approval(AA), Accession(a), Succession(d)"


def edited(name: str, *changes: tuple[str, str]) -> bytes:
    """A saved page with text replaced; each original must occur exactly once."""
    html = page_html(name)
    for old, new in changes:
        assert html.count(old) == 1, old
        html = html.replace(old, new)
    return html.encode("utf-8")


def test_importing_the_same_pages_twice_changes_nothing(session: Session) -> None:
    before_any_page_import(session.connection(), "XXVI-5", "XXVI-6")
    pages = [read_page(page_path("ottawa")), read_page(page_path("ccm"))]
    first = import_pages(session, pages)
    assert [(r.treaty, r.actions.inserted, r.changed) for r in first] == [
        ("mbt", 309, True),
        ("ccm", 227, True),
    ]
    version = dataversion.current(session)
    imported_at = session.get_one(models.Source, "untc-status-xxvi-5").imported_at
    second = import_pages(session, [read_page(page_path("ottawa")), read_page(page_path("ccm"))])
    assert [(r.actions.unchanged, r.actions.inserted + r.actions.updated) for r in second] == [
        (309, 0),
        (227, 0),
    ]
    assert [r.actions.deleted for r in second] == [0, 0]
    assert not any(r.changed for r in second)
    assert dataversion.current(session) == version
    assert session.get_one(models.Source, "untc-status-xxvi-5").imported_at == imported_at


def test_a_newer_page_updates_adds_and_removes_only_its_own_actions(session: Session) -> None:
    [held] = import_pages(session, [read_page(page_path("ottawa"))])
    # the public record's actions and end notes: the import adds the notes' text
    assert (held.actions.unchanged, held.end_notes) == (309, Counts(updated=12))
    session.add(
        models.Source(id="curated-untc-xxvi-5", title="Mine Ban Treaty status, read by hand",
                      publisher="UN", kind="untc_status_page", origin="curated")
    )  # fmt: skip
    session.flush()
    curated = models.TreatyAction(
        id="alb-mbt-ratification",
        country="ALB",
        treaty="mbt",
        action=ActionKind.ratification,
        date=date(2000, 2, 29),
        source="curated-untc-xxvi-5",
    )
    session.add(curated)
    session.flush()
    version = dataversion.current(session)
    newer = edited(
        "ottawa",
        ("STATUS AS AT : 03-02-2026", "STATUS AS AT : 24-02-2026"),
        (AFG_ACCESSION, "<td>12 Sep\t 2002 a<br></td>"),
        ("<td>Albania<br></td>", "<td>Kyrgyzstan<br></td>"),
    )
    [report] = import_pages(session, [parse_page(newer, "ottawa-newer.html")])
    counts = report.actions
    assert (counts.inserted, counts.updated, counts.unchanged, counts.deleted) == (2, 1, 306, 2)
    assert report.end_notes == Counts(unchanged=12)  # the same notes, with the same text
    assert dataversion.current(session) == version + 1
    source = session.get_one(models.Source, "untc-status-xxvi-5")
    assert (source.status_as_at, source.published_on) == (date(2026, 2, 24), "2026-02-24")
    assert session.get_one(models.TreatyAction, "untc-mbt-afg-accession").date == date(2002, 9, 12)
    assert session.get(models.TreatyAction, "untc-mbt-alb-ratification") is None
    kgz = session.get_one(models.TreatyAction, "untc-mbt-kgz-ratification")
    assert kgz.date == date(2000, 2, 29)
    assert session.get(models.TreatyAction, "alb-mbt-ratification") is curated


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            (ALB_RATIFICATION, "<td>30 Feb\t 2000 <br></td>"),
            f"bad.html: row 2 (Albania), column {RATIFY_COLUMN!r}: '30 Feb 2000' is not a "
            "valid date",
        ),
        (
            (AFG_ACCESSION, "<td>11 Sepx 2002 a<br></td>"),
            f"bad.html: row 1 (Afghanistan), column {RATIFY_COLUMN!r}: cannot read "
            "'11 Sepx 2002 a' as a date like '11 Sep 2002 a'",
        ),
        (
            (AFG_ACCESSION, "<td>11 Sep\t 2002 n<br></td>"),
            f"bad.html: row 1 (Afghanistan), column {RATIFY_COLUMN!r}: code 'n' in "
            "'11 Sep 2002 n' does not belong in this column",
        ),
        (
            (AFG_ACCESSION, "<td>[11 Sep\t 2002 a]<br></td>"),
            "bad.html: row 1 (Afghanistan): dates in square brackets (withdrawn) but no end "
            "note gives the withdrawal dates",
        ),
        (
            ("ContentPlaceHolderInnerPage_tblgrid", "ContentPlaceHolderInnerPage_grid"),
            "bad.html: no participant table (table id ending '_tblgrid')",
        ),
        (
            ("STATUS AS AT : 03-02-2026", "STATUS AS AT : 33-02-2026"),
            "bad.html: cannot read the 'STATUS AS AT' date "
            "'STATUS AS AT : 33-02-2026 10:16:18 EDT'",
        ),
    ],
)
def test_a_bad_page_is_rejected_naming_the_place(change: tuple[str, str], message: str) -> None:
    with pytest.raises(UntcPageError) as exc:
        parse_page(edited("ottawa", change), "bad.html")
    assert str(exc.value) == message


def test_a_rejected_page_leaves_the_database_as_it_was(session: Session) -> None:
    before = table_counts(session)
    good = read_page(page_path("ccm"))
    unknown = parse_page(
        edited("ottawa", ("<td>Afghanistan<br></td>", "<td>Atlantis<br></td>")), "bad.html"
    )
    with pytest.raises(UntcPageError) as exc:
        import_pages(session, [good, unknown])
    assert str(exc.value).startswith(
        "bad.html: row 1, column 'Participant': unknown country 'Atlantis' (close matches: "
    )
    assert table_counts(session) == before
    with pytest.raises(UntcPageError) as twice:
        import_pages(session, [good, read_page(page_path("ccm"))])
    assert "same treaty (XXVI-6) as" in str(twice.value)
    assert table_counts(session) == before


def run_cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def action_count(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(models.TreatyAction)) or 0)
    finally:
        engine.dispose()


def test_import_untc_through_the_command_line(scratch_url: str, tmp_path: Path) -> None:
    assert run_cli(scratch_url, "migrate").returncode == 0
    assert run_cli(scratch_url, "load").returncode == 0
    engine = create_engine(scratch_url)
    try:
        with engine.begin() as conn:
            before_any_page_import(conn, "XXVI-5", "XXVI-6")
    finally:
        engine.dispose()
    loaded = 1121 - 309 - 227  # the public record's actions of the five CCW pages
    bad = tmp_path / "bad.html"
    bad.write_bytes(edited("ottawa", (ALB_RATIFICATION, "<td>30 Feb\t 2000 <br></td>")))
    rejected = run_cli(scratch_url, "import", "untc", str(page_path("ccm")), str(bad))
    assert rejected.returncode == 1
    assert rejected.stdout == ""
    assert rejected.stderr.startswith(f"import failed, nothing was written: {bad}: row 2 (Albania)")
    assert action_count(scratch_url) == loaded
    files = [str(page_path("ottawa")), str(page_path("ccm"))]
    first = run_cli(scratch_url, "import", "untc", *files)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        "mbt (XXVI-5) status as at 2026-02-03: 166 participants; actions 309 inserted, "
        "0 updated, 0 unchanged, 0 deleted; end notes 0 inserted, 12 updated, 0 unchanged, "
        "0 deleted; parties printed 162 parsed 162; signatories printed 132 parsed 132",
        "ccm (XXVI-6) status as at 2026-02-03: 125 participants; actions 227 inserted, "
        "0 updated, 0 unchanged, 0 deleted; end notes 0 inserted, 8 updated, 0 unchanged, "
        "0 deleted; parties printed 112 parsed 112; signatories printed 107 parsed 107",
        "imported",
    ]
    again = run_cli(scratch_url, "import", "untc", *files)
    assert again.returncode == 0, again.stderr
    assert re.search(
        r"actions 0 inserted, 0 updated, 309 unchanged, 0 deleted; "
        r"end notes 0 inserted, 0 updated, 12 unchanged, 0 deleted",
        again.stdout,
    )
    assert again.stdout.splitlines()[-1] == "already up to date"
    assert action_count(scratch_url) == loaded + 536 == 1121
