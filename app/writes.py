"""Curator writes: create, replace, merge-patch and retire records, each one a change.

Every write validates with the record's own schema (the one reads and data files use),
checks references like `load` does, holds the write lock, compares the version the caller
read (optimistic concurrency), logs the change with before and after values and bumps the
data version, all in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Container, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import dataversion, history, models
from app.errors import ProblemError
from app.importers.curated import reference_problems
from app.importers.yamlfile import Loc
from app.records import Kind, Value, get, remove, store

Patch = dict[str, Any]


@dataclass
class Written:
    """The outcome of a write: the record's value (None once retired), version and change."""

    value: Value | None
    version: int
    change_id: int
    change: models.Change | None = None


def _invalid(errors: list[tuple[str, str]], *, references: bool = False) -> ProblemError:
    """A 422 listing every fault of a record; `references`: its fields are well formed, but
    name a country, treaty, source, footnote or resolution the data does not hold."""
    field, message = errors[0]
    return ProblemError(
        422,
        "Unknown reference" if references else "Invalid record",
        f"{field}: {message}",
        kind="unknown-reference" if references else "invalid-record",
        parameter=field,
        errors=[{"field": f, "message": m} for f, m in errors],
    )


class _InDb(Mapping[str, Container[int]]):
    """The database as the `Known` of the reference checks."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.countries = _Exists(session, models.Country.iso3)
        self.treaties: Collection[str] = set(session.scalars(select(models.Treaty.slug)))
        self.footnotes = self
        self.resolutions = _Exists(session, models.Resolution.symbol)

    def __getitem__(self, source: str) -> Container[int]:
        if self.session.get(models.Source, source) is None:
            raise KeyError(source)
        numbers = select(models.Citation.number).where(models.Citation.source == source)
        return set(self.session.scalars(numbers))

    def __iter__(self) -> Iterator[str]:
        return iter(self.session.scalars(select(models.Source.id)))

    def __len__(self) -> int:
        return len(list(self))


class _Exists(Container[str]):
    def __init__(self, session: Session, column: Any) -> None:
        self.session, self.column = session, column

    def __contains__(self, key: object) -> bool:
        found = self.session.scalar(select(self.column).where(self.column == key).limit(1))
        return found is not None


def validate(session: Session, kind: Kind, body: Any, extras: Value) -> Value:
    """A request body as a record value: the schema's checks, then every reference."""
    if not isinstance(body, dict):
        raise _invalid([("body", "a record must be a JSON object")])
    body = dict(body)
    if kind.name == "citation" and "id" not in body:
        body["id"] = models.citation_id(body.get("source"), body.get("number"))
    try:
        record = kind.schema.model_validate(body)
    except ValidationError as exc:
        raise _invalid(
            [(".".join(str(p) for p in e["loc"]) or "body", e["msg"]) for e in exc.errors()]
        ) from None
    problems: list[tuple[Loc, str]] = []
    if kind.name == "citation" and record.id != models.citation_id(record.source, record.number):  # type: ignore[attr-defined]
        problems.append((("id",), "a footnote's id is '{source}:{number}'"))
    problems += [((field,), message) for field, message in kind.misfits(record.model_dump())]
    if problems:
        raise _invalid([(".".join(str(p) for p in loc), msg) for loc, msg in problems])
    unknown = reference_problems(record, _InDb(session))
    if unknown:
        raise _invalid(
            [(".".join(str(p) for p in loc), msg) for loc, msg in unknown], references=True
        )
    return {**record.model_dump(mode="json"), **extras}


def _current(session: Session, kind: Kind, record_id: str) -> tuple[Value, int]:
    found = get(session, kind, record_id)
    if found is None:
        raise ProblemError(
            404,
            "Record not found",
            f"no {kind.name} {record_id!r}",
            kind="record-not-found",
            parameter="record_id",
        )
    return found


def _stale(kind: Kind, record_id: str, expected: int, version: int) -> ProblemError:
    return ProblemError(
        412,
        "Precondition failed",
        f"{kind.name} {record_id!r} is at version {version}, not {expected}: "
        "someone changed it first; read it again and retry",
        kind="stale-version",
        parameter="If-Match",
        current_version=version,
    )


def create(session: Session, kind: Kind, body: Any, actor: str, reason: str | None) -> Written:
    """Add a record (409 if its id is taken)."""
    history.lock(session)
    extras = {"origin": "api"} if "origin" in kind.extras else {}
    value = validate(session, kind, body, extras)
    record_id = kind.id_of(value)
    if get(session, kind, record_id) is not None:
        raise ProblemError(
            409,
            "Record exists",
            f"{kind.name} {record_id!r} exists already; replace or patch it",
            kind="record-exists",
            parameter="id",
        )
    version = history.last_versions(session, kind).get(record_id, 0) + 1
    store(session, kind, value, version, 0)
    return _logged(session, actor, "create", kind, record_id, None, value, version, reason)


def replace(
    session: Session,
    kind: Kind,
    record_id: str,
    body: Any,
    expected: int,
    actor: str,
    reason: str | None,
    action: str = "replace",
) -> Written:
    """Replace a record whole, if it is still at version `expected`."""
    history.lock(session)
    before, version = _current(session, kind, record_id)
    if version != expected:
        raise _stale(kind, record_id, expected, version)
    extras = {k: before[k] for k in kind.extras}
    value = validate(session, kind, body, extras)
    if kind.id_of(value) != record_id:
        fields = ", ".join(kind.key if kind.name != "country_name" else ("name",))
        message = f"the record's key ({fields}) cannot change"
        raise ProblemError(
            422,
            "Key change",
            f"{kind.key[0]}: {message}",
            kind="key-change",
            parameter=kind.key[0],
            errors=[{"field": kind.key[0], "message": message}],
        )
    if value == before:
        return Written(value, version, 0)
    if not store(session, kind, value, version + 1, expected):
        raise _stale(kind, record_id, expected, version)
    return _logged(session, actor, action, kind, record_id, before, value, version + 1, reason)


def patch(
    session: Session,
    kind: Kind,
    record_id: str,
    changes: Any,
    expected: int,
    actor: str,
    reason: str | None,
) -> Written:
    """Apply a JSON Merge Patch (RFC 7396) to a record at version `expected`."""
    history.lock(session)
    before, _ = _current(session, kind, record_id)
    base = {k: v for k, v in before.items() if k not in kind.extras}
    merged = merge_patch(base, changes)
    return replace(session, kind, record_id, merged, expected, actor, reason, "patch")


def retire(
    session: Session, kind: Kind, record_id: str, expected: int, actor: str, reason: str | None
) -> Written:
    """Remove a record from every read; its last value stays in the history."""
    history.lock(session)
    before, version = _current(session, kind, record_id)
    if version != expected:
        raise _stale(kind, record_id, expected, version)
    blocker = _dependents(session, kind, record_id)
    if blocker:
        raise ProblemError(
            409,
            "Record in use",
            f"{kind.name} {record_id!r} is still referenced by {blocker}; retire those first",
            kind="record-in-use",
            parameter="id",
        )
    if not remove(session, kind, record_id, expected):
        raise _stale(kind, record_id, expected, version)
    return _logged(session, actor, "retire", kind, record_id, before, None, version, reason)


def _dependents(session: Session, kind: Kind, record_id: str) -> str | None:
    """What still points at a source, footnote or resolution about to be retired."""
    checks: list[tuple[str, Any]] = []
    if kind.name == "source":
        checks = [("footnotes", models.Citation.source)] + [
            (m.__tablename__, m.source)
            for m in (
                models.Treaty,
                models.Resolution,
                models.TreatyAction,
                models.StatusStatement,
                models.Participation,
                models.Position,
                models.Stockpile,
                models.Practice,
                models.Vote,
            )
        ]
    elif kind.name == "citation":
        checks = [("records", models.CitationLink.citation_id)]
    elif kind.name == "resolution":
        checks = [("votes", models.Vote.resolution)]
    for label, column in checks:
        if session.scalar(select(column).where(column == record_id).limit(1)) is not None:
            return label
    return None


def _logged(
    session: Session,
    actor: str,
    action: str,
    kind: Kind,
    record_id: str,
    before: Value | None,
    after: Value | None,
    version: int,
    reason: str | None,
) -> Written:
    change = history.log(
        session,
        actor,
        action,
        kind,
        record_id,
        before,
        after,
        version if after is not None else None,
        reason,
    )
    dataversion.bump(session)
    return Written(after, version, change.id, change)


def merge_patch(target: Any, patch_: Any) -> Any:
    """RFC 7396: objects merge recursively, null removes a member, anything else replaces."""
    if not isinstance(patch_, dict):
        return patch_
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch_.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result
