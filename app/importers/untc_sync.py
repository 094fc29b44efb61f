"""Download the live UN Treaty Collection status pages and import them."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import models
from app.config import Settings
from app.importers.fetch import FAILED, Sleep, SyncError, client, download
from app.importers.untc import PAGE_URL, import_pages
from app.importers.untc_page import Page, UntcPageError, parse_page
from app.importers.untc_report import PageReport, print_reports


def page_urls(session: Session) -> dict[str, str]:
    """The live status page of every treaty that has a UNTC number, by UNTC number."""
    numbers = session.scalars(
        select(models.Treaty.untc_number)
        .where(models.Treaty.untc_number.is_not(None))
        .order_by(models.Treaty.slug)
    )
    return {n: PAGE_URL.format(number=n) for n in numbers if n}


def sync(
    session: Session,
    transport: httpx.BaseTransport | None = None,
    retries: int = 3,
    backoff: float = 1.0,
    timeout: float = 30.0,
    sleep: Sleep | None = None,
) -> list[PageReport]:
    """Download every page first, then import them all (no commit); raise on any failure."""
    urls = page_urls(session)
    if not urls:
        raise SyncError("no treaty with a UNTC number in the database: run `load` first")
    pages: list[Page] = []
    with client("untc", timeout, transport) as http:
        for number, url in urls.items():
            page = parse_page(download(http, url, retries, backoff, sleep), url)
            if page.untc_number != number:
                raise SyncError(f"{url}: the page is about {page.untc_number}, not {number}")
            page.url = url
            pages.append(page)
    return import_pages(session, pages, retrieved_on=datetime.now(UTC).date())


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`python -m app sync untc [--retries N] [--timeout S]`."""
    parser.add_argument("--retries", type=int, default=3, help="attempts per page (default 3)")
    parser.add_argument(
        "--timeout", type=float, default=30.0, help="seconds per request (default 30)"
    )


def run(
    settings: Settings, args: argparse.Namespace, transport: httpx.BaseTransport | None = None
) -> int:
    """Download and import in one transaction; on any failure nothing is written."""
    from app.db import transaction

    try:
        with transaction(settings) as session:
            reports = sync(session, transport, max(args.retries, 1), timeout=args.timeout)
    except (SyncError, UntcPageError) as exc:
        print(f"{FAILED}: {exc}", file=sys.stderr)
        return 1
    print_reports(reports)
    return 0
