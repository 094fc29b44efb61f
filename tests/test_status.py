"""Status derivation: entry-into-force rules and status on any date."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import models
from app.status import (
    TreatyRule,
    add_months,
    derive_status,
    entry_into_force,
    source_as_at,
    status_on,
)
from app.vocab import ActionKind, EifRule, StatusKind
from tests.conftest import shared_path
from tests.realdata import UNTC_SLUGS

Day = date | None
MBT = TreatyRule(EifRule.first_day_sixth_month, date(1999, 3, 1), date(1997, 12, 3))
CCW = TreatyRule(EifRule.six_months_after, date(1983, 12, 2), date(1981, 4, 10))

UNTC_STATUS = {
    "party": StatusKind.state_party,
    "party (withdrawal pending)": StatusKind.withdrawal_pending,
    "withdrawn": StatusKind.withdrawn,
    "signatory": StatusKind.signatory,
}


@dataclass(frozen=True)
class Act:
    action: ActionKind
    date: date


def sign(d: str) -> Act:
    return Act(ActionKind.signature, date.fromisoformat(d))


def act(kind: ActionKind, d: str) -> Act:
    return Act(kind, date.fromisoformat(d))


def test_signatory_then_ratification_changes_status_on_entry_into_force() -> None:
    # Albania: signed 1998-09-08, ratified 2000-02-29, in force 2000-08-01.
    actions = [sign("1998-09-08"), act(ActionKind.ratification, "2000-02-29")]
    assert derive_status(MBT, actions, date(1998, 9, 7)).status is StatusKind.not_party
    assert derive_status(MBT, actions, date(1998, 9, 8)).status is StatusKind.signatory
    deposited = derive_status(MBT, actions, date(2000, 7, 31))
    assert deposited.status is StatusKind.pending_entry_into_force
    assert deposited.joined_on == date(2000, 2, 29)
    assert deposited.entry_into_force_on == date(2000, 8, 1)
    party = derive_status(MBT, actions, date(2000, 8, 1))
    assert party.model_dump() == {
        "status": StatusKind.state_party,
        "as_of": date(2000, 8, 1),
        "signed_on": date(1998, 9, 8),
        "joined_on": date(2000, 2, 29),
        "join_method": ActionKind.ratification,
        "entry_into_force_on": date(2000, 8, 1),
        "withdrawal_notified_on": None,
        "withdrawal_effective_on": None,
        "record_as_at": None,
        "as_known_on": None,
        "beyond_record": False,
    }


def test_accession_is_pending_until_entry_into_force() -> None:
    # Afghanistan acceded 2002-09-11: in force 2003-03-01.
    actions = [act(ActionKind.accession, "2002-09-11")]
    assert derive_status(MBT, actions, date(2002, 9, 10)).status is StatusKind.not_party
    before = derive_status(MBT, actions, date(2003, 2, 28))
    assert (before.status, before.joined_on, before.entry_into_force_on) == (
        StatusKind.pending_entry_into_force,
        date(2002, 9, 11),
        date(2003, 3, 1),
    )
    after = derive_status(MBT, actions, date(2003, 3, 1))
    assert (after.status, after.join_method) == (StatusKind.state_party, ActionKind.accession)
    assert after.signed_on is None


def test_early_ratification_waits_for_the_treaty_itself() -> None:
    # Canada ratified the Mine Ban Treaty on 1997-12-03; the treaty entered into force 1999-03-01.
    assert entry_into_force(MBT, date(1997, 12, 3)) == date(1999, 3, 1)
    actions = [sign("1997-12-03"), act(ActionKind.ratification, "1997-12-03")]
    pending = StatusKind.pending_entry_into_force
    assert derive_status(MBT, actions, date(1999, 2, 28)).status is pending
    assert derive_status(MBT, actions, date(1999, 3, 1)).status is StatusKind.state_party


def test_withdrawal_notified_then_effective() -> None:
    # Estonia: ratified 2004-05-12; notified withdrawal 2025-06-27, effective 2025-12-27.
    actions = [
        act(ActionKind.accession, "2004-05-12"),
        act(ActionKind.withdrawal_notified, "2025-06-27"),
        act(ActionKind.withdrawal_effective, "2025-12-27"),
    ]
    assert derive_status(MBT, actions, date(2025, 6, 26)).status is StatusKind.state_party
    pending = derive_status(MBT, actions, date(2025, 6, 27))
    assert pending.status is StatusKind.withdrawal_pending
    assert pending.withdrawal_notified_on == date(2025, 6, 27)
    assert pending.withdrawal_effective_on == date(2025, 12, 27)  # the recorded coming date
    unknown = derive_status(MBT, actions[:2], date(2025, 6, 27))
    assert (unknown.status, unknown.withdrawal_effective_on) == (
        StatusKind.withdrawal_pending,
        None,
    )
    gone = derive_status(MBT, actions, date(2025, 12, 27))
    assert gone.status is StatusKind.withdrawn
    assert gone.withdrawal_effective_on == date(2025, 12, 27)


def test_joining_again_after_withdrawal_starts_a_new_membership() -> None:
    actions = [
        act(ActionKind.ratification, "2000-01-10"),
        act(ActionKind.withdrawal_notified, "2010-01-10"),
        act(ActionKind.withdrawal_effective, "2010-07-10"),
        act(ActionKind.accession, "2015-03-31"),
    ]
    # Accession deposited in March 2015: in force on the first day of September 2015.
    assert derive_status(MBT, actions, date(2015, 3, 30)).status is StatusKind.withdrawn
    pending = derive_status(MBT, actions, date(2015, 8, 31))
    assert pending.status is StatusKind.pending_entry_into_force
    again = derive_status(MBT, actions, date(2015, 9, 1))
    assert again.status is StatusKind.state_party
    assert (again.joined_on, again.entry_into_force_on) == (date(2015, 3, 31), date(2015, 9, 1))
    assert again.withdrawal_effective_on == date(2010, 7, 10)


def test_a_date_before_the_treaty_exists_is_not_party() -> None:
    actions = [sign("1997-12-03"), act(ActionKind.ratification, "1998-06-01")]
    status = derive_status(MBT, actions, date(1990, 1, 1))
    assert status.model_dump(exclude={"as_of"}) == {
        "status": StatusKind.not_party,
        "signed_on": None,
        "joined_on": None,
        "join_method": None,
        "entry_into_force_on": None,
        "withdrawal_notified_on": None,
        "withdrawal_effective_on": None,
        "record_as_at": None,
        "as_known_on": None,
        "beyond_record": False,
    }


def test_ccw_six_months_after_deposit_clipped_to_month_end() -> None:
    assert entry_into_force(CCW, date(2000, 8, 31)) == date(2001, 2, 28)
    assert entry_into_force(CCW, date(1982, 2, 11)) == date(1983, 12, 2)
    assert entry_into_force(CCW, date(2009, 3, 11)) == date(2009, 9, 11)
    assert add_months(date(2023, 12, 15), 6) == date(2024, 6, 15)


def test_succession_binds_from_notification() -> None:
    montenegro = [act(ActionKind.succession, "2006-10-23")]
    status = derive_status(MBT, montenegro, date(2006, 10, 23))
    assert (status.status, status.entry_into_force_on) == (
        StatusKind.state_party,
        date(2006, 10, 23),
    )


def _untc_actions(row: dict[str, str]) -> list[Act]:
    actions = []
    if row["signature_date"]:
        actions.append(sign(row["signature_date"]))
    if row["ratification_date"]:
        mode = row["mode"].lower().replace(" ", "_")
        actions.append(act(ActionKind(mode), row["ratification_date"]))
    if row["withdrawal_notification_date"]:
        actions.append(act(ActionKind.withdrawal_notified, row["withdrawal_notification_date"]))
    if row["withdrawal_effective_date"]:
        actions.append(act(ActionKind.withdrawal_effective, row["withdrawal_effective_date"]))
    return actions


def test_every_untc_participant_matches_published_status_and_entry_into_force(
    session: Session,
) -> None:
    """All 830 UNTC rows: our EIF equals the refdata's; our status on 2026-02-03 is UNTC's.

    UNTC lists as party a state that deposited; ours is `pending_entry_into_force` until the
    instrument is in force for it (Vanuatu, CCM: deposited 2025-09-05, in force 2026-03-01).
    """
    rules = {
        t.slug: TreatyRule(t.eif_rule, t.entry_into_force_on)
        for t in session.scalars(select(models.Treaty))
    }
    path = shared_path("refdata", "treaty_participation_untc.csv")
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 830
    mismatches: list[tuple[object, ...]] = []
    pending: list[tuple[object, ...]] = []
    for row in rows:
        rule = rules[UNTC_SLUGS[row["treaty"]]]
        on = date.fromisoformat(row["status_as_at"])
        derived = derive_status(rule, _untc_actions(row), on)
        expected = UNTC_STATUS[row["status"]]
        if row["entry_into_force"] and date.fromisoformat(row["entry_into_force"]) > on:
            # UNTC counts a state as party on deposit; we do from entry into force.
            expected = StatusKind.pending_entry_into_force
            pending.append((row["treaty"], row["country_iso3"], derived.entry_into_force_on))
        if derived.status is not expected:
            mismatches.append((row["treaty"], row["country_iso3"], derived.status, row["status"]))
        if row["entry_into_force"] and row["mode"] != "Succession":
            eif = entry_into_force(rule, date.fromisoformat(row["ratification_date"]))
            if eif.isoformat() != row["entry_into_force"]:
                mismatches.append(
                    (row["treaty"], row["country_iso3"], eif, row["entry_into_force"])
                )
    assert mismatches == []
    assert pending == [("CCM", "VUT", date(2026, 3, 1))]


@pytest.mark.parametrize(
    ("slug", "parties", "signatories", "bound"),
    [("mbt", 162, 132, 162), ("ccm", 112, 107, 111), ("ccw", 128, 50, 128)],
)
def test_counts_match_untc(
    session: Session, slug: str, parties: int, signatories: int, bound: int
) -> None:
    """Derived statuses reproduce the party and signatory counts UNTC printed on 2026-02-03.

    UNTC's parties are the states bound (`state_party`, `withdrawal_pending`) and those whose
    instrument is not yet in force for them (`pending_entry_into_force`).
    """
    rule = next(
        TreatyRule(t.eif_rule, t.entry_into_force_on)
        for t in session.scalars(select(models.Treaty).where(models.Treaty.slug == slug))
    )
    path = shared_path("refdata", "treaty_participation_untc.csv")
    with path.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if UNTC_SLUGS[r["treaty"]] == slug]
    on = date(2026, 2, 3)
    statuses = [derive_status(rule, _untc_actions(r), on) for r in rows]
    deposited = [s for s in statuses if s.joined_on and s.status is not StatusKind.withdrawn]
    assert len(deposited) == parties
    kinds = Counter(s.status for s in deposited)
    assert kinds[StatusKind.state_party] + kinds[StatusKind.withdrawal_pending] == bound
    assert kinds[StatusKind.pending_entry_into_force] == parties - bound
    remaining = [s for s in statuses if s.status is not StatusKind.withdrawn]
    assert sum(s.signed_on is not None for s in remaining) == signatories


@pytest.mark.parametrize(
    ("status_as_at", "last_updated", "published_on", "expected"),
    [
        (date(2026, 2, 3), date(2026, 5, 1), "2026-04", date(2026, 2, 3)),  # the page's date wins
        (None, date(2019, 12, 18), None, date(2019, 12, 18)),
        (None, date(2019, 12, 18), "2020-03", date(2020, 3, 1)),  # the later one
        (None, None, "2021", date(2021, 1, 1)),  # a partial date from its first day
        (None, None, "2021-12-05", date(2021, 12, 5)),
        (None, None, None, None),
    ],
)
def test_the_date_a_source_is_known_up_to(
    status_as_at: date | None, last_updated: date | None, published_on: str | None, expected: date
) -> None:
    assert source_as_at(status_as_at, last_updated, published_on) == expected


@dataclass(frozen=True)
class SourcedAct(Act):
    """An action with the dates of its source."""

    status_as_at: Day
    last_updated: Day = None
    published_on: str | None = None


def test_a_status_beyond_the_latest_record_is_flagged() -> None:
    actions = [
        SourcedAct(ActionKind.signature, date(1998, 9, 8), None, published_on="2010"),
        SourcedAct(ActionKind.ratification, date(2000, 2, 29), date(2026, 2, 3)),
    ]
    within = status_on(MBT, actions, date(2026, 2, 3))
    assert (within.record_as_at, within.as_known_on, within.beyond_record) == (
        date(2026, 2, 3),
        None,
        False,
    )
    beyond = status_on(MBT, actions, date(2026, 2, 4))
    assert (beyond.status, beyond.record_as_at, beyond.as_known_on, beyond.beyond_record) == (
        StatusKind.state_party,
        date(2026, 2, 3),
        date(2026, 2, 3),
        True,
    )
    bare = status_on(MBT, [], date(2030, 1, 1))
    assert (bare.record_as_at, bare.as_known_on, bare.beyond_record) == (None, None, False)
