"""Helpers for the write tests: a client whose keys are checked through the test's session."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.auth import Scope, create_key


def write_key(client: TestClient, session: Session, name: str) -> str:
    """A write key named `name`, checked through the test's session (committed to its
    savepoint, so the rollback of a refused write keeps it)."""
    client.app.state.sessionmaker = lambda: nullcontext(session)  # type: ignore[attr-defined]
    secret = create_key(session, name, Scope.write)
    session.commit()
    return secret


MBP = "monitor-kgz-mine-ban-policy-2019"
CMP = "monitor-kgz-cluster-munition-ban-policy"

STOCKPILE: dict[str, Any] = {
    "id": "kgz-stockpile-curated-2020",
    "country": "KGZ",
    "weapon": "antipersonnel_mine",
    "quantity_kind": "exact",
    "quantity": 1200,
    "reporter": "official",
    "costs": [
        {
            "purpose": "destruction",
            "amount": 600000.0,
            "currency": "USD",
            "approximate": False,
            "text": "US$600,000",
        }
    ],
    "source": MBP,
    "citations": [7, 8],
}


def auth(key: str) -> dict[str, str]:
    """The Authorization header of a key."""
    return {"Authorization": f"Bearer {key}"}


def write(
    client: TestClient,
    method: str,
    path: str,
    key: str,
    body: Any = None,
    version: int | str | None = None,
    **params: str,
) -> Any:
    """One write request; If-Match from `version` when given."""
    headers = auth(key)
    if version is not None:
        headers["If-Match"] = f'"{version}"'
    return client.request(
        method, f"/v1/records/{path}", json=body, headers=headers, params=params or None
    )
