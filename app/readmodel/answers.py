"""Answers made from the read model: members, statuses and counts on a date, the timeline."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session
from starlette.requests import Request

from app import models
from app.importers.m49 import SOURCE_ID as M49_SOURCE
from app.queries.profile import treaty_status_detail
from app.readmodel import store
from app.readmodel.model import ReadModel
from app.readmodel.spans import dated
from app.schemas import Status, TimelinePoint
from app.vocab import StatusKind


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
    day = on.isoformat()
    rows = []
    for iso3, starts, templates in model.remember(("members", slug), lambda: _members(model, slug)):
        if keep is not None and iso3 not in keep:
            continue
        template = templates[bisect_right(starts, on) - 1]
        if statuses and template["status"] not in statuses:
            continue
        row = template.copy()
        row["as_of"] = day
        rows.append(row)
    used = treaty.action_sources | {treaty.source, M49_SOURCE}
    return rows, model.source_list(used)


def _members(model: ReadModel, slug: str) -> list[tuple[str, list[date], list[dict[str, Any]]]]:
    """Each country's `Member` rows toward a treaty, one per span, all but the date: made once
    per data version (a row is then a copy, not a merge of the country's and status's JSON)."""
    treaty = model.treaties[slug]
    out = []
    for iso3 in sorted({*model.current, *treaty.spans}):
        spans = treaty.spans_of(iso3)
        keys = model.member_keys[iso3]
        templates = [{**keys, **dated(s, None)} for s in spans.statuses]
        out.append((iso3, spans.starts, templates))
    return out


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


def statuses_on(
    session: Session,
    model: ReadModel,
    slug: str,
    as_of: date,
    where: ColumnElement[bool] | None = None,
) -> tuple[list[tuple[models.Country, Status]], set[str]]:
    """Every country's status on `as_of` (every current country, and any other with actions;
    those `where` keeps), and the sources: what counts and the map are made of."""
    treaty = model.treaties[slug]
    stmt = select(models.Country).where(
        models.Country.historical.is_(False) | models.Country.iso3.in_(list(treaty.spans))
    )
    if where is not None:
        stmt = stmt.where(where)
    countries = session.scalars(stmt.order_by(models.Country.iso3)).all()
    rows = [(c, treaty.spans_of(c.iso3).status(as_of)) for c in countries]
    return rows, treaty.action_sources | {treaty.source}


#: The years a timeline can cover.
TIMELINE_YEARS = (1945, 2100)


def timeline(
    model: ReadModel, treaty: models.Treaty, first: date | None, last: date | None, today: date
) -> tuple[list[TimelinePoint], set[str]]:
    """States parties, states not yet bound, signatories, withdrawn states at each year end
    (today for this year) that falls between `first` and `last`, inclusive."""
    spans = model.treaties[treaty.slug]
    start = max(first.year if first else (treaty.adopted_on or today).year, TIMELINE_YEARS[0])
    end = min(last.year if last else today.year, TIMELINE_YEARS[1])
    points = []
    for year in range(start, end + 1):
        on = min(date(year, 12, 31), today)
        if (first and on < first) or (last and on > last):
            continue
        counts = Counter(s.kind_on(on) for s in spans.spans.values())
        points.append(
            TimelinePoint(
                year=year,
                as_of=on,
                states_parties=counts[StatusKind.state_party]
                + counts[StatusKind.withdrawal_pending],
                pending_entry_into_force=counts[StatusKind.pending_entry_into_force],
                signatories=counts[StatusKind.signatory],
                withdrawn=counts[StatusKind.withdrawn],
            )
        )
    return points, spans.action_sources | {treaty.source}
