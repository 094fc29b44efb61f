"""HTTP validators per RFC 9110: If-None-Match, Vary and a Cache-Control capped at midnight."""

from __future__ import annotations

import re
from typing import Literal

RawHeaders = list[tuple[bytes, bytes]]
ANY: Literal["*"] = "*"
#: What an If-None-Match asks: its opaque tags, any (`*`), or nothing (no header).
Wanted = frozenset[str] | Literal["*"] | None
#: The headers a 304 repeats from the 200 it stands for (RFC 9110 section 15.4.5).
NOT_MODIFIED_HEADERS = {b"etag", b"cache-control", b"vary", b"content-location", b"expires"}

_TAG = re.compile(r'(?:W/)?("[\x21\x23-\x7e\x80-\xff]*")')
_AGE = re.compile(r"\b(max-age|s-maxage)=(\d+)")


def if_none_match(value: str | None) -> Wanted:
    """The opaque tags of an If-None-Match header (`W/` dropped), `*`, or None when absent."""
    if value is None:
        return None
    if value.strip() == "*":
        return ANY
    return frozenset(_TAG.findall(value))


def matches(wanted: Wanted, etag: str | None) -> bool:
    """Weak comparison of a response's ETag with If-None-Match (`*` matches any response)."""
    if wanted is None or etag is None:
        return False
    if wanted == ANY:
        return True
    return etag.removeprefix("W/") in wanted


def cap_max_age(cache_control: str, seconds: int) -> str:
    """`cache_control` with every max-age and s-maxage at most `seconds`."""
    return _AGE.sub(lambda m: f"{m[1]}={min(int(m[2]), seconds)}", cache_control)


def merge_vary(headers: RawHeaders) -> RawHeaders:
    """The headers with every Vary folded into one that names each header once."""
    names: dict[str, str] = {}
    rest: RawHeaders = []
    for name, value in headers:
        if name.lower() == b"vary":
            for word in value.decode("latin-1").split(","):
                if word.strip():
                    names.setdefault(word.strip().lower(), word.strip())
        else:
            rest.append((name, value))
    if not names:
        return rest
    return [*rest, (b"vary", ", ".join(names.values()).encode("latin-1"))]


def header(headers: RawHeaders, name: bytes) -> str | None:
    """The first value of header `name` (lower case), if any."""
    return next((v.decode("latin-1") for n, v in headers if n.lower() == name), None)


def not_modified(headers: RawHeaders) -> RawHeaders:
    """The headers of a 304 standing for a 200 with `headers`."""
    return [(n, v) for n, v in headers if n.lower() in NOT_MODIFIED_HEADERS]
