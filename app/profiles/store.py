"""Ingest a profile as a Source, its Citations and drafts; publish drafts as records."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import orjson
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import dataversion, models
from app.errors import NotFoundError, ProblemError
from app.profiles.parser import parse
from app.profiles.result import LISTS, Item, ProfileResult
from app.records import BY_NAME
from app.schemas import Participation, Position, Practice, StatusStatement, Stockpile, Vote

PUBLISHER = "Landmine and Cluster Munition Monitor"
SCHEMAS: dict[str, type[BaseModel]] = {
    "status_statement": StatusStatement,
    "vote": Vote,
    "participation": Participation,
    "stockpile": Stockpile,
    "practice": Practice,
    "position": Position,
}
MODELS: dict[str, type[models.Base]] = {
    "status_statement": models.StatusStatement,
    "vote": models.Vote,
    "participation": models.Participation,
    "stockpile": models.Stockpile,
    "practice": models.Practice,
    "position": models.Position,
}


def _sha(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def source_id(result: ProfileResult, raw: str) -> str:
    """A stable id: country, kind and the date shown (or a hash of the text)."""
    kind = (result.kind or "profile").replace("_", "-")
    stamp = result.last_updated or _sha(raw)[:10]
    return f"profile-{(result.country or 'xxx').lower()}-{kind}-{stamp}"


def payload(
    kind: str, item: Item, source: str, country: str, rid: str, as_of: str | None
) -> dict[str, Any]:
    """The record a draft stands for, in the shape of its schema."""
    data = item.model_dump(mode="json", exclude={"span", "text"})
    base = {"source": source, "citations": data.pop("citations"), "country": country}
    if kind == "status_statement":
        return {
            **base,
            "id": rid,
            "treaty": data["treaty"],
            "status": data["status"],
            "as_of": data["date"] or as_of,
            "text": item.text,
        }
    if kind == "vote":
        return {
            **base,
            "resolution": data["resolution"],
            "vote": data["vote"],
            "source_code": None,
            "note": item.text,
        }
    if kind == "participation":
        return {**base, "id": rid, **data, "note": item.text}
    if kind == "position":
        return {**base, "id": rid, **data, "text": item.text}
    return {**base, "id": rid, **data}


def validate(kind: str, data: dict[str, Any]) -> BaseModel:
    """The payload checked by its record schema and its table; a 422 problem naming the field."""
    try:
        record = SCHEMAS[kind].model_validate(data)
    except ValidationError as exc:
        errors = [(".".join(map(str, e["loc"])), e["msg"]) for e in exc.errors()]
    else:
        errors = BY_NAME[kind].misfits(record.model_dump())
        if not errors:
            return record
    field, message = errors[0]
    raise ProblemError(
        422,
        "Invalid draft",
        f"{field or 'payload'}: {message}",
        kind="invalid-draft",
        parameter=field or "payload",
        errors=[{"parameter": f, "message": m} for f, m in errors],
    )


def ingest(
    session: Session, raw: str, publish: bool = False
) -> list[tuple[ProfileResult, str, list[models.Draft]]]:
    """Store every profile in the text; the same text twice creates nothing new."""
    first = parse(raw)
    results = [first, *first.sections]
    found = [(result, result.country) for result in results if result.country is not None]
    if len(found) < len(results):  # checked before anything is written
        raise ProblemError(
            422,
            "Unreadable profile",
            "the country could not be recognised",
            kind="unreadable-profile",
            parameter="text",
        )
    out = []
    now = datetime.now(UTC)
    changed = False
    for result, country in found:
        sid = source_id(result, raw)
        source = session.get(models.Source, sid)
        if source is None:
            source = models.Source(
                id=sid,
                title=result.title or f"{country}: profile",
                publisher=PUBLISHER,
                kind="monitor_profile",
                country=country,
                origin="profile",
                last_updated=_date(result.last_updated),
                imported_at=now,
            )
            session.add(source)
            for c in result.citations:
                cid = models.citation_id(sid, c.number)
                session.add(models.Citation(id=cid, source=sid, **c.model_dump()))
            session.flush()
            changed = True
        as_of = result.last_updated
        drafts = []
        for attr, kind in LISTS.items():
            for item in getattr(result, attr):
                body = item.model_dump_json(exclude={"span", "text"})
                did = _sha(sid, kind, body, item.text)[:16]
                draft = session.get(models.Draft, did)
                if draft is None:
                    rid = f"{sid[:60]}-{did[:12]}"
                    draft = models.Draft(
                        id=did,
                        source=sid,
                        kind=kind,
                        payload=payload(kind, item, sid, country, rid, as_of),
                        span_start=item.span[0],
                        span_end=item.span[1],
                        citations=list(item.citations),
                        status="draft",
                        created_at=now,
                        updated_at=now,
                    )
                    session.add(draft)
                    changed = True
                drafts.append(draft)
        session.flush()
        if publish:
            for draft in drafts:
                if draft.status == "draft" and _publishable(session, draft):
                    publish_draft(session, draft, bump=False)
                    changed = True
        out.append((result, sid, drafts))
    if changed:
        dataversion.bump(session)
    return out


def _date(value: str | None) -> Any:
    from datetime import date

    return date.fromisoformat(value) if value and len(value) == 10 else None


def _publishable(session: Session, draft: models.Draft) -> bool:
    try:
        _check(session, draft)
    except ProblemError:
        return False
    return True


def _unknown(field: str, message: str) -> ProblemError:
    """A draft's well-formed field naming what the data does not hold."""
    return ProblemError(
        422,
        "Unknown reference",
        f"{field}: {message}",
        kind="unknown-reference",
        parameter=field,
        errors=[{"field": field, "message": message}],
    )


def _check(session: Session, draft: models.Draft) -> BaseModel:
    record = validate(draft.kind, draft.payload)
    treaty = getattr(record, "treaty", None)
    if treaty and session.get(models.Treaty, treaty) is None:
        raise _unknown("treaty", f"unknown treaty {treaty!r}")
    resolution = getattr(record, "resolution", None)
    if draft.kind == "vote" and session.get(models.Resolution, resolution) is None:
        raise _unknown("resolution", f"unknown resolution {resolution!r}")
    known = set(
        session.scalars(
            select(models.Citation.number).where(models.Citation.source == draft.source)
        )
    )
    for n in getattr(record, "citations", []):
        if n not in known:
            raise _unknown("citations", f"no footnote {n}")
    return record


def publish_draft(session: Session, draft: models.Draft, bump: bool = True) -> models.Draft:
    """Write the record a draft stands for, with its citation links."""
    if draft.status == "published":
        return draft
    record = _check(session, draft)
    data = record.model_dump(exclude={"citations", "costs"})
    obj = session.merge(MODELS[draft.kind](**data))
    session.flush()
    if draft.kind == "vote":
        rid = f"{data['resolution']}|{data['country']}|{data['source']}"
    else:
        rid = data["id"]
    for i, cost in enumerate(getattr(record, "costs", [])):
        session.merge(models.StockpileCost(stockpile_id=rid, position=i, **cost.model_dump()))
    for n in getattr(record, "citations", []):
        session.merge(
            models.CitationLink(
                citation_id=models.citation_id(draft.source, n),
                record_type=draft.kind,
                record_id=rid,
            )
        )
    draft.status, draft.record_id = "published", rid
    draft.updated_at = datetime.now(UTC)
    session.flush()
    del obj
    if bump:
        dataversion.bump(session)
    return draft


def publish_source(session: Session, source: str) -> list[models.Draft]:
    """Publish every draft of a source; a 422 names the first draft that cannot be."""
    if session.get(models.Source, source) is None:
        raise NotFoundError("source", source, "source", [])
    drafts = list(
        session.scalars(
            select(models.Draft)
            .where(models.Draft.source == source, models.Draft.status == "draft")
            .order_by(models.Draft.span_start, models.Draft.id)
        )
    )
    for draft in drafts:
        publish_draft(session, draft, bump=False)
    if drafts:
        dataversion.bump(session)
    return drafts


def edit_draft(session: Session, draft: models.Draft, patch: dict[str, Any]) -> models.Draft:
    """JSON Merge Patch (RFC 7396) of a draft's payload, re-validated by its schema."""
    if draft.status == "published":
        raise ProblemError(
            409,
            "Draft already published",
            f"draft {draft.id} is published",
            kind="draft-published",
            parameter="id",
        )
    merged = _merge(dict(draft.payload), patch)
    validate(draft.kind, merged)
    draft.payload = merged
    draft.citations = list(merged.get("citations") or [])
    draft.updated_at = datetime.now(UTC)
    session.flush()
    return draft


def _merge(target: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            target[key] = _merge(dict(target[key]), value)
        else:
            target[key] = value
    return target


def get_draft(session: Session, draft_id: str) -> models.Draft:
    """One draft or a 404 problem."""
    draft = session.get(models.Draft, draft_id)
    if draft is None:
        raise NotFoundError("draft", draft_id, "draft", [])
    return draft


def dumps(value: Any) -> str:
    """JSON text for the CLI."""
    return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
