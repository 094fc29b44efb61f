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
