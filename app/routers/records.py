"""Curator writes on records: create, replace, merge-patch, retire; one record and its history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

import orjson
from fastapi import APIRouter, Body, Depends, Header, Path, Query
from fastapi.responses import Response
from starlette.convertors import PathConvertor, register_url_convertor

from app import history, records, writes
from app.auth import Scope, require
from app.errors import ProblemError
from app.models import ApiKey
from app.routers.lean import LeanRoute
from app.routers.params import DbSession
from app.writeschemas import (
    ChangeOut,
    HistoryPage,
    PatchBody,
    RecordBody,
    RecordOut,
)


class RecordIdConvertor(PathConvertor):
    """A record id in a path: slashes and all (a vote's has some), but not ending in
    `/history`, which is the history below a record (so a PUT there is a 405, not a write)."""

    regex = r".*(?<!/history)"


register_url_convertor("record", RecordIdConvertor())
router = APIRouter(prefix="/v1/records", tags=["writes"], route_class=LeanRoute)

Writer = Annotated[ApiKey, Depends(require(Scope.write))]
KindPath = Annotated[
    str,
    Path(
        description="Record type: " + ", ".join(records.BY_PATH) + " (another is a 404).",
        examples=["stockpiles", "treaty-actions"],
        json_schema_extra={"enum": list(records.BY_PATH)},
    ),
]
RecordId = Annotated[
    str,
    Path(
        description='Record id; a vote is "{resolution}|{country}|{source}", a country name '
        "its folded name.",
        examples=["kgz-ap-stockpile-2018", "A/RES/73/61|KGZ|undl-ga-voting"],
    ),
]
Reason = Annotated[str | None, Query(max_length=500, description="Why (kept in the history).")]
#: Required (the document says so, and a generated client always sends it), but read as
#: optional so that a write without it is the 428 problem of `_expected`, not a 422.
IfMatch = Annotated[str | None, Header(include_in_schema=False)]
IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": True,
    "description": 'The ETag of the version you read, e.g. "3": without it the write is a 428, '
    "with another version's a 412 (someone changed the record first).",
    "schema": {"type": "string", "examples": ['"3"']},
}
JSON = "application/json"
MERGE_PATCH = "application/merge-patch+json"
NewRecord = Annotated[RecordBody, Body(description="The record, as its type's schema says.")]
WholeRecord = Annotated[RecordBody, Body(description="The whole new record, key unchanged.")]
Changes = Annotated[
    PatchBody,
    Body(
        description="The members to change; null takes a member out (RFC 7396). Sent as "
        "application/json, it is read the same.",
        media_type=MERGE_PATCH,
    ),
]

#: OpenAPI links (standard runtime expressions): from a record just read or written to the
#: operations on it, with its ETag as If-Match. A created record is found by its `id`, the
#: key of most record types.
OPERATIONS = {
    "GetRecord": "getRecord",
    "PatchRecord": "patchRecord",
    "ReplaceRecord": "replaceRecord",
    "RetireRecord": "retireRecord",
    "RecordHistory": "getRecordHistory",
}
ETAG_TARGETS = ("PatchRecord", "ReplaceRecord", "RetireRecord")
Responses = dict[int | str, dict[str, Any]]


def _links(record_id: str, *names: str) -> dict[str, Any]:
    links: dict[str, Any] = {}
    for name in names:
        parameters = {"kind": "$request.path.kind", "record_id": record_id}
        if name in ETAG_TARGETS:
            parameters["header.If-Match"] = "$response.header.ETag"
        links[name] = {"operationId": OPERATIONS[name], "parameters": parameters}
    return links


def record_link(kind: str, record_id: str) -> Responses:
    """The 200 response's link from a public read to the curator's record of the same fact."""
    parameters = {"kind": kind, "record_id": record_id}
    link = {"operationId": OPERATIONS["GetRecord"], "parameters": parameters}
    return {200: {"links": {"CuratorRecord": link}}}


LOCATION = {"description": "The new record's URL.", "schema": {"type": "string"}}
CREATED_LINKS: Responses = {
    201: {"headers": {"Location": LOCATION}, "links": _links("$response.body#/id", *OPERATIONS)}
}
READ_LINKS: Responses = {
    200: {"links": _links("$request.path.record_id", *ETAG_TARGETS, "RecordHistory")}
}
#: The document's If-Match.
CONDITIONAL: dict[str, Any] = {"parameters": [IF_MATCH]}


def _kind(path: str) -> records.Kind:
    kind = records.BY_PATH.get(path)
    if kind is None:
        raise ProblemError(
            404,
            "Record type not found",
            f"no record type {path!r}; known: {', '.join(records.BY_PATH)}",
            kind="record-type-not-found",
            parameter="kind",
        )
    return kind


def _expected(if_match: str | None) -> int:
    if if_match is None:
        raise ProblemError(
            428,
            "Precondition required",
            "send If-Match with the ETag of the version you read",
            kind="if-match-required",
            parameter="If-Match",
        )
    tag = if_match.strip().removeprefix("W/").strip('"')
    if not tag.isdigit():
        raise ProblemError(
            412,
            "Precondition failed",
            f"If-Match {if_match!r} matches no version",
            kind="stale-version",
            parameter="If-Match",
        )
    return int(tag)


def _commit(
    session: DbSession,
    write: Callable[[], writes.Written],
    status: int,
    change: bool = False,
    kind: records.Kind | None = None,
) -> Response:
    try:
        written = write()
        session.commit()
    except BaseException:
        session.rollback()
        raise
    shown = history.as_json(written.change) if change and written.change else written.value
    body = orjson.dumps(shown)
    headers = {"ETag": f'"{written.version}"', "Change-Id": str(written.change_id)}
    if kind is not None and written.value is not None:
        headers["Location"] = f"/v1/records/{kind.path}/{quote(kind.id_of(written.value))}"
    return Response(body, status_code=status, media_type=JSON, headers=headers)


@router.post("/{kind}", response_model=RecordOut, status_code=201, responses=CREATED_LINKS)
def create_record(
    kind: KindPath,
    body: NewRecord,
    session: DbSession,
    key: Writer,
    reason: Reason = None,
) -> Response:
    """Create a record (write scope); 409 if its id is taken; Location names the new record."""
    k = _kind(kind)
    return _commit(session, lambda: writes.create(session, k, body, key.name, reason), 201, kind=k)


@router.get("/{kind}/{record_id:path}/history", response_model=HistoryPage)
def get_record_history(kind: KindPath, record_id: RecordId, session: DbSession) -> Response:
    """Every change of one record, oldest first, with before and after values."""
    entries = history.of_record(session, _kind(kind), record_id)
    return Response(orjson.dumps({"data": [history.as_json(c) for c in entries]}), media_type=JSON)


@router.get("/{kind}/{record_id:record}", response_model=RecordOut, responses=READ_LINKS)
def get_record(kind: KindPath, record_id: RecordId, session: DbSession) -> Response:
    """One record as written, its version as the ETag (send it back as If-Match)."""
    k = _kind(kind)
    found = records.get(session, k, record_id)
    if found is None:
        entries = history.of_record(session, k, record_id)
        if entries and entries[-1].after is None:
            raise ProblemError(
                410,
                "Record retired",
                f"{k.name} {record_id!r} was retired by change {entries[-1].id}",
                kind="record-retired",
                parameter="record_id",
                change=entries[-1].id,
            )
        raise ProblemError(
            404,
            "Record not found",
            f"no {k.name} {record_id!r}",
            kind="record-not-found",
            parameter="record_id",
        )
    value, version = found
    return Response(orjson.dumps(value), media_type=JSON, headers={"ETag": f'"{version}"'})


@router.put(
    "/{kind}/{record_id:record}",
    response_model=RecordOut,
    responses=READ_LINKS,
    openapi_extra=CONDITIONAL,
)
def replace_record(
    kind: KindPath,
    record_id: RecordId,
    body: WholeRecord,
    session: DbSession,
    key: Writer,
    if_match: IfMatch = None,
    reason: Reason = None,
) -> Response:
    """Replace a record whole (write scope, If-Match required)."""
    k, expected = _kind(kind), _expected(if_match)
    return _commit(
        session,
        lambda: writes.replace(session, k, record_id, body, expected, key.name, reason),
        200,
    )


@router.patch(
    "/{kind}/{record_id:record}",
    response_model=RecordOut,
    responses=READ_LINKS,
    openapi_extra=CONDITIONAL,
)
def patch_record(
    kind: KindPath,
    record_id: RecordId,
    body: Changes,
    session: DbSession,
    key: Writer,
    if_match: IfMatch = None,
    reason: Reason = None,
) -> Response:
    """Update some fields with a JSON Merge Patch (write scope, If-Match required)."""
    k, expected = _kind(kind), _expected(if_match)
    return _commit(
        session,
        lambda: writes.patch(session, k, record_id, body, expected, key.name, reason),
        200,
    )


@router.delete("/{kind}/{record_id:record}", response_model=ChangeOut, openapi_extra=CONDITIONAL)
def retire_record(
    kind: KindPath,
    record_id: RecordId,
    session: DbSession,
    key: Writer,
    if_match: IfMatch = None,
    reason: Reason = None,
) -> Response:
    """Retire a record: gone from every read, kept in its history (If-Match required)."""
    k, expected = _kind(kind), _expected(if_match)
    return _commit(
        session,
        lambda: writes.retire(session, k, record_id, expected, key.name, reason),
        200,
        change=True,
    )
