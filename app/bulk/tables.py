"""The package's resources: one per table, its columns, keys and types read from the model.

The field list of a resource is its table's (`app.models`), less the edit counter `version`;
descriptions come from the record's schema (`app.schemas`), so neither is written twice.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    Float,
    Integer,
    Select,
    String,
    select,
    type_coerce,
)
from sqlalchemy import Table as SqlTable
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeEngine

from app import models, schemas
from app.bulk.descriptor import Constraints, ForeignKey, Reference, TableField, TableSchema
from app.errors import NotFoundError
from app.importers.m49 import SOURCE_ID as M49_SOURCE
from app.queries.countries import COUNTRY_SOURCES

#: Columns of a table that are not facts: the version a curator's edit is checked against.
LEFT_OUT = frozenset({"version"})


@dataclass(frozen=True)
class Table:
    """One resource of the package: a table of the database as one CSV file."""

    name: str
    model: type[models.Base]
    schema: type[BaseModel]
    title: str
    description: str
    #: The sources of a table without a `source` column (None: its rows' `source` values).
    fixed_sources: tuple[str, ...] | None = None
    #: Foreign keys the database does not declare: column -> (table, column).
    references: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def table(self) -> SqlTable:
        """The database table."""
        return models.Base.metadata.tables[self.model.__tablename__]

    @property
    def columns(self) -> list[Column[object]]:
        """The table's columns in their order, less `LEFT_OUT`."""
        return [c for c in self.table.columns if c.name not in LEFT_OUT]

    @property
    def file(self) -> str:
        """The resource's file name."""
        return f"{self.name}.csv"

    def query(self) -> Select[Any]:
        """Every row, by primary key; vocabularies and dates read as the stored text."""
        key = self.table.primary_key.columns
        return select(*[_as_read(c) for c in self.columns]).order_by(*key)

    def table_schema(self) -> TableSchema:
        """The resource's Table Schema: fields, primary key, foreign keys."""
        keys = []
        for column in self.columns:
            targets = [(fk.column.table.name, fk.column.name) for fk in column.foreign_keys]
            if column.name in self.references:
                targets.append(self.references[column.name])
            for target_table, target_column in targets:
                other = by_table(target_table)
                if other is not None:
                    resource = "" if other is self else other.name
                    keys.append(
                        ForeignKey(
                            fields=[column.name],
                            reference=Reference(resource=resource, fields=[target_column]),
                        )
                    )
        return TableSchema(
            fields=[self._field(c) for c in self.columns],
            primary_key=[c.name for c in self.table.primary_key.columns],
            foreign_keys=keys,
        )

    def _field(self, column: Column[object]) -> TableField:
        info = self.schema.model_fields.get(column.name)
        required = not column.nullable
        enum = None
        if isinstance(column.type, Enum) and column.type.enum_class is not None:
            enum = [str(e.value) for e in column.type.enum_class]
        constraints = Constraints(required=required or None, enum=enum)
        return TableField(
            name=column.name,
            type=field_type(column),
            description=info.description if info is not None else None,
            constraints=constraints if required or enum else None,
        )


#: The Table Schema type of each SQL type (the first that a column's type is wins).
TABLE_SCHEMA_TYPES: tuple[tuple[type[TypeEngine[Any]], str], ...] = (
    (Boolean, "boolean"),
    (Integer, "integer"),
    (Float, "number"),
    (DateTime, "datetime"),
    (Date, "date"),
    (JSON, "array"),
    (String, "string"),
)


def field_type(column: Column[object]) -> str:
    """The Table Schema type of a column."""
    for sql, table_schema in TABLE_SCHEMA_TYPES:
        if isinstance(column.type, sql):
            return table_schema
    raise TypeError(f"{column}: no Table Schema type for {column.type!r}")


def _as_read(column: Column[object]) -> ColumnElement[Any]:
    """A column as a CSV cell needs it: a vocabulary as its stored word and a date as the
    driver gives it (SQLite: the ISO text it stored; PostgreSQL: a date, written the same), so
    no enum or date is made per row; every other type as its column type reads it."""
    if isinstance(column.type, Enum) or type(column.type) is Date:
        return type_coerce(column, String).label(column.name)
    return column


TABLES: tuple[Table, ...] = (
    Table(
        "countries",
        models.Country,
        schemas.Country,
        "Countries",
        "Every ISO 3166-1 area and the historical codes UN records use, with the `state` flag "
        "(the 197 states treaties are open to), the administering state of an area that is "
        "not one, UN membership and UN M49 regions.",
        fixed_sources=(*COUNTRY_SOURCES, M49_SOURCE),
        references={"administered_by": ("countries", "iso3")},
    ),
    Table(
        "treaties",
        models.Treaty,
        schemas.TreatyFields,
        "Treaties",
        "The treaties and protocols: adoption, opening for signature, entry into force and "
        "the rule by which a state's own entry into force is reckoned.",
    ),
    Table(
        "treaty-actions",
        models.TreatyAction,
        schemas.TreatyActionFields,
        "Treaty actions",
        "Every dated action of a country toward a treaty (signature, ratification, accession, "
        "…, withdrawal), each with its source; statuses are derived from these.",
    ),
    Table(
        "resolutions",
        models.Resolution,
        schemas.ResolutionFields,
        "UN General Assembly resolutions",
        "Recorded votes of the UN General Assembly: symbol, session, date, title, the treaty "
        "it is about, official totals and the totals counted from the votes.",
    ),
    Table(
        "votes",
        models.Vote,
        schemas.VoteFields,
        "UN General Assembly votes",
        "Every recorded vote of every member on every resolution, as each source records it "
        "(a source is part of the key); `date` is the resolution's.",
    ),
    Table(
        "sources",
        models.Source,
        schemas.SourceFields,
        "Sources",
        "The published documents the records come from, with their dates and licences.",
        fixed_sources=(),
    ),
    Table(
        "citations",
        models.Citation,
        schemas.Citation,
        "Citations",
        "The numbered footnotes of the sources that back the records.",
    ),
    Table(
        "stockpiles",
        models.Stockpile,
        schemas.StockpileFields,
        "Stockpiles",
        "Stockpiles of a weapon as a source reports them (`types` a JSON array).",
    ),
    Table(
        "practices",
        models.Practice,
        schemas.PracticeFields,
        "Practices",
        "Findings about a country's use, production, transfer or export of a weapon.",
    ),
    Table(
        "positions",
        models.Position,
        schemas.PositionFields,
        "Positions",
        "Dated policy statements of a country, about a treaty or in general.",
    ),
)


def by_table(table: str) -> Table | None:
    """The resource of a database table, if the package has one."""
    return next((t for t in TABLES if t.model.__tablename__ == table), None)


def find(name: str) -> Table:
    """The resource named `name`; a miss is the not-found problem with close matches."""
    names = {t.name: t for t in TABLES}
    if name in names:
        return names[name]
    close = difflib.get_close_matches(name.lower(), names, n=3, cutoff=0.6)
    suggestions = [{"name": n} for n in close]
    raise NotFoundError("resource", name, "resource", suggestions)
