"""oEmbed 1.0 (https://oembed.com): which of our URLs embed, and the rich `<iframe>` answer."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Literal
from urllib.parse import parse_qs, urlsplit

from pydantic import BaseModel, ConfigDict

from app.embeds import card, maplegend, worldmap
from app.schemas import SourceOut
from app.vocab import StatusKind

PROVIDER = "Treaty Status API"
#: The width of each kind of embed page, in pixels, when the consumer sets no `maxwidth`.
WIDTHS = {"map": 960, "country": 640}
#: A legend whose every status has three-digit counts: as wide as a legend gets.
WIDEST_COUNTS = Counter(dict.fromkeys(StatusKind, 197))

_PATHS = [
    ("map", re.compile(r"^/embed/treaties/([^/]+)/map$")),
    ("map", re.compile(r"^/v1/treaties/([^/]+)/map\.svg$")),
    ("country", re.compile(r"^/embed/countries/([^/]+)$")),
]


class OEmbed(BaseModel):
    """An oEmbed 1.0 response of type `rich`: an `<iframe>` of one of the embed pages."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "rich",
                    "version": "1.0",
                    "title": "Mine Ban Treaty: status of every state on 2026-02-03",
                    "provider_name": PROVIDER,
                    "provider_url": "https://api.example.org/",
                    "html": '<iframe src="https://api.example.org/embed/treaties/mbt/map?'
                    'as_of=2026-02-03" width="960" height="660" title="…" '
                    'style="border:0" loading="lazy"></iframe>',
                    "width": 960,
                    "height": 660,
                }
            ]
        }
    )

    type: Literal["rich"] = "rich"
    version: Literal["1.0"] = "1.0"
    title: str
    provider_name: str = PROVIDER
    provider_url: str
    html: str
    width: int
    height: int


@dataclass(frozen=True)
class Target:
    """What an embeddable URL names: a treaty map or a country card, and the date if given."""

    kind: Literal["map", "country"]
    key: str
    as_of: date | None

    def page(self, base: str) -> str:
        """The URL of the embed page (on `base`, which ends with a slash)."""
        path = (
            f"embed/treaties/{self.key}/map"
            if self.kind == "map"
            else f"embed/countries/{self.key}"
        )
        query = f"?as_of={self.as_of.isoformat()}" if self.as_of else ""
        return f"{base}{path}{query}"


def target(url: str, base: str) -> Target | None:
    """The embed a URL names, if it is one of this server's (`base`) embed pages or maps."""
    parts, here = urlsplit(url), urlsplit(base)
    if (parts.scheme, parts.netloc) != (here.scheme, here.netloc):
        return None
    as_of = None
    given = parse_qs(parts.query).get("as_of")
    if given:
        try:
            as_of = date.fromisoformat(given[0])
        except ValueError:
            return None
    for kind, pattern in _PATHS:
        found = pattern.match(parts.path)
        if found:
            return Target("map" if kind == "map" else "country", found.group(1), as_of)
    return None


#: The height (px) an embed page's content takes at a width (px).
Fit = Callable[[int], int]


def map_fit(treaty: str, sources: Sequence[SourceOut], as_of: date) -> Fit:
    """A map page's height at a width, on `as_of`."""
    heading = maplegend.title(treaty, as_of.isoformat())
    source = worldmap.notes_line(sources, as_of)
    return lambda width: maplegend.height(width, heading, WIDEST_COUNTS, source)


def card_fit(country: str, rows: Sequence[tuple[str, str]]) -> Fit:
    """A country card's height at a width, for rows of (instrument name, status phrase)."""
    return lambda width: card.height(width, country, rows)


def size(kind: str, maxwidth: int | None, maxheight: int | None, fit: Fit) -> tuple[int, int]:
    """The iframe's size: the page's width, at most `maxwidth`, and the height its content takes
    at that width, at most `maxheight` (the page then scrolls within the frame)."""
    width = min(WIDTHS[kind], maxwidth or WIDTHS[kind])
    height = fit(width)
    return width, min(height, maxheight or height)


def rich(target: Target, base: str, title: str, width: int, height: int) -> OEmbed:
    """The oEmbed answer for a target."""
    html = (
        f'<iframe src="{escape(target.page(base))}" width="{width}" height="{height}" '
        f'title="{escape(title)}" style="border:0" loading="lazy"></iframe>'
    )
    return OEmbed(title=title, provider_url=base, html=html, width=width, height=height)
