"""The error pages of the frameable embeds: a problem as an HTML page in the embeds' style.

A reader meets them inside another site's frame, so they say what went wrong in words, link
to the close matches of a name that matched nothing, and fetch nothing from anywhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any
from urllib.parse import quote

from app.embeds import pages

#: The keys a close match carries, in the order one is taken as the page's path parameter.
KEYS = ("iso3", "slug")


def problem_page(
    status: int,
    title: str,
    detail: str,
    errors: Sequence[Mapping[str, Any]] = (),
    matches: Sequence[tuple[str, str]] = (),
    plain: str | None = None,
) -> str:
    """A problem as a page: its title and detail, every invalid parameter, the close matches
    (name, URL) as links and a link to `plain` (the page without its query)."""
    parts = [f"<h1>{escape(title)}</h1>"]
    if detail != title:
        parts.append(f"<p>{escape(detail)}</p>")
    if len(errors) > 1:
        items = "".join(
            f"<li><code>{escape(str(e['parameter']))}</code>: {escape(str(e['message']))}</li>"
            for e in errors
        )
        parts.append(f"<ul>{items}</ul>")
    if matches:
        links = "".join(
            f'<li><a href="{escape(url)}">{escape(name)}</a></li>' for name, url in matches
        )
        parts.append(f"<p>Close matches:</p><ul>{links}</ul>")
    if plain is not None:
        parts.append(f'<p><a href="{escape(plain)}">Show today\'s page instead</a></p>')
    parts.append(f"<p><small>HTTP {status}</small></p>")
    body = f'<div style="overflow-wrap:anywhere">{"".join(parts)}</div>'
    return pages.page(f"{title} ({status})", body)


def match_urls(
    path_format: str,
    path_params: Mapping[str, str],
    parameter: str,
    suggestions: Sequence[Mapping[str, Any]],
    query: str,
) -> list[tuple[str, str]]:
    """Each close match's name and the URL of the same page for it: the route's path with
    the match's key in place of `parameter`, the same query."""
    found = []
    for suggestion in suggestions:
        key = next((suggestion[k] for k in KEYS if suggestion.get(k)), None)
        if key is None or "{" + parameter + "}" not in path_format:
            continue
        values = {k: quote(str(v), safe="") for k, v in path_params.items()}
        values[parameter] = quote(str(key), safe="")
        url = path_format.format(**values) + (f"?{query}" if query else "")
        found.append((str(suggestion["name"]), url))
    return found
