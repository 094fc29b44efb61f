"""The read model of one data version: built in one pass, then only read."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import orjson
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from app import models
from app.queries.common import pick
from app.queries.treaties import actions_by_country, floor_of, rule_of
from app.readmodel.spans import Spans, StatusJson
from app.schemas import Citation, MemberKey, ResolutionRef, SourceOut, VoterRef
from app.status import TreatyRule
from app.vocab import SourceKind

#: Record types whose citations the model holds (the vote and resolution reads need them).
CITED = ("vote", "resolution")


@dataclass
class TreatyModel:
    """One treaty: its rule, its source, and every state's status spans toward it."""

    slug: str
    source: str
    rule: TreatyRule
    spans: dict[str, Spans]
    action_sources: set[str]
    sources_of: dict[str, set[str]]
    none: Spans
    #: The "status as at" date of the treaty's status pages, which every state's status rests
    #: on (`floor_of`); None without one.
    floor: date | None = None
    #: The date the treaty's whole record is known up to: `floor`, or else the earliest date
    #: of the states' records.
    record_as_at: date | None = None

    def spans_of(self, iso3: str) -> Spans:
        """The spans of a state (those of a state without actions if it has none)."""
        return self.spans.get(iso3, self.none)


class Kinds(dict[str, str]):
    """Status words toward one treaty on one day, by alpha-3, for every voter of the model; a
    state it does not hold (written after the model was read) is read from its spans."""

    def __init__(self, treaty: TreatyModel, day: date | str, voters: Iterable[str]) -> None:
        super().__init__((iso3, treaty.spans_of(iso3).kind_on(day)) for iso3 in voters)
        self.treaty, self.day = treaty, day

    def __missing__(self, iso3: str) -> str:
        return self.treaty.spans_of(iso3).kind_on(self.day)


@dataclass
class OtherVote:
    """A vote row of a source that is not an import."""

    source: str
    vote: str


@dataclass
class ReadModel:
    """Everything the hot reads need that changes only when the data version does."""

    version: int
    countries: dict[str, dict[str, Any]]
    member_keys: dict[str, dict[str, Any]]
    voters: dict[str, dict[str, Any]]
    #: The 197 states, and the other current areas (territories), by alpha-3.
    states: list[str]
    territories: list[str]
    treaties: dict[str, TreatyModel]
    sources: dict[str, dict[str, Any]]
    official: frozenset[str]
    bulk: frozenset[str]
    others: dict[tuple[str, str], list[OtherVote]]
    #: Citations of each vote, by (symbol, country, source), and of each resolution, by symbol.
    vote_citations: dict[tuple[str, str, str], list[dict[str, Any]]]
    resolution_citations: dict[str, list[dict[str, Any]]]
    resolutions: dict[str, dict[str, Any]]
    #: The voters who have another source's record or a footnote of their vote, by resolution.
    noted: dict[str, frozenset[str]]
    #: The same voters and resolutions as JSON bytes, which a JSON page of votes embeds as
    #: they are instead of writing the same object out again on every row.
    voter_json: dict[str, orjson.Fragment] = field(default_factory=dict)
    resolution_json: dict[str, orjson.Fragment] = field(default_factory=dict)
    memo: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def status(self, treaty: str, iso3: str, day: date) -> StatusJson:
        """A state's status toward a treaty on `day` (JSON form)."""
        return self.treaties[treaty].spans_of(iso3).on(day)

    def kinds_on(self, treaty: str, day: date | str) -> Kinds:
        """Every state's status word toward a treaty on `day` (a date, or its ISO text as
        SQLite returns it), by alpha-3: derived from the spans once per vote date and data
        version, as every vote on the same day asks for it again."""
        model = self.treaties[treaty]
        kinds: Kinds = self.remember(("kinds", treaty, day), lambda: Kinds(model, day, self.voters))
        return kinds

    def source_list(self, ids: Iterable[str]) -> list[dict[str, Any]]:
        """Sources by id, each with its number of footnotes (as `list_sources` gives them)."""
        return [self.sources[i] for i in sorted(set(ids)) if i in self.sources]

    def remember(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """A value derived once for this data version (made on first use)."""
        if key not in self.memo:
            value = make()
            with self.lock:
                self.memo.setdefault(key, value)
        return self.memo[key]


def build(session: Session, version: int) -> ReadModel:
    """Read the whole model in one transaction (a handful of queries, whatever the votes)."""
    countries: dict[str, dict[str, Any]] = {}
    member_keys: dict[str, dict[str, Any]] = {}
    voters: dict[str, dict[str, Any]] = {}
    states: list[str] = []
    territories: list[str] = []
    for c in session.scalars(select(models.Country).order_by(models.Country.iso3)):
        countries[c.iso3] = {
            "iso3": c.iso3,
            "iso2": c.iso2,
            "numeric": c.numeric,
            "historical": c.historical,
            "region_code": c.region_code,
            "subregion_code": c.subregion_code,
            "intermediate_region_code": c.intermediate_region_code,
        }
        member_keys[c.iso3] = MemberKey.model_validate(
            pick(MemberKey, c, country=c.iso3)
        ).model_dump(mode="json")
        voters[c.iso3] = VoterRef.model_validate(c, from_attributes=True).model_dump(mode="json")
        if c.state:
            states.append(c.iso3)
        elif not c.historical:
            territories.append(c.iso3)
    treaties = {t.slug: _treaty(session, t) for t in session.scalars(select(models.Treaty))}
    vote_citations, resolution_citations = _citations(session)
    counts = dict(
        session.execute(
            select(models.Citation.source, func.count()).group_by(models.Citation.source)
        ).all()
    )
    sources: dict[str, dict[str, Any]] = {}
    official: set[str] = set()
    bulk: set[str] = set()
    for src in session.scalars(select(models.Source)):
        out = SourceOut.model_validate(pick(SourceOut, src, citation_count=counts.get(src.id, 0)))
        sources[src.id] = out.model_dump(mode="json")
        if src.kind is SourceKind.un_data:
            official.add(src.id)
        if src.origin == "import":
            bulk.add(src.id)
    resolutions = resolution_refs(session.connection(), None)
    others = _other_votes(session, set(sources) - bulk)
    return ReadModel(
        version=version,
        countries=countries,
        member_keys=member_keys,
        voters=voters,
        states=states,
        territories=territories,
        treaties=treaties,
        sources=sources,
        official=frozenset(official),
        bulk=frozenset(bulk),
        others=others,
        vote_citations=vote_citations,
        resolution_citations=resolution_citations,
        resolutions=resolutions,
        noted=_noted([*others, *vote_citations]),
        voter_json=fragments(voters),
        resolution_json=fragments(resolutions),
    )


def _noted(keys: Iterable[tuple[str, ...]]) -> dict[str, frozenset[str]]:
    """The voters of the keys (symbol, country, ...) by resolution."""
    found: dict[str, set[str]] = defaultdict(set)
    for symbol, iso3, *_ in keys:
        found[symbol].add(iso3)
    return {symbol: frozenset(voters) for symbol, voters in found.items()}


def fragments(objects: dict[str, dict[str, Any]]) -> dict[str, orjson.Fragment]:
    """Each object written once as JSON, to be embedded as it is (`orjson.Fragment`)."""
    return {key: orjson.Fragment(orjson.dumps(value)) for key, value in objects.items()}


def _treaty(session: Session, treaty: models.Treaty) -> TreatyModel:
    grouped, sources = actions_by_country(session, treaty.slug)
    rule = rule_of(treaty)
    floor = floor_of(row for actions in grouped.values() for row in actions)
    spans = {iso3: Spans(rule, actions, floor) for iso3, actions in grouped.items()}
    known = [s.models[-1].record_as_at for s in spans.values()]
    return TreatyModel(
        slug=treaty.slug,
        source=treaty.source,
        rule=rule,
        spans=spans,
        action_sources=sources,
        sources_of={iso3: {a.source for a in actions} for iso3, actions in grouped.items()},
        none=Spans(rule, [], floor),
        floor=floor,
        record_as_at=floor or min((d for d in known if d is not None), default=None),
    )


def resolution_refs(conn: Connection, symbols: Collection[str] | None) -> dict[str, dict[str, Any]]:
    """`ResolutionRef` JSON of every resolution (or of `symbols`), by symbol: the facts shown
    beside each vote, so that a page of votes need not join the resolutions."""
    r = models.Resolution
    stmt = select(*(getattr(r, f) for f in REF))
    if symbols is not None:
        stmt = stmt.where(r.symbol.in_(sorted(symbols)))
    refs = {}
    for row in conn.execute(stmt):
        ref = dict(zip(REF, row, strict=True))
        ref["date"] = ref["date"].isoformat()
        refs[ref["symbol"]] = ref
    return refs


#: The resolution columns shown beside a vote (`ResolutionRef`), in order.
REF = tuple(ResolutionRef.model_fields)


def _other_votes(session: Session, curated: set[str]) -> dict[tuple[str, str], list[OtherVote]]:
    """Every vote row of a source that is not an import (curated, written through the API, or
    from a profile), by (resolution, country), by source: the few rows beside the imported
    UN record, read through the votes' source index.
    """
    found: dict[tuple[str, str], list[OtherVote]] = defaultdict(list)
    if not curated:
        return found
    v = models.Vote
    rows = session.execute(
        select(v.resolution, v.country, v.source, v.vote)
        .where(v.source.in_(sorted(curated)))
        .order_by(v.source)
    )
    for row in rows:
        found[(row.resolution, row.country)].append(OtherVote(row.source, str(row.vote)))
    return dict(found)


def _citations(
    session: Session,
) -> tuple[dict[tuple[str, str, str], list[dict[str, Any]]], dict[str, list[dict[str, Any]]]]:
    """The citations of every vote, by (symbol, country, source), and of every resolution, by
    symbol (each list by source and footnote number)."""
    link = models.CitationLink
    rows = session.execute(
        select(link.record_type, link.record_id, models.Citation)
        .join(models.Citation, models.Citation.id == link.citation_id)
        .where(link.record_type.in_(CITED))
        .order_by(models.Citation.source, models.Citation.number)
    )
    votes: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    resolutions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record_type, record_id, citation in rows:
        cited = Citation.model_validate(citation).model_dump(mode="json")
        if record_type == "resolution":
            resolutions[record_id].append(cited)
        elif len(key := record_id.split("|")) == 3:  # a vote's id: symbol|country|source
            votes[(key[0], key[1], key[2])].append(cited)
    return dict(votes), dict(resolutions)
