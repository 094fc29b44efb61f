"""Profiles: ingest Monitor profile text as drafts; review, edit and publish drafts."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from starlette.datastructures import UploadFile

from app import dataversion, models, records, respond
from app.auth import Scope, require
from app.errors import ProblemError
from app.paging import Page, Window
from app.profiles import store
from app.profiles.result import ProfileResult, Span
from app.routers.lean import LeanRoute
from app.routers.params import DbSession, Listing
from app.vocab import DraftStatus
from app.writeschemas import merge_patch

router = APIRouter(prefix="/v1", tags=["profiles"], route_class=LeanRoute)
Writer = Annotated[models.ApiKey, Depends(require(Scope.write))]
DraftId = Annotated[
    str, Path(description="Draft id.", examples=["4e9e1bd8fce91423"], max_length=40)
]


_DRAFT: dict[str, Any] = {
    "id": "4e9e1bd8fce91423",
    "source": "profile-kgz-mine-ban-policy-2019-12-18",
    "kind": "vote",
    "status": "draft",
    "payload": {"resolution": "A/RES/73/61", "vote": "yes", "country": "KGZ"},
    "span": [1004, 1176],
    "citations": [3],
    "record_id": None,
}


class DraftOut(BaseModel):
    """A draft record read from a profile."""

    model_config = ConfigDict(json_schema_extra={"examples": [_DRAFT]})

    id: str
    source: str
    kind: str
    status: str
    payload: dict[str, Any]
    span: Span
    citations: list[int]
    record_id: str | None


class Ingested(BaseModel):
    """A stored profile: what was read and the drafts made from it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "source": "profile-kgz-mine-ban-policy-2019-12-18",
                    "result": {
                        "country": "KGZ",
                        "kind": "mine_ban_policy",
                        "title": "Kyrgyzstan: Mine Ban Policy",
                        "last_updated": "2019-12-18",
                    },
                    "drafts": [_DRAFT],
                }
            ]
        }
    )

    source: str
    result: ProfileResult
    drafts: list[DraftOut]


def _out(d: models.Draft) -> DraftOut:
    return DraftOut(
        id=d.id,
        source=d.source,
        kind=d.kind,
        status=d.status,
        payload=d.payload,
        span=(d.span_start, d.span_end),
        citations=d.citations,
        record_id=d.record_id,
    )


async def _body(request: Request) -> str:
    """The profile text: the raw body, or the `file` part of a multipart upload.

    Bodies over the configured size never get here (413 from the body-limit middleware).
    """
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        upload = (await request.form()).get("file")
        if not isinstance(upload, UploadFile):
            raise ProblemError(
                422,
                "Invalid parameter",
                "file: a multipart upload needs a `file` part",
                kind="invalid-parameter",
                parameter="file",
            )
        data = await upload.read()
    else:
        data = await request.body()
    text = data.decode("utf-8", errors="replace")
    if not text.strip():
        raise ProblemError(
            422,
            "Unreadable profile",
            "body: the profile text is empty",
            kind="unreadable-profile",
            parameter="body",
        )
    return text


#: The body read from the raw request (`_body`), as the document states it: one media type, so
#: that a generated client's call takes one body (any other, e.g. text/plain, is read the same,
#: and so is the `file` part of a multipart/form-data upload).
PROFILE_TEXT = {
    "requestBody": {
        "required": True,
        "description": "One or more Monitor profiles as text, UTF-8. The body of any other media "
        "type (e.g. text/plain) is read the same, and so is the `file` part of a "
        "multipart/form-data upload.",
        "content": {
            "application/octet-stream": {
                "schema": {"type": "string", "format": "binary", "minLength": 1}
            }
        },
    },
}
CREATED: dict[int | str, dict[str, Any]] = {
    201: {
        "headers": {
            "Location": {
                "description": "The source the (first) profile was stored as.",
                "schema": {"type": "string"},
            }
        }
    }
}
#: A draft's payload is a record of its kind: a draft edit is that record type's merge patch
#: (the schemas a record's PATCH takes, `app.writeschemas.RecordPatch`).
DRAFT_PATCH = {
    "description": "The payload members to change; null takes a member out (RFC 7396). "
    "The payload is re-validated by the schema of the draft's record type. Sent as "
    "application/json (or any media type), it is read the same.",
    "anyOf": [
        {"$ref": "#/components/schemas/" + merge_patch(records.BY_NAME[kind]).__name__}
        for kind in store.SCHEMAS
    ],
}
DRAFT_EDIT = {
    "requestBody": {
        "required": True,
        "content": {"application/merge-patch+json": {"schema": DRAFT_PATCH}},
    }
}


@router.post(
    "/profiles",
    response_model=list[Ingested],
    status_code=201,
    responses=CREATED,
    openapi_extra=PROFILE_TEXT,
)
async def create_profile(request: Request, session: DbSession, _key: Writer) -> Response:
    """Ingest a profile (text body or multipart `file`): source, citations and drafts."""
    text = await _body(request)
    found = store.ingest(session, text)
    session.commit()
    body = [
        Ingested(source=sid, result=r, drafts=[_out(d) for d in drafts]) for r, sid, drafts in found
    ]
    return Response(
        "[" + ",".join(b.model_dump_json() for b in body) + "]",
        media_type="application/json",
        status_code=201,
        headers={"Location": f"/v1/sources/{quote(body[0].source)}"},
    )


@router.get("/drafts", response_model=Page[DraftOut])
def list_drafts(
    request: Request,
    session: DbSession,
    listing: Listing,
    source: Annotated[
        str | None, Query(description="Source id of an ingested profile.", max_length=80)
    ] = None,
    kind: Annotated[
        str | None, Query(description="Record kind, e.g. `vote`, `stockpile`.", max_length=40)
    ] = None,
    status: Annotated[DraftStatus | None, Query(description="Drafts in this state.")] = None,
) -> Response:
    """Drafts read from profiles; filters `source`, `kind`, `status`."""
    stmt = select(models.Draft)
    for column, value in (
        (models.Draft.source, source),
        (models.Draft.kind, kind),
        (models.Draft.status, status),
    ):
        if value is not None:
            stmt = stmt.where(column == value)

    def fetch(window: Window) -> respond.Fetched:
        rows, cursor = window.select(session, stmt, [models.Draft.id])
        return [_out(r[0]) for r in rows], cursor, []

    return respond.listed(request, listing, DraftOut, fetch, (str,))


@router.get("/drafts/{draft}", response_model=DraftOut)
def get_draft(draft: DraftId, session: DbSession) -> Response:
    """One draft."""
    return respond.one(_out(store.get_draft(session, draft)))


@router.patch("/drafts/{draft}", response_model=DraftOut, openapi_extra=DRAFT_EDIT)
async def patch_draft(
    draft: DraftId, request: Request, session: DbSession, _key: Writer
) -> Response:
    """Edit a draft's payload with a JSON Merge Patch; re-validated by the record schema."""
    import orjson

    raw = await _body(request)
    try:
        patch = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ProblemError(
            422, "Invalid parameter", "body: not JSON", kind="invalid-parameter", parameter="body"
        ) from exc
    if not isinstance(patch, dict):
        raise ProblemError(
            422,
            "Invalid parameter",
            "body: a merge patch is a JSON object",
            kind="invalid-parameter",
            parameter="body",
        )
    found = store.edit_draft(session, store.get_draft(session, draft), patch)
    dataversion.bump(session)
    session.commit()
    return respond.one(_out(found))


@router.post("/drafts/{draft}/publish", response_model=DraftOut)
def publish_draft(draft: DraftId, session: DbSession, _key: Writer) -> Response:
    """Publish a draft as a record with its citations."""
    found = store.publish_draft(session, store.get_draft(session, draft))
    session.commit()
    return respond.one(_out(found))


@router.post("/profiles/{source}/publish", response_model=list[DraftOut])
def publish_profile(
    source: Annotated[
        str,
        Path(
            description="Source id of an ingested profile.",
            examples=["profile-kgz-mine-ban-policy-2019-12-18"],
            max_length=80,
        ),
    ],
    session: DbSession,
    _key: Writer,
) -> Response:
    """Publish every draft of an ingested profile."""
    done = store.publish_source(session, source)
    session.commit()
    return Response(
        "[" + ",".join(_out(d).model_dump_json() for d in done) + "]", media_type="application/json"
    )
