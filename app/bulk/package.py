"""The package's descriptor from the database: resources with their schemas, sources, licences
and digests, and the record's own dates."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import models
from app.bulk.descriptor import DataPackage, PackageResource, PackageSource
from app.bulk.licences import licences, union
from app.bulk.rows import Digest
from app.bulk.tables import TABLES, Table
from app.queries.treaties import floor_of, sourced_actions

NAME = "treaty-status-record"
TITLE = "Treaty Status API: the whole record"
DESCRIPTION = (
    "Countries, treaties and every country's dated actions toward them, UN General Assembly "
    "resolutions and votes, stockpiles, practices and positions, with the sources and "
    "footnotes behind each record. Treaty status is not stored: it is derived from the "
    "actions (see the API's documentation)."
)


def source_ids(session: Session, table: Table) -> list[str]:
    """The ids of the sources a resource's rows come from."""
    if table.fixed_sources is not None:
        return list(table.fixed_sources)
    column = table.table.c.source
    found = session.scalars(select(column).distinct().where(column.is_not(None)))
    return sorted(str(s) for s in found)


def record_as_at(session: Session) -> dict[str, date | None]:
    """Per treaty, the date its record is known up to (`floor_of` its actions' sources)."""
    stmt = sourced_actions(models.TreatyAction.treaty).distinct()
    by_treaty = defaultdict(list)
    for row in session.execute(stmt):
        by_treaty[row.treaty].append(row)
    slugs = session.scalars(select(models.Treaty.slug).order_by(models.Treaty.slug))
    return {slug: floor_of(by_treaty[slug]) for slug in slugs}


def last_change(session: Session) -> datetime | None:
    """When the data last changed (the newest entry of the history), in UTC."""
    at: datetime | None = session.scalar(select(func.max(models.Change.at)))
    if at is None:
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def describe(
    session: Session,
    version: int,
    digests: Mapping[str, Digest],
    path: Callable[[Table], str],
) -> DataPackage:
    """The descriptor of the package at data `version`, its files' `digests` known; each
    resource's `path` is `path(table)` (a file name, or a URL)."""
    wanted = {t.name: source_ids(session, t) for t in TABLES}
    ids = {i for found in wanted.values() for i in found}
    rows = session.scalars(select(models.Source).where(models.Source.id.in_(ids)))
    known = {s.id: s for s in rows}
    resources = []
    for table in TABLES:
        used = [known[i] for i in wanted[table.name] if i in known]
        digest = digests[table.name]
        resources.append(
            PackageResource(
                name=table.name,
                path=path(table),
                title=table.title,
                description=table.description,
                hash=f"sha256:{digest.sha256}",
                bytes=digest.bytes,
                rows=digest.rows,
                table_schema=table.table_schema(),
                licenses=licences((s.licence, s.url) for s in used),
                sources=[
                    PackageSource(
                        id=s.id, title=s.title, path=s.url, publisher=s.publisher, licence=s.licence
                    )
                    for s in used
                ],
            )
        )
    return DataPackage(
        name=NAME,
        title=TITLE,
        description=DESCRIPTION,
        created=last_change(session),
        data_version=version,
        record_as_at=record_as_at(session),
        licenses=union(r.licenses for r in resources),
        resources=resources,
    )
