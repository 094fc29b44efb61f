"""What importing UNTC status pages did: a line per page, and the history's summary."""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass, field
from typing import Any

from app.importers.sync import Counts
from app.importers.untc_page import Page


@dataclass
class PageReport:
    """What importing one page did."""

    page: Page
    treaty: str
    source: str
    actions: Counts = field(default_factory=Counts)
    source_changed: bool = False
    end_notes: Counts = field(default_factory=Counts)
    links: Counts = field(default_factory=Counts)

    @property
    def changed(self) -> bool:
        """Whether anything was written for this page."""
        counts = (self.actions, self.end_notes, self.links)
        return self.source_changed or any(c.inserted or c.updated or c.deleted for c in counts)

    def summary(self) -> str:
        """One line: treaty, participants, action and end note counts, printed vs parsed
        counts."""
        p, a, n = self.page, self.actions, self.end_notes

        def printed(n: int | None) -> str:
            return "-" if n is None else str(n)

        return (
            f"{self.treaty} ({p.untc_number}) status as at {p.status_as_at}: "
            f"{len(p.participants)} participants; actions {a.inserted} inserted, "
            f"{a.updated} updated, {a.unchanged} unchanged, {a.deleted} deleted; "
            f"end notes {n.inserted} inserted, {n.updated} updated, {n.unchanged} unchanged, "
            f"{n.deleted} deleted; "
            f"parties printed {printed(p.printed_parties)} parsed {p.parsed_parties}; "
            f"signatories printed {printed(p.printed_signatories)} parsed "
            f"{p.parsed_signatories}"
        )

    def warnings(self) -> list[str]:
        """Where the table disagrees with the counts the page prints."""
        p, out = self.page, []
        for what, printed, parsed in (
            ("parties", p.printed_parties, p.parsed_parties),
            ("signatories", p.printed_signatories, p.parsed_signatories),
        ):
            if printed is not None and printed != parsed:
                out.append(f"{p.file}: the page prints {printed} {what}, its table gives {parsed}")
        return out


def summary(reports: list[PageReport]) -> dict[str, Any]:
    """What the history keeps of an import: each page's file, checksum and counts."""
    return {
        "importer": "untc",
        "pages": [
            {
                "file": r.page.file,
                "untc_number": r.page.untc_number,
                "status_as_at": str(r.page.status_as_at),
                "checksum": r.page.checksum,
                "source": r.source,
                "actions": asdict(r.actions),
                "end_notes": asdict(r.end_notes),
            }
            for r in reports
        ],
    }


def print_reports(reports: list[PageReport]) -> None:
    """A summary line per page, warnings on stderr, then whether anything changed."""
    for report in reports:
        print(report.summary())
        for warning in report.warnings():
            print(f"warning: {warning}", file=sys.stderr)
    print("imported" if any(r.changed for r in reports) else "already up to date")
