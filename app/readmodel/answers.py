"""The hot answers made from the read model: members on a date, a country's status detail."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from starlette.requests import Request

from app import models
from app.importers.m49 import SOURCE_ID as M49_SOURCE
from app.queries.profile import treaty_status_detail
from app.readmodel import store
from app.readmodel.model import ReadModel


def members(
    model: ReadModel,
    slug: str,
    on: date,
    statuses: Collection[str] | None,
    keep: set[str] | None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One row per country (every current country, and any other with actions) on `on`, as
    `Member` JSON, and the sources (the treaty's, its actions', M49's)."""
    treaty = model.treaties[slug]
    rows = []
    for iso3 in sorted({*model.current, *treaty.spans}):
        if keep is not None and iso3 not in keep:
            continue
        status = treaty.spans_of(iso3).on(on)
        if statuses and status["status"] not in statuses:
            continue
        rows.append({**model.member_keys[iso3], **status})
    used = treaty.action_sources | {treaty.source, M49_SOURCE}
    return rows, model.source_list(used)


def status_detail(
    request: Request, model: ReadModel, iso3: str, slug: str, on: date
) -> dict[str, Any]:
    """A country's status toward a treaty on `on` with everything behind it: the records
    behind it read once per data version, the status from the spans."""

    def make() -> dict[str, Any]:
        with store.session(request) as session:
            treaty = session.get_one(models.Treaty, slug)
            return treaty_status_detail(session, iso3, treaty, on).model_dump(mode="json")

    base = model.remember(("status-detail", iso3, slug), make)
    return {**base, "status": model.status(slug, iso3, on)}
