"""SVG building blocks: escaping, the status palette and labels, text width estimates."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from app.vocab import StatusKind

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "Verdana, DejaVu Sans, sans-serif"

#: Okabe-Ito colours (safe for the common colour-vision deficiencies); not party is grey.
COLOURS = {
    StatusKind.state_party: "#0072B2",
    StatusKind.pending_entry_into_force: "#56B4E9",
    StatusKind.signatory: "#009E73",
    StatusKind.withdrawal_pending: "#E69F00",
    StatusKind.withdrawn: "#D55E00",
    StatusKind.not_party: "#D9D9D9",
}
#: Shapes of the file that no country of the record matches (e.g. N. Cyprus, Somaliland).
NO_RECORD = "#FFFFFF"
#: Text colour readable on each fill (contrast ≥ 4.5:1 for black or white).
INK = {
    StatusKind.state_party: "#FFFFFF",
    StatusKind.pending_entry_into_force: "#000000",
    StatusKind.signatory: "#000000",
    StatusKind.withdrawal_pending: "#000000",
    StatusKind.withdrawn: "#000000",
    StatusKind.not_party: "#000000",
}


def label(status: StatusKind) -> str:
    """A status in words: `withdrawal_pending` → `withdrawal pending`."""
    return status.value.replace("_", " ")


def text(value: str) -> str:
    """Escaped character data."""
    return escape(value)


def attr(value: str | float) -> str:
    """A quoted, escaped attribute value."""
    return quoteattr(str(value))


#: Bold text is about this much wider.
BOLD = 1.12

#: Approximate advance widths of Verdana at 11px, by character (default for the rest).
_NARROW = dict.fromkeys("iljtf.,:;'|!()[] ", 4.0)
_WIDE = dict.fromkeys("mwMW@%", 10.5)
_UPPER = 7.6
_OTHER = 6.8


def text_width(value: str, size: float = 11) -> float:
    """Estimated width in pixels of `value` set in Verdana at `size` px."""
    width = 0.0
    for char in value:
        width += _NARROW.get(char) or _WIDE.get(char) or (_UPPER if char.isupper() else _OTHER)
    return width * size / 11


def wrap(value: str, width: float, size: float) -> list[str]:
    """Words of `value` in lines no wider than `width` pixels at `size` px (estimated)."""
    lines: list[str] = []
    for word in value.split():
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def lines(kind: str, rows: list[str], x: float, y: float, size: float, bold: bool = False) -> str:
    """A <text> of `rows`, one <tspan> a line, the first baseline at `y`."""
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else size * 1.25:.1f}">{text(row)}</tspan>'
        for i, row in enumerate(rows)
    )
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text class="{kind}" x="{x:.1f}" y="{y:.1f}" font-size="{size:.1f}"{weight}>'
        f"{spans}</text>"
    )
