"""The frameable HTML pages: a treaty's map with a date form, a country's status card.

Self-contained: the pictures are inlined, the style is in the page, there is no script and
nothing is fetched from anywhere (another site frames them; see `app.framing`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from app.embeds import svg
from app.schemas import SourceOut, Status

STYLE = (
    "body{margin:0;font:14px/1.4 Verdana,'DejaVu Sans',sans-serif;color:#222;background:#fff}"
    "main{padding:8px}h1{font-size:1.1em;margin:0 0 6px}svg{max-width:100%;height:auto}"
    "form{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin-bottom:6px}"
    "table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 6px;"
    "border-bottom:1px solid #ddd;vertical-align:top}small{color:#555}"
    ".badge svg{max-width:none}input,button{font:inherit}"
    ":focus-visible{outline:3px solid #0072B2;outline-offset:2px}"
)


@dataclass(frozen=True)
class Row:
    """One instrument on the country card: its name, the status, the badge, the sources."""

    treaty: str
    status: Status
    badge: str
    sources: Sequence[SourceOut]


def page(title: str, body: str) -> str:
    """A complete HTML document."""
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def map_page(treaty_slug: str, treaty: str, as_of: date | None, picture: str) -> str:
    """The map page: a date form (GET `as_of`) above the inlined SVG map."""
    value = as_of.isoformat() if as_of else ""
    form = (
        f'<form method="get" action="/embed/treaties/{escape(treaty_slug)}/map">'
        '<label for="as_of">Status on</label>'
        f'<input type="date" id="as_of" name="as_of" value="{value}" required>'
        '<button type="submit">Show</button></form>'
    )
    return page(f"{treaty}: status of every state", f"{form}<figure>{picture}</figure>")


def _since(status: Status) -> str:
    """The latest event on or before the status date that explains the status."""
    pairs = [
        ("withdrawn", status.withdrawal_effective_on),
        ("withdrawal notified", status.withdrawal_notified_on),
        ("in force", status.entry_into_force_on),
        ("joined", status.joined_on),
        ("signed", status.signed_on),
    ]
    return next((f"{what} {on.isoformat()}" for what, on in pairs if on and on <= status.as_of), "")


def _sources(sources: Sequence[SourceOut]) -> str:
    """Source titles, each with its "status as at" or last-updated date."""
    items = []
    for s in sources:
        at = s.status_as_at or s.last_updated
        dated = f" <small>(as at {at.isoformat()})</small>" if at else ""
        items.append(f"{escape(s.title)}{dated}")
    return "<br>".join(items) or "<small>no record</small>"


def country_page(country: str, as_of: date, rows: Sequence[Row]) -> str:
    """The country card: status toward each instrument, its date, as-at date and source."""
    lines = []
    for row in rows:
        at = row.status.record_as_at
        lines.append(
            f"<tr><th scope=row>{escape(row.treaty)}</th>"
            f"<td><span class=badge>{row.badge}</span><br>{escape(svg.label(row.status.status))}"
            f"<br><small>{_since(row.status)}</small></td>"
            f"<td>{at.isoformat() if at else ''}</td><td>{_sources(row.sources)}</td></tr>"
        )
    body = (
        f"<h1>{escape(country)}: treaty status on {as_of.isoformat()}</h1>"
        "<table><thead><tr><th scope=col>Instrument</th><th scope=col>Status</th>"
        "<th scope=col>Record as at</th><th scope=col>Source</th></tr></thead>"
        f"<tbody>{''.join(lines)}</tbody></table>"
    )
    return page(f"{country}: treaty status", body)
