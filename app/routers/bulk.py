"""The whole record as a Frictionless Data Package: its descriptor and each resource's CSV."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response, StreamingResponse

from app.bulk import descriptor, served, tables
from app.bulk.descriptor import DataPackage
from app.dataversion import read_version
from app.respond import CSV, JSON
from app.routers.lean import LeanRoute
from app.routers.params import DbSession

router = APIRouter(prefix="/v1/bulk", tags=["bulk"], route_class=LeanRoute)


async def data_version(request: Request) -> int:
    """FastAPI dependency: the data version the request reads (the one its ETag is of)."""
    state = request.scope.setdefault("state", {})
    version = state.get("data_version")
    if version is None:
        version = state["data_version"] = await read_version(request.app.state.version_reader)
    return int(version)


Version = Annotated[int, Depends(data_version)]
ResourceName = Annotated[
    str,
    Path(
        description="A resource of the package: "
        + ", ".join(t.name for t in tables.TABLES)
        + ". Another name is a 404 with the close matches.",
        examples=["votes", "countries"],
        max_length=100,
    ),
]


#: The media type a CSV is documented as (sent with `; charset=utf-8`).
TEXT_CSV = "text/csv"


class CSVResponse(Response):
    """A CSV file: UTF-8, a header row, CRLF line ends."""

    media_type = TEXT_CSV


CSV_EXAMPLE = (
    "resolution,country,vote,source_code,note,source,date\r\n"
    "A/RES/73/61,KGZ,yes,Y,,undl-ga-voting,2018-12-05\r\n"
)
CSV_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The resource's CSV, as its Table Schema in the descriptor describes it.",
        "content": {
            TEXT_CSV: {
                "schema": {
                    "type": "string",
                    "description": "CSV: a header row, then one row per record.",
                    "examples": [CSV_EXAMPLE],
                }
            }
        },
    }
}


@router.get("", response_model=DataPackage, response_model_by_alias=True)
def get_bulk_package(request: Request, session: DbSession, version: Version) -> Response:
    """The whole record as a Frictionless Data Package: its descriptor, with download URLs.

    The same `datapackage.json` as `python -m app export package DIR` writes, each resource's
    `path` the URL of its CSV here. Each resource's `hash`, `bytes` and `rows` are those of the
    file at the data version of the ETag.
    """
    base = str(request.base_url)
    digests = served.digests_of(request.app.state)
    found = served.package(session, version, digests, lambda t: f"{base}v1/bulk/{t.file}")
    return Response(descriptor.to_json(found), media_type=JSON)


@router.get("/{resource}.csv", response_class=CSVResponse, responses=CSV_DOC)
def get_bulk_resource(
    resource: ResourceName, request: Request, session: DbSession, version: Version
) -> Response:
    """One resource of the data package as CSV: the whole table, streamed.

    Read from the database a batch at a time as it is sent, never held whole; `Content-Length`
    is given once the file's size at this data version is known (after the descriptor or one
    whole download), gzip when accepted.
    """
    table = tables.find(resource)
    body, size = served.stream(session, table, version, served.digests_of(request.app.state))
    headers = {"Content-Disposition": f"attachment; filename={table.file}"}
    if size is not None:
        headers["Content-Length"] = str(size)
    return StreamingResponse(body, media_type=CSV, headers=headers)
