"""Pages of votes read in one statement and written as the API's JSON, statuses from the spans."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, select, tuple_

from app import models
from app.paging import Window
from app.queries.votes import primary_vote, vote_filter
from app.readmodel.model import OtherVote, ReadModel
from app.vocab import VoteKind

V, R, C = models.Vote, models.Resolution, models.Country
#: Sort keys: a country's history (date, symbol, source), every vote (date, symbol, country).
HISTORY = (date, str, str)
ALL = (date, str, str)


def statement(
    model: ReadModel,
    *,
    country: str | None = None,
    countries: list[str] | None = None,
    symbol: str | None = None,
    where: ColumnElement[bool] | None = None,
    treaty: str | None = None,
    linked: bool = False,
    since: date | None = None,
    until: date | None = None,
    vote: set[VoteKind] | None = None,
) -> Select[Any]:
    """The votes shown, one per member and resolution (the UN record where there is one),
    filtered; `linked`: only on resolutions tied to a treaty."""
    stmt: Select[Any] = select(  # type: ignore[assignment]
        V.resolution,
        V.country,
        V.source,
        V.vote,
        V.source_code,
        V.note,
        R.title,
        R.treaty,
        R.source.label("resolution_source"),
    ).join(R, R.symbol == V.resolution)
    stmt = vote_filter(stmt.where(primary_vote(model.official)), treaty, since, until, vote)
    if country is not None:
        stmt = stmt.where(V.country == country)
    if countries is not None:
        stmt = stmt.where(V.country.in_(countries))
    if symbol is not None:
        stmt = stmt.where(V.resolution == symbol)
    if linked:
        stmt = stmt.where(R.treaty.is_not(None))
    if where is not None:
        stmt = stmt.join(C, C.iso3 == V.country).where(where)
    return stmt


def page(
    conn: Connection, model: ReadModel, window: Window, **filters: Any
) -> tuple[list[dict[str, Any]], str | None, set[str]]:
    """One page of the votes `statement` selects, and the ids of their sources: a country's
    history by date, symbol and source, else by date, symbol and country. One statement; the
    rest comes from the read model."""
    last = V.source if filters.get("country") is not None else V.country
    stmt = statement(model, **filters)
    rows, cursor = window.select(conn, stmt, [R.date, V.resolution, last])
    out, sources = render(model, rows, hidden_imports(conn, model, rows))
    return out, cursor, sources


def linked(conn: Connection, model: ReadModel, iso3: str) -> tuple[list[dict[str, Any]], set[str]]:
    """A country's every vote on a resolution tied to a treaty, by date (the profile's)."""
    stmt = statement(model, country=iso3, linked=True).add_columns(R.date)
    rows = conn.execute(stmt.order_by(R.date, V.resolution, V.source)).all()
    return render(model, rows, hidden_imports(conn, model, rows))


def hidden_imports(
    conn: Connection, model: ReadModel, rows: Sequence[Any]
) -> dict[tuple[str, str], list[OtherVote]]:
    """The imported rows behind rows shown from another UN-record source (one ranked before
    the import by id): the read model holds only the non-imported rows. Usually none, and
    then no statement is run."""
    keys = [
        (r.resolution, r.country)
        for r in rows
        if r.source in model.official and r.source not in model.bulk
    ]
    found: dict[tuple[str, str], list[OtherVote]] = {}
    if not keys or not model.bulk:
        return found
    extra = conn.execute(
        select(V.resolution, V.country, V.source, V.vote)
        .where(tuple_(V.resolution, V.country).in_(keys), V.source.in_(sorted(model.bulk)))
        .order_by(V.source)
    )
    for row in extra:
        found.setdefault((row.resolution, row.country), []).append(
            OtherVote(row.source, str(row.vote))
        )
    return found


def render(
    model: ReadModel,
    rows: Iterable[Any],
    hidden: dict[tuple[str, str], list[OtherVote]] | None = None,
) -> tuple[list[dict[str, Any]], set[str]]:
    """Vote rows as `VoteOut` JSON, with the voter's status on the vote date, the other
    sources' records and the footnotes; and the ids of every source used."""
    out: list[dict[str, Any]] = []
    sources: set[str] = set()
    linked: dict[str, set[str]] = {}
    for row in rows:
        day: date = row.date
        key = (row.resolution, row.country)
        status = None
        if row.treaty is not None:
            status = model.treaties[row.treaty].spans_of(row.country).kind_on(day)
            linked.setdefault(row.treaty, set()).add(row.country)
        vote = str(row.vote)
        recorded = model.others.get(key, [])
        if hidden and key in hidden:
            recorded = sorted([*recorded, *hidden[key]], key=lambda o: o.source)
        also = [
            {
                "source": o.source,
                "vote": o.vote,
                "citations": model.cited("vote", f"{row.resolution}|{row.country}|{o.source}"),
            }
            for o in recorded
            if o.source != row.source
        ]
        sources.update((row.source, row.resolution_source))
        sources.update(o.source for o in recorded if o.source != row.source)
        out.append(
            {
                "country": model.voters[row.country],
                "resolution": {
                    "symbol": row.resolution,
                    "date": day.isoformat(),
                    "title": row.title,
                    "treaty": row.treaty,
                    "source": row.resolution_source,
                },
                "vote": vote,
                "source_code": row.source_code,
                "note": row.note,
                "source": row.source,
                "status": status,
                "citations": model.cited("vote", f"{row.resolution}|{row.country}|{row.source}"),
                "also_recorded": also,
                "conflicts": [o for o in also if o["vote"] != vote],
            }
        )
    voters = set().union(*linked.values()) if linked else set()
    for slug in linked:  # as statuses_on_vote_dates: every voter's actions toward each treaty
        treaty = model.treaties[slug]
        sources.add(treaty.source)
        for iso3 in voters:
            sources |= treaty.sources_of.get(iso3, set())
    return out, sources
