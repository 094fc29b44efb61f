"""Shapes of the write side: the bodies writes take (one schema per record type), a record as
written, and a change entry of the history."""

from __future__ import annotations

import operator
from collections.abc import Iterable
from functools import reduce
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    RootModel,
    create_model,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from app import records, schemas

RECORD_EXAMPLE: dict[str, Any] = {
    "id": "kgz-ap-stockpile-2018",
    "country": "KGZ",
    "weapon": "antipersonnel_mine",
    "quantity_kind": "range",
    "quantity_min": 1000,
    "quantity_max": 2000,
    "reporter": "unofficial",
    "source": "monitor-kgz-mine-ban-policy-2019",
    "citations": [7],
}
CHANGE_EXAMPLE: dict[str, Any] = {
    "id": 412,
    "at": "2026-11-22T20:40:00+00:00",
    "actor": "curator-anna",
    "action": "patch",
    "record_type": "stockpile",
    "record_id": "kgz-ap-stockpile-2018",
    "version": 3,
    "before": {**RECORD_EXAMPLE, "quantity_max": 1500},
    "after": RECORD_EXAMPLE,
    "summary": None,
    "reason": "Monitor 2019 update",
}


class RecordOut(BaseModel):
    """A record as written: the fields of its schema, citations as footnote numbers."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [RECORD_EXAMPLE]})


class ChangeOut(BaseModel):
    """One change: who, when, which record, its value before and after, and why."""

    model_config = ConfigDict(json_schema_extra={"examples": [CHANGE_EXAMPLE]})

    id: int = Field(description="Position in the change feed (commit order).")
    at: str
    actor: str = Field(description='API key name, or "load", "import undl", "import untc".')
    action: str = Field(description="create, replace, patch, retire, revert, update, import.")
    record_type: str | None
    record_id: str | None
    version: int | None = Field(description="The record's version after the change.")
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    summary: dict[str, Any] | None = Field(description="A bulk import: file, checksum, counts.")
    reason: str | None


class ChangesPage(BaseModel):
    """A page of the change feed and the cursor to resume from."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"data": [CHANGE_EXAMPLE], "cursor": "412", "next": None}]}
    )

    data: list[ChangeOut]
    cursor: str = Field(description="Pass as `since` to get the changes after this page.")
    next: str | None = Field(None, description="URL of the next page; null when caught up.")


class HistoryPage(BaseModel):
    """Every change of one record, oldest first."""

    data: list[ChangeOut]


# --- request bodies -------------------------------------------------------------------------
#
# A write's body is checked by the schema of the record type in its path (app/writes.py), so
# the server reads it as a JSON object; these models only say, in the document, what each
# record type takes: its schema's members, each held to what its table can keep.


class Documented(BaseModel):
    """A write body's schema as documented: each member's table limits (`records.bounds`),
    and for a merge patch no defaults (a member left out is left as it is)."""

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        target = handler.resolve_ref_schema(schema)
        kind = _KINDS[cls]
        for name, member in target.get("properties", {}).items():
            _bound(member, kind.bounds(name))
            _no_nul(member)
            if issubclass(cls, MergePatch):
                member.pop("default", None)
        return schema


class MergePatch(Documented):
    """A JSON Merge Patch (RFC 7396) of a record: the members to change."""


#: The record type each body model documents.
_KINDS: dict[type[BaseModel], records.Kind] = {}
_TIGHTER = {"maxLength": min, "minimum": max, "maximum": min}


def _bound(member: dict[str, Any], limits: dict[str, int]) -> None:
    """Add a member's limits to the branch of its schema they apply to (text or integer)."""
    typed = "string" if "maxLength" in limits else "integer"
    for branch in member.get("anyOf", [member]):
        if branch.get("type") == typed:
            for keyword, value in limits.items():
                branch[keyword] = _TIGHTER[keyword](branch.get(keyword, value), value)


#: A text the tables keep: no NUL (PostgreSQL refuses it; the server answers a 422).
NO_NUL = "^[^\\u0000]*$"


def _no_nul(member: dict[str, Any]) -> None:
    """A text member's schema, where nothing else restricts it, says it holds no NUL."""
    for branch in member.get("anyOf", [member]):
        free = not {"pattern", "enum", "const", "format", "$ref"} & set(branch)
        if branch.get("type") == "string" and free:
            branch["pattern"] = NO_NUL


def _title(kind: records.Kind) -> str:
    return "".join(word.capitalize() for word in kind.name.split("_"))


def _register(model: type[BaseModel], kind: records.Kind) -> type[BaseModel]:
    _KINDS[model] = kind
    return model


def _written(kind: records.Kind) -> type[BaseModel]:
    """What a create or a replace of a record type takes: the record, as its schema says (a
    footnote's `id` may be left out: it is always "{source}:{number}")."""
    name = kind.name.replace("_", " ")
    fields: dict[str, Any] = {}
    if kind.name == "citation":
        fields["id"] = (
            str,
            Field(
                default_factory=str,  # never used: the model only documents the body
                description='"{source}:{number}", e.g. "monitor-kgz-mine-ban-policy-2019:7"; '
                "made from `source` and `number` when left out.",
            ),
        )
    model = create_model(
        f"{_title(kind)}Write",
        __base__=(Documented, kind.schema),
        __doc__=f"A {name}, whole: the body of a create or a replace.",
        __module__=__name__,
        **fields,
    )
    return _register(model, kind)


def _merge_patch(kind: records.Kind) -> type[BaseModel]:
    """What a merge patch of a record type takes: any of its members, each of its type; null
    takes out a member that has a default (a member every record needs cannot be null)."""
    fields: dict[str, Any] = {}
    for name, info in kind.schema.model_fields.items():
        annotation = info.rebuild_annotation()
        nullable = annotation if info.is_required() else annotation | None
        fields[name] = (nullable, Field(None, description=info.description))
    model = create_model(
        f"{_title(kind)}Patch",
        __base__=(MergePatch, schemas.Schema),
        __doc__=f"A JSON Merge Patch (RFC 7396) of a {kind.name.replace('_', ' ')}: the members "
        "to change; null takes a member out (back to its default).",
        __module__=__name__,
        **fields,
    )
    return _register(model, kind)


def _one_of(schema: dict[str, Any]) -> None:
    schema["oneOf"] = schema.pop("anyOf")


class AnyOf(RootModel[Any]):
    """A body that matches one or more of its schemas."""


class OneOf(RootModel[Any]):
    """A body that matches exactly one of its schemas."""

    model_config = ConfigDict(json_schema_extra=_one_of)


def choice(
    name: str, doc: str, models: Iterable[type[BaseModel]], exclusive: bool
) -> type[RootModel[Any]]:
    """A named schema: one of `models` (`oneOf` when no body can match two, else `anyOf`)."""
    union: Any = reduce(operator.or_, models)
    base = OneOf if exclusive else AnyOf
    return create_model(name, __base__=base, __doc__=doc, __module__=__name__, root=(union, ...))


def documented_as(model: type[BaseModel]) -> BeforeValidator:
    """Metadata of a body read as a JSON object (its write checks it), documented as `model`."""
    return BeforeValidator(_as_sent, json_schema_input_type=model)


def _as_sent(value: Any) -> Any:
    return value


_WRITTEN = {kind.name: _written(kind) for kind in records.BY_PATH.values()}
_PATCHES = {kind.name: _merge_patch(kind) for kind in records.BY_PATH.values()}


def written(kind: records.Kind) -> type[BaseModel]:
    """The body of a create or a replace of a (writable) record type."""
    return _WRITTEN[kind.name]


def merge_patch(kind: records.Kind) -> type[BaseModel]:
    """The body of a merge patch of a (writable) record type."""
    return _PATCHES[kind.name]


def _by_path(models: dict[str, type[BaseModel]]) -> str:
    """Which schema is each record type's, by its path segment."""
    return "; ".join(f"`{k.path}`: {models[k.name].__name__}" for k in records.BY_PATH.values())


RecordWrite = choice(
    "RecordWrite",
    "A whole record of the type the path names, in that type's schema: " + _by_path(_WRITTEN) + ".",
    list(_WRITTEN.values()),
    exclusive=True,
)
RecordPatch = choice(
    "RecordPatch",
    "A JSON Merge Patch (RFC 7396) of a record of the type the path names, in that type's "
    "schema: " + _by_path(_PATCHES) + ".",
    list(_PATCHES.values()),
    exclusive=False,
)
#: The body of a create or a replace, and of a merge patch.
RecordBody = Annotated[dict[str, Any], documented_as(RecordWrite)]
PatchBody = Annotated[dict[str, Any], documented_as(RecordPatch)]
