"""API keys: scopes, salted hashes, Bearer authentication for curator endpoints.

A key reads `tsa_<id>_<secret>`. Only the id, a random salt and the HMAC-SHA256 of the secret
are stored; the key itself is shown once, when it is created. Keys are random 256-bit
secrets, so a fast keyed hash is enough (there is no password to guess).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import ProblemError
from app.models import ApiKey


class Scope(StrEnum):
    """What a key may do: `read` is public and needs no key; `admin` includes `write`."""

    read = "read"
    write = "write"
    admin = "admin"


GRANTS = {Scope.write: {Scope.write, Scope.admin}, Scope.admin: {Scope.admin}}
PREFIX = "tsa"


def _digest(salt: str, secret: str) -> str:
    return hmac.new(bytes.fromhex(salt), secret.encode(), hashlib.sha256).hexdigest()


def create_key(session: Session, name: str, scope: Scope) -> str:
    """Store a new key and return it (the only time it is visible)."""
    if session.scalar(select(ApiKey).where(ApiKey.name == name)) is not None:
        raise ValueError(f"a key named {name!r} exists already")
    key_id, secret, salt = secrets.token_hex(6), secrets.token_urlsafe(32), secrets.token_hex(16)
    session.add(
        ApiKey(
            id=key_id,
            name=name,
            scope=scope.value,
            salt=salt,
            hash=_digest(salt, secret),
            created_at=datetime.now(UTC),
        )
    )
    session.flush()
    return f"{PREFIX}_{key_id}_{secret}"


def revoke_key(session: Session, name: str) -> bool:
    """Revoke a key by name; False if there is no such active key."""
    key = session.scalar(select(ApiKey).where(ApiKey.name == name, ApiKey.revoked_at.is_(None)))
    if key is None:
        return False
    key.revoked_at = datetime.now(UTC)
    session.flush()
    return True


def verify(session: Session, token: str) -> ApiKey | None:
    """The active key a token belongs to, or None; constant-time comparison."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        hmac.compare_digest("0" * 64, "1" * 64)  # same work either way
        return None
    _, key_id, secret = parts
    key = session.get(ApiKey, key_id)
    salt = key.salt if key is not None else "00" * 16
    expected = key.hash if key is not None else "0" * 64
    matches = hmac.compare_digest(_digest(salt, secret), expected)
    if key is None or not matches or key.revoked_at is not None:
        return None
    return key


def _unauthorized() -> ProblemError:
    return ProblemError(
        401,
        "Unauthorized",
        "this operation needs an API key with the right scope, sent as Authorization: Bearer",
        kind="unauthorized",
    )


#: The scope each dependency made by `require` asks for (the document names the bearer key on
#: every operation that depends on one).
REQUIRED: dict[Callable[..., Any], Scope] = {}


def require(scope: Scope) -> Callable[[Request], Coroutine[Any, Any, ApiKey]]:
    """A dependency: the request's API key, which must grant `scope` (401 / 403 otherwise)."""

    async def dependency(request: Request) -> ApiKey:
        header = request.headers.get("authorization", "")
        kind, _, token = header.partition(" ")
        if kind.lower() != "bearer" or not token.strip():
            raise _unauthorized()

        def check() -> ApiKey | None:
            with request.app.state.sessionmaker() as session:
                return verify(session, token.strip())

        key = await run_in_threadpool(check)
        if key is None:
            raise _unauthorized()
        if Scope(key.scope) not in GRANTS[scope]:
            raise ProblemError(
                403,
                "Forbidden",
                f"this operation needs the {scope.value!r} scope",
                kind="forbidden",
            )
        return key

    REQUIRED[dependency] = scope
    return dependency
