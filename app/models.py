"""SQLAlchemy 2 typed models: the tables behind the schemas in `app.schemas`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    event,
    inspect,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column, relationship

from app.vocab import (
    ActionKind,
    EifRule,
    Finding,
    ParticipationRole,
    PracticeKind,
    QuantityKind,
    Reporter,
    SourceKind,
    StatusKind,
    VoteKind,
    Weapon,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def vocab(enum: type[StrEnum]) -> Enum:
    """A portable VARCHAR column type holding the values of a vocabulary."""
    return Enum(enum, native_enum=False, create_constraint=False, length=40)


#: Tables managed by hand-written migrations, not by the models (the full-text index).
UNMODELLED = "search_documents"


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """Autogenerate filter: leave out the full-text index and SQLite's FTS5 shadow tables."""
    return not (type_ == "table" and name is not None and name.startswith(UNMODELLED))


class Base(DeclarativeBase):
    """Declarative base with a constraint naming convention for Alembic."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


ISO3 = String(3)
SLUG = String(80)
PARTIAL_DATE = String(10)


def country_fk(nullable: bool = False) -> Mapped[str]:
    """A column pointing at a country."""
    return mapped_column(ISO3, ForeignKey("countries.iso3"), nullable=nullable, index=True)


def source_fk() -> Mapped[str]:
    """A column pointing at the source a record comes from."""
    return mapped_column(SLUG, ForeignKey("sources.id"), index=True)


class Versioned:
    """A record curators can edit: its version is the ETag, bumped by every change."""

    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class Change(Base):
    """One entry of the history and of the change feed, in commit order.

    A record change has `record_type`, `record_id` and the values `before` and `after`
    (None when the record did not exist / was retired); a bulk import has a `summary`.
    """

    __tablename__ = "changes"
    __table_args__ = (Index("ix_changes_record", "record_type", "record_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))
    record_type: Mapped[str | None] = mapped_column(String(40))
    record_id: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)


class Meta(Base):
    """Small key/value facts about the database itself, e.g. `data_version`."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class ApiKey(Base):
    """A curator's API key: only a salted hash of its secret is kept."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    scope: Mapped[str] = mapped_column(String(10))
    salt: Mapped[str] = mapped_column(String(32))
    hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Country(Versioned, Base):
    """An ISO 3166-1 country, or a historical state that UN records use."""

    __tablename__ = "countries"

    iso3: Mapped[str] = mapped_column(ISO3, primary_key=True)
    iso2: Mapped[str | None] = mapped_column(String(2), index=True)
    numeric: Mapped[str | None] = mapped_column(String(3), index=True)
    name: Mapped[str] = mapped_column(String(200))
    official_name: Mapped[str | None] = mapped_column(String(200))
    un_member: Mapped[bool] = mapped_column(Boolean, default=False)
    un_observer: Mapped[bool] = mapped_column(Boolean, default=False)
    # One of the 197 states (data/reference/un_membership.yaml and states.yaml).
    state: Mapped[bool] = mapped_column(Boolean, default=False)
    # The state administering an area that is not one (data/reference/territories.yaml).
    administered_by: Mapped[str | None] = mapped_column(ISO3)
    historical: Mapped[bool] = mapped_column(Boolean, default=False)
    # UN M49 (data/reference/m49_regions.csv); null where M49 gives none (ATA, historical codes).
    region: Mapped[str | None] = mapped_column(String(100))
    region_code: Mapped[str | None] = mapped_column(String(3))
    subregion: Mapped[str | None] = mapped_column(String(100))
    subregion_code: Mapped[str | None] = mapped_column(String(3))
    intermediate_region: Mapped[str | None] = mapped_column(String(100))
    intermediate_region_code: Mapped[str | None] = mapped_column(String(3))

    names: Mapped[list[CountryName]] = relationship(
        back_populates="country", order_by="CountryName.name"
    )


class CountryName(Versioned, Base):
    """A name a country is known by, keyed by its folded form for lookups."""

    __tablename__ = "country_names"

    folded: Mapped[str] = mapped_column(String(200), primary_key=True)
    country_iso3: Mapped[str] = country_fk()
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    # Where the name is attested (null: ISO 3166-1 as pycountry gives it, or a curator).
    source: Mapped[str | None] = mapped_column(SLUG, ForeignKey("sources.id"), index=True)

    country: Mapped[Country] = relationship(back_populates="names")


class Source(Versioned, Base):
    """A published document records come from."""

    __tablename__ = "sources"

    id: Mapped[str] = mapped_column(SLUG, primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    publisher: Mapped[str] = mapped_column(String(200))
    kind: Mapped[SourceKind] = mapped_column(vocab(SourceKind))
    url: Mapped[str | None] = mapped_column(Text)
    country: Mapped[str | None] = country_fk(nullable=True)
    published_on: Mapped[str | None] = mapped_column(PARTIAL_DATE)
    last_updated: Mapped[date | None] = mapped_column(Date)
    retrieved_on: Mapped[date | None] = mapped_column(Date)
    licence: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(20), default="curated")
    status_as_at: Mapped[date | None] = mapped_column(Date)
    checksum: Mapped[str | None] = mapped_column(String(80))
    row_count: Mapped[int | None] = mapped_column(Integer)
    imported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    citations: Mapped[list[Citation]] = relationship(
        back_populates="source_obj", order_by="Citation.number", cascade="all, delete-orphan"
    )


def citation_id(source: object, number: object) -> str:
    """A footnote's id: its source's id and its number ("untc-status-xxvi-5:4")."""
    return f"{source}:{number}"


class Citation(Versioned, Base):
    """A numbered footnote of a source."""

    __tablename__ = "citations"
    __table_args__ = (UniqueConstraint("source", "number"),)

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    source: Mapped[str] = mapped_column(SLUG, ForeignKey("sources.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    # Null for a UNTC end note loaded from the public record, which holds no UN prose.
    text: Mapped[str | None] = mapped_column(Text)
    issuer: Mapped[str | None] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(Text)
    date: Mapped[str | None] = mapped_column(PARTIAL_DATE)
    place: Mapped[str | None] = mapped_column(String(200))

    source_obj: Mapped[Source] = relationship(back_populates="citations")


class CitationLink(Base):
    """Links a citation to any fact-bearing record it supports."""

    __tablename__ = "citation_links"
    __table_args__ = (Index("ix_citation_links_record", "record_type", "record_id"),)

    citation_id: Mapped[str] = mapped_column(
        String(100), ForeignKey("citations.id", ondelete="CASCADE"), primary_key=True
    )
    record_type: Mapped[str] = mapped_column(String(40), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(120), primary_key=True)


class Treaty(Versioned, Base):
    """A treaty or protocol."""

    __tablename__ = "treaties"

    slug: Mapped[str] = mapped_column(SLUG, primary_key=True)
    short_name: Mapped[str] = mapped_column(String(200))
    full_title: Mapped[str] = mapped_column(Text)
    untc_number: Mapped[str | None] = mapped_column(String(20))
    adopted_place: Mapped[str | None] = mapped_column(String(100))
    adopted_on: Mapped[date | None] = mapped_column(Date)
    opened_for_signature_on: Mapped[date | None] = mapped_column(Date)
    entry_into_force_on: Mapped[date | None] = mapped_column(Date)
    parent: Mapped[str | None] = mapped_column(SLUG, ForeignKey("treaties.slug"))
    eif_rule: Mapped[EifRule] = mapped_column(vocab(EifRule))
    source: Mapped[str] = source_fk()

    alias_rows: Mapped[list[TreatyAlias]] = relationship(order_by="TreatyAlias.alias")

    @property
    def aliases(self) -> list[str]:
        """Aliases in alphabetical order."""
        return [a.alias for a in self.alias_rows]


class TreatyAlias(Base):
    """Another name of a treaty, keyed by its folded form."""

    __tablename__ = "treaty_aliases"

    folded: Mapped[str] = mapped_column(String(200), primary_key=True)
    treaty: Mapped[str] = mapped_column(SLUG, ForeignKey("treaties.slug"), index=True)
    alias: Mapped[str] = mapped_column(String(200))


class TreatyAction(Versioned, Base):
    """A dated action of a country toward a treaty."""

    __tablename__ = "treaty_actions"
    __table_args__ = (Index("ix_treaty_actions_country_treaty", "country", "treaty", "date"),)

    id: Mapped[str] = mapped_column(SLUG, primary_key=True)
    country: Mapped[str] = mapped_column(ISO3, ForeignKey("countries.iso3"))
    treaty: Mapped[str] = mapped_column(SLUG, ForeignKey("treaties.slug"), index=True)
    action: Mapped[ActionKind] = mapped_column(vocab(ActionKind))
    date: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = source_fk()


class StatusStatement(Versioned, Base):
    """A source's statement of a country's status toward a treaty."""

    __tablename__ = "status_statements"

    id: Mapped[str] = mapped_column(SLUG, primary_key=True)
    country: Mapped[str] = country_fk()
    treaty: Mapped[str] = mapped_column(SLUG, ForeignKey("treaties.slug"))
    status: Mapped[StatusKind] = mapped_column(vocab(StatusKind))
    as_of: Mapped[str] = mapped_column(PARTIAL_DATE)
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = source_fk()


class Participation(Versioned, Base):
    """A country's part in a treaty meeting or negotiation."""

    __tablename__ = "participations"

    id: Mapped[str] = mapped_column(SLUG, primary_key=True)
    country: Mapped[str] = country_fk()
    treaty: Mapped[str] = mapped_column(SLUG, ForeignKey("treaties.slug"))
    meeting: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    date: Mapped[str | None] = mapped_column(PARTIAL_DATE)
    role: Mapped[ParticipationRole] = mapped_column(vocab(ParticipationRole))
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = source_fk()


class Position(Versioned, Base):
    """A dated policy statement of a country."""

    __tablename__ = "positions"

    id: Mapped[str] = mapped_column(SLUG, primary_key=True)
    country: Mapped[str] = country_fk()
    treaty: Mapped[str | None] = mapped_column(SLUG, ForeignKey("treaties.slug"))
    date: Mapped[str | None] = mapped_column(PARTIAL_DATE)
    kind: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = source_fk()


class Stockpile(Versioned, Base):
    """A stockpile of a weapon, as one source reports it."""

    __tablename__ = "stockpiles"

    id: Mapped[str] = mapped_column(SLUG, primary_key=True)
    country: Mapped[str] = country_fk()
    weapon: Mapped[Weapon] = mapped_column(vocab(Weapon))
    holder: Mapped[str | None] = mapped_column(String(200))
    types: Mapped[list[str]] = mapped_column(JSON, default=list)
    quantity_kind: Mapped[QuantityKind] = mapped_column(vocab(QuantityKind))
    quantity: Mapped[int | None] = mapped_column(Integer)
    quantity_min: Mapped[int | None] = mapped_column(Integer)
    quantity_max: Mapped[int | None] = mapped_column(Integer)
    quantity_text: Mapped[str | None] = mapped_column(String(200))
    condition: Mapped[str | None] = mapped_column(Text)
    purpose: Mapped[str | None] = mapped_column(Text)
    as_of: Mapped[str | None] = mapped_column(PARTIAL_DATE)
    reporter: Mapped[Reporter] = mapped_column(vocab(Reporter))
    reported_by: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = source_fk()

    costs: Mapped[list[StockpileCost]] = relationship(
        order_by="StockpileCost.position", cascade="all, delete-orphan"
    )


class StockpileCost(Base):
    """A cost figure of a stockpile (destruction, replacement)."""

    __tablename__ = "stockpile_costs"

    stockpile_id: Mapped[str] = mapped_column(
        SLUG, ForeignKey("stockpiles.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    purpose: Mapped[str] = mapped_column(String(100))
    amount: Mapped[float] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(3))
    approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str | None] = mapped_column(Text)


class Practice(Versioned, Base):
    """A finding about use, production, transfer or export of a weapon."""

    __tablename__ = "practices"

    id: Mapped[str] = mapped_column(SLUG, primary_key=True)
    country: Mapped[str] = country_fk()
    weapon: Mapped[Weapon] = mapped_column(vocab(Weapon))
    kind: Mapped[PracticeKind] = mapped_column(vocab(PracticeKind))
    finding: Mapped[Finding] = mapped_column(vocab(Finding))
    period_start: Mapped[int | None] = mapped_column(Integer)
    period_end: Mapped[int | None] = mapped_column(Integer)
    as_of: Mapped[str | None] = mapped_column(PARTIAL_DATE)
    details: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = source_fk()


class Resolution(Versioned, Base):
    """A UN General Assembly resolution with its official totals."""

    __tablename__ = "resolutions"

    symbol: Mapped[str] = mapped_column(String(40), primary_key=True)
    session: Mapped[int] = mapped_column(Integer, index=True)
    date: Mapped[date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(Text)
    treaty: Mapped[str | None] = mapped_column(SLUG, ForeignKey("treaties.slug"), index=True)
    meeting: Mapped[str | None] = mapped_column(String(40))
    draft: Mapped[str | None] = mapped_column(String(60))
    total_yes: Mapped[int | None] = mapped_column(Integer)
    total_no: Mapped[int | None] = mapped_column(Integer)
    total_abstain: Mapped[int | None] = mapped_column(Integer)
    total_non_voting: Mapped[int | None] = mapped_column(Integer)
    total_members: Mapped[int | None] = mapped_column(Integer)
    counted_yes: Mapped[int | None] = mapped_column(Integer)
    counted_no: Mapped[int | None] = mapped_column(Integer)
    counted_abstain: Mapped[int | None] = mapped_column(Integer)
    counted_non_voting: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = source_fk()


def resolution_date(context: DefaultExecutionContext) -> date | None:
    """A vote's date where an insert leaves it out: its resolution's, read in the same
    transaction (the vote importer brings the date itself)."""
    params: dict[str, Any] = context.get_current_parameters()  # type: ignore[no-untyped-call]
    stmt = select(Resolution.date).where(Resolution.symbol == params["resolution"])
    found: date | None = context.connection.scalar(stmt)
    return found


class Vote(Versioned, Base):
    """A country's vote on a resolution, as one source records it.

    The source is part of the key: when an imported file and a curated record disagree,
    both are kept and shown. `date` is the resolution's, kept here so that a country's votes
    in date order are one index range (every write keeps it equal, see `follow_dates`).
    """

    __tablename__ = "votes"

    resolution: Mapped[str] = mapped_column(
        String(40), ForeignKey("resolutions.symbol"), primary_key=True
    )
    country: Mapped[str] = mapped_column(ISO3, ForeignKey("countries.iso3"), primary_key=True)
    vote: Mapped[VoteKind] = mapped_column(vocab(VoteKind))
    source_code: Mapped[str | None] = mapped_column(String(4))
    note: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(SLUG, ForeignKey("sources.id"), primary_key=True)
    date: Mapped[date] = mapped_column(Date, default=resolution_date)

    resolution_obj: Mapped[Resolution] = relationship(lazy="joined")

    @property
    def record_id(self) -> str:
        """The key citation links use for a vote."""
        return f"{self.resolution}|{self.country}|{self.source}"


Index("ix_votes_country_date", Vote.country, Vote.date, Vote.resolution, Vote.source)
Index("ix_votes_source", Vote.source)


def follow_dates(connection: Connection, dates: Mapping[str, date]) -> None:
    """Give the votes of each resolution symbol in `dates` its date (the resolution's now)."""
    if not dates:
        return
    table = Base.metadata.tables[Vote.__tablename__]
    stmt = (
        update(table)
        .where(table.c.resolution == bindparam("symbol"), table.c.date != bindparam("day"))
        .values(date=bindparam("day"))
    )
    connection.execute(stmt, [{"symbol": s, "day": d} for s, d in dates.items()])


@event.listens_for(Resolution, "after_update")
def _votes_follow(_mapper: Mapper[Resolution], connection: Connection, target: Resolution) -> None:
    """An ORM change of a resolution's date reaches its votes in the same flush."""
    if inspect(target).attrs.date.history.has_changes():
        follow_dates(connection, {target.symbol: target.date})


class Draft(Base):
    """A record read from a profile, waiting for a curator: draft, published or rejected."""

    __tablename__ = "drafts"
    __table_args__ = (Index("ix_drafts_source_kind", "source", "kind"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    source: Mapped[str] = mapped_column(SLUG, ForeignKey("sources.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, object]] = mapped_column(JSON)
    span_start: Mapped[int] = mapped_column(Integer)
    span_end: Mapped[int] = mapped_column(Integer)
    citations: Mapped[list[int]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    record_id: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
