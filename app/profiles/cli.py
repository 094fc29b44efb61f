"""Read Monitor profiles: parse, ingest as drafts, list drafts, publish."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy import select

from app import models
from app.config import Settings
from app.errors import ProblemError
from app.profiles.result import LISTS, ProfileResult


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`profiles parse|ingest|drafts|publish`."""
    sub = parser.add_subparsers(dest="action", required=True)
    p = sub.add_parser("parse", help="print what a profile yields")
    p.add_argument("file", type=Path)
    p.add_argument("--format", choices=["text", "json"], default="text")
    i = sub.add_parser("ingest", help="store a profile as a source, citations and drafts")
    i.add_argument("file", type=Path)
    i.add_argument("--publish", action="store_true", help="publish the drafts at once")
    d = sub.add_parser("drafts", help="list drafts")
    d.add_argument("--source")
    d.add_argument("--status", choices=["draft", "published", "rejected"])
    u = sub.add_parser("publish", help="publish a draft, or every draft of a source")
    u.add_argument("target", help="a draft id or a source id")


def _summary(result: ProfileResult) -> str:
    lines = [
        f"{result.title or '(untitled)'} — country {result.country}, kind {result.kind}, "
        f"last updated {result.last_updated or 'not shown'}",
        f"  citations: {len(result.citations)}",
    ]
    for attr in LISTS:
        lines.append(f"  {attr}: {len(getattr(result, attr))}")
        for item in getattr(result, attr):
            fields = item.model_dump(mode="json", exclude={"text", "span", "citations"})
            shown = ", ".join(f"{k}={v}" for k, v in fields.items() if v not in (None, [], False))
            lines.append(f"    - {shown} {item.citations} @{item.span[0]}-{item.span[1]}")
    lines += [f"  warning: {w}" for w in result.warnings]
    for more in result.sections:
        lines.append(_summary(more))
    return "\n".join(lines)


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Run one profiles command."""
    from app.db import make_engine, make_sessionmaker
    from app.profiles import store
    from app.profiles.parser import parse

    if args.action in ("parse", "ingest"):
        try:
            raw = args.file.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            print(f"cannot read {args.file}: {exc.strerror}", file=sys.stderr)
            return 2
    if args.action == "parse":
        result = parse(raw)
        print(result.model_dump_json(indent=2) if args.format == "json" else _summary(result))
        return 0
    engine = make_engine(settings)
    try:
        with make_sessionmaker(engine)() as session, session.begin():
            if args.action == "ingest":
                for result, sid, drafts in store.ingest(session, raw, args.publish):
                    published = sum(d.status == "published" for d in drafts)
                    print(
                        f"{sid}: {len(result.citations)} citations, {len(drafts)} drafts, "
                        f"{published} published"
                    )
                    for w in result.warnings:
                        print(f"  warning: {w}")
            elif args.action == "drafts":
                stmt = select(models.Draft).order_by(
                    models.Draft.source, models.Draft.span_start, models.Draft.id
                )
                if args.source:
                    stmt = stmt.where(models.Draft.source == args.source)
                if args.status:
                    stmt = stmt.where(models.Draft.status == args.status)
                for d in session.scalars(stmt):
                    print(f"{d.id}  {d.status:<9} {d.kind:<16} {d.source}  {d.citations}")
            else:
                draft = session.get(models.Draft, args.target)
                done = (
                    [store.publish_draft(session, draft)]
                    if draft
                    else store.publish_source(session, args.target)
                )
                print(f"published {len(done)} draft(s)")
    except ProblemError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0
