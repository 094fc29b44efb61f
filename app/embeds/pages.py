"""The frameable HTML pages: a treaty's map with a date form, a country's status card.

Self-contained: the pictures are inlined, the style is in the page, there is no script and
nothing is fetched from anywhere (another site frames them; see `app.framing`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from html import escape

from app.embeds import card, maplegend
from app.vocab import StatusKind

STYLE = (
    "body{margin:0;font:14px/1.4 Verdana,'DejaVu Sans',sans-serif;color:#222;background:#fff}"
    "main{padding:8px}h1{font-size:1.1em;margin:0 0 6px}svg{max-width:100%;height:auto}"
    "form{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin-bottom:6px}"
    "table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 6px;"
    "border-bottom:1px solid #ddd;vertical-align:top}small{color:#555}"
    ".badge svg{max-width:none}input,button{font:inherit}"
    ":focus-visible{outline:3px solid #0072B2;outline-offset:2px}"
)


def page(title: str, body: str, style: str = "") -> str:
    """A complete HTML document (`style`: the page's own rules after the common ones)."""
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}{style}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def map_page(
    treaty_slug: str,
    treaty: str,
    as_of: date,
    picture: str,
    counts: Counter[StatusKind],
    source: str,
) -> str:
    """The map page: a date form (GET `as_of`), the title, the inlined SVG map (no words of its
    own) and under it the legend with counts and the source line, in HTML."""
    value = as_of.isoformat()
    form = (
        f'<form method="get" action="/embed/treaties/{escape(treaty_slug)}/map">'
        '<label for="as_of">Status on</label>'
        f'<input type="date" id="as_of" name="as_of" value="{value}" required>'
        '<button type="submit">Show</button></form>'
    )
    heading = f"<h1>{escape(maplegend.title(treaty, value))}</h1>"
    figure = f"<figure>{picture}{maplegend.caption(counts, source)}</figure>"
    return page(f"{treaty}: status of every state", form + heading + figure, maplegend.STYLE)


def country_page(country: str, as_of: date, rows: Sequence[card.Row], profile_url: str) -> str:
    """The country card: each instrument's short name and status with its date, one source."""
    return page(
        f"{country}: treaty status", card.body(country, as_of, rows, profile_url), card.STYLE
    )
