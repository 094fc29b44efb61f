"""Downloads for `sync`: one GET with retries and exponential backoff, in memory or to a file."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import httpx

#: How every `sync` failure line starts.
FAILED = "sync failed, nothing was written"
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
#: The longest Retry-After honoured, in seconds (a longer one is cut to this).
MAX_RETRY_AFTER = 120.0

T = TypeVar("T")
Sleep = Callable[[float], None]


class SyncError(Exception):
    """A download that failed for good (offline, refused, not what was expected)."""


@dataclass(frozen=True)
class Downloaded:
    """A file written by `download_to`: its size and the sha256 of its bytes."""

    path: Path
    size: int
    sha256: str


def client(name: str, timeout: float, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """The HTTP client of `sync NAME`: a timeout per request, redirects followed."""
    return httpx.Client(
        transport=transport,
        timeout=timeout,
        follow_redirects=True,
        headers={"User-Agent": f"treaty-status-api (+{name} sync)"},
    )


def retry_after(response: httpx.Response) -> float | None:
    """The Retry-After header when it is a plain number of seconds (an HTTP date is ignored)."""
    value = response.headers.get("Retry-After", "").strip()
    return min(float(value), MAX_RETRY_AFTER) if value.isdigit() else None


def fetch(
    http: httpx.Client,
    url: str,
    consume: Callable[[httpx.Response], T],
    retries: int = 3,
    backoff: float = 1.0,
    sleep: Sleep | None = None,
) -> T:
    """GET `url` and `consume` the streamed response, retrying with exponential backoff.

    Transport errors (refused, timed out, cut off while reading) and 429/5xx answers are
    tried again, up to `retries` attempts, waiting `backoff` times 1, 2, 4… seconds between them
    (or the server's Retry-After in seconds); any other 4xx fails at once. `consume` reads
    the whole body each time it is called.
    """
    problem, wait = "", 0.0
    for attempt in range(retries):
        if attempt:
            (time.sleep if sleep is None else sleep)(wait)
        wait = backoff * 2**attempt
        try:
            with http.stream("GET", url) as response:
                if response.status_code in RETRY_STATUS:
                    problem = f"HTTP {response.status_code}"
                    asked = retry_after(response)
                    wait = wait if asked is None else asked
                    continue
                if response.is_error:
                    raise SyncError(f"cannot download {url}: HTTP {response.status_code}")
                return consume(response)
        except httpx.TransportError as exc:
            problem = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    host = httpx.URL(url).host
    raise SyncError(
        f"cannot download {url} after {retries} attempt(s): {problem} "
        f"(offline, or {host} unreachable?)"
    )


def download(
    http: httpx.Client,
    url: str,
    retries: int = 3,
    backoff: float = 1.0,
    sleep: Sleep | None = None,
) -> bytes:
    """The body of `url`, in memory (for small pages)."""
    return fetch(http, url, lambda response: response.read(), retries, backoff, sleep)


def download_to(
    http: httpx.Client,
    url: str,
    path: Path,
    retries: int = 3,
    backoff: float = 1.0,
    sleep: Sleep | None = None,
) -> Downloaded:
    """Stream `url` into `path` (never whole in memory), hashing it on the way."""

    def write(response: httpx.Response) -> Downloaded:
        sha256, size = hashlib.sha256(), 0
        with path.open("wb") as out:
            for chunk in response.iter_bytes(1 << 20):
                out.write(chunk)
                sha256.update(chunk)
                size += len(chunk)
        return Downloaded(path, size, sha256.hexdigest())

    return fetch(http, url, write, retries, backoff, sleep)
