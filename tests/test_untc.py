"""UNTC status pages: parse, import, verify against the printed counts and the refdata oracle."""

from __future__ import annotations

import csv
import gzip
import hashlib
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Connection, delete, func, select
from sqlalchemy.orm import Session

from app import dataversion, models
from app.importers.sync import Counts
from app.importers.untc import import_pages, source_id
from app.importers.untc_page import Page, read_page
from app.schemas import Status
from app.status import TreatyRule, derive_status
from app.vocab import ActionKind, StatusKind
from tests.conftest import shared_path
from tests.realdata import UNTC_SLUGS

ON = date(2026, 2, 3)
BOUND = (StatusKind.state_party, StatusKind.withdrawal_pending)
PAGES = ("ottawa", "ccm", "ccw", "ccw_p4", "ccw_p2a", "ccw_art1", "ccw_p5")


def page_path(name: str) -> Path:
    return shared_path("refdata", "raw", "untc_status_2026-02-03", f"{name}.html.gz")


def page_html(name: str) -> str:
    return gzip.decompress(page_path(name).read_bytes()).decode("utf-8")


@pytest.fixture(scope="module")
def pages() -> dict[str, Page]:
    """The seven saved pages, parsed once."""
    return {name: read_page(page_path(name)) for name in PAGES}


@pytest.fixture
def imported(session: Session, pages: dict[str, Page]) -> dict[str, Page]:
    """All seven pages imported into the test's database, which the public record loaded
    from them: the import finds every action, source and end note as it would write them, and
    only adds the end notes' text (the record holds their numbers and dates)."""
    reports = import_pages(session, list(pages.values()))
    assert [(r.actions.inserted, r.actions.updated, r.actions.deleted) for r in reports] == [
        (0, 0, 0)
    ] * len(PAGES)
    assert [(r.source_changed, r.end_notes, r.links) for r in reports] == [
        (False, Counts(updated=len(p.end_notes)), Counts(unchanged=len(links(p))))
        for p in pages.values()
    ]
    return pages


def links(page: Page) -> list[tuple[int, str, int]]:
    """Each action's links to the end notes that back it: (row, action, note)."""
    return [
        (who.row, act.kind.value, n) for who in page.participants for act in who.actions
        for n in act.notes
    ]  # fmt: skip


def statuses(session: Session, slug: str, on: date) -> dict[str, Status]:
    """Every participant's derived status toward a treaty on a date, from the database."""
    treaty = session.get_one(models.Treaty, slug)
    rule = TreatyRule(treaty.eif_rule, treaty.entry_into_force_on)
    actions: dict[str, list[models.TreatyAction]] = defaultdict(list)
    for act in session.scalars(
        select(models.TreatyAction).where(models.TreatyAction.treaty == slug)
    ):
        actions[act.country].append(act)
    return {c: derive_status(rule, acts, on) for c, acts in actions.items()}


def before_any_page_import(conn: Connection, *untc_numbers: str) -> None:
    """Delete the treaty actions the public record loaded from these pages: their first
    import inserts them again (the pages' sources stay, the treaties cite them)."""
    sources = [source_id(n) for n in untc_numbers]
    conn.execute(delete(models.TreatyAction).where(models.TreatyAction.source.in_(sources)))


def table_counts(session: Session) -> tuple[int, int, int]:
    actions = session.scalar(select(func.count()).select_from(models.TreatyAction)) or 0
    sources = session.scalar(select(func.count()).select_from(models.Source)) or 0
    return actions, sources, dataversion.current(session)


@pytest.mark.parametrize(
    ("name", "number", "participants", "parties", "signatories"),
    [
        ("ottawa", "XXVI-5", 166, 162, 132),
        ("ccm", "XXVI-6", 125, 112, 107),
        ("ccw", "XXVI-2", 132, 128, 50),
        ("ccw_p4", "XXVI-2-a", 111, 111, None),
        ("ccw_p2a", "XXVI-2-b", 107, 107, None),
        ("ccw_art1", "XXVI-2-c", 90, 90, None),
        ("ccw_p5", "XXVI-2-d", 99, 99, None),
    ],
)
def test_each_page_parses_to_its_own_printed_counts(
    pages: dict[str, Page],
    name: str,
    number: str,
    participants: int,
    parties: int,
    signatories: int | None,
) -> None:
    page = pages[name]
    assert (page.untc_number, page.status_as_at) == (number, ON)
    assert len(page.participants) == participants
    assert (page.printed_parties, page.parsed_parties) == (parties, parties)
    assert page.printed_signatories == signatories
    assert page.parsed_signatories == (signatories or 0)


def test_every_imported_action_matches_the_refdata_oracle(
    session: Session, imported: dict[str, Page]
) -> None:
    """All 830 rows of treaty_participation_untc.csv, action by action, and nothing more."""
    with shared_path("refdata", "treaty_participation_untc.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 830
    expected = set()
    for row in rows:
        slug, iso3 = UNTC_SLUGS[row["treaty"]], row["country_iso3"]
        joined = row["mode"].lower().replace(" ", "_") or "ratification"  # blank: not joined
        for column, kind in (
            ("signature_date", ActionKind.signature),
            ("provisional_application_date", ActionKind.provisional_application),
            ("ratification_date", ActionKind(joined)),
            ("withdrawal_notification_date", ActionKind.withdrawal_notified),
            ("withdrawal_effective_date", ActionKind.withdrawal_effective),
        ):
            if row[column]:
                expected.add((slug, iso3, kind, date.fromisoformat(row[column])))
    found = {
        (a.treaty, a.country, a.action, a.date)
        for a in session.scalars(
            select(models.TreatyAction).where(models.TreatyAction.source.like("untc-status-%"))
        )
    }
    assert len(expected) == 1121
    assert found == expected


def test_each_page_is_an_imported_source(session: Session, imported: dict[str, Page]) -> None:
    source = session.get_one(models.Source, "untc-status-xxvi-5")
    assert source.origin == "import"
    assert source.kind == "untc_status_page"
    assert source.status_as_at == ON
    assert source.row_count == 166
    assert source.checksum == hashlib.sha256(page_html("ottawa").encode()).hexdigest()
    assert source.url == (
        "https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=XXVI-5"
        "&chapter=26&clang=_en"
    )
    assert source.imported_at is not None
    # one source per page, the page's own, which its treaty cites: no curated copy beside it
    assert session.get(models.Source, "untc-xxvi-5") is None
    assert session.get_one(models.Treaty, "mbt").source == "untc-status-xxvi-5"
    ids = session.scalars(
        select(models.Source.id).where(models.Source.id.like("untc-%")).order_by(models.Source.id)
    ).all()
    assert ids == [source_id(n) for n in sorted(p.untc_number for p in imported.values())]
    untc = session.scalars(select(models.Source).where(models.Source.id.in_(ids)))
    assert {(s.origin, s.kind) for s in untc} == {("import", "untc_status_page")}
    cited = session.scalars(select(models.Treaty.source).order_by(models.Treaty.source)).all()
    assert cited == ids
    alb = session.get_one(models.TreatyAction, "untc-mbt-alb-ratification")
    assert (alb.country, alb.date, alb.source) == ("ALB", date(2000, 2, 29), "untc-status-xxvi-5")
    pol = session.get_one(models.TreatyAction, "untc-mbt-pol-withdrawal-notified")
    assert (pol.date, pol.note) == (date(2025, 8, 20), None)  # end note 8 is its citation


@pytest.mark.parametrize(
    ("slug", "page", "bound", "not_yet_in_force", "signed", "signed_withdrawn", "signatory"),
    [
        ("mbt", "ottawa", 162, [], 133, ["LTU"], 0),
        ("ccm", "ccm", 111, ["VUT"], 108, ["LTU"], 12),
        ("ccw", "ccw", 128, [], 50, [], 4),
    ],
)
def test_derived_status_reproduces_the_counts_untc_prints(
    session: Session,
    imported: dict[str, Page],
    slug: str,
    page: str,
    bound: int,
    not_yet_in_force: list[str],
    signed: int,
    signed_withdrawn: list[str],
    signatory: int,
) -> None:
    """Parties: UNTC counts a state on deposit, we from entry into force (Vanuatu, CCM,
    deposited 2025-09-05, in force 2026-03-01). Signatories: UNTC leaves out states that
    signed and later withdrew (Lithuania, Mine Ban Treaty and CCM)."""
    printed = imported[page]
    found = statuses(session, slug, ON)
    assert sum(s.status in BOUND for s in found.values()) == bound
    pending = sorted(
        c
        for c, s in found.items()
        if s.entry_into_force_on and s.entry_into_force_on > ON and s.status not in BOUND
    )
    assert pending == not_yet_in_force
    assert bound + len(pending) == printed.printed_parties
    assert sum(s.signed_on is not None for s in found.values()) == signed
    gone = sorted(c for c, s in found.items() if s.signed_on and s.status is StatusKind.withdrawn)
    assert gone == signed_withdrawn
    assert signed - len(gone) == printed.printed_signatories
    assert sum(s.status is StatusKind.signatory for s in found.values()) == signatory


@pytest.mark.parametrize(
    ("slug", "parties"), [("ccw-p4", 111), ("ccw-p2a", 107), ("ccw-art1", 90), ("ccw-p5", 99)]
)
def test_protocol_parties(
    session: Session, imported: dict[str, Page], slug: str, parties: int
) -> None:
    found = statuses(session, slug, ON)
    assert sum(s.status in BOUND for s in found.values()) == parties


def test_withdrawals_from_the_end_notes(session: Session, imported: dict[str, Page]) -> None:
    mbt = {d: statuses(session, "mbt", date.fromisoformat(d)) for d in ("2026-02-19", "2026-02-20")}
    assert statuses(session, "mbt", ON)["POL"].status is StatusKind.withdrawal_pending
    assert mbt["2026-02-19"]["POL"].status is StatusKind.withdrawal_pending
    assert mbt["2026-02-20"]["POL"].status is StatusKind.withdrawn
    on = statuses(session, "mbt", ON)
    assert {c for c, s in on.items() if s.status is StatusKind.withdrawn} == {
        "EST",
        "FIN",
        "LTU",
        "LVA",
    }
    assert (on["FIN"].withdrawal_notified_on, on["FIN"].withdrawal_effective_on) == (
        date(2025, 7, 10),
        date(2026, 1, 10),
    )
    assert statuses(session, "mbt", date(2026, 1, 9))["FIN"].status is StatusKind.withdrawal_pending
    assert statuses(session, "ccm", date(2025, 3, 5))["LTU"].status is StatusKind.withdrawal_pending
    ltu = statuses(session, "ccm", date(2025, 3, 6))["LTU"]
    assert (ltu.status, ltu.withdrawal_notified_on) == (StatusKind.withdrawn, date(2024, 9, 6))
    assert statuses(session, "ccw", ON)["LTU"].status is StatusKind.state_party
