"""oEmbed 1.0 (https://oembed.com): which of our URLs embed, and the rich `<iframe>` answer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Literal
from urllib.parse import parse_qs, urlsplit

from pydantic import BaseModel, ConfigDict

PROVIDER = "Treaty Status API"
#: Width and height of each kind of embed page, in pixels.
SIZES = {"map": (960, 660), "country": (640, 480)}

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


def size(kind: str, maxwidth: int | None, maxheight: int | None) -> tuple[int, int]:
    """The page's size, scaled down (keeping its shape) to fit `maxwidth` and `maxheight`."""
    width, height = SIZES[kind]
    scale = min(1.0, (maxwidth or width) / width, (maxheight or height) / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def rich(target: Target, base: str, title: str, width: int, height: int) -> OEmbed:
    """The oEmbed answer for a target."""
    html = (
        f'<iframe src="{escape(target.page(base))}" width="{width}" height="{height}" '
        f'title="{escape(title)}" style="border:0" loading="lazy"></iframe>'
    )
    return OEmbed(title=title, provider_url=base, html=html, width=width, height=height)
