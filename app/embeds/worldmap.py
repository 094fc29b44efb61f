"""The world map of a treaty: every country coloured by its status on a date (Equal Earth)."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import pairwise
from typing import Protocol

from app.embeds import svg
from app.embeds.projection import HALF_HEIGHT, HALF_WIDTH, equal_earth
from app.embeds.topo import DATA, Ring, countries_110m
from app.schemas import SourceOut
from app.vocab import StatusKind

#: Bounds and default of the `width` parameter, in pixels.
MIN_WIDTH, MAX_WIDTH, DEFAULT_WIDTH = 320, 2000, 960
#: No text of the map is smaller than this (px), at the picture's own `width`.
MIN_TEXT = 10.0
ATTRIBUTION = "Shapes: Natural Earth 1:110m (public domain) via world-atlas 2.0.2"


class CountryLike(Protocol):
    """What the map needs of a country."""

    @property
    def iso3(self) -> str: ...

    @property
    def numeric(self) -> str | None: ...

    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class Frame:
    """Where the world goes in the picture: its scale and top-left corner, in pixels."""

    scale: float
    left: float
    top: float

    def at(self, longitude: float, latitude: float) -> tuple[float, float]:
        """A point in pixels."""
        x, y = equal_earth(longitude, latitude)
        return self.left + (x + HALF_WIDTH) * self.scale, self.top + (HALF_HEIGHT - y) * self.scale

    def path(self, polygons: list[list[Ring]]) -> str:
        """Path data of polygons, to a tenth of a pixel, repeated points dropped."""
        parts = []
        for polygon in polygons:
            for ring in polygon:
                points: list[str] = []
                for lon, lat in unwrap(ring):
                    x, y = self.at(lon, lat)
                    point = f"{x:.1f} {y:.1f}"
                    if not points or points[-1] != point:
                        points.append(point)
                if len(points) > 2:
                    parts.append("M" + " ".join(points) + "Z")
        return "".join(parts)


def unwrap(ring: Ring) -> Ring:
    """A ring that jumps across the antimeridian kept on its main side (clamped to ±180°)."""
    if all(abs(b[0] - a[0]) <= 180 for a, b in pairwise(ring)):
        return ring
    side = 180.0 if sum(lon for lon, _ in ring) >= 0 else -180.0
    return [(side if lon * side < 0 and abs(lon) > 90 else lon, lat) for lon, lat in ring]


@cache
def markers() -> dict[str, tuple[float, float]]:
    """The point (longitude, latitude) of each country too small for a 1:110m shape."""
    with (DATA / "markers.csv").open(encoding="utf-8") as f:
        return {
            r["numeric"]: (float(r["longitude"]), float(r["latitude"])) for r in csv.DictReader(f)
        }


def record_as_at(sources: Sequence[SourceOut]) -> date | None:
    """The latest "status as at" date of the UNTC pages among the sources."""
    dates = [s.status_as_at for s in sources if s.status_as_at is not None]
    return max(dates) if dates else None


def source_line(sources: Sequence[SourceOut], as_of: date | None = None) -> str:
    """The sources in one line: the UNTC status page and its "status as at" date; for an
    `as_of` after that date, a warning that later actions may be missing."""
    as_at = record_as_at(sources)
    pages = [s for s in sources if s.status_as_at is not None]
    named = (
        f"{pages[0].publisher} ({pages[0].id})"
        if pages
        else ", ".join(s.publisher for s in sources)
    )
    if as_at is None:
        return f"Source: {named}."
    line = f"Source: {named}, status as at {as_at.isoformat()}."
    if as_of is not None and as_of > as_at:
        line += " Statuses after that date are as known then: later actions may be missing."
    return line


def notes_line(sources: Sequence[SourceOut], as_of: date) -> str:
    """The source line and the shapes' attribution."""
    return f"{source_line(sources, as_of)} {ATTRIBUTION}."


def text_size(width: int) -> float:
    """The map's text size (px) at `width`: it grows with the picture, never under `MIN_TEXT`."""
    return max(MIN_TEXT, min(18.0, width / 64))


def legend(
    counts: Counter[StatusKind], left: float, top: float, right: float, size: float
) -> tuple[list[str], float]:
    """Swatches with the status in words and its count, wrapped in rows; and their bottom."""
    out, x, y = ['<g class="legend">'], left, top
    for status in svg.COLOURS:
        words = f"{svg.label(status)} ({counts[status]})"
        step = size * 1.6 + svg.text_width(words, size) + size * 1.5
        if x > left and x + step > right:
            x, y = left, y + size * 1.7
        out.append(
            f'<g data-status="{status.value}"><rect x="{x:.1f}" y="{y:.1f}" width="{size:.1f}" '
            f'height="{size:.1f}" fill="{svg.COLOURS[status]}" stroke="#555"/>'
            f'<text x="{x + size * 1.4:.1f}" y="{y + size * 0.9:.1f}">{svg.text(words)}</text></g>'
        )
        x += step
    out.append("</g>")
    return out, y + size


#: The root's role: a picture (with its words) or, inlined without them, a group of shapes.
ROLES = {
    True: 'role="img" aria-labelledby="title desc"',
    False: 'role="group" aria-labelledby="title" aria-describedby="desc"',
}


#: The neutral hatching of an area that is not a state (no status, in no legend entry).
TERRITORY_PATTERN = (
    '<defs><pattern id="territory" width="4" height="4" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="4" height="4" fill="#F2F2F2"/>'
    '<line x1="0" y1="0" x2="0" y2="4" stroke="#A8A8A8" stroke-width="1.5"/></pattern></defs>'
)


TERRITORY_FILL = 'fill="url(#territory)" stroke="#999"'


@dataclass(frozen=True)
class Feature:
    """A country as drawn: its marks (`data-…` attributes), fill and title."""

    country: CountryLike
    marks: str
    fill: str
    title: str

    @property
    def ident(self) -> str:
        """Its `data-iso3` and other marks; focusable, so a keyboard reaches it (named by its
        title)."""
        return f'data-iso3="{self.country.iso3}" {self.marks} tabindex="0"'

    @property
    def titled(self) -> str:
        """The title element (the tooltip and the accessible name)."""
        return f"<title>{svg.text(self.title)}</title>"


def territory_title(country: CountryLike, owner: str | None) -> str:
    """How a territory is named on the map: "French Guiana — territory of France"."""
    return f"{country.name} — territory of {owner}" if owner else f"{country.name} — territory"


def render(
    treaty: str,
    rows: Sequence[tuple[CountryLike, StatusKind]],
    as_of: date,
    sources: Sequence[SourceOut],
    width: int = DEFAULT_WIDTH,
    territories: Sequence[tuple[CountryLike, str | None]] = (),
    legend_text: bool = True,
) -> str:
    """The map as an SVG document: the states by status; the `territories` (each with its
    administering state's name) hatched, with no status. Without `legend_text`, the map alone
    to inline in a page, which shows its title, legend and source: a group of shapes, each state
    and territory reached by Tab and named by its <title>."""
    size = text_size(width)
    title = f"{treaty}: status of every state on {as_of.isoformat()}"
    heading = svg.wrap(title, (width - size * 1.2) / svg.BOLD, size) if legend_text else []
    top = size * (1.15 + 1.25 * len(heading)) if legend_text else 0.0
    frame = Frame(width / (2 * HALF_WIDTH), 0, top)
    map_bottom = frame.top + 2 * HALF_HEIGHT * frame.scale
    counts = Counter(s for _, s in rows)
    key, key_bottom = legend(counts, size * 0.6, map_bottom + size * 0.6, width - size, size)
    small = max(MIN_TEXT, size * 0.8)
    notes = svg.wrap(notes_line(sources, as_of), width - size * 1.2, small)
    height = key_bottom + small * (1.25 * len(notes) + 0.8) if legend_text else map_bottom
    cited = "; ".join(
        f"{s.id}: {s.title} ({s.publisher}"
        + (f", status as at {s.status_as_at.isoformat()}" if s.status_as_at else "")
        + ")"
        for s in sources
    )
    known = record_as_at(sources)
    out = [
        f'<svg xmlns="{svg.SVG_NS}" width="{width}" height="{height:.0f}" '
        f'viewBox="0 0 {width} {height:.0f}" {ROLES[legend_text]} '
        f'data-record-as-at="{known.isoformat() if known else ""}" '
        f'font-family="{svg.FONT}" font-size="{size:.1f}">',
        f'<title id="title">{svg.text(title)}</title>',
        f'<desc id="desc">Sources: {svg.text(cited)}. {ATTRIBUTION}.</desc>',
        f'<rect width="{width}" height="{height:.0f}" fill="#FFFFFF"/>',
        svg.lines("heading", heading, size * 0.6, size * 1.6, size, bold=True) if heading else "",
        TERRITORY_PATTERN,
        '<g class="countries" stroke="#FFFFFF" stroke-width="0.5">',
    ]
    features = [
        Feature(
            c,
            f'data-status="{st.value}"',
            f'fill="{svg.COLOURS[st]}"',
            f"{c.name} — {svg.label(st)}",
        )
        for c, st in rows
    ] + [
        Feature(a, 'data-territory="true"', TERRITORY_FILL, territory_title(a, owner))
        for a, owner in territories
    ]
    by_numeric = {f.country.numeric: f for f in features if f.country.numeric}
    focus = "" if legend_text else ' tabindex="0" role="img"'
    drawn: set[str] = set()
    for shape in countries_110m():
        found = by_numeric.get(shape.id or "")
        d = frame.path(shape.polygons)
        if found is None:
            out.append(
                f'<path d="{d}" fill="{svg.NO_RECORD}" stroke="#999">'
                f"<title>{svg.text(shape.name)} — no record</title></path>"
            )
            continue
        drawn.add(found.country.iso3)
        out.append(f'<path {found.ident}{focus} d="{d}" {found.fill}>{found.titled}</path>')
    out.append('</g><g class="markers" stroke="#000000" stroke-width="0.75">')
    radius = max(2.0, width / 400)
    for feature in features:
        point = markers().get(feature.country.numeric or "")
        if feature.country.iso3 in drawn or point is None:
            continue
        x, y = frame.at(*point)
        out.append(
            f'<circle {feature.ident}{focus} cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" '
            f"{feature.fill}>{feature.titled}</circle>"
        )
    out.append("</g>")
    if legend_text:
        out += key
        out.append(svg.lines("source", notes, size * 0.6, key_bottom + small * 1.4, small))
    out.append("</svg>")
    return "\n".join(out)
