"""Pages of votes read in one statement and written as the API's JSON, statuses from the spans."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Dialect,
    Integer,
    Select,
    String,
    bindparam,
    select,
    tuple_,
)

from app import models
from app.paging import Window
from app.queries.votes import primary_vote, vote_filter
from app.readmodel import rawsql
from app.readmodel.model import OtherVote, ReadModel, resolution_refs
from app.respond import Fetched
from app.vocab import VoteKind

if TYPE_CHECKING:
    from app.readmodel.store import Reads

V, R, C = models.Vote, models.Resolution, models.Country
#: The columns of a vote row, in order (see the indexes below); the resolution's facts come
#: from the read model (`ReadModel.resolutions`), not from a join.
COLUMNS = (V.resolution, V.country, V.source, V.vote, V.source_code, V.note)
#: Sort keys: a country's history (date, symbol, source), every vote (date, symbol, country).
HISTORY = (date, str, str)
ALL = (date, str, str)
#: Opens the connection of a statement the read model cannot spare (rarely needed).
Connect = Callable[[], AbstractContextManager[Connection]]


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
    stmt: Select[Any] = select(*COLUMNS)  # type: ignore[assignment]
    if treaty is not None or linked:
        stmt = stmt.join(R, R.symbol == V.resolution)
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


#: Indexes of a vote row: the selected columns, then the date (`statement` pages add the symbol
#: and the last sort key after it).
RES, CTY, SRC, VOTE, CODE, NOTE, DATE = range(7)


def page(
    conn: Connection, model: ReadModel, window: Window, **filters: Any
) -> tuple[list[dict[str, Any]], str | None, set[str]]:
    """One page of the votes `statement` selects, and the ids of their sources: a country's
    history by date, symbol and source, else by date, symbol and country. One statement; the
    rest comes from the read model. A country's or a resolution's votes run a statement
    compiled once (`fast`)."""
    if is_fast(filters):
        found = rawsql.run(conn, *fast(conn.dialect, model, window, **filters))
        found = _full(conn.dialect, model, found, **filters)
        rows, cursor = _cut(window, found, filters.get("country") is not None)
    else:
        last = V.source if filters.get("country") is not None else V.country
        stmt = statement(model, **filters)
        rows, cursor = window.select(conn, stmt, [V.date, V.resolution, last])
    out, sources = _rendered(lambda: nullcontext(conn), model, rows)
    return out, cursor, sources


async def apage(
    reads: Reads, model: ReadModel, window: Window, json: bool, **filters: Any
) -> tuple[list[dict[str, Any]], str | None, set[str]]:
    """`page` of one country's or one resolution's votes (`is_fast`), its statement awaited
    (on PostgreSQL, the event loop serves other requests meanwhile); `json`: rows only
    written as JSON (see `render`)."""
    found = await reads.rows(*fast(reads.dialect, model, window, **filters))
    found = _full(reads.dialect, model, found, **filters)
    rows, cursor = _cut(window, found, filters.get("country") is not None)
    out, sources = _rendered(reads.connection, model, rows, json)
    return out, cursor, sources


class Pages:
    """One country's or one resolution's votes (`is_fast`) as `respond.alisted` reads them:
    a page awaited (`fetch`), a whole CSV slice by slice inline or in threads (`__call__`)."""

    def __init__(self, reads: Reads, model: ReadModel, **filters: Any) -> None:
        self.reads, self.model, self.filters = reads, model, filters

    def __call__(self, window: Window) -> Fetched:
        with self.reads.connection() as conn:
            items, cursor, used = page(conn, self.model, window, **self.filters)
        return items, cursor, self.model.source_list(used)

    async def fetch(self, window: Window, json: bool = False) -> Fetched:
        """One page of the votes, its statement awaited; `json`: for a JSON page only."""
        items, cursor, used = await apage(self.reads, self.model, window, json, **self.filters)
        return items, cursor, self.model.source_list(used)


def is_fast(filters: dict[str, Any]) -> bool:
    """Whether `filters` ask for one country's or one resolution's votes (`fast`)."""
    return (
        filters.get("where") is None
        and filters.get("countries") is None
        and (filters.get("country") is not None or filters.get("symbol") is not None)
    )


def _cut(
    window: Window, rows: list[tuple[Any, ...]], by_country: bool
) -> tuple[list[tuple[Any, ...]], str | None]:
    """The page of `fast` rows, and the cursor after it: (date, symbol, source) of a country's
    votes, (date, symbol, country) of a resolution's."""
    last = SRC if by_country else CTY
    return window.cut(rows, lambda r: (r[DATE], r[RES], r[last]))


def _rendered(
    connect: Connect, model: ReadModel, rows: Sequence[Any], json: bool = False
) -> tuple[list[dict[str, Any]], set[str]]:
    """`render` of `rows`, with what the model does not hold read on `connect` (rarely)."""
    hidden = hidden_imports(connect, model, rows)
    return render(model, rows, hidden, refs(connect, model, rows), json)


def fast(
    dialect: Dialect,
    model: ReadModel,
    window: Window,
    *,
    country: str | None = None,
    symbol: str | None = None,
    treaty: str | None = None,
    since: date | None = None,
    until: date | None = None,
    vote: set[VoteKind] | None = None,
    **_: Any,
) -> tuple[rawsql.Prepared, dict[str, Any]]:
    """The statement (compiled once per shape) and values of up to `limit` + 1 rows of one
    country's or one resolution's votes from the cursor on, without the columns that are the
    same on every row (see `_full`)."""
    votes = tuple(sorted(v.value for v in vote or ()))
    known = symbol in model.resolutions
    key = (
        "votes",
        dialect.name,
        country is not None,
        known,
        treaty is not None,
        since is not None,
        until is not None,
        votes,
        window.after is not None,
    )
    shape = (country is not None, known, treaty is not None, since is not None, until is not None)
    prepared = model.remember(
        key,
        lambda: rawsql.prepare(_shaped(model, *shape, votes, window.after is not None), dialect),
    )
    values: dict[str, Any] = {
        "key": country if country is not None else symbol,
        "treaty": treaty,
        "since": since,
        "until": until,
        "n": window.limit + 1,
    }
    if window.after is not None:
        values |= dict(zip(("a0", "a1", "a2"), window.after, strict=True))
    return prepared, values


def _shaped(
    model: ReadModel,
    by_country: bool,
    known: bool,
    treaty: bool,
    since: bool,
    until: bool,
    votes: tuple[str, ...],
    after: bool,
) -> Select[Any]:
    """The statement of one shape of `fast`, values left as bind parameters: a country's
    votes without the country, those of a resolution the model knows without the resolution
    and its date (`_full` puts them back)."""
    if by_country:
        shown = [c for c in COLUMNS if c is not V.country]
    else:
        shown = [c for c in COLUMNS if c is not V.resolution] if known else list(COLUMNS)
    stmt: Select[Any] = select(*shown)  # type: ignore[assignment]
    stmt = stmt.where(primary_vote(model.official))
    if treaty:
        stmt = stmt.join(R, R.symbol == V.resolution)
        stmt = stmt.where(R.treaty == bindparam("treaty", None, type_=String))
    if since:
        stmt = stmt.where(V.date >= bindparam("since", None, type_=Date))
    if until:
        stmt = stmt.where(V.date <= bindparam("until", None, type_=Date))
    if votes:
        stmt = stmt.where(V.vote.in_(votes))
    mine = V.country if by_country else V.resolution
    last = V.source if by_country else V.country
    order = (V.date, V.resolution, last)
    stmt = stmt.where(mine == bindparam("key", None, type_=String))
    if by_country or not known:
        stmt = stmt.add_columns(V.date)
    if after:
        after_key = (
            bindparam("a0", None, type_=Date),
            bindparam("a1", None, type_=String),
            bindparam("a2", None, type_=String),
        )
        stmt = stmt.where(tuple_(*order) > tuple_(*after_key))
    # a resolution's votes all bear its date (`models.follow_dates`): by country is by date,
    # symbol and country, and the primary key's order (no sort; the read stops at the limit)
    sort = order if by_country else (V.resolution, V.country)
    return stmt.order_by(*sort).limit(bindparam("n", None, type_=Integer))


def _full(
    dialect: Dialect,
    model: ReadModel,
    rows: list[tuple[Any, ...]],
    *,
    country: str | None = None,
    symbol: str | None = None,
    **_: Any,
) -> list[tuple[Any, ...]]:
    """The rows of `fast` with every column (`COLUMNS`, then the date): the country asked
    for, or the resolution and its date, which every one of its votes bears
    (`models.follow_dates`), in the driver's form (SQLite's ISO text, else a date). Fewer
    values to read from the driver costs less than these tuples."""
    if country is not None:
        return [(r[0], country, r[1], r[2], r[3], r[4], r[5]) for r in rows]
    if symbol not in model.resolutions:
        return rows
    text: str = model.resolutions[symbol]["date"]
    day = text if dialect.name == "sqlite" else date.fromisoformat(text)
    return [(symbol, r[0], r[1], r[2], r[3], r[4], day) for r in rows]


def linked(conn: Connection, model: ReadModel, iso3: str) -> tuple[list[dict[str, Any]], set[str]]:
    """A country's every vote on a resolution tied to a treaty, by date (the profile's)."""
    stmt = statement(model, country=iso3, linked=True).add_columns(V.date)
    rows = conn.execute(stmt.order_by(V.date, V.resolution, V.source)).all()
    return _rendered(lambda: nullcontext(conn), model, rows)


def refs(connect: Connect, model: ReadModel, rows: Sequence[Any]) -> dict[str, dict[str, Any]]:
    """The `ResolutionRef` JSON of the rows' resolutions: the read model's, and those of any
    resolution written after the model was read (a statement only then)."""
    held = model.resolutions
    missing = {r[RES] for r in rows if r[RES] not in held}
    if not missing:
        return held
    with connect() as conn:
        return {**held, **resolution_refs(conn, missing)}


def hidden_imports(
    connect: Connect, model: ReadModel, rows: Sequence[Any]
) -> dict[tuple[str, str], list[OtherVote]]:
    """The imported rows behind rows shown from another UN-record source (one ranked before
    the import by id): the read model holds only the non-imported rows. Usually none, and
    then no statement is run."""
    found: dict[tuple[str, str], list[OtherVote]] = {}
    curated = model.official - model.bulk  # the UN-record sources not imported
    if not curated or not model.bulk:
        return found
    keys = [(r[RES], r[CTY]) for r in rows if r[SRC] in curated]
    if not keys:
        return found
    with connect() as conn:
        extra = conn.execute(
            select(V.resolution, V.country, V.source, V.vote)
            .where(tuple_(V.resolution, V.country).in_(keys), V.source.in_(sorted(model.bulk)))
            .order_by(V.source)
        ).all()
    for row in extra:
        found.setdefault((row.resolution, row.country), []).append(
            OtherVote(row.source, str(row.vote))
        )
    return found


def render(
    model: ReadModel,
    rows: Sequence[Sequence[Any]],
    hidden: dict[tuple[str, str], list[OtherVote]],
    resolutions: dict[str, dict[str, Any]],
    json: bool = False,
) -> tuple[list[dict[str, Any]], set[str]]:
    """Vote rows as `VoteOut` JSON, with the voter's status on the vote date, the other
    sources' records and the footnotes; and the ids of every source used.

    Rows share their resolution's JSON object (`resolutions`, as `refs` gives them);
    a vote without other records shares the empty lists (orjson writes each in full).
    `json`: rows that are only written as JSON embed the voter and the resolution as the
    model's bytes (`ReadModel.voter_json`), which orjson copies instead of writing them again.
    """
    out: list[dict[str, Any]] = []
    used = {row[RES] for row in rows}
    linked = {t for s in used if (t := resolutions[s]["treaty"]) is not None}
    sources = {row[SRC] for row in rows} | {resolutions[s]["source"] for s in used}
    others, cited, noted = model.others, model.vote_citations, model.noted
    voters: dict[str, Any] = model.voter_json if json else model.voters
    shown: dict[str, Any] = model.resolution_json if json else resolutions
    none: tuple[()] = ()
    kinds: dict[str, str] = {}  # a `Kinds` once a row has a treaty
    on: tuple[Any, Any] = (None, None)  # the treaty and day of `kinds`
    for row in rows:
        symbol, iso3, source, vote = row[RES], row[CTY], row[SRC], str(row[VOTE])
        resolution = resolutions[symbol]
        treaty = resolution["treaty"]
        status = None
        if treaty is not None:
            # the date as the driver gives it (SQLite's ISO text, as read on its cursor)
            if on != (treaty, row[DATE]):
                on = (treaty, row[DATE])
                kinds = model.kinds_on(*on)
            status = kinds[iso3]
        also: Sequence[dict[str, Any]] = none
        conflicts: Sequence[dict[str, Any]] = none
        citations: Sequence[dict[str, Any]] = none
        if iso3 in noted.get(symbol, none) or hidden:  # a few votes at most
            key = (symbol, iso3)
            citations = cited.get((symbol, iso3, source), none)
            if key in others or key in hidden:
                recorded = others.get(key, [])
                if key in hidden:
                    recorded = sorted([*recorded, *hidden[key]], key=lambda o: o.source)
                also = [
                    {
                        "source": o.source,
                        "vote": o.vote,
                        "citations": cited.get((symbol, iso3, o.source), none),
                    }
                    for o in recorded
                    if o.source != source
                ]
                conflicts = [o for o in also if o["vote"] != vote]
                sources.update(str(o["source"]) for o in also)
        out.append(
            {
                "country": voters[iso3],
                "resolution": shown.get(symbol) or resolution,
                "vote": vote,
                "source_code": row[CODE],
                "note": row[NOTE],
                "source": source,
                "status": status,
                "citations": citations,
                "also_recorded": also,
                "conflicts": conflicts,
            }
        )
    if linked:  # the sources of every voter's actions toward each treaty on the page
        every_voter = {row[CTY] for row in rows if resolutions[row[RES]]["treaty"] is not None}
        for slug in linked:
            treaty_model = model.treaties[slug]
            sources.add(treaty_model.source)
            of = treaty_model.sources_of
            sources.update(*[of[iso3] for iso3 in every_voter if iso3 in of])
    return out, sources
