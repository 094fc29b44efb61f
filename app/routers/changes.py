"""The change feed: every change in commit order, to resume from a cursor."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse

from app import history, links
from app.errors import ProblemError
from app.respond import NDJSON, accepted
from app.routers.lean import LeanRoute
from app.routers.params import DbSession
from app.writeschemas import ChangesPage

router = APIRouter(prefix="/v1", tags=["changes"], route_class=LeanRoute)


@router.get(
    "/changes",
    response_model=ChangesPage,
    description="The change feed, for a mirror or a dashboard that keeps up with the data: every "
    "change after the cursor `since` in commit order (API writes, loads, reverts, and one entry "
    "per import run), each with the record's value before and after and its version. Keep the "
    "body's `cursor` (also in the `Feed-Cursor` header) and send it as `since` next time; "
    "`next` is set only when the page is full. `Accept: application/x-ndjson` streams the "
    "entries as NDJSON.",
)
def list_changes(
    request: Request,
    session: DbSession,
    since: Annotated[
        str,
        Query(
            max_length=20,
            json_schema_extra={"pattern": "^(?:0|[1-9][0-9]{0,17})$"},  # else a 400
            description="Cursor of the last change seen (`0`, or a page's `cursor`): a change "
            "id, digits only.",
            examples=["0", "412"],
        ),
    ] = "0",
    limit: Annotated[
        int, Query(ge=1, le=10000, description="Changes per page (1 to 10000).")
    ] = 100,
) -> Response:
    """Changes in commit order after a cursor; NDJSON with `Accept: application/x-ndjson`."""
    if not (since.isascii() and since.isdigit()) or int(since) >= 2**63:
        raise ProblemError(
            400,
            "Bad cursor",
            f"since={since!r} is not a cursor of this feed",
            kind="bad-cursor",
            parameter="since",
        )
    # a cursor past the ids the table can hold (PostgreSQL's integer) has nothing after it
    after = min(int(since), history.LAST_ID)
    entries = [history.as_json(c) for c in history.since(session, after, limit)]
    cursor = str(entries[-1]["id"]) if entries else since
    more = len(entries) == limit
    next_url = links.follow(request, since=cursor) if more else None
    headers = {"Feed-Cursor": cursor}
    if next_url:
        headers["Link"] = f'<{next_url}>; rel="next"'
    if "ndjson" in accepted(request.headers.get("accept", "")):
        lines = (orjson.dumps(e) + b"\n" for e in entries)
        return StreamingResponse(lines, media_type=NDJSON, headers=headers)
    body = {"data": entries, "cursor": cursor, "next": next_url}
    return Response(orjson.dumps(body), media_type="application/json", headers=headers)
