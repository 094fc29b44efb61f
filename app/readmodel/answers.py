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
from app.queries.countries import COUNTRY_SOURCES
from app.queries.profile import treaty_status_detail
from app.readmodel import store
from app.readmodel.model import ReadModel
from app.readmodel.spans import dated
from app.schemas import Status, TimelinePoint
from app.status import action_order
from app.vocab import StatusKind


def members(
    model: ReadModel,
    slug: str,
    on: date,
    statuses: Collection[str] | None,
    keep: set[str] | None,
    territories: bool = False,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One row per state on `on` (with `territories`, also one per territory), as `Member`
    JSON, and the sources (the treaty's, its actions', M49's, the population's)."""
    treaty = model.treaties[slug]
    day = on.isoformat()
    rows = []
    for iso3, starts, templates in model.remember(
        ("members", slug, territories), lambda: _members(model, slug, territories)
    ):
        if keep is not None and iso3 not in keep:
            continue
        template = templates[bisect_right(starts, on) - 1]
        if statuses and template["status"] not in statuses:
            continue
        row = template.copy()
        row["as_of"] = day
        rows.append(row)
    used = treaty.action_sources | {treaty.source, M49_SOURCE, *COUNTRY_SOURCES}
    return rows, model.source_list(used)


def population(model: ReadModel, slug: str, territories: bool = False) -> list[str]:
    """The countries a treaty's members, counts and map cover, by alpha-3: the 197 states
    (and any other area a record gives actions toward the treaty); with `territories`, also
    the other current areas."""
    treaty = model.treaties[slug]
    others = model.territories if territories else ()
    return sorted({*model.states, *(c for c in treaty.spans if c in model.countries), *others})


def _members(
    model: ReadModel, slug: str, territories: bool
) -> list[tuple[str, list[date], list[dict[str, Any]]]]:
    """Each country's `Member` rows toward a treaty, one per span, all but the date: made once
    per data version (a row is then a copy, not a merge of the country's and status's JSON).
    A territory without actions of its own has one row, with no status."""
    treaty = model.treaties[slug]
    out = []
    for iso3 in population(model, slug, territories):
        keys = model.member_keys[iso3]
        if iso3 not in treaty.spans and not keys["state"]:
            out.append((iso3, [date.min], [{**keys, **NO_STATUS}]))
            continue
        spans = treaty.spans_of(iso3)
        templates = [{**keys, **dated(s, None)} for s in spans.statuses]
        out.append((iso3, spans.starts, templates))
    return out


#: The status fields of a territory's member row: no status of its own.
NO_STATUS: dict[str, Any] = {
    name: None for name in Status.model_fields if name not in ("beyond_record",)
} | {"beyond_record": False}


def status_detail(
    request: Request, model: ReadModel, iso3: str, slug: str, on: date
) -> dict[str, Any]:
    """A country's status toward a treaty on `on` with everything behind it: the records
    behind it read once per data version, the status from the spans."""

    def make() -> dict[str, Any]:
        with store.session(request) as session:
            treaty = session.get_one(models.Treaty, slug)
            floor = model.treaties[slug].floor
            return treaty_status_detail(session, iso3, treaty, on, floor).model_dump(mode="json")

    base = model.remember(("status-detail", iso3, slug), make)
    actions, later = split_json(base["actions"] + base["later_actions"], on.isoformat())
    return {
        **base,
        "status": model.status(slug, iso3, on),
        "actions": actions,
        "later_actions": later,
    }


def split_json(
    actions: list[dict[str, Any]], day: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Actions in JSON form dated on or before `day` (ISO text) and after it, each oldest
    first (`action_order`, as `app.status.split_on` orders them)."""
    ordered = sorted(actions, key=lambda a: action_order(a["date"], a["action"], a["id"]))
    return [a for a in ordered if a["date"] <= day], [a for a in ordered if a["date"] > day]


def statuses_on(
    session: Session,
    model: ReadModel,
    slug: str,
    as_of: date,
    where: ColumnElement[bool] | None = None,
) -> tuple[list[tuple[models.Country, Status]], set[str]]:
    """Every state's status on `as_of` (and any other area's with actions; those `where`
    keeps), and the sources: what counts are made of."""
    rows, _, used = map_rows(session, model, slug, as_of, where, territories=False)
    return rows, used


def map_rows(
    session: Session,
    model: ReadModel,
    slug: str,
    as_of: date,
    where: ColumnElement[bool] | None = None,
    territories: bool = True,
) -> tuple[list[tuple[models.Country, Status]], list[tuple[models.Country, str | None]], set[str]]:
    """`statuses_on`, and (with `territories`) the current areas that are not states, each
    with its administering state's name: what the map is made of, read in one statement."""
    treaty = model.treaties[slug]
    counted = population(model, slug)
    wanted = [*counted, *model.territories] if territories else counted
    stmt = select(models.Country).where(models.Country.iso3.in_(wanted))
    if where is not None:
        stmt = stmt.where(where)
    rows, areas = [], []
    chosen = set(counted)
    for country in session.scalars(stmt.order_by(models.Country.iso3)):
        if country.iso3 in chosen:
            rows.append((country, treaty.spans_of(country.iso3).status(as_of)))
        else:
            owner = model.voters.get(country.administered_by or "")
            areas.append((country, owner["name"] if owner else None))
    return rows, areas, treaty.action_sources | {treaty.source, *COUNTRY_SOURCES}


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
    counted = [c for c in population(model, treaty.slug) if c in spans.spans]
    points = []
    for year in range(start, end + 1):
        on = min(date(year, 12, 31), today)
        if (first and on < first) or (last and on > last):
            continue
        counts = Counter(spans.spans[c].kind_on(on) for c in counted)
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
    return points, spans.action_sources | {treaty.source, *COUNTRY_SOURCES}
