"""Pydantic models: the one field list per record, shared by data files and the API.

Each fact-bearing record is declared once as ``XFields``. ``X`` (citations as footnote numbers
of the record's source) is what a data file or a write holds; ``XOut`` (citations expanded)
is what the API returns.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)

from app import examples
from app.names import fold
from app.vocab import (
    ActionKind,
    EifRule,
    EventKind,
    Finding,
    PartialDate,
    ParticipationRole,
    PracticeKind,
    QuantityKind,
    Reporter,
    SourceKind,
    StatusKind,
    VoteKind,
    Weapon,
)

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
#: Words, stripped: not blank (nor holding NUL, which the tables refuse), as the document says.
Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1),
    WithJsonSchema({"type": "string", "minLength": 1, "pattern": "^[^\\u0000]*\\S[^\\u0000]*$"}),
]
Word = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
Iso3 = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Symbol = Annotated[str, StringConstraints(pattern=r"^A/RES/[\w/ -]+$", max_length=40)]


def _utc(at: datetime) -> datetime:
    """SQLite gives back naive datetimes; every time stored here is UTC."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)


UtcDateTime = Annotated[datetime, AfterValidator(_utc)]


class Schema(BaseModel):
    """Base for every record: strict about unknown fields, readable from ORM objects."""

    model_config = ConfigDict(extra="forbid", from_attributes=True, allow_inf_nan=False)


# --- sources and citations ------------------------------------------------------------------


class CitationFields(Schema):
    """A numbered footnote of a source, with the parts of it that can be read."""

    number: int = Field(ge=1, description="Footnote number in the source.")
    text: Text | None = Field(
        description="Full text of the footnote; null where only its number and date are held: "
        "a UN Treaty Collection end note loaded from the public record (data/public holds no UN "
        "prose), until its page is imported (`import untc`, `sync untc`)."
    )
    issuer: str | None = Field(
        None, description='Who issued the cited document, e.g. "Ministry of Foreign Affairs".'
    )
    reference: str | None = Field(None, description='Document reference, e.g. "Letter 011-14/809".')
    date: PartialDate | None = Field(
        None, description="Date of the cited document (ISO 8601, may be YYYY-MM)."
    )
    place: str | None = Field(None, description="Where the cited statement was made.")


class CitationKey(Schema):
    """The identity of a footnote."""

    id: str = Field(description='"{source}:{number}", e.g. "monitor-kgz-mine-ban-policy-2019:7".')
    source: str = Field(description="Id of the source the footnote belongs to.")


class Citation(CitationFields, CitationKey):
    """A footnote as stored and returned, with its identity first."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.CITATION]})


class SourceFields(Schema):
    """A published document that records come from."""

    id: Slug = Field(description="The source's id, which records name as their `source`.")
    title: Text
    publisher: Text
    kind: SourceKind = Field(
        description="What the document is: a Monitor country profile, a UN document, a UN data "
        "file, a UN Treaty Collection status page or a reference work."
    )
    url: str | None = None
    country: Iso3 | None = Field(None, description="The country the document is about, if one.")
    published_on: PartialDate | None = Field(
        None, description="Publication date; may be partial (YYYY or YYYY-MM)."
    )
    last_updated: date | None = Field(
        None, description='The "Last updated" date the document shows.'
    )
    retrieved_on: date | None = Field(None, description="The day the document was retrieved.")
    licence: str | None = Field(
        None, description="The terms the document is published under, as far as known."
    )
    status_as_at: date | None = Field(None, description='A status page\'s "status as at" date.')
    checksum: str | None = Field(None, description="sha256 of an imported file.")
    row_count: int | None = Field(None, ge=0, description="Rows read from an imported file.")
    imported_at: UtcDateTime | None = Field(
        None, description="When its file or text was last imported, in UTC (null if never)."
    )


class SourceFile(SourceFields):
    """A source in a data file: the document and its footnotes."""

    citations: list[CitationFields] = Field(default_factory=list)


class CoverageSource(Schema):
    """A source consulted for a country and a kind of record, with its dates."""

    id: str = Field(description="The source's id (`/v1/sources/{source}`).")
    title: str
    publisher: str
    kind: SourceKind = Field(description="What the document is (Monitor profile, UN document…).")
    published_on: PartialDate | None = Field(
        None, description="Publication date; may be partial (YYYY or YYYY-MM)."
    )
    last_updated: date | None = Field(
        None, description='The "Last updated" date the document shows.'
    )
    retrieved_on: date | None = Field(None, description="The day the document was retrieved.")


#: What `coverage` means, said once for every list that carries it.
COVERAGE_MEANING = (
    "The sources consulted for this country and this kind of record: every source about the "
    "country (e.g. its Monitor country profile), and every source of such a record about it. "
    "An empty list means no source here covers it, not that the country has none."
)


def coverage_field(kind: str) -> Any:
    """A `coverage` list field of one kind of record, with the documented meaning."""
    return Field(default_factory=list, description=f"Sources for {kind}. {COVERAGE_MEANING}")


class SourceOut(SourceFields):
    """A source as the API returns it."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.SOURCE]})

    citation_count: int = Field(0, description="How many footnotes the source has.")


# --- countries and treaties ----------------------------------------------------------------


def _foldable(name: str) -> str:
    """A country name is looked up folded, so it must keep a letter or digit when folded."""
    if not fold(name):
        raise ValueError("a name needs a letter or digit")
    return name


class CountryNameFields(Schema):
    """Another name a country is known by (UN spelling, historical or short name)."""

    country: Iso3
    name: Annotated[Text, AfterValidator(_foldable)]
    kind: str = Field("alias", description="official, common, un, historical or alias.")
    source: Slug | None = Field(
        None, description="Where the name is attested; in a data file, default: the file's."
    )


class CountryNamesFile(Schema):
    """A data file of extra country names: each from the file's source or its own."""

    source: Slug
    names: list[CountryNameFields]


class UnMembershipFile(Schema):
    """A data file listing UN member states and observer states."""

    source: Slug
    members: list[Iso3]
    observers: list[Iso3]


class StatesFile(Schema):
    """A data file of the states that are neither UN members nor observer states."""

    source: Slug
    other_states: list[Iso3]


class TerritoryFields(Schema):
    """An area with an ISO 3166-1 code that is not a state, and the state administering it."""

    country: Iso3
    administered_by: Iso3 | None = None


class TerritoriesFile(Schema):
    """A data file of the areas that are not states, all from one source."""

    source: Slug
    territories: list[TerritoryFields]


STATE_MEANING = (
    "True for the 197 states treaties are open to: the 193 UN members, the two observer "
    "states (Holy See, State of Palestine), the Cook Islands and Niue (the Secretary-General's "
    '"all States" practice as depositary). Counts, member lists, maps and timelines cover '
    "these by default."
)
ADMINISTERED_MEANING = (
    "For an area that is not a state, the alpha-3 code of the state administering it "
    "(null for a state, and for Antarctica, Taiwan and Western Sahara)."
)


class Regions(Schema):
    """A country's UN M49 region, sub-region and intermediate region (null where M49 has none)."""

    region: str | None = Field(None, description='M49 region, e.g. "Europe".')
    region_code: str | None = Field(None, description='M49 region code, e.g. "150".')
    subregion: str | None = Field(None, description='M49 sub-region, e.g. "Western Europe".')
    subregion_code: str | None = Field(None, description='M49 sub-region code, e.g. "155".')
    intermediate_region: str | None = Field(
        None, description='M49 intermediate region, e.g. "Caribbean" (few countries have one).'
    )
    intermediate_region_code: str | None = Field(
        None, description='M49 intermediate region code, e.g. "029".'
    )


class CountryCodes(Schema):
    """A country or a historical state with its ISO 3166-1 codes."""

    iso3: Iso3 = Field(description="ISO 3166-1 alpha-3 code, the key every other record uses.")
    iso2: str | None = Field(description="ISO 3166-1 alpha-2 code (null where there is none).")
    numeric: str | None = Field(
        description='ISO 3166-1 numeric code, three digits as text (e.g. "417").'
    )
    name: str = Field(description="ISO 3166-1's common name where it has one, else its name.")
    official_name: str | None = Field(
        description="The official name ISO 3166-1 gives, where it gives one."
    )
    un_member: bool = Field(description="One of the 193 member states of the United Nations.")
    un_observer: bool = Field(
        description="A non-member observer state of the UN (Holy See, State of Palestine)."
    )
    state: bool = Field(description=STATE_MEANING)
    administered_by: str | None = Field(description=ADMINISTERED_MEANING)
    historical: bool = Field(
        description="A code ISO 3166-1 has withdrawn (e.g. YUG, TMP), still found by its code."
    )


class Country(Regions, CountryCodes):
    """A country or a historical state with its ISO 3166-1 codes and M49 regions."""


class CountryOut(Country):
    """A country with every name it is known by."""

    names: list[str] = Field(
        description="Every name the country is known by (ISO 3166-1, UN spellings, short, former "
        "and colloquial names), each of which finds it as `{country}`."
    )


class TreatyFields(Schema):
    """A treaty or protocol and the facts of its adoption and entry into force."""

    slug: Slug = Field(description='The treaty\'s id in paths and filters (e.g. "mbt", "ccw-p2a").')
    short_name: Text
    full_title: Text
    aliases: list[str] = Field(
        default_factory=list,
        description="Other names and abbreviations that also find the treaty as `{treaty}`.",
    )
    untc_number: str | None = Field(
        None, description='Its number in the UN Treaty Collection, e.g. "XXVI-5".'
    )
    adopted_place: str | None = None
    adopted_on: date | None = None
    opened_for_signature_on: date | None = None
    entry_into_force_on: date | None = Field(
        None,
        description="The day the treaty itself entered into force; `eif_rule` gives a state's.",
    )
    parent: Slug | None = Field(None, description="The treaty a protocol or amendment belongs to.")
    eif_rule: EifRule = Field(
        description="When it enters into force for a state after its deposit: "
        "`first_day_sixth_month` (the first day of the sixth month after the month of deposit) "
        "or `six_months_after` (six months after the deposit)."
    )
    source: Slug = Field(description="Id of the source of these facts.")


class TreatyRef(Schema):
    """The short form of a treaty used inside other records."""

    slug: str = Field(description="The treaty's id in paths and filters.")
    short_name: str


# --- fact-bearing records -------------------------------------------------------------------

C = TypeVar("C")


class Cited(Schema, Generic[C]):
    """The source of a record and the footnotes of that source that back it."""

    source: Slug = Field(description="Id of the source the record comes from.")
    citations: list[C] = Field(
        default_factory=list,
        description="The footnotes of that source that back the record (their numbers in a "
        "data file or a write).",
    )


class TreatyActionFields(Schema):
    """A dated action of a country toward a treaty."""

    id: Slug
    country: Iso3
    treaty: Slug
    action: ActionKind = Field(
        description="The step taken, in the UN Treaty Collection's terms (signature, "
        "ratification, accession, …, withdrawal notified or effective)."
    )
    date: date
    note: str | None = None


class StatusStatementFields(Schema):
    """A source's statement of a country's status toward a treaty on a date."""

    id: Slug
    country: Iso3
    treaty: Slug
    status: StatusKind = Field(description="The status the source states.")
    as_of: PartialDate = Field(
        description="The date the statement speaks of; may be partial (YYYY or YYYY-MM)."
    )
    text: Text = Field(description="The statement as the source words it.")


class ParticipationFields(Schema):
    """A country's part in a treaty meeting or negotiation."""

    id: Slug
    country: Iso3
    treaty: Slug
    meeting: Text = Field(description="The meeting or negotiation, as the source names it.")
    year: int = Field(ge=1900, le=2100)
    date: PartialDate | None = Field(None, description="May be partial (YYYY or YYYY-MM).")
    role: ParticipationRole = Field(
        description="How the country took part, or that it did not (`not_attended`, "
        "`invited_not_attended`)."
    )
    note: str | None = None


class PositionFields(Schema):
    """A dated policy statement of a country."""

    id: Slug
    country: Iso3
    treaty: Slug | None = Field(None, description="The treaty it is about; null if none.")
    date: PartialDate | None = Field(None, description="May be partial (YYYY or YYYY-MM).")
    kind: Word = Field(description='e.g. "support", "accession_under_consideration".')
    text: Text


class CostFields(Schema):
    """A cost figure attached to a stockpile."""

    purpose: Text = Field(description='e.g. "destruction", "replacement".')
    amount: float = Field(ge=0, description="The figure, in `currency`.")
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] = Field(
        description='ISO 4217 currency code, e.g. "USD".'
    )
    approximate: bool = Field(False, description="True when the source gives it as approximate.")
    text: str | None = Field(None, description="The figure as the source words it.")


class StockpileFields(Schema):
    """A stockpile of a weapon held by a country, as one source reports it."""

    id: Slug
    country: Iso3
    weapon: Weapon
    holder: str | None = Field(None, description='Who holds it, e.g. "Ministry of Defense".')
    types: list[str] = Field(
        default_factory=list, description='Models or types named, e.g. "PMN", "OZM-72".'
    )
    quantity_kind: QuantityKind = Field(
        description="How the source gives the quantity: `exact` (`quantity`), `range` "
        "(`quantity_min` to `quantity_max`), `qualitative` (`quantity_text` only) or `unknown`."
    )
    quantity: int | None = Field(None, ge=0, description="Exact quantity.")
    quantity_min: int | None = Field(None, ge=0, description="Lower bound of a range.")
    quantity_max: int | None = Field(None, ge=0, description="Upper bound of a range.")
    quantity_text: str | None = Field(None, description='As worded: "tens of thousands".')
    condition: str | None = Field(None, description='Its state as the source says, e.g. "expired".')
    purpose: str | None = Field(None, description="What it is kept for, as the source says.")
    as_of: PartialDate | None = Field(
        None, description="The date the figure is for; may be partial (YYYY or YYYY-MM)."
    )
    reporter: Reporter = Field(
        description="Whether the figure was reported officially or unofficially, per the source."
    )
    reported_by: str | None = Field(None, description="Who reported the figure.")
    costs: list[CostFields] = Field(default_factory=list)


class PracticeFields(Schema):
    """A finding about use, production, transfer or export of a weapon."""

    id: Slug
    country: Iso3
    weapon: Weapon
    kind: PracticeKind = Field(description="The conduct the finding is about.")
    finding: Finding = Field(description="Whether it happened, per the source: yes, no or unknown.")
    period_start: int | None = Field(
        None, ge=1900, le=2100, description="First year the finding covers."
    )
    period_end: int | None = Field(None, ge=1900, le=2100, description="Last year it covers.")
    as_of: PartialDate | None = Field(
        None, description="The date the finding is as of; may be partial (YYYY or YYYY-MM)."
    )
    details: str | None = None


class ResolutionFields(Schema):
    """A UN General Assembly resolution and its official vote totals."""

    symbol: Symbol = Field(description='The UN symbol, e.g. "A/RES/73/61".')
    session: int = Field(ge=1, description="The General Assembly session.")
    date: date
    title: Text
    treaty: Slug | None = Field(
        None, description="The treaty the resolution is about; null for any other subject."
    )
    meeting: str | None = Field(None, description="The meeting, as the UN vote file names it.")
    draft: str | None = Field(None, description="The draft voted on, as the UN vote file names it.")
    total_yes: int | None = Field(None, ge=0, description="Official total of yes votes.")
    total_no: int | None = Field(None, ge=0, description="Official total of no votes.")
    total_abstain: int | None = Field(None, ge=0, description="Official total of abstentions.")
    total_non_voting: int | None = Field(
        None, ge=0, description="Official total of members that did not vote."
    )
    total_members: int | None = Field(
        None, ge=0, description="Official total of members, as the UN vote file gives it."
    )
    counted_yes: int | None = Field(None, ge=0, description="Yes votes counted from the rows.")
    counted_no: int | None = Field(None, ge=0, description="No votes counted from the rows.")
    counted_abstain: int | None = Field(
        None, ge=0, description="Abstentions counted from the rows."
    )
    counted_non_voting: int | None = Field(
        None, ge=0, description="Non-voting members counted from the rows."
    )


SOURCE_CODE_MEANING = "The vote as the source coded it (Y, N, A, X, …)."


class VoteFields(Schema):
    """A country's vote on a resolution, with the source's own code."""

    country: Iso3
    resolution: Symbol
    vote: VoteKind
    source_code: str | None = Field(None, description=SOURCE_CODE_MEANING)
    note: str | None = Field(None, description="What the source adds about the vote.")


class Treaty(TreatyFields):
    """A treaty as in a data file and as returned."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.TREATY]})


class Resolution(Cited[int], ResolutionFields):
    """A resolution in a data file."""


class TreatyAction(Cited[int], TreatyActionFields):
    """A treaty action in a data file."""


class StatusStatement(Cited[int], StatusStatementFields):
    """A status statement in a data file."""


class Participation(Cited[int], ParticipationFields):
    """A participation in a data file."""


class Position(Cited[int], PositionFields):
    """A position in a data file."""


class Stockpile(Cited[int], StockpileFields):
    """A stockpile in a data file."""


class Practice(Cited[int], PracticeFields):
    """A practice finding in a data file."""


class Vote(Cited[int], VoteFields):
    """A vote in a data file."""


class TreatyActionOut(Cited[Citation], TreatyActionFields):
    """A treaty action with its citations."""


class StatusStatementOut(Cited[Citation], StatusStatementFields):
    """A status statement with its citations."""


class ParticipationOut(Cited[Citation], ParticipationFields):
    """A participation with its citations."""


class PositionOut(Cited[Citation], PositionFields):
    """A position with its citations."""


class StockpileOut(Cited[Citation], StockpileFields):
    """A stockpile with its citations."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.STOCKPILE]})


class PracticeOut(Cited[Citation], PracticeFields):
    """A practice finding with its citations."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.PRACTICE]})


class ResolutionRef(Schema):
    """The resolution facts shown next to a vote."""

    symbol: str
    date: date
    title: str
    treaty: str | None = Field(description="The treaty it is about; null for any other subject.")
    source: str = Field(description="Id of the resolution's own source.")


class OtherVote(Schema):
    """What another source records for the same country and resolution, and its footnotes."""

    source: str = Field(description="Id of the other source.")
    vote: VoteKind = Field(description="The vote that source records.")
    citations: list[Citation] = Field(default_factory=list)


#: One row per member: the UN record where there is one, the other sources' records under it.
AlsoRecorded = Annotated[
    list[OtherVote],
    Field(
        default_factory=list,
        description="Other sources recording this country's vote on the resolution (the row "
        "itself shows the UN record where there is one; each member is listed once).",
    ),
]
Conflicts = Annotated[
    list[OtherVote],
    Field(
        default_factory=list,
        description="Those of `also_recorded` that record a different vote.",
    ),
]


class VoterRef(Schema):
    """The country a vote is of: alpha-3 code, name and UN M49 region."""

    iso3: Iso3
    name: str
    region: str | None = Field(description="UN M49 region (null where M49 gives none).")


class VoteOut(Schema):
    """A vote with its country, resolution, the voter's status toward the resolution's treaty,
    citations, and any source that records it differently."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.VOTE]})

    country: VoterRef
    resolution: ResolutionRef
    vote: VoteKind
    source_code: str | None = Field(description=SOURCE_CODE_MEANING)
    note: str | None = Field(description="What the source adds about the vote.")
    source: str = Field(description="Id of the source of this row (the UN record where one is).")
    status: StatusKind | None = Field(
        None, description="The voter's status toward the resolution's treaty on the vote date."
    )
    citations: list[Citation]
    also_recorded: AlsoRecorded
    conflicts: Conflicts


class CountryFile(Schema):
    """A data file of curated records about one country."""

    country: Iso3
    treaty_actions: list[TreatyAction] = Field(default_factory=list)
    status_statements: list[StatusStatement] = Field(default_factory=list)
    participations: list[Participation] = Field(default_factory=list)
    positions: list[Position] = Field(default_factory=list)
    votes: list[Vote] = Field(default_factory=list)
    stockpiles: list[Stockpile] = Field(default_factory=list)
    practices: list[Practice] = Field(default_factory=list)


# --- derived status and the profile ---------------------------------------------------------


class Status(Schema):
    """A country's status toward a treaty on a date, derived from its actions."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.STATUS]})

    status: StatusKind = Field(description="The status on `as_of`, derived from the actions.")
    as_of: date = Field(description="The date the status is for.")
    signed_on: date | None = Field(None, description="Date of signature, if by `as_of`.")
    joined_on: date | None = Field(
        None, description="Date the instrument of consent was deposited."
    )
    join_method: ActionKind | None = Field(
        None,
        description="How it consented to be bound (ratification, accession, acceptance, "
        "approval, succession or consent to be bound).",
    )
    entry_into_force_on: date | None = Field(
        None, description="The day the treaty enters or entered into force for this state."
    )
    withdrawal_notified_on: date | None = Field(
        None, description="Date its withdrawal was notified."
    )
    withdrawal_effective_on: date | None = Field(
        None, description="Date its withdrawal takes or took effect, where recorded."
    )
    record_as_at: date | None = Field(
        None,
        description=(
            "The latest date the record behind this status is known up to: the latest "
            '"status as at" date of the sources of the actions (UN Treaty Collection status '
            "pages), or, for a source without one, its last-updated or published date (the "
            "first day of a partial date). A state with no action on a treaty's status page "
            "is known up to that page's date, as the page lists every participant. Null only "
            "when no dated record backs the status."
        ),
    )
    as_known_on: date | None = Field(
        None,
        description=(
            "Set when `as_of` is after `record_as_at` (to that date): the status as known on "
            "that date; later actions may be missing."
        ),
    )
    beyond_record: bool = Field(
        False,
        description=(
            "True when `as_of` is after `record_as_at`: the status is the one known on "
            "`as_known_on`; later actions may be missing."
        ),
    )


class TreatyCoverage(Schema):
    """The sources consulted for a country, per list of curated records about a treaty."""

    statements: list[CoverageSource] = coverage_field("status statements")
    participations: list[CoverageSource] = coverage_field("participations")
    positions: list[CoverageSource] = coverage_field("positions")


class CountryCoverage(TreatyCoverage):
    """The sources consulted for a country, per kind of curated record."""

    stockpiles: list[CoverageSource] = coverage_field("stockpiles")
    practices: list[CoverageSource] = coverage_field("practices")


class TreatyStatusOut(Schema):
    """Everything about one country and one treaty."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.TREATY_STATUS]})

    treaty: TreatyRef
    status: Status
    actions: list[TreatyActionOut] = Field(
        description="The actions dated on or before `as_of`, oldest first: the evidence the "
        "status on that date rests on."
    )
    later_actions: list[TreatyActionOut] = Field(
        default_factory=list,
        description="The actions dated after `as_of`, oldest first (recorded since, or coming: "
        "a withdrawal that takes effect later). They do not change the status on `as_of`.",
    )
    statements: list[StatusStatementOut] = Field(
        description="Statements of its status by sources such as a Monitor profile."
    )
    participations: list[ParticipationOut] = Field(
        description="Its part in the treaty's meetings and negotiations."
    )
    positions: list[PositionOut] = Field(description="Its stated positions on the treaty.")
    coverage: TreatyCoverage = Field(
        description=(
            "Per list above (statements, participations, positions), the sources consulted "
            f"for this country. {COVERAGE_MEANING}"
        )
    )


class Profile(Schema):
    """Everything known about one country, citations inline."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.PROFILE]})

    country: CountryOut
    as_of: date = Field(description="The date the statuses are for (default: today in UTC).")
    treaties: list[TreatyStatusOut] = Field(
        description="Its status toward every treaty on `as_of`, with the records behind it."
    )
    positions: list[PositionOut] = Field(description="Positions not tied to one treaty.")
    votes: list[VoteOut] = Field(
        description="UNGA votes on the resolutions tied to a treaty, oldest first; "
        "votes on every other subject are at `votes_url`."
    )
    votes_url: str = Field(
        description="Path of the country's whole vote history, every subject, paginated."
    )
    stockpiles: list[StockpileOut]
    practices: list[PracticeOut]
    sources: list[SourceOut] = Field(description="Every source the facts above come from.")
    coverage: CountryCoverage = Field(
        description=f"Per kind of curated record, the sources consulted. {COVERAGE_MEANING}"
    )


# --- data file shapes -----------------------------------------------------------------------


class SourcesFile(Schema):
    """`data/sources.yaml`: the documents and their footnotes."""

    sources: list[SourceFile]


class TreatiesFile(Schema):
    """`data/treaties.yaml`: the treaties and protocols."""

    treaties: list[Treaty]


class ResolutionsFile(Schema):
    """`data/resolutions.yaml`: resolutions the curated votes refer to."""

    resolutions: list[Resolution]


# --- read API shapes ------------------------------------------------------------------------


class CountryListItem(Country):
    """A country in a list; with its status when the list is about a treaty."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.COUNTRY_LIST_ITEM]})

    status: Status | None = Field(None, description="Status toward `treaty` on `as_of`.")


class MemberCodes(Schema):
    """The country a treaty member row is about: its codes, name and UN membership."""

    country: str = Field(description="ISO 3166-1 alpha-3 code.")
    name: str
    iso2: str | None = None
    numeric: str | None = None
    un_member: bool = Field(False, description="One of the 193 UN member states.")
    state: bool = Field(True, description=STATE_MEANING)
    administered_by: str | None = Field(None, description=ADMINISTERED_MEANING)


class MemberKey(Regions, MemberCodes):
    """The country a treaty member row is about, with its M49 regions."""


class Member(Status, MemberKey):
    """One country's status toward a treaty (one map feature)."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.MEMBER]})

    status: StatusKind | None = Field(  # type: ignore[assignment]
        description="The status on `as_of`; null for a territory (`state: false`, listed "
        "with `include=territories`) that no record gives a status of its own."
    )


StatusCounts = dict[StatusKind, int]
COUNTS_MEANING = (
    "The 197 states by status, every status listed (0 where none); territories are not counted."
)
RECORD_AS_AT_MEANING = (
    "The date the treaty's record is known up to (its UN Treaty Collection status page's "
    '"status as at" date): the `record_as_at` every state\'s status here shares.'
)


class RegionCounts(Schema):
    """Counts of one M49 region; `region` null for the countries M49 gives none (e.g. ATA)."""

    region: str | None
    region_code: str | None
    counts: StatusCounts = Field(description=COUNTS_MEANING)


class SubregionCounts(Schema):
    """Counts of one M49 sub-region; `subregion` null for the countries M49 gives none."""

    subregion: str | None
    subregion_code: str | None
    counts: StatusCounts = Field(description=COUNTS_MEANING)


class TreatyCounts(Schema):
    """How many states have each status toward a treaty on a date (the members' states)."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.TREATY_COUNTS]})

    treaty: str = Field(description="The treaty's slug.")
    as_of: date = Field(description="The date counted (default: today in UTC).")
    record_as_at: date | None = Field(description=RECORD_AS_AT_MEANING)
    as_known_on: date | None = Field(
        None, description="Set when `as_of` is after `record_as_at` (to that date)."
    )
    beyond_record: bool = Field(
        False,
        description="True when `as_of` is after `record_as_at`: the counts are those known on "
        "`as_known_on`; later actions may be missing.",
    )
    counts: StatusCounts = Field(description=COUNTS_MEANING)
    groups: list[RegionCounts] | list[SubregionCounts] | None = Field(
        None, description="The same counts by region or sub-region (`by=`); null without `by`."
    )
    sources: list[SourceOut]


class TimelinePoint(Schema):
    """States parties and signatories of a treaty at the end of a year."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.TIMELINE_POINT]})

    year: int
    as_of: date = Field(description="31 December of `year`, or today (UTC) for this year.")
    states_parties: int = Field(
        description="States bound on `as_of`: `state_party` and `withdrawal_pending`."
    )
    pending_entry_into_force: int = Field(
        description="States that deposited an instrument not yet in force for them on `as_of` "
        "(not counted as parties)."
    )
    signatories: int = Field(description="States that had signed and not joined on `as_of`.")
    withdrawn: int = Field(description="States whose withdrawal was in effect on `as_of`.")


#: `date` for fields declared after a field named `date`.
Day = date


class TreatyEvent(Schema):
    """A dated change in a state's relation to a treaty, with the action behind it."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.TREATY_EVENT]})

    date: Day = Field(description="The day it happens or happened.")
    country: str = Field(description="ISO 3166-1 alpha-3 code.")
    name: str
    kind: EventKind = Field(
        description="What happens: signature, deposit of the instrument, entry into force for "
        "the state, withdrawal notified or withdrawal effective."
    )
    status_before: StatusKind = Field(description="Status on the day before `date`.")
    status_after: StatusKind = Field(description="Status on `date`.")
    action: ActionKind = Field(description="The action behind the event.")
    action_id: str = Field(description="Id of the treaty action record behind it.")
    action_on: Day = Field(description="Date of the action (the deposit, for entry into force).")
    source: str


class ResolutionOut(Cited[Citation], ResolutionFields):
    """A resolution with its citations."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.RESOLUTION]})


class Tally(Schema):
    """Votes on a resolution by kind."""

    yes: int
    no: int
    abstain: int
    non_voting: int = Field(description="Members recorded as not voting.")
    members: int = Field(description="Members counted: the four figures above together.")


class StatusTally(Tally):
    """Votes of the members that had one status toward the resolution's treaty that day."""

    status: StatusKind | None = Field(
        description="The voters' status toward the treaty on the vote date (null: no treaty)."
    )


class RegionTally(Tally):
    """Votes of the members of one UN M49 region (null for members M49 gives none)."""

    region: str | None
    region_code: str | None


class ResolutionVote(Schema):
    """One country's vote on a resolution and its status toward the treaty on that day."""

    country: str = Field(description="ISO 3166-1 alpha-3 code.")
    name: str
    vote: VoteKind
    source_code: str | None = Field(description=SOURCE_CODE_MEANING)
    source: str = Field(description="Id of the source of this row (the UN record where one is).")
    status: StatusKind | None = Field(
        None, description="Status toward the resolution's treaty on the vote date."
    )
    also_recorded: AlsoRecorded
    conflicts: Conflicts


class ResolutionDetail(ResolutionOut):
    """A resolution, its totals as published and as counted, and every vote."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.RESOLUTION_DETAIL]})

    tally: Tally = Field(description="Totals counted from the stored votes.")
    tally_matches: bool | None = Field(
        None, description="Whether the official totals equal the counted ones (null if unknown)."
    )
    tally_by_status: list[StatusTally] = Field(
        description="The counted totals by the voters' status toward the treaty on the vote "
        "date, in status order (statuses with no voter left out)."
    )
    tally_by_region: list[RegionTally] = Field(
        description="The counted totals by UN M49 region, in region name order."
    )
    votes: list[ResolutionVote] = Field(description="Every member's vote, by alpha-3 code.")
    sources: list[SourceOut]


class SourceDetail(SourceOut):
    """A source with all its footnotes."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.SOURCE_DETAIL]})

    citations: list[Citation] = Field(description="Every footnote of the source, by number.")


class RecordRef(Schema):
    """A record a citation supports."""

    record_type: str = Field(description='The kind of record, e.g. "stockpile" or "vote".')
    record_id: str = Field(description="Its id (a vote's is `{resolution}|{country}|{source}`).")


class CitationDetail(Citation):
    """A footnote, the records it backs and its source."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.CITATION_DETAIL]})

    records: list[RecordRef] = Field(description="The records the footnote backs.")
    source_detail: SourceOut = Field(description="The source the footnote belongs to.")


class TreatyStatusDetail(TreatyStatusOut):
    """One country's status toward one treaty, with the sources of its facts."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.TREATY_STATUS_DETAIL]})

    country: str = Field(description="ISO 3166-1 alpha-3 code.")
    sources: list[SourceOut] = Field(description="Every source the facts above come from.")


class TreatyDetail(Treaty):
    """A treaty with the source of its facts."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.TREATY_DETAIL]})

    sources: list[SourceOut]


class CountryDetail(CountryOut):
    """A country with the source of its UN membership flags."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.COUNTRY_DETAIL]})

    sources: list[SourceOut]


class SearchHit(Schema):
    """A search result: a position, a citation or a source."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.SEARCH_HIT]})

    kind: str = Field(description="What was found: `position`, `citation` or `source`.")
    id: str = Field(
        description="A position's record id, a footnote's `{source}:{number}` or a source's id."
    )
    title: str
    snippet: str = Field(description="The matching text, with the words found marked `[…]`.")
    rank: float = Field(description="Relevance, higher first; comparable within one search only.")
