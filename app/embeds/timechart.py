"""The timeline chart of a treaty: states parties and signatories at each year end."""

from __future__ import annotations

import math
from collections.abc import Sequence

from app.embeds import svg
from app.embeds.worldmap import MIN_TEXT, record_as_at, source_line
from app.schemas import SourceOut, TimelinePoint
from app.vocab import StatusKind

PARTY, PENDING, SIGNED = (
    svg.COLOURS[StatusKind.state_party],
    svg.COLOURS[StatusKind.pending_entry_into_force],
    svg.COLOURS[StatusKind.signatory],
)
WITHDRAWAL = svg.COLOURS[StatusKind.withdrawn]


def nice_step(top: int) -> int:
    """A round tick step giving four to eight ticks up to `top`."""
    raw = max(top, 1) / 5
    power = 10 ** math.floor(math.log10(raw))
    return next(int(m * power) or 1 for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def bar(x: float, y: float, w: float, h: float, fill: str, kind: str, title: str) -> str:
    """One segment of a year's stacked bar."""
    return (
        f'<rect class="{kind}" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
        f'fill="{fill}"><title>{svg.text(title)}</title></rect>'
    )


def render(
    treaty: str, points: Sequence[TimelinePoint], sources: Sequence[SourceOut], width: int
) -> str:
    """The chart as an SVG document: one stacked bar per year, withdrawals marked."""
    size = max(MIN_TEXT, min(16.0, width / 64))
    small = max(MIN_TEXT, size * 0.8)
    notes = svg.wrap(source_line(sources), width - size * 1.2, small)
    below = small * (1.25 * len(notes) + 0.4)  # the source lines under the key
    height = round(max(width * 0.5, size * 26) + max(0.0, below - small * 1.65))
    title = f"{treaty}: states parties and signatories at each year end"
    heading = svg.wrap(title, (width - size * 1.2) / svg.BOLD, size)
    keys = (
        (PARTY, "states parties"),
        (PENDING, "not yet bound"),
        (SIGNED, "signatories"),
        (WITHDRAWAL, "withdrawal took effect"),
    )
    key_width = sum(size * 3 + svg.text_width(words, size) for _, words in keys)
    key_rows = 1 if key_width < width - size * 4 else 2
    top = size * (1.95 + 1.25 * len(heading))
    left, right, bottom = size * 4, width - size, height - size * (4.2 + 1.4 * key_rows) - below
    total = max(
        (p.states_parties + p.pending_entry_into_force + p.signatories for p in points), default=0
    )
    step = nice_step(total)
    ceiling = max(step, math.ceil(total / step) * step)
    per_state = (bottom - top) / ceiling
    slot = (right - left) / max(len(points), 1)
    cited = "; ".join(f"{s.id}: {s.title} ({s.publisher})" for s in sources)
    known = record_as_at(sources)
    out = [
        f'<svg xmlns="{svg.SVG_NS}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="title desc" '
        f'data-record-as-at="{known.isoformat() if known else ""}" '
        f'font-family="{svg.FONT}" font-size="{size:.1f}">',
        f'<title id="title">{svg.text(title)}</title>',
        f'<desc id="desc">Sources: {svg.text(cited)}.</desc>',
        f'<rect width="{width}" height="{height}" fill="#FFFFFF"/>',
        svg.lines("heading", heading, size * 0.6, size * 1.6, size, bold=True),
        '<g class="axis y" stroke="#CCCCCC">',
    ]
    for tick in range(0, ceiling + 1, step):
        y = bottom - tick * per_state
        out.append(
            f'<line x1="{left:.1f}" x2="{right:.1f}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text x="{left - size * 0.4:.1f}" y="{y + size * 0.35:.1f}" text-anchor="end" '
            f'stroke="none" fill="#000000">{tick}</text>'
        )
    middle = (top + bottom) / 2
    out.append(
        f'<text class="label" transform="translate({size:.1f} {middle:.1f}) rotate(-90)" '
        f'text-anchor="middle" stroke="none" fill="#000000">States</text></g>'
    )
    out.append('<g class="years">')
    label_every = max(1, math.ceil(size * 3 / slot))
    before = 0
    for i, p in enumerate(points):
        x, w = left + i * slot + slot * 0.1, slot * 0.8
        y, parts = bottom, []
        for count, fill, kind, words in (
            (p.states_parties, PARTY, "parties", "states parties"),
            (p.pending_entry_into_force, PENDING, "pending", "not yet bound"),
            (p.signatories, SIGNED, "signatories", "signatories"),
        ):
            h = count * per_state
            y -= h
            if count:
                parts.append(bar(x, y, w, h, fill, kind, f"{p.year}: {count} {words}"))
        if p.withdrawn > before:
            cx, cy, took = x + w / 2, y - size * 0.8, p.withdrawn - before
            parts.append(
                f'<path class="withdrawal" d="M{cx - size * 0.5:.1f} {cy - size * 0.4:.1f}'
                f'h{size:.1f}l{-size * 0.5:.1f} {size * 0.8:.1f}Z" fill="{WITHDRAWAL}">'
                f"<title>{p.year}: {took} withdrawal{'s' if took > 1 else ''} took effect "
                f"({p.withdrawn} withdrawn in all)</title></path>"
            )
        before = p.withdrawn
        if i % label_every == 0:
            parts.append(
                f'<text x="{x + w / 2:.1f}" y="{bottom + size * 1.2:.1f}" '
                f'text-anchor="middle">{p.year}</text>'
            )
        out.append(f'<g class="year" data-year="{p.year}">{"".join(parts)}</g>')
    out.append("</g>")
    out.append(
        f'<text class="label" x="{(left + right) / 2:.1f}" y="{bottom + size * 2.6:.1f}" '
        f'text-anchor="middle">Year (status at 31 December; this year: today)</text>'
    )
    key_y, key_x = bottom + size * 3.4, left
    for i, (fill, words) in enumerate(keys):
        if key_rows == 2 and i == 2:
            key_x, key_y = left, key_y + size * 1.4
        swatch = (
            f'<path d="M{key_x:.1f} {key_y + size * 0.1:.1f}h{size:.1f}'
            f'l{-size * 0.5:.1f} {size * 0.8:.1f}Z" fill="{fill}"/>'
            if fill == WITHDRAWAL
            else f'<rect x="{key_x:.1f}" y="{key_y:.1f}" width="{size:.1f}" '
            f'height="{size:.1f}" fill="{fill}"/>'
        )
        out.append(
            f'<g class="key">{swatch}<text x="{key_x + size * 1.4:.1f}" '
            f'y="{key_y + size * 0.9:.1f}">{svg.text(words)}</text></g>'
        )
        key_x += size * 3 + svg.text_width(words, size)
    out.append(
        svg.lines("source", notes, size * 0.6, height - small * (1.25 * len(notes) - 0.6), small)
    )
    out.append("</svg>")
    return "\n".join(out)
