"""Real UN data added to a test's session: UNTC treaty actions and UNGA votes from ../shared."""

from __future__ import annotations

import csv
from datetime import date

from sqlalchemy.orm import Session

from app import dataversion, models
from app.vocab import ActionKind, SourceKind, VoteKind
from tests.conftest import shared_path

UNTC_SLUGS = {
    "APMBC": "mbt",
    "CCM": "ccm",
    "CCW": "ccw",
    "CCW_P4": "ccw-p4",
    "CCW_AMENDED_P2": "ccw-p2a",
    "CCW_AMENDED_ART1": "ccw-art1",
    "CCW_P5": "ccw-p5",
}
UNTC_SOURCES = {
    "mbt": "untc-xxvi-5",
    "ccm": "untc-xxvi-6",
    "ccw": "untc-xxvi-2",
    "ccw-p4": "untc-xxvi-2-a",
    "ccw-p2a": "untc-xxvi-2-b",
    "ccw-art1": "untc-xxvi-2-c",
    "ccw-p5": "untc-xxvi-2-d",
}
VOTES = {"Y": VoteKind.yes, "N": VoteKind.no, "A": VoteKind.abstain, "X": VoteKind.non_voting}
VOTE_SOURCE = "test-unga-apl-ccm-votes"


def add_untc_actions(session: Session, *slugs: str) -> int:
    """Treaty actions of the UNTC participant tables (status as at 2026-02-03)."""
    path = shared_path("refdata", "treaty_participation_untc.csv")
    count = 0
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            slug = UNTC_SLUGS[row["treaty"]]
            if slugs and slug not in slugs:
                continue
            events = [
                (ActionKind.signature, row["signature_date"]),
                (
                    ActionKind(row["mode"].lower().replace(" ", "_")) if row["mode"] else None,
                    row["ratification_date"],
                ),
                (ActionKind.provisional_application, row["provisional_application_date"]),
                (ActionKind.withdrawal_notified, row["withdrawal_notification_date"]),
                (ActionKind.withdrawal_effective, row["withdrawal_effective_date"]),
            ]
            for kind, day in events:
                if kind is None or not day:
                    continue
                session.add(
                    models.TreatyAction(
                        id=f"test-{slug}-{row['country_iso3'].lower()}-{kind.value}",
                        country=row["country_iso3"],
                        treaty=slug,
                        action=kind,
                        date=date.fromisoformat(day),
                        source=UNTC_SOURCES[slug],
                    )
                )
                count += 1
    session.flush()
    dataversion.bump(session)
    return count


def add_votes(session: Session, *resolutions: str) -> int:
    """Votes and official totals of the mine-ban and cluster-munition resolutions."""
    session.add(
        models.Source(
            id=VOTE_SOURCE,
            title="UNGA votes on the APMBC and CCM resolutions (refdata)",
            publisher="United Nations",
            kind=SourceKind.un_data,
            origin="import",
        )
    )
    path = shared_path("refdata", "unga_apl_ccm_votes.csv")
    count = 0
    seen: set[str] = set()
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if resolutions and row["symbol"] not in resolutions:
                continue
            symbol = row["symbol"]
            if symbol not in seen:
                seen.add(symbol)
                found = session.get(models.Resolution, symbol)
                if found is None:
                    found = models.Resolution(
                        symbol=symbol,
                        session=int(row["session"]),
                        date=date.fromisoformat(row["date"]),
                        title=row["title"],
                        treaty={"APMBC": "mbt", "APL_BAN": "mbt", "CCM": "ccm"}[row["treaty"]],
                        source=VOTE_SOURCE,
                    )
                    session.add(found)
                found.total_yes = int(row["total_yes"])
                found.total_no = int(row["total_no"])
                found.total_abstain = int(row["total_abstentions"])
                session.flush()
            session.add(
                models.Vote(
                    resolution=symbol,
                    country=row["country_iso3"],
                    vote=VOTES[row["vote"]],
                    source_code=row["vote"],
                    source=VOTE_SOURCE,
                )
            )
            count += 1
    session.flush()
    dataversion.bump(session)
    return count
