"""Download the UN Digital Library GA voting CSV (UNDL_VOTING_URL) and import it.

`python -m app sync undl [--treaty mbt,ccm,ccw | --all] [--dry-run] [--retries N] [--timeout S]`:
the file is streamed to a temporary file (hashed on the way), imported like `import undl`
(checked, all or nothing), and removed.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote

import httpx

from app.config import Settings
from app.importers import undl
from app.importers.fetch import FAILED, Downloaded, Sleep, SyncError, client, download_to
from app.importers.undl_fields import UndlError


def file_name(url: str) -> str:
    """The name the download is saved (and recorded) under: the last part of the URL path."""
    name = unquote(httpx.URL(url).path.rsplit("/", 1)[-1])
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")
    return name or "ga_voting.csv"


def fetch_votes(
    url: str,
    folder: Path,
    retries: int = 3,
    timeout: float = 30.0,
    transport: httpx.BaseTransport | None = None,
    sleep: Sleep | None = None,
) -> Downloaded:
    """Stream the vote file at `url` into `folder`; raise SyncError when it cannot be had."""
    with client("undl", timeout, transport) as http:
        return download_to(http, url, folder / file_name(url), retries, sleep=sleep)


def check_database(settings: Settings, args: argparse.Namespace) -> None:
    """Before a long download: the database is loaded and `--treaty` names known treaties."""
    from app.db import transaction

    with transaction(settings) as session:
        undl.check_reference_data(session)
        if args.treaty:
            undl.treaty_slugs(session, args.treaty)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`python -m app sync undl [--treaty … | --all] [--dry-run] [--retries N] [--timeout S]`."""
    undl.add_options(parser)
    parser.add_argument("--retries", type=int, default=3, help="download attempts (default 3)")
    parser.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        help="seconds to connect, or between two reads (default 30)",
    )


def run(
    settings: Settings, args: argparse.Namespace, transport: httpx.BaseTransport | None = None
) -> int:
    """Download, then import in one transaction; on any failure nothing is written (exit 1)."""
    url = settings.undl_voting_url
    try:
        check_database(settings, args)
    except UndlError as exc:
        print(f"{FAILED}: {exc}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="undl-sync-") as folder:
        try:
            got = fetch_votes(url, Path(folder), max(args.retries, 1), args.timeout, transport)
        except SyncError as exc:
            print(f"{FAILED}: {exc}", file=sys.stderr)
            return 1
        print(f"downloaded    {url}")
        print(f"size          {got.size} bytes")
        print(f"sha256        {got.sha256}")
        sys.stdout.flush()
        return undl.import_file(settings, str(got.path), args, f"{FAILED}: {url}")
