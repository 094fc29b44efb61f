"""Treaties: lookup by slug or alias, members on a date, the yearly timeline, the events."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import QueryableAttribute, Session, selectinload

from app import models
from app.errors import NotFoundError
from app.names import fold, plain, squeeze
from app.queries.common import list_sources
from app.schemas import SourceOut, Status, Treaty, TreatyEvent
from app.status import TreatyRule, derive_status, entry_into_force, status_on
from app.vocab import JOINING_ACTIONS, ActionKind, EventKind, SourceKind


def rule_of(treaty: models.Treaty) -> TreatyRule:
    """What status derivation needs of a treaty row."""
    return TreatyRule(
        treaty.eif_rule,
        treaty.entry_into_force_on,
        treaty.opened_for_signature_on,
        treaty.adopted_on,
    )


def resolve_treaty(session: Session, key: str, parameter: str = "treaty") -> models.Treaty:
    """Find a treaty by slug, alias, short name or UNTC number (`fold`ed), typed in any
    width; a miss is the not-found problem with close matches."""
    found = session.get(models.Treaty, plain(key).lower())
    if found is not None:
        return found
    folded = fold(key)
    alias = session.get(models.TreatyAlias, folded)
    if alias is not None:
        return session.get_one(models.Treaty, alias.treaty)
    names = {a.folded: a.treaty for a in session.scalars(select(models.TreatyAlias))}
    for treaty in session.scalars(select(models.Treaty)):
        for name in (treaty.short_name, treaty.untc_number):
            if name:
                names.setdefault(fold(name), treaty.slug)
    squeezed = {squeeze(name): slug for name, slug in names.items()}
    slug = names.get(folded) or squeezed.get(squeeze(folded))
    if slug is not None:
        return session.get_one(models.Treaty, slug)
    names |= {slug: slug for slug in session.scalars(select(models.Treaty.slug))}
    close = difflib.get_close_matches(folded, names, n=5, cutoff=0.6)
    suggestions = [{"slug": names[c], "name": c} for c in close]
    raise NotFoundError(
        "treaty", key, parameter, list({s["slug"]: s for s in suggestions}.values())
    )


def treaty_out(treaty: models.Treaty) -> Treaty:
    """A treaty row as the API returns it."""
    return Treaty.model_validate(treaty)


def list_treaties(session: Session) -> tuple[list[Treaty], list[SourceOut]]:
    """Every treaty, parents before their protocols."""
    rows = session.scalars(
        select(models.Treaty).options(selectinload(models.Treaty.alias_rows))
    ).all()
    ordered = sorted(rows, key=lambda t: (t.parent or t.slug, t.parent is not None, t.slug))
    return [treaty_out(t) for t in ordered], list_sources(session, {t.source for t in rows})


def sourced_actions(*columns: QueryableAttribute[Any]) -> Select[Any]:
    """Columns of treaty actions with the dates and kind of their sources, which `status_on`
    and `floor_of` read."""
    source = models.Source
    return select(
        *columns, source.status_as_at, source.last_updated, source.published_on, source.kind
    ).join(source, source.id == models.TreatyAction.source)


def floor_of(rows: Iterable[Any]) -> date | None:
    """The date a treaty's whole record is known up to, from its actions (with their sources'
    dates and kinds): the latest "status as at" date of its UN Treaty Collection status pages,
    which list every participant, so a state they do not list had taken no action by then."""
    pages = {r.status_as_at for r in rows if r.kind is SourceKind.untc_status_page}
    return max((d for d in pages if d is not None), default=None)


def actions_by_country(
    session: Session, treaty: str, country: str | None = None
) -> tuple[dict[str, list[Any]], set[str]]:
    """All actions toward a treaty (light rows with source dates), by country, and their
    sources; with `country`, that country's only."""
    grouped: dict[str, list[Any]] = defaultdict(list)
    sources: set[str] = set()
    action = models.TreatyAction
    stmt = sourced_actions(action.country, action.action, action.date, action.source, action.id)
    stmt = stmt.where(action.treaty == treaty)
    if country is not None:
        stmt = stmt.where(action.country == country)
    for row in session.execute(stmt):
        grouped[row.country].append(row)
        sources.add(row.source)
    return grouped, sources


def country_status(
    session: Session, treaty: models.Treaty, iso3: str, as_of: date, floor: date | None
) -> tuple[Status, set[str]]:
    """One country's status toward a treaty on `as_of` (one query), its record known up to at
    least `floor` (`floor_of`), and its sources."""
    grouped, sources = actions_by_country(session, treaty.slug, iso3)
    return status_on(rule_of(treaty), grouped[iso3], as_of, floor), sources | {treaty.source}


#: The event an action is, by its kind (joining actions: a deposit, then entry into force).
EVENT_OF = {
    ActionKind.signature: EventKind.signature,
    ActionKind.withdrawal_notified: EventKind.withdrawal_notified,
    ActionKind.withdrawal_effective: EventKind.withdrawal_effective,
} | dict.fromkeys(JOINING_ACTIONS, EventKind.deposit)

#: Sort rank of event kinds on the same day for the same country (the order of a state's path).
EVENT_RANK = {kind: rank for rank, kind in enumerate(EventKind)}


def _events_of(rule: TreatyRule, row: Any) -> list[tuple[date, EventKind, Any]]:
    """The dated events one action makes (a succession binds on the day: entry into force only)."""
    kind = EVENT_OF.get(row.action)
    if kind is None:
        return []
    if kind is not EventKind.deposit:
        return [(row.date, kind, row)]
    bound = entry_into_force(rule, row.date, row.action)
    deposit = [] if bound == row.date else [(row.date, EventKind.deposit, row)]
    return [*deposit, (bound, EventKind.entry_into_force, row)]


def events(
    session: Session,
    treaty: models.Treaty,
    first: date | None,
    last: date | None,
    kinds: set[EventKind] | None,
) -> list[TreatyEvent]:
    """Each state's events toward a treaty from `first` to `last` (inclusive), past and coming.

    The statuses before and after are those on the day before and on the day of the event, by
    the one rule of `app.status`. An event recorded by two sources is listed once.
    """
    grouped, _ = actions_by_country(session, treaty.slug)
    rule = rule_of(treaty)
    country = models.Country
    names: dict[str, str] = dict(
        session.execute(
            select(country.iso3, country.name).where(country.iso3.in_(list(grouped)))
        ).all()
    )
    found: dict[tuple[date, str, EventKind], TreatyEvent] = {}
    for iso3, actions in grouped.items():
        for row in sorted(actions, key=lambda a: (a.date, a.source, a.id)):
            for day, kind, act in _events_of(rule, row):
                key = (day, iso3, kind)
                if key in found or (first and day < first) or (last and day > last):
                    continue
                if kinds and kind not in kinds:
                    continue
                found[key] = TreatyEvent(
                    date=day,
                    country=iso3,
                    name=names[iso3],
                    kind=kind,
                    status_before=derive_status(rule, actions, day - timedelta(days=1)).status,
                    status_after=derive_status(rule, actions, day).status,
                    action=act.action,
                    action_id=act.id,
                    action_on=act.date,
                    source=act.source,
                )
    return list(found.values())
