"""API keys: creation through the CLI, hashing, revocation, and 401/403 on a protected route."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import nullcontext

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import handlers
from app.auth import Scope, create_key, require, revoke_key, verify
from app.config import Settings
from app.models import ApiKey
from tests.test_cli import count, run


def test_only_a_salted_hash_is_stored(session: Session) -> None:
    key = create_key(session, "alice", Scope.write)
    prefix, key_id, secret = key.split("_", 2)
    assert prefix == "tsa"
    stored = session.get_one(ApiKey, key_id)
    assert (stored.name, stored.scope, stored.revoked_at) == ("alice", "write", None)
    assert secret not in (stored.hash, stored.salt)
    assert (len(stored.hash), len(stored.salt)) == (64, 32)
    other = create_key(session, "bob", Scope.write)
    assert session.get_one(ApiKey, other.split("_")[1]).salt != stored.salt


def test_verify_accepts_the_key_and_nothing_else(session: Session) -> None:
    key = create_key(session, "alice", Scope.admin)
    assert verify(session, key) is not None
    for wrong in [
        key[:-1] + ("A" if key[-1] != "A" else "B"),
        "tsa_nope_x",
        "garbage",
        "",
        key + "x",
    ]:
        assert verify(session, wrong) is None
    assert revoke_key(session, "alice")
    assert verify(session, key) is None
    assert not revoke_key(session, "alice")


def test_names_are_unique(session: Session) -> None:
    create_key(session, "alice", Scope.write)
    with pytest.raises(ValueError, match="exists already"):
        create_key(session, "alice", Scope.admin)


@pytest.fixture
def guarded(settings: Settings, session: Session) -> Iterator[TestClient]:
    """A tiny app with one write and one admin route behind keys, on the test's session."""
    app = FastAPI()
    handlers.install(app)

    app.state.sessionmaker = lambda: nullcontext(session)  # the test's session, left open

    @app.post("/write")
    async def write(key: ApiKey = Depends(require(Scope.write))) -> dict[str, str]:
        return {"by": key.name}

    @app.post("/admin")
    async def admin(key: ApiKey = Depends(require(Scope.admin))) -> dict[str, str]:
        return {"by": key.name}

    with TestClient(app) as client:
        yield client


def test_every_401_and_403_path(guarded: TestClient, session: Session) -> None:
    writer = create_key(session, "writer", Scope.write)
    admin = create_key(session, "root", Scope.admin)
    revoked = create_key(session, "gone", Scope.admin)
    revoke_key(session, "gone")

    def post(path: str, header: str | None) -> tuple[int, dict[str, object]]:
        headers = {"Authorization": header} if header is not None else {}
        response = guarded.post(path, headers=headers)
        return response.status_code, response.json()

    unauthorized = [
        None,
        "",
        "Bearer",
        "Bearer ",
        f"Basic {writer}",
        "Bearer tsa_000000000000_wrong",
        f"Bearer {writer}x",
        f"Bearer {revoked}",
    ]
    bodies = []
    for header in unauthorized:
        status, body = post("/write", header)
        assert status == 401, header
        bodies.append(body)
    assert all(b == bodies[0] for b in bodies)  # nothing tells which keys exist
    assert bodies[0]["title"] == "Unauthorized"
    assert guarded.post("/write").headers["www-authenticate"] == "Bearer"
    assert post("/write", f"Bearer {writer}") == (200, {"by": "writer"})
    assert post("/write", f"bearer {admin}") == (200, {"by": "root"})
    status, body = post("/admin", f"Bearer {writer}")
    assert (status, body["title"]) == (403, "Forbidden")
    assert post("/admin", f"Bearer {admin}") == (200, {"by": "root"})
    assert session.scalar(select(ApiKey.revoked_at).where(ApiKey.name == "gone")) is not None


def test_keys_through_the_cli(scratch_url: str) -> None:
    assert run(scratch_url, "migrate").returncode == 0
    created = run(scratch_url, "keys", "create", "--name", "curator-1", "--scope", "write")
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip()
    assert key.startswith("tsa_")
    assert "created, not shown again" in created.stderr
    again = run(scratch_url, "keys", "create", "--name", "curator-1")
    assert (again.returncode, again.stderr.strip()) == (
        1,
        "error: a key named 'curator-1' exists already",
    )
    listed = run(scratch_url, "keys", "list")
    assert listed.stdout.startswith("curator-1\twrite\t")
    assert key.split("_", 2)[2] not in listed.stdout
    assert (
        run(scratch_url, "keys", "revoke", "curator-1").stdout.strip() == "key 'curator-1' revoked"
    )
    assert "\trevoked " in run(scratch_url, "keys", "list").stdout
    missing = run(scratch_url, "keys", "revoke", "nobody")
    assert (missing.returncode, missing.stderr.strip()) == (
        1,
        "error: no active key named 'nobody'",
    )
    assert count(scratch_url, ApiKey) == 1
