"""Real UN data: the loaded public record (data/public/) holds every participant's UNTC treaty
actions and the UN votes on the treaty resolutions, so tests read those; this names how the
shared reference tables (../shared/refdata) label the treaties, for tests that check against
them."""

from __future__ import annotations

UNTC_SLUGS = {
    "APMBC": "mbt",
    "CCM": "ccm",
    "CCW": "ccw",
    "CCW_P4": "ccw-p4",
    "CCW_AMENDED_P2": "ccw-p2a",
    "CCW_AMENDED_ART1": "ccw-art1",
    "CCW_P5": "ccw-p5",
}

#: The sources of the seven UNTC status pages in the public record, by id.
UNTC_PAGE_SOURCES = [
    "untc-status-xxvi-2",
    "untc-status-xxvi-2-a",
    "untc-status-xxvi-2-b",
    "untc-status-xxvi-2-c",
    "untc-status-xxvi-2-d",
    "untc-status-xxvi-5",
    "untc-status-xxvi-6",
]
#: The CCM resolutions voted on, by short symbol, oldest first.
CCM_RESOLUTIONS = [
    "70/54", "71/45", "72/54", "73/54", "74/62", "75/62", "76/47", "77/79", "78/32", "79/58",
    "80/52",
]  # fmt: skip
