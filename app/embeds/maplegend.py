"""The map page's title, legend and source as HTML around the map, and the page's height.

In HTML the words keep the page's type size however narrow the frame, where text inside the
SVG would shrink with the picture.
"""

from __future__ import annotations

import math
from collections import Counter
from html import escape

from app.embeds import card, svg
from app.embeds.projection import HALF_HEIGHT, HALF_WIDTH
from app.vocab import StatusKind

#: Metrics of the page (px), as set by the common style and `STYLE`.
FONT, LINE, PAD = 14.0, 1.4, 8.0
HEADING, SMALL = 1.1, 0.9  # the heading's and the source line's size, in em
FORM = 32.0  # the date form's row, with its margin
ITEM_GAP, ROW_GAP = 12.0, 4.0
SWATCH = 0.8 + 0.4  # the colour swatch and its margin, in em
SLACK = 12.0  # estimates of text width are approximate
STYLE = card.SWATCH_STYLE + (
    "figure{margin:0}"
    "ul.legend{list-style:none;margin:6px 0 0;padding:0;display:flex;flex-wrap:wrap;"
    f"gap:{ROW_GAP:.0f}px {ITEM_GAP:.0f}px}}"
    "p.source{margin:6px 0 0;font-size:.9em;color:#444;overflow-wrap:break-word}"
    "h1{overflow-wrap:break-word}"
    "svg [data-iso3]:focus-visible{outline:none;stroke:#000;stroke-width:2px}"
)


def entry(status: StatusKind, count: int) -> str:
    """A legend entry's words: the status and how many states have it."""
    return f"{svg.label(status)} ({count})"


def title(treaty: str, on: str) -> str:
    """The map's title."""
    return f"{treaty}: status of every state on {on}"


def legend(counts: Counter[StatusKind]) -> str:
    """Every status, in the map's colours, with its count."""
    items = "".join(
        f'<li data-status="{k.value}"><span class="sw sw-{k.value}" aria-hidden=true></span>'
        f"{escape(entry(k, counts[k]))}</li>"
        for k in svg.COLOURS
    )
    return f'<ul class="legend" aria-label="Legend">{items}</ul>'


def caption(counts: Counter[StatusKind], source: str) -> str:
    """The legend and the source line, under the map."""
    return f'<figcaption>{legend(counts)}<p class="source">{escape(source)}</p></figcaption>'


def _lines(value: str, width: float, size: float) -> int:
    """Lines `value` takes in `width` px at `size` px (estimated)."""
    return max(1, math.ceil(svg.text_width(value, size) / max(width, 1.0)))


def _legend_rows(counts: Counter[StatusKind], width: float) -> int:
    """Rows the legend's entries wrap to in `width` px."""
    rows, x = 1, 0.0
    for k in svg.COLOURS:
        step = SWATCH * FONT + svg.text_width(entry(k, counts[k]), FONT)
        if x > 0 and x + step > width:
            rows, x = rows + 1, 0.0
        x += step + ITEM_GAP
    return rows


def height(width: int, heading: str, counts: Counter[StatusKind], source: str) -> int:
    """The map page's height (px) at `width`: form, title, map, legend and source."""
    inner = width - 2 * PAD
    total = 2 * PAD + FORM
    total += _lines(heading, inner / svg.BOLD, FONT * HEADING) * FONT * HEADING * LINE + 6
    total += inner * HALF_HEIGHT / HALF_WIDTH
    rows = _legend_rows(counts, inner)
    total += 6 + rows * FONT * LINE + (rows - 1) * ROW_GAP
    total += 6 + _lines(source, inner, FONT * SMALL) * FONT * SMALL * LINE
    return math.ceil(total + SLACK)
