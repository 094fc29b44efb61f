"""The agreement heat map: one measure for every ordered pair of a few states, as SVG."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from app.embeds import svg
from app.embeds.worldmap import MIN_TEXT, source_line
from app.schemas import SourceOut

#: The most states a heat map draws (a 40 by 40 square).
MAX_STATES = 40
#: The scale from 0 to 1: pale to Okabe-Ito sky blue and blue, to a dark blue (sRGB stops).
STOPS = ((0.0, "#F0F6FB"), (0.5, "#56B4E9"), (0.8, "#0072B2"), (1.0, "#002A4D"))
TICKS = (0.0, 0.25, 0.5, 0.75, 1.0)
#: What each measure counts and what its scale means.
COUNTED = {"agree": "vote", "coincidence": "yes-or-no vote"}
MEANING = {
    "agree": "agree (Voeten): 1 = always the same vote, 0.5 = one abstained, 0 = yes against no",
    "coincidence": "coincidence (State Department): share of the same vote where both voted "
    "yes or no",
}
NAMES = {"agree": "Voting agreement", "coincidence": "Voting coincidence"}
#: The hatching of a pair with nothing counted (as a territory on the map: no value).
NOTHING_PATTERN = (
    '<pattern id="nothing" width="4" height="4" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="4" height="4" fill="#F2F2F2"/>'
    '<line x1="0" y1="0" x2="0" y2="4" stroke="#A8A8A8" stroke-width="1.5"/></pattern>'
)
NOTHING_FILL = "url(#nothing)"


@dataclass(frozen=True)
class Square:
    """What the heat map shows: `values[i][j]` is the measure of `countries[i]` with
    `countries[j]` (None where nothing is counted) over `counts[i][j]` votes."""

    countries: list[str]
    values: list[list[float | None]]
    counts: list[list[int]]
    measure: str
    treaty: str | None
    since: date | None
    until: date | None
    resolutions: int


def _rgb(colour: str) -> tuple[int, int, int]:
    """A #RRGGBB colour as its three channels."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def colour(value: float) -> str:
    """The colour of `value` (0 to 1) on the scale: linear in sRGB between `STOPS`, as an SVG
    gradient through the same stops draws it."""
    value = min(1.0, max(0.0, value))
    for (low, a), (high, b) in pairwise(STOPS):
        if value <= high:
            t = (value - low) / (high - low)
            mixed = (round(x + (y - x) * t) for x, y in zip(_rgb(a), _rgb(b), strict=True))
            return "#" + "".join(f"{c:02X}" for c in mixed)
    return STOPS[-1][1]


def luminance(colour: str) -> float:
    """The relative luminance of a colour (WCAG 2)."""
    linear = [c / 255 for c in _rgb(colour)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in linear)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def ink(fill: str) -> str:
    """Black or white, whichever reads better on `fill`."""
    return "#000000" if contrast(fill, "#000000") >= contrast(fill, "#FFFFFF") else "#FFFFFF"


def period(since: date | None, until: date | None) -> str:
    """The period in words."""
    if since and until:
        return f"{since.isoformat()} to {until.isoformat()}"
    if since:
        return f"from {since.isoformat()}"
    return f"up to {until.isoformat()}" if until else "all dates"


def title(square: Square) -> str:
    """The picture's title: the measure, the states, the treaty and the period."""
    about = f"{square.treaty} resolutions" if square.treaty else "all recorded resolutions"
    count = f"{square.resolutions} resolution{'s' if square.resolutions != 1 else ''}"
    return (
        f"{NAMES[square.measure]} of {len(square.countries)} states in UN General Assembly "
        f"votes: {about}, {period(square.since, square.until)} ({count})"
    )


def cell_title(a: str, b: str, measure: str, value: float | None, votes: int) -> str:
    """A cell's tooltip: "FRA and USA: agree 0.512 over 42 votes"."""
    pair = f"{a} with itself" if a == b else f"{a} and {b}"
    noun = COUNTED[measure] + ("" if votes == 1 else "s")
    if value is None:
        return f"{pair}: no {measure} score, {votes} {noun} counted"
    return f"{pair}: {measure} {value:.3f} over {votes} {noun}"


@dataclass(frozen=True)
class Grid:
    """Where the cells go: the top-left corner, the cell size, and whether labels alternate
    sides (every other row right, every other column below) to stay 10 px apart."""

    left: float
    top: float
    cell: float
    staggered: bool

    def x(self, j: int) -> float:
        """The left edge of column `j`."""
        return self.left + j * self.cell

    def y(self, i: int) -> float:
        """The top edge of row `i`."""
        return self.top + i * self.cell


def grid(n: int, width: int, top: float, size: float, label: float) -> tuple[Grid, float]:
    """The grid of `n` states under `top` (its labels' widest `label` px) and its labels'
    bottom."""
    pad, gap = size * 0.6, size * 0.3
    band = label + gap
    room = width - 2 * pad - band
    cell = min(room / n, size * 4)
    staggered = cell < size * 1.3
    if staggered:
        cell = (room - band) / n
    found = Grid(pad + band, top + band, cell, staggered)
    bottom = found.y(n) + (band if staggered else 0.0)
    return found, bottom


def labels(g: Grid, countries: Sequence[str], size: float) -> list[str]:
    """The alpha-3 codes of the rows (left) and columns (above); staggered, every odd one on
    the other side."""
    gap, rise = size * 0.3, size * 0.36
    n = len(countries)
    out = [f'<g class="labels" font-size="{size:.1f}" fill="#000000">']
    for k, code in enumerate(countries):
        other = g.staggered and k % 2 == 1
        cy = g.y(k) + g.cell / 2 + rise
        cx = g.x(k) + g.cell / 2 + rise
        if other:
            row = f'x="{g.x(n) + gap:.1f}" y="{cy:.1f}" text-anchor="start"'
            at, anchor = g.y(n) + gap, "end"
        else:
            row = f'x="{g.left - gap:.1f}" y="{cy:.1f}" text-anchor="end"'
            at, anchor = g.top - gap, "start"
        out.append(f'<text class="row" {row}>{code}</text>')
        out.append(
            f'<text class="column" transform="translate({cx:.1f} {at:.1f}) rotate(-90)" '
            f'text-anchor="{anchor}">{code}</text>'
        )
    out.append("</g>")
    return out


def cells(g: Grid, square: Square, size: float) -> list[str]:
    """A rect per ordered pair, with its value, votes and <title>; the value written in the
    cell (in black or white, whichever reads better) where the cell is large enough."""
    show = g.cell >= svg.text_width("0.00", size) + size * 0.6
    inset = max(0.0, min(1.0, g.cell * 0.06))
    out = [f'<g class="cells" font-size="{size:.1f}">']
    for i, a in enumerate(square.countries):
        for j, b in enumerate(square.countries):
            value, votes = square.values[i][j], square.counts[i][j]
            fill = NOTHING_FILL if value is None else colour(value)
            data = "" if value is None else repr(value)
            out.append(
                f'<rect x="{g.x(j) + inset / 2:.2f}" y="{g.y(i) + inset / 2:.2f}" '
                f'width="{g.cell - inset:.2f}" height="{g.cell - inset:.2f}" fill="{fill}" '
                f'data-a="{a}" data-b="{b}" data-value="{data}" data-votes="{votes}">'
                f"<title>{svg.text(cell_title(a, b, square.measure, value, votes))}</title>"
                "</rect>"
            )
            if show and value is not None:
                out.append(
                    f'<text class="value" x="{g.x(j) + g.cell / 2:.1f}" '
                    f'y="{g.y(i) + g.cell / 2 + size * 0.36:.1f}" text-anchor="middle" '
                    f'fill="{ink(fill)}" aria-hidden="true" pointer-events="none">'
                    f"{value:.2f}</text>"
                )
    out.append("</g>")
    return out


def legend(
    measure: str, left: float, top: float, width: float, size: float
) -> tuple[list[str], float]:
    """The scale from 0 to 1 with its ticks, what it means, and the hatching of no score."""
    meaning = svg.wrap(MEANING[measure], width, size)
    bar_top = top + size * (1.25 * len(meaning) + 0.3)
    nothing = "no score: nothing counted"
    beside = size * 2.6 + svg.text_width(nothing, size)
    fits = width - beside >= size * 12
    bar = min(size * 20, width - beside if fits else width)
    stops = "".join(f'<stop offset="{t:g}" stop-color="{c}"/>' for t, c in STOPS)
    out = [
        f'<g class="legend" font-size="{size:.1f}">',
        f'<linearGradient id="scale">{stops}</linearGradient>',
        svg.lines("meaning", meaning, left, top + size * 0.9, size),
        f'<rect x="{left:.1f}" y="{bar_top:.1f}" width="{bar:.1f}" height="{size:.1f}" '
        'fill="url(#scale)" stroke="#555555" stroke-width="0.5"/>',
    ]
    for t in TICKS:
        x = left + t * bar
        anchor = "start" if t == 0 else "end" if t == 1 else "middle"
        out.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{bar_top + size:.1f}" '
            f'y2="{bar_top + size * 1.3:.1f}" stroke="#555555"/>'
            f'<text x="{x:.1f}" y="{bar_top + size * 2.3:.1f}" text-anchor="{anchor}">{t:g}</text>'
        )
    x, y = (left + bar + size * 1.2, bar_top) if fits else (left, bar_top + size * 3)
    out.append(
        f'<g class="nothing"><rect x="{x:.1f}" y="{y:.1f}" width="{size:.1f}" '
        f'height="{size:.1f}" fill="{NOTHING_FILL}" stroke="#555555" stroke-width="0.5"/>'
        f'<text x="{x + size * 1.4:.1f}" y="{y + size * 0.9:.1f}">{nothing}</text></g>'
    )
    out.append("</g>")
    bottom = max(bar_top + size * 2.3, y + size) + size * 0.4
    return out, bottom


def render(square: Square, sources: Sequence[SourceOut], width: int) -> str:
    """The heat map as an SVG document: title, labelled square of cells, scale and sources."""
    size = max(MIN_TEXT, min(16.0, width / 64))
    small = max(MIN_TEXT, size * 0.8)
    pad = size * 0.6
    heading_text = title(square)
    heading = svg.wrap(heading_text, (width - 2 * pad) / svg.BOLD, size)
    top = size * (0.9 + 1.25 * len(heading))
    widest = max((svg.text_width(c, small) for c in square.countries), default=0.0)
    g, grid_bottom = grid(len(square.countries), width, top, size, widest)
    key, key_bottom = legend(square.measure, pad, grid_bottom + size * 0.8, width - 2 * pad, small)
    notes = svg.wrap(source_line(sources), width - 2 * pad, small)
    height = round(key_bottom + small * (1.25 * len(notes) + 0.6))
    cited = "; ".join(f"{s.id}: {s.title} ({s.publisher})" for s in sources)
    out = [
        f'<svg xmlns="{svg.SVG_NS}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="title desc" '
        f'data-measure="{square.measure}" font-family="{svg.FONT}" font-size="{size:.1f}">',
        f'<title id="title">{svg.text(heading_text)}</title>',
        f'<desc id="desc">Rows and columns: the states by alpha-3 code; each cell, the row\'s '
        f"state with the column's (the diagonal: a state with itself). Sources: "
        f"{svg.text(cited or 'none')}.</desc>",
        f"<defs>{NOTHING_PATTERN}</defs>",
        f'<rect width="{width}" height="{height}" fill="#FFFFFF"/>',
        svg.lines("heading", heading, pad, size * 1.6, size, bold=True),
        *labels(g, square.countries, small),
        *cells(g, square, small),
        *key,
        svg.lines("source", notes, pad, key_bottom + small, small),
        "</svg>",
    ]
    return "\n".join(out)
