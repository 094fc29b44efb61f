"""The record kinds curators write, their values (the schema's JSON) and how they are stored.

A record's value is its write schema dumped as JSON (citations as footnote numbers of its
source, a stockpile's costs inline, a treaty's aliases inline): the same shape as in `data/`
files, in the history and in the change feed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    SmallInteger,
    and_,
    delete,
    false,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from app import models, schemas
from app.names import fold

Value = dict[str, Any]
#: Parts of a value kept in their own tables.
NESTED = ("citations", "costs", "aliases")


@dataclass(frozen=True)
class Kind:
    """A record type: its URL segment, table, schema and key."""

    name: str
    path: str
    model: Any
    schema: type[schemas.Schema]
    key: tuple[str, ...]
    writable: bool = True
    renames: dict[str, str] = field(default_factory=dict)
    extras: tuple[str, ...] = ()

    @property
    def cited(self) -> bool:
        """Whether the record carries footnote numbers (citation links)."""
        return "citations" in self.schema.model_fields and self.name != "source"

    def id_of(self, value: Value) -> str:
        """The record id of a value (what history and URLs use)."""
        if self.name == "country_name":
            return fold(value["name"])
        return "|".join(str(value[k]) for k in self.key)

    def where(self, record_id: str) -> ColumnElement[bool]:
        """The row of a record id."""
        parts = record_id.split("|") if len(self.key) > 1 else [record_id]
        if len(parts) != len(self.key):
            return false()
        return and_(*(getattr(self.model, k) == p for k, p in zip(self.key, parts, strict=True)))

    def misfits(self, value: Value) -> list[tuple[str, str]]:
        """The fields of a value its tables cannot hold (see `misfits`), named as in the value."""
        fields = {column: name for name, column in self.renames.items()} | {"folded": "name"}
        found = [(fields.get(f, f), m) for f, m in misfits(self.model, self.row(value))]
        for i, cost in enumerate(value.get("costs") or []):
            found += misfits(models.StockpileCost, cost, f"costs.{i}.")
        return list(dict.fromkeys(found))

    def bounds(self, field: str) -> dict[str, int]:
        """The limits of a field's values its table sets (see `bounds`)."""
        return bounds(self.model, self.renames.get(field, field))

    def row(self, value: Value) -> Value:
        """The table columns of a value."""
        row = {self.renames.get(k, k): v for k, v in value.items() if k not in NESTED}
        if self.name == "country_name":
            row["folded"] = fold(value["name"])
        return {k: _python(self.model, k, v) for k, v in row.items()}


_INT_LIMITS = ((BigInteger, 2**63), (SmallInteger, 2**15), (Integer, 2**31))


def misfits(model: Any, row: Value, prefix: str = "") -> list[tuple[str, str]]:
    """Column values PostgreSQL refuses and SQLite would keep: NUL characters, text longer
    than its column, integers out of the column's range; as (column, message)."""
    found = []
    for name, value in row.items():
        column_type = model.__table__.c[name].type
        length = getattr(column_type, "length", None)
        if isinstance(value, str) and "\x00" in value:
            found.append((prefix + name, "String should not contain NUL characters"))
        elif isinstance(value, str) and length is not None and len(value) > length:
            found.append((prefix + name, f"String should have at most {length} characters"))
        elif isinstance(value, int) and not isinstance(value, bool):
            limit = next((n for t, n in _INT_LIMITS if isinstance(column_type, t)), None)
            if limit is not None and not -limit <= value < limit:
                found.append((prefix + name, f"Input should be from {-limit} to {limit - 1}"))
    return found


def bounds(model: Any, column: str) -> dict[str, int]:
    """What `misfits` holds a column's values to, as JSON Schema keywords: a text's
    `maxLength`, an integer's `minimum` and `maximum` (none for a name that is no column)."""
    if column not in model.__table__.c:
        return {}
    column_type = model.__table__.c[column].type
    length = getattr(column_type, "length", None)
    if length is not None:
        return {"maxLength": length}
    limit = next((n for t, n in _INT_LIMITS if isinstance(column_type, t)), None)
    return {} if limit is None else {"minimum": -limit, "maximum": limit - 1}


def _python(model: Any, column: str, value: Any) -> Any:
    """A JSON value as the column's Python type (dates)."""
    if value is None:
        return None
    py = model.__table__.c[column].type.python_type
    if py.__name__ in ("date", "datetime") and isinstance(value, str):
        return py.fromisoformat(value)
    return value


def _kind(name: str, path: str, model: Any, schema: Any, key: str, **kw: Any) -> Kind:
    return Kind(name, path, model, schema, tuple(key.split()), **kw)


#: Every kind in dependency order (a record only points at kinds before it).
KINDS = [
    _kind("country", "countries", models.Country, schemas.Country, "iso3", writable=False),
    _kind(
        "country_name",
        "country-names",
        models.CountryName,
        schemas.CountryNameFields,
        "folded",
        renames={"country": "country_iso3"},
    ),
    _kind("source", "sources", models.Source, schemas.SourceFields, "id", extras=("origin",)),
    _kind("citation", "citations", models.Citation, schemas.Citation, "id"),
    _kind("treaty", "treaties", models.Treaty, schemas.Treaty, "slug", writable=False),
    _kind("resolution", "resolutions", models.Resolution, schemas.Resolution, "symbol"),
    _kind("treaty_action", "treaty-actions", models.TreatyAction, schemas.TreatyAction, "id"),
    _kind(
        "status_statement",
        "status-statements",
        models.StatusStatement,
        schemas.StatusStatement,
        "id",
    ),
    _kind("participation", "participations", models.Participation, schemas.Participation, "id"),
    _kind("position", "positions", models.Position, schemas.Position, "id"),
    _kind("stockpile", "stockpiles", models.Stockpile, schemas.Stockpile, "id"),
    _kind("practice", "practices", models.Practice, schemas.Practice, "id"),
    _kind("vote", "votes", models.Vote, schemas.Vote, "resolution country source"),
]
BY_NAME = {k.name: k for k in KINDS}
BY_PATH = {k.path: k for k in KINDS if k.writable}


def values(
    session: Session, kind: Kind, scope: ColumnElement[bool] | None = None
) -> dict[str, tuple[Value, int]]:
    """Every record of a kind (in `scope`) by id: its value and its version."""
    stmt = select(kind.model) if scope is None else select(kind.model).where(scope)
    rows = list(session.scalars(stmt.order_by(*(getattr(kind.model, k) for k in kind.key))))
    links: dict[str, list[int]] = defaultdict(list)
    if kind.cited and rows:
        link = models.CitationLink
        for cid, rid in session.execute(
            select(link.citation_id, link.record_id).where(link.record_type == kind.name)
        ):
            links[rid].append(int(cid.rsplit(":", 1)[1]))
    result: dict[str, tuple[Value, int]] = {}
    for obj in rows:
        value = _value(kind, obj, links)
        result[kind.id_of(value)] = (value, obj.version)
    return result


def _value(kind: Kind, obj: Any, links: dict[str, list[int]]) -> Value:
    data: Value = {}
    for name in kind.schema.model_fields:
        if name == "citations":
            rid = obj.record_id if kind.name == "vote" else getattr(obj, kind.key[0])
            data[name] = sorted(links.get(rid, []))
        elif name == "costs":
            data[name] = [schemas.CostFields.model_validate(c) for c in obj.costs]
        else:
            data[name] = getattr(obj, kind.renames.get(name, name))
    value = kind.schema.model_validate(data).model_dump(mode="json")
    value.update({k: getattr(obj, k) for k in kind.extras})
    return value


def get(session: Session, kind: Kind, record_id: str) -> tuple[Value, int] | None:
    """One record's value and version, or None."""
    return values(session, kind, kind.where(record_id)).get(record_id)


def store(session: Session, kind: Kind, value: Value, version: int, expected: int | None) -> bool:
    """Write a record: insert when `expected` is 0, else update the row whose version is
    `expected` (any version when None); replaces its links, costs and aliases. A resolution's
    votes take its date (a vote takes it on insert: `models.resolution_date`).

    False when no row had the expected version (someone else changed it first).
    """
    rid = kind.id_of(value)
    row = {**kind.row(value), "version": version}
    if expected == 0:
        session.execute(insert(kind.model).values(**row))
    else:
        stmt = update(kind.model).where(kind.where(rid))
        if expected is not None:
            stmt = stmt.where(kind.model.version == expected)
        if session.execute(stmt.values(**row)).rowcount == 0:  # type: ignore[attr-defined]
            if expected is not None:
                return False
            session.execute(insert(kind.model).values(**row))
    _clear_nested(session, kind, rid)
    _insert(session, models.CitationLink, _links(kind, rid, value))
    if kind.name == "stockpile":
        costs = [{"stockpile_id": rid, "position": i, **c} for i, c in enumerate(value["costs"])]
        _insert(session, models.StockpileCost, costs)
    if kind.name == "treaty":
        aliases = [{"folded": fold(a), "treaty": rid, "alias": a} for a in value["aliases"]]
        _insert(session, models.TreatyAlias, aliases)
    if kind.name == "resolution":
        models.follow_dates(session.connection(), {rid: row["date"]})
    return True


def remove(session: Session, kind: Kind, record_id: str, expected: int | None) -> bool:
    """Delete a record with its links, costs and aliases; False on a stale `expected`."""
    stmt = delete(kind.model).where(kind.where(record_id))
    if expected is not None:
        stmt = stmt.where(kind.model.version == expected)
        if session.scalar(select(kind.model.version).where(kind.where(record_id))) != expected:
            return False
    _clear_nested(session, kind, record_id)
    session.execute(stmt)
    return True


def _clear_nested(session: Session, kind: Kind, rid: str) -> None:
    link = models.CitationLink
    if kind.cited:
        session.execute(delete(link).where(link.record_type == kind.name, link.record_id == rid))
    if kind.name == "stockpile":
        cost = models.StockpileCost
        session.execute(delete(cost).where(cost.stockpile_id == rid))
    if kind.name == "treaty":
        alias = models.TreatyAlias
        session.execute(delete(alias).where(alias.treaty == rid))


def _links(kind: Kind, rid: str, value: Value) -> list[Value]:
    if not kind.cited:
        return []
    return [
        {
            "citation_id": models.citation_id(value["source"], n),
            "record_type": kind.name,
            "record_id": rid,
        }
        for n in dict.fromkeys(value["citations"])
    ]


def _insert(session: Session, model: Any, rows: Iterable[Value]) -> None:
    rows = list(rows)
    if rows:
        session.execute(insert(model), rows)
