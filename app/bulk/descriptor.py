"""The data package descriptor (`datapackage.json`) as typed records: Frictionless Data Package,
Tabular Data Resource and Table Schema, with this project's own properties."""

from __future__ import annotations

from datetime import date, datetime

import orjson
from pydantic import BaseModel, ConfigDict, Field

from app.bulk import example


class Descriptor(BaseModel):
    """Base of the descriptor's parts: camelCase names where the specifications use them."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Licence(Descriptor):
    """A licence of the data, as the sources state it."""

    name: str | None = Field(None, description="Open Definition / SPDX id of the licence.")
    path: str | None = Field(None, description="The licence's own page.")
    title: str = Field(description="The licence statement, as the sources word it.")


class PackageSource(Descriptor):
    """A source the rows of a resource come from (a row of the `sources` resource)."""

    id: str = Field(description="The source's id (`source` columns point at it).")
    title: str
    path: str | None = Field(None, description="The source's URL.")
    publisher: str
    licence: str | None = Field(None, description="The source's licence statement, if it has one.")


class Constraints(Descriptor):
    """What every value of a field meets."""

    required: bool | None = Field(None, description="No value is missing.")
    enum: list[str] | None = Field(None, description="The only values a field takes.")


class TableField(Descriptor):
    """A column: its name, Table Schema type and meaning."""

    name: str
    type: str = Field(description="string, integer, number, boolean, date, datetime or array.")
    description: str | None = None
    constraints: Constraints | None = None


class Reference(Descriptor):
    """The resource and columns a foreign key points at ("": the same resource)."""

    resource: str
    fields: list[str]


class ForeignKey(Descriptor):
    """Columns whose values are keys of another resource (or of the same)."""

    fields: list[str]
    reference: Reference


class TableSchema(Descriptor):
    """A resource's Table Schema."""

    fields: list[TableField]
    primary_key: list[str] = Field(alias="primaryKey")
    foreign_keys: list[ForeignKey] = Field(default_factory=list, alias="foreignKeys")
    missing_values: list[str] = Field(
        default_factory=lambda: [""],
        alias="missingValues",
        description="An empty cell is a missing value (null).",
    )


class PackageResource(Descriptor):
    """One table of the record as a CSV file (UTF-8, header row, CRLF line ends)."""

    name: str
    path: str = Field(description="The file: its name in the package folder, or its URL.")
    profile: str = "tabular-data-resource"
    type: str = "table"
    format: str = "csv"
    mediatype: str = "text/csv"
    encoding: str = "utf-8"
    title: str
    description: str
    hash: str = Field(description='"sha256:" and the SHA-256 of the file, in hex.')
    bytes: int = Field(ge=0, description="Size of the file.")
    rows: int = Field(ge=0, description="Rows of data (the header row not counted).")
    table_schema: TableSchema = Field(alias="schema")
    licenses: list[Licence] = Field(
        description="The licences of the rows' sources (each source's own is in `sources`)."
    )
    sources: list[PackageSource]


class DataPackage(Descriptor):
    """The whole record as a Frictionless (Tabular) Data Package."""

    model_config = ConfigDict(json_schema_extra=example.add_example)

    profile: str = "tabular-data-package"
    name: str
    title: str
    description: str
    created: datetime | None = Field(None, description="When the data last changed (UTC).")
    data_version: int = Field(
        ge=0, description="The data version the files hold (the API's ETags derive from it)."
    )
    record_as_at: dict[str, date | None] = Field(
        description="Per treaty slug, the date its record is known up to: the latest "
        '"status as at" date of its UN Treaty Collection status page (null without one).'
    )
    licenses: list[Licence] = Field(description="Every resource's licences.")
    resources: list[PackageResource]


def to_json(package: DataPackage, indent: bool = False) -> bytes:
    """The descriptor's JSON (camelCase names, absent properties left out)."""
    data = package.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["record_as_at"] = {k: v and v.isoformat() for k, v in package.record_as_at.items()}
    if indent:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    return orjson.dumps(data)
