"""POST /v1/profiles, drafts listed, edited and published; auth, size and validation problems."""

from __future__ import annotations

from contextlib import nullcontext

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import models
from app.auth import Scope, create_key
from app.errors import PROBLEM_TYPE
from tests.conftest import brief, shared_path

MINE = "000_fa6237349ec68be0.txt"
SOURCE = "profile-kgz-mine-ban-policy-2019-12-18"


@pytest.fixture
def api(client: TestClient, session: Session) -> tuple[TestClient, dict[str, str]]:
    client.app.state.sessionmaker = lambda: nullcontext(session)  # type: ignore[attr-defined]
    writer = create_key(session, "curator", Scope.write)
    reader = create_key(session, "reader", Scope.read)
    return client, {"writer": f"Bearer {writer}", "reader": f"Bearer {reader}"}


def test_ingest_edit_publish(api: tuple[TestClient, dict[str, str]], session: Session) -> None:
    client, keys = api
    text = shared_path("seeds", MINE).read_text(encoding="utf-8")
    auth = {"Authorization": keys["writer"]}
    first = client.post("/v1/profiles", content=text, headers=auth)
    assert first.status_code == 201, first.text
    body = first.json()
    assert [b["source"] for b in body] == [SOURCE]
    assert body[0]["result"]["country"] == "KGZ"
    assert len(body[0]["drafts"]) == 23
    again = client.post("/v1/profiles", files={"file": ("kgz.txt", text.encode())}, headers=auth)
    assert again.status_code == 201
    assert session.scalar(select(func.count()).select_from(models.Draft)) == 23
    assert (
        session.scalar(
            select(func.count())
            .select_from(models.Citation)
            .where(models.Citation.source == SOURCE)
        )
        == 11
    )

    listed = client.get("/v1/drafts", params={"source": SOURCE, "kind": "vote", "limit": 5})
    assert listed.status_code == 200
    (vote,) = listed.json()["data"]
    assert (vote["payload"]["resolution"], vote["payload"]["vote"], vote["citations"]) == (
        "A/RES/73/61",
        "yes",
        [3],
    )
    start, end = vote["span"]
    assert text[start:end].startswith("On 5 December 2018, Kyrgyzstan voted in favor")
    assert client.get(f"/v1/drafts/{vote['id']}").json()["status"] == "draft"

    bad = client.patch(f"/v1/drafts/{vote['id']}", json={"vote": "maybe"}, headers=auth)
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
    assert bad.json()["parameter"] == "vote"
    assert bad.json()["type"] == PROBLEM_TYPE + "invalid-draft"
    # a draft may name what the data does not hold; it is refused when published
    url = f"/v1/drafts/{vote['id']}"
    assert client.patch(url, json={"resolution": "A/RES/1/1"}, headers=auth).status_code == 200
    nowhere = client.post(f"{url}/publish", headers=auth)
    assert (nowhere.status_code, nowhere.json()["type"], nowhere.json()["detail"]) == (
        422,
        PROBLEM_TYPE + "unknown-reference",
        "resolution: unknown resolution 'A/RES/1/1'",
    )
    assert client.patch(url, json={"resolution": "A/RES/73/61"}, headers=auth).status_code == 200
    ok = client.patch(f"/v1/drafts/{vote['id']}", json={"source_code": "Y"}, headers=auth)
    assert ok.status_code == 200, ok.text
    assert ok.json()["payload"]["source_code"] == "Y"

    published = client.post(f"/v1/drafts/{vote['id']}/publish", headers=auth)
    assert published.json()["status"] == "published"
    rest = client.post(f"/v1/profiles/{SOURCE}/publish", headers=auth)
    assert rest.status_code == 200, rest.text
    assert len(rest.json()) == 22
    profile = client.get("/v1/countries/KGZ/profile").json()
    # one row per member and resolution: the UN record's, the profile's vote recorded beside it
    (row,) = [v for v in profile["votes"] if v["resolution"]["symbol"] == "A/RES/73/61"]
    assert (row["source"], row["vote"], row["conflicts"]) == ("undl-ga-voting", "yes", [])
    assert brief(row["also_recorded"]) == [
        ("monitor-kgz-mine-ban-policy-2019", "yes", ["monitor-kgz-mine-ban-policy-2019:3"]),
        (SOURCE, "yes", [f"{SOURCE}:3"]),
    ]
    recorded = [
        v["resolution"]["symbol"]
        for v in profile["votes"]
        if SOURCE in {v["source"], *(a["source"] for a in v["also_recorded"])}
    ]
    assert recorded == ["A/RES/73/61"]
    stored = session.get_one(models.Vote, ("A/RES/73/61", "KGZ", SOURCE))
    assert (stored.vote, stored.source_code) == ("yes", "Y")
    cited = select(models.CitationLink.citation_id).where(
        models.CitationLink.record_type == "vote",
        models.CitationLink.record_id == f"A/RES/73/61|KGZ|{SOURCE}",
    )
    assert session.scalars(cited).all() == [f"{SOURCE}:3"]
    stock = [s for s in profile["stockpiles"] if s["source"] == SOURCE]
    assert sorted((s["holder"], s["quantity_text"] or "") for s in stock) == [
        ("Ministry of Defense", ""),
        ("Ministry of Defense", "tens of thousands"),
        ("State Border Guard Service", "1,000 to 2,000"),
        ("State Border Guard Service", "a small amount"),
    ]
    assert SOURCE in {s["id"] for s in profile["sources"]}


def test_problems(api: tuple[TestClient, dict[str, str]]) -> None:
    client, keys = api
    assert client.post("/v1/profiles", content="x").status_code == 401
    forbidden = client.post("/v1/profiles", content="x", headers={"Authorization": keys["reader"]})
    assert forbidden.status_code == 403
    auth = {"Authorization": keys["writer"]}
    big = client.post("/v1/profiles", content="a" * (2 * 1024 * 1024 + 1), headers=auth)
    assert (big.status_code, big.json()["parameter"]) == (413, "body")
    empty = client.post("/v1/profiles", content="  ", headers=auth)
    assert (empty.status_code, empty.json()["parameter"]) == (422, "body")
    nowhere = client.post("/v1/profiles", content="Nothing to see here.", headers=auth)
    assert (nowhere.status_code, nowhere.json()["parameter"]) == (422, "text")
    missing = client.get("/v1/drafts/nope")
    assert (missing.status_code, missing.json()["parameter"]) == (404, "draft")
    assert client.post("/v1/profiles/nope/publish", headers=auth).status_code == 404
