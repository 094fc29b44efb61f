"""The front page at `/`: what the service is, the conventions' counts on a date, where to go.

Self-contained like the embed pages: the style is in the page, there is no script, every link
is to this server, and every text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from urllib.parse import urlencode

from app.embeds import svg
from app.schemas import SourceOut, TreatyCounts
from app.vocab import SourceKind, StatusKind

STYLE = (
    "*{box-sizing:border-box}"
    "body{margin:0;font:15px/1.45 Verdana,'DejaVu Sans',sans-serif;color:#222;background:#fff}"
    "header,main,footer{padding:0 12px;max-width:1200px;margin:0 auto}"
    "h1{font-size:1.4em;margin:12px 0 8px}h2{font-size:1.15em;margin:16px 0 6px}"
    "h3{font-size:1.05em;margin:0 0 6px}p{margin:6px 0}ul{margin:6px 0;padding-left:1.2em}"
    "a{color:#0072b2}a:hover{color:#004c77}"
    ":focus-visible{outline:3px solid #0072b2;outline-offset:2px}"
    "form{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:6px 0}"
    "label{font-weight:bold}input,button{font:inherit;padding:4px 6px;min-height:36px}"
    ".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,300px),1fr));"
    "gap:12px}"
    ".card{border:1px solid #ddd;border-radius:4px;padding:10px 12px;min-width:0}"
    ".counts{list-style:none;padding:0}.counts li{margin:2px 0}"
    ".swatch{display:inline-block;width:0.9em;height:0.9em;margin-right:6px;"
    "border:1px solid #555;vertical-align:-0.1em}"
    "small,.note,footer{color:#555}small,.note{font-size:0.9em}"
    "footer{border-top:1px solid #ddd;margin-top:16px;padding-top:6px;padding-bottom:12px}"
    "@media (max-width:700px){body{font-size:14px}}"
)
#: A status counted, in words: (one state, several states).
NOUNS = {
    StatusKind.state_party: ("state party", "states parties"),
    StatusKind.signatory: ("signatory", "signatories"),
}
#: Who publishes a kind of source, as the page names it.
PUBLISHERS = {SourceKind.untc_status_page: "UN Treaty Collection"}


@dataclass(frozen=True)
class Convention:
    """A convention on the page: its slug and short name, and its counts on the date."""

    slug: str
    name: str
    counts: TreatyCounts


@dataclass(frozen=True)
class Example:
    """A country whose card the page shows as an embed example."""

    iso3: str
    name: str


def _query(as_of: date | None, **more: str) -> str:
    """The query of a link to the same date (no `as_of` for today), with `more` parameters."""
    given = {"as_of": as_of.isoformat()} if as_of else {}
    given |= more
    return f"?{urlencode(given)}" if given else ""


def _link(href: str, text: str, label: str | None = None) -> str:
    """A link to this server; `label` (which contains `text`) names it fully to a reader."""
    named = f' aria-label="{escape(label)}"' if label else ""
    return f'<a href="{escape(href)}"{named}>{escape(text)}</a>'


def _words(status: StatusKind, n: int) -> str:
    """The words after a number of states: `states parties`, `signatory`, `not party`."""
    one, many = NOUNS.get(status, (svg.label(status), svg.label(status)))
    return one if n == 1 else many


def _counts(found: TreatyCounts) -> str:
    """The statuses that some state has (states parties always), each with its number."""
    items = []
    for status, colour in svg.COLOURS.items():
        n = found.counts[status]
        if n == 0 and status is not StatusKind.state_party:
            continue
        items.append(
            f'<li data-status="{status.value}"><span class="swatch" aria-hidden="true" '
            f'style="background:{colour}"></span><strong>{n}</strong> '
            f"{escape(_words(status, n))}</li>"
        )
    return f'<ul class="counts">{"".join(items)}</ul>'


def _source(sources: Sequence[SourceOut], record_as_at: date | None) -> str:
    """The status page the counts come from, linked, with its "as at" date."""
    pages = [s for s in sources if s.kind in PUBLISHERS]
    if not pages:
        return ""
    page = pages[0]
    publisher = PUBLISHERS[page.kind]
    at = f", as at {record_as_at.isoformat()}" if record_as_at else ""
    return (
        f'<p class="source">Source: '
        f"{_link(f'/v1/sources/{page.id}', publisher, f'{publisher}: {page.title}')}"
        f"{escape(at)}</p>"
    )


def _card(c: Convention, as_of: date | None) -> str:
    """One convention: its counts over the states, its source and date, where to read more."""
    found = c.counts
    total = sum(found.counts.values())
    beyond = ""
    if found.beyond_record and found.as_known_on:
        beyond = (
            f'<p class="note">As known on {found.as_known_on.isoformat()}: later actions may '
            "be missing.</p>"
        )
    q = _query(as_of)
    base = f"/v1/treaties/{c.slug}"
    csv = f"{base}/members{_query(as_of, format='csv')}"
    links = [
        _link(f"{base}/members{q}", "Members list", f"Members list: {c.name}")
        + f" (JSON, {_link(csv, 'CSV', f'CSV: {c.name} members list')})",
        _link(f"/embed/treaties/{c.slug}/map{q}", "Map", f"Map: {c.name}") + " to embed",
        _link(f"{base}/counts{q}", "Counts", f"Counts: {c.name}") + " (JSON)",
    ]
    return (
        f'<article class="card" aria-labelledby="t-{escape(c.slug)}">'
        f'<h3 id="t-{escape(c.slug)}">{escape(c.name)}</h3>{_counts(found)}'
        f"<p><small>of the {total} states</small></p>"
        f"{_source(found.sources, found.record_as_at)}{beyond}"
        f"<p>{', '.join(links)}</p></article>"
    )


USES = (
    "<ul>"
    f"<li>{_link('/dashboard', 'Dashboard')} — the map, the counts by region, the timeline "
    "and each country's record</li>"
    f"<li>{_link('/docs', 'API documentation')} — every endpoint, to try out</li>"
    f"<li>{_link('/openapi.json', 'OpenAPI document')} — the contract, to generate a "
    "client</li>"
    f"<li>{_link('/v1/bulk', 'Data package')} — the whole record as CSV files "
    "(Frictionless Data Package)</li>"
    "</ul>"
)


def _embeds(maps: Sequence[Convention], example: Example) -> str:
    """Example embed pages: the maps of `maps`, the example country's card."""
    items = [
        f"<li>{_link(f'/embed/treaties/{c.slug}/map', f'{c.name} map')}"
        " — a page to put in an iframe</li>"
        for c in maps
    ]
    items.append(
        f"<li>{_link(f'/embed/countries/{example.iso3}', f'{example.name} country card')}"
        " — the status toward each instrument, with its source</li>"
    )
    return f"<ul>{''.join(items)}</ul>"


def front_page(
    title: str,
    on: date,
    as_of: date | None,
    conventions: Sequence[Convention],
    example: Example,
) -> str:
    """The front page for `on` (`as_of` when asked for, else today): the conventions' counts."""
    names = [f"the {c.name}" for c in conventions]
    listed = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else "".join(names)
    when = " (today, UTC)" if as_of is None else ""
    intro = (
        f"<p>The status of every state toward {escape(listed)} and its protocols on any "
        "date, from the treaty status records of the UN Treaty Collection, and the states' "
        "votes on the related UN General Assembly resolutions. Each fact comes with its "
        "source.</p>"
    )
    form = (
        '<form method="get" action="/"><label for="as_of">Counts on</label>'
        f'<input type="date" id="as_of" name="as_of" value="{on.isoformat()}" required>'
        '<button type="submit">Show</button></form>'
    )
    cards = "".join(_card(c, as_of) for c in conventions)
    body = (
        f"<header><h1>{escape(title)}</h1>{intro}</header>"
        "<main>"
        f'<section aria-labelledby="conventions"><h2 id="conventions">The conventions on '
        f"{on.isoformat()}{when}</h2>{form}"
        f'<div class="cards">{cards}</div></section>'
        f'<section aria-labelledby="use"><h2 id="use">Use it</h2>{USES}</section>'
        f'<section aria-labelledby="embeds"><h2 id="embeds">Embeds</h2>'
        f"{_embeds(conventions[:1], example)}</section></main>"
        f"<footer><p>Statuses are derived from dated actions, each with its source "
        f"({_link('/v1/sources', 'every source')}); dates are in UTC.</p></footer>"
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body>{body}</body></html>\n"
    )
