"""Security headers by path: the API refuses framing; the /embed pages may be framed by anyone."""

from __future__ import annotations

Headers = list[tuple[bytes, bytes]]

#: Pages another site may put in an `<iframe>`.
EMBED_PREFIX = "/embed/"
#: The dashboard page and its own script and style sheet.
DASHBOARD_PATHS = ("/dashboard", "/static/")

_COMMON: Headers = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
DEFAULT: Headers = [
    *_COMMON,
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' "
        b"'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
    ),
]
#: No script, styles inline, forms only back here; framed by any site.
EMBED: Headers = [
    *_COMMON,
    (
        b"content-security-policy",
        b"default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        b"form-action 'self'; base-uri 'none'; frame-ancestors *",
    ),
]
#: Everything from this server only: no inline script or style.
DASHBOARD: Headers = [
    *_COMMON,
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    ),
]


def security_headers(path: str) -> Headers:
    """The security headers of a response to `path`."""
    if path.startswith(EMBED_PREFIX):
        return EMBED
    if path == DASHBOARD_PATHS[0] or path.startswith(DASHBOARD_PATHS[1]):
        return DASHBOARD
    return DEFAULT
