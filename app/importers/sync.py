"""Write validated curated records: insert new rows, update changed ones, drop removed ones."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app import models
from app.importers.m49 import REGION_FIELDS, RegionRow
from app.importers.yamlfile import YamlDoc
from app.names import IsoCountry, NameClaim, fold, iso_claims, iso_countries, name_owners
from app.schemas import (
    CountryFile,
    CountryNamesFile,
    ResolutionsFile,
    SourcesFile,
    StatesFile,
    TerritoriesFile,
    TreatiesFile,
    UnMembershipFile,
)

Row = dict[str, Any]

#: The record lists of a country file and the citation-link type of each.
RECORD_LISTS = {
    "treaty_actions": "treaty_action",
    "status_statements": "status_statement",
    "participations": "participation",
    "positions": "position",
    "votes": "vote",
    "stockpiles": "stockpile",
    "practices": "practice",
}


@dataclass
class Curated:
    """Every curated file, validated, with the documents kept for error positions."""

    sources: SourcesFile
    treaties: TreatiesFile
    resolutions: ResolutionsFile
    membership: UnMembershipFile
    names: CountryNamesFile
    countries: list[CountryFile]
    regions: list[RegionRow]
    states: StatesFile
    territories: TerritoriesFile
    docs: dict[str, YamlDoc] = field(default_factory=dict)

    def state_codes(self) -> set[str]:
        """The alpha-3 codes of the 197 states: UN members, observer states, the others."""
        membership = self.membership
        return {*membership.members, *membership.observers, *self.states.other_states}


@dataclass
class Counts:
    """What a sync did to one table."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


@dataclass
class SyncReport:
    """What a load did, table by table."""

    tables: dict[str, Counts] = field(default_factory=dict)
    #: What else the load wrote (the public record), one line each, and whether it changed.
    lines: list[str] = field(default_factory=list)
    others_changed: bool = False

    @property
    def changed(self) -> bool:
        """Whether anything was written."""
        tables = any(c.inserted or c.updated or c.deleted for c in self.tables.values())
        return tables or self.others_changed


def upsert(
    session: Session,
    model: type[models.Base],
    rows: Iterable[Row],
    key: tuple[str, ...],
    scope: ColumnElement[bool] | None,
    counts: Counts,
    bump_versions: bool = False,
) -> list[models.Base]:
    """Insert new rows and update changed ones (by `key`, among the rows in `scope`).

    With `bump_versions`, a changed row's `version` goes up (a curator's stale If-Match then
    fails); loads leave versions to their history. Returns the rows in scope that `rows` no
    longer holds, for the caller to delete.
    """
    stmt = select(model) if scope is None else select(model).where(scope)
    existing = {tuple(getattr(o, k) for k in key): o for o in session.scalars(stmt)}
    for row in rows:
        obj = existing.pop(tuple(row[k] for k in key), None)
        if obj is None:
            session.add(model(**row))
            counts.inserted += 1
            continue
        changed = {col: val for col, val in row.items() if getattr(obj, col) != val}
        for col, val in changed.items():
            setattr(obj, col, val)
        if changed and bump_versions:
            obj.version += 1  # type: ignore[attr-defined]
        counts.updated += bool(changed)
        counts.unchanged += not changed
    counts.deleted += len(existing)
    session.flush()
    return list(existing.values())


class _Sync:
    """Upserts in dependency order; deletions afterwards, in reverse order."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.report = SyncReport()
        self.leftovers: list[list[models.Base]] = []

    def table(
        self,
        model: type[models.Base],
        rows: Iterable[Row],
        key: tuple[str, ...],
        scope: ColumnElement[bool] | None = None,
    ) -> None:
        counts = self.report.tables.setdefault(model.__tablename__, Counts())
        self.leftovers.append(upsert(self.session, model, rows, key, scope, counts))

    def finish(self) -> SyncReport:
        for objects in reversed(self.leftovers):
            for obj in objects:
                self.session.delete(obj)
            self.session.flush()
        return self.report


def _fields(record: Any, *exclude: str) -> Row:
    return dict(record.model_dump(exclude={"citations", "costs", *exclude}))


def _resolution_fields(resolution: Any) -> Row:
    """A curated resolution; totals, meeting and draft it leaves empty stay as an importer
    filled them (so a load after an import writes nothing)."""
    row = _fields(resolution)
    return {k: v for k, v in row.items() if v is not None or not k.startswith(_FILLED)}


_FILLED = ("total_", "counted_", "meeting", "draft")


def country_names(isos: Collection[IsoCountry], listed: CountryNamesFile) -> dict[str, Row]:
    """Every known name of every country by its folded form, as `name_owners` settles them:
    ISO 3166-1 names, then the data file's (each from its own source or the file's)."""
    withdrawn = {c.iso3 for c in isos if c.historical}
    claims = [
        *iso_claims(isos),
        *(
            NameClaim(
                n.name, n.country, n.kind, n.country not in withdrawn, n.source or listed.source
            )
            for n in listed.names
        ),
    ]
    return {
        folded: {"country_iso3": c.iso3, "name": c.name, "kind": c.kind, "source": c.source}
        for folded, c in name_owners(claims).items()
    }


def write_curated(
    session: Session,
    cur: Curated,
    public_symbols: Collection[str] = (),
    between: Callable[[], None] | None = None,
) -> SyncReport:
    """Sync the validated curated data into the database (no commit).

    `between` runs once the countries, sources, treaties and resolutions are written and
    before the country records (which may point at what it writes); resolutions of
    `public_symbols` belong to the public record and are left to it.
    """
    sync = _Sync(session)
    members, observers = set(cur.membership.members), set(cur.membership.observers)
    states = cur.state_codes()
    administered = {t.country: t.administered_by for t in cur.territories.territories}
    isos = list(iso_countries())
    regions = {r.country: {k: getattr(r, k) for k in REGION_FIELDS} for r in cur.regions}
    no_region = dict.fromkeys(REGION_FIELDS)
    sync.table(
        models.Country,
        (
            {
                "iso3": c.iso3,
                "iso2": c.iso2,
                "numeric": c.numeric,
                "name": c.name,
                "official_name": c.official_name,
                "un_member": c.iso3 in members,
                "un_observer": c.iso3 in observers,
                "state": c.iso3 in states,
                "administered_by": administered.get(c.iso3),
                "historical": c.historical,
                **regions.get(c.iso3, no_region),
            }
            for c in isos
        ),
        ("iso3",),
    )
    curated = models.Source.origin == "curated"
    sync.table(
        models.Source,
        ({**_fields(s), "origin": "curated"} for s in cur.sources.sources),
        ("id",),
        curated,
    )
    names = country_names(isos, cur.names)
    sync.table(models.CountryName, ({"folded": k, **v} for k, v in names.items()), ("folded",))
    source_ids = [s.id for s in cur.sources.sources]
    sync.table(
        models.Citation,
        (
            {"id": models.citation_id(s.id, c.number), "source": s.id, **_fields(c)}
            for s in cur.sources.sources
            for c in s.citations
        ),
        ("id",),
        models.Citation.source.in_(source_ids),
    )
    treaties = cur.treaties.treaties
    by_parent = sorted(treaties, key=lambda t: t.parent is not None)
    sync.table(models.Treaty, (_fields(t, "aliases") for t in by_parent), ("slug",))
    sync.table(
        models.TreatyAlias,
        ({"folded": fold(a), "treaty": t.slug, "alias": a} for t in treaties for a in t.aliases),
        ("folded",),
    )
    # A resolution an importer created is taken over when a curated record names it.
    symbols = [r.symbol for r in cur.resolutions.resolutions]
    claimed = models.Resolution.source.in_(source_ids) | models.Resolution.symbol.in_(symbols)
    if public_symbols:
        claimed &= models.Resolution.symbol.not_in(sorted(public_symbols))
    sync.table(
        models.Resolution,
        (_resolution_fields(r) for r in cur.resolutions.resolutions),
        ("symbol",),
        claimed,
    )

    if between is not None:
        between()
    links: list[Row] = [
        {
            "citation_id": models.citation_id(r.source, n),
            "record_type": "resolution",
            "record_id": r.symbol,
        }
        for r in cur.resolutions.resolutions
        for n in r.citations
    ]
    costs: list[Row] = []
    for key, record_type in RECORD_LISTS.items():
        model = _MODELS[key]
        records = [rec for cf in cur.countries for rec in getattr(cf, key)]
        pk = ("resolution", "country", "source") if key == "votes" else ("id",)
        sync.table(model, (_fields(r) for r in records), pk, model.source.in_(source_ids))  # type: ignore[attr-defined]
        for rec in records:
            rid = f"{rec.resolution}|{rec.country}|{rec.source}" if key == "votes" else rec.id
            links += [
                {"citation_id": f"{rec.source}:{n}", "record_type": record_type, "record_id": rid}
                for n in rec.citations
            ]
            for i, cost in enumerate(getattr(rec, "costs", [])):
                costs.append({"stockpile_id": rec.id, "position": i, **_fields(cost)})
    stockpiles_in_curated = models.StockpileCost.stockpile_id.in_(
        select(models.Stockpile.id).where(models.Stockpile.source.in_(source_ids))
    )
    sync.table(models.StockpileCost, costs, ("stockpile_id", "position"), stockpiles_in_curated)
    sync.table(
        models.CitationLink,
        links,
        ("citation_id", "record_type", "record_id"),
        models.CitationLink.citation_id.in_(
            select(models.Citation.id).where(models.Citation.source.in_(source_ids))
        ),
    )
    return sync.finish()


_MODELS: dict[str, type[models.Base]] = {
    "treaty_actions": models.TreatyAction,
    "status_statements": models.StatusStatement,
    "participations": models.Participation,
    "positions": models.Position,
    "votes": models.Vote,
    "stockpiles": models.Stockpile,
    "practices": models.Practice,
}


def history_scopes(session: Session, cur: Curated) -> dict[str, ColumnElement[bool] | None]:
    """The rows of each record kind a load may change (what its history compares)."""
    ids = {s.id for s in cur.sources.sources}
    ids |= set(session.scalars(select(models.Source.id).where(models.Source.origin == "curated")))
    symbols = [r.symbol for r in cur.resolutions.resolutions]
    scopes: dict[str, ColumnElement[bool] | None] = {
        "country": None,
        "country_name": None,
        "treaty": None,
        "source": models.Source.id.in_(ids),
        "citation": models.Citation.source.in_(ids),
        "resolution": models.Resolution.source.in_(ids) | models.Resolution.symbol.in_(symbols),
    }
    for key, name in RECORD_LISTS.items():
        scopes[name] = _MODELS[key].source.in_(ids)  # type: ignore[attr-defined]
    return scopes
