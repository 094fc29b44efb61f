"""Countries: lookup by any code or name, details and lists."""

from __future__ import annotations

import difflib
from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app import models
from app.errors import NotFoundError, ProblemError
from app.importers.m49 import SOURCE_ID as M49_SOURCE
from app.names import fold, plain, squeeze
from app.paging import Window
from app.queries.common import list_sources, pick
from app.queries.treaties import actions_by_country, floor_of, rule_of
from app.schemas import CountryDetail, CountryListItem, CountryOut, SourceOut
from app.status import status_on
from app.vocab import StatusKind

MEMBERSHIP_SOURCE = "un-member-states"
#: The source of the states beyond the UN's (data/reference/states.yaml).
DEPOSITARY_SOURCE = "un-depositary-practice"
#: The source of the territories and their administering states (territories.yaml).
TERRITORIES_SOURCE = "cia-world-factbook-dependencies"
#: The sources of a country's UN membership and `state` flags and administering state.
COUNTRY_SOURCES = (MEMBERSHIP_SOURCE, DEPOSITARY_SOURCE, TERRITORIES_SOURCE)


def resolve_country(session: Session, key: str, parameter: str = "country") -> models.Country:
    """Find a country by alpha-3, alpha-2, numeric code or any known name (`fold`ed), typed
    in any width (fullwidth too); a miss is the not-found problem with close matches."""
    text = plain(key)
    column = None
    if text.isdigit() and len(text) <= 3:
        column, text = models.Country.numeric, text.zfill(3)
    elif text.isalpha() and len(text) == 3:
        column, text = models.Country.iso3, text.upper()
    elif text.isalpha() and len(text) == 2:
        column, text = models.Country.iso2, text.upper()
    if column is not None:
        found = session.scalars(
            select(models.Country).where(column == text).order_by(models.Country.historical)
        ).first()
        if found is not None:
            return found
    folded = fold(text)
    name = (
        session.get(models.CountryName, folded)
        or session.scalars(
            select(models.CountryName)
            .where(_squeezed() == squeeze(folded))
            .order_by(models.CountryName.folded)
        ).first()
    )
    if name is not None:
        return name.country
    raise NotFoundError("country", key, parameter, country_suggestions(session, folded))


def _squeezed() -> ColumnElement[str]:
    """The stored folded names without their spaces (`squeeze` in SQL)."""
    return func.replace(models.CountryName.folded, " ", "")


def resolve_countries(session: Session, raw: str, parameter: str = "country") -> list[str]:
    """The alpha-3 codes of a comma-separated list of codes or names; a 422 if empty, the
    not-found problem naming `parameter` for an unknown one."""
    words = [w.strip() for w in raw.split(",") if w.strip()]
    if not words:
        raise ProblemError(
            422,
            "Invalid parameter",
            f"{parameter}: empty; give codes or names, comma-separated",
            kind="invalid-parameter",
            parameter=parameter,
        )
    return sorted({resolve_country(session, w, parameter).iso3 for w in words})


def country_suggestions(session: Session, folded: str, limit: int = 5) -> list[dict[str, str]]:
    """Countries whose names are close to a folded name that matched nothing."""
    owners: dict[str, str] = dict(
        session.execute(select(models.CountryName.folded, models.CountryName.country_iso3)).all()
    )
    close = difflib.get_close_matches(folded, owners, n=limit * 3, cutoff=0.6)
    codes = list(dict.fromkeys(owners[c] for c in close))[:limit]
    found = session.execute(
        select(models.Country.iso3, models.Country.name).where(models.Country.iso3.in_(codes))
    )
    names: dict[str, str] = dict(found.all())
    return [{"iso3": code, "name": names[code]} for code in codes]


def country_out(session: Session, country: models.Country) -> CountryOut:
    """A country with all its names."""
    names = session.scalars(
        select(models.CountryName.name)
        .where(models.CountryName.country_iso3 == country.iso3)
        .order_by(models.CountryName.name)
    ).all()
    return CountryOut.model_validate(pick(CountryOut, country, names=list(names)))


def flag_source(country: models.Country) -> str:
    """The source of a country's `state` flag: the UN's list for its members and observer
    states, the depositary's practice for the other states, the list of territories else."""
    if country.un_member or country.un_observer or country.historical:
        return MEMBERSHIP_SOURCE
    return DEPOSITARY_SOURCE if country.state else TERRITORIES_SOURCE


def country_detail(session: Session, country: models.Country) -> CountryDetail:
    """A country with its names and the sources of its flags, region and names."""
    out = country_out(session, country)
    name = models.CountryName
    named = session.scalars(
        select(name.source).where(name.country_iso3 == country.iso3, name.source.is_not(None))
    )
    used = [flag_source(country), M49_SOURCE, *(s for s in named if s)]
    return CountryDetail(**out.model_dump(), sources=list_sources(session, used))


def list_countries(
    session: Session,
    window: Window,
    *,
    q: str | None = None,
    un_member: bool | None = None,
    state: bool | None = None,
    historical: bool | None = None,
    treaty: models.Treaty | None = None,
    statuses: set[StatusKind] | None = None,
    as_of: date,
    where: ColumnElement[bool] | None = None,
) -> tuple[list[CountryListItem], str | None, list[SourceOut]]:
    """Countries by alpha-3, filtered by name, UN membership, region (`where`) and status
    toward a treaty."""
    stmt = select(models.Country) if where is None else select(models.Country).where(where)
    if q and fold(q):  # a `q` of punctuation only is no filter
        pattern, code = f"%{squeeze(fold(q))}%", plain(q).upper()
        named = select(models.CountryName.country_iso3).where(_squeezed().like(pattern))
        stmt = stmt.where(
            models.Country.iso3.in_(named)
            | (models.Country.iso3 == code)
            | (models.Country.iso2 == code)
        )
    if un_member is not None:
        stmt = stmt.where(models.Country.un_member.is_(un_member))
    if state is not None:
        stmt = stmt.where(models.Country.state.is_(state))
    if historical is not None:
        stmt = stmt.where(models.Country.historical.is_(historical))
    source_ids = {*COUNTRY_SOURCES, M49_SOURCE}
    if treaty is None:
        rows, cursor = window.select(session, stmt, [models.Country.iso3])
        return (
            [CountryListItem.model_validate(r[0]) for r in rows],
            cursor,
            list_sources(session, source_ids),
        )
    actions, action_sources = actions_by_country(session, treaty.slug)
    source_ids |= action_sources | {treaty.source}
    rule, floor = rule_of(treaty), floor_of(r for rows in actions.values() for r in rows)
    items = []
    for country in session.scalars(stmt):
        mine = actions.get(country.iso3, [])
        # a territory has no status of its own unless a record gives it one
        status = status_on(rule, mine, as_of, floor) if country.state or mine else None
        if statuses and (status is None or status.status not in statuses):
            continue
        items.append(CountryListItem.model_validate(pick(CountryListItem, country, status=status)))
    page, cursor = window.slice(items, lambda c: (c.iso3,))
    return page, cursor, list_sources(session, source_ids)
