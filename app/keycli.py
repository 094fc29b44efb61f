"""`python -m app keys create|list|revoke`: manage curator API keys."""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import select

from app.auth import Scope, create_key, revoke_key
from app.config import Settings
from app.db import transaction
from app.models import ApiKey


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `keys` subcommands."""
    actions = parser.add_subparsers(dest="keys_action", required=True)
    create = actions.add_parser("create", help="create a key and print it once")
    create.add_argument("--name", required=True, help="who or what uses the key")
    create.add_argument("--scope", choices=[Scope.write.value, Scope.admin.value], default="write")
    actions.add_parser("list", help="list keys (never the secrets)")
    revoke = actions.add_parser("revoke", help="revoke a key by name")
    revoke.add_argument("name")


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Carry out one `keys` subcommand."""
    with transaction(settings) as session:
        if args.keys_action == "create":
            try:
                key = create_key(session, args.name, Scope(args.scope))
            except ValueError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 1
            print(key)
            print(f"key {args.name!r} ({args.scope}) created, not shown again", file=sys.stderr)
            return 0
        if args.keys_action == "revoke":
            if not revoke_key(session, args.name):
                print(f"error: no active key named {args.name!r}", file=sys.stderr)
                return 1
            print(f"key {args.name!r} revoked")
            return 0
        for row in session.scalars(select(ApiKey).order_by(ApiKey.name)):
            state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active"
            created = f"created {row.created_at:%Y-%m-%d}"
            print(f"{row.name}\t{row.scope}\t{row.id}\t{created}\t{state}")
        return 0
