"""The parse result: the JSON contract of `python -m app profiles parse --format json`."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from app.schemas import CostFields
from app.vocab import (
    Finding,
    ParticipationRole,
    PracticeKind,
    QuantityKind,
    Reporter,
    StatusKind,
    VoteKind,
    Weapon,
)

#: A [start, end) pair of offsets; `items` is for the tools that cannot read a tuple's schema.
Span = Annotated[tuple[int, int], Field(json_schema_extra={"items": {"type": "integer"}})]


class Item(BaseModel):
    """Every extracted item: the footnotes of its sentence and the sentence's span."""

    citations: list[int] = Field(default_factory=list, description="Footnote numbers.")
    span: Span = Field(description="[start, end) of the sentence in the input text.")
    text: str = Field(description="The sentence the item was read from.")


class StatusItem(Item):
    """A statement of status toward a treaty."""

    treaty: str
    status: StatusKind
    date: str | None = Field(None, description="Date of the action, or of the statement.")
    action: str | None = Field(None, description="signature / ratification / accession, if any.")
    superseded: bool = Field(False, description="Overtaken by an UPDATE note (kept as history).")
    update: bool = Field(False, exclude=True)


class VoteItem(Item):
    """A UNGA vote statement (one item per resolution or year)."""

    resolution: str | None
    year: int | None
    date: str | None = None
    treaty: str | None
    vote: VoteKind
    pattern: bool = Field(False, description="Read from a range (“since 2016”).")


class ParticipationItem(Item):
    """A country's part in a treaty meeting."""

    treaty: str
    meeting: str
    year: int
    date: str | None = None
    role: ParticipationRole


class CostItem(CostFields):
    """A cost figure (amount and currency)."""


class StockpileItem(Item):
    """A stockpile statement."""

    weapon: Weapon
    holder: str | None = None
    types: list[str] = Field(default_factory=list)
    quantity_kind: QuantityKind = QuantityKind.unknown
    quantity: int | None = None
    quantity_min: int | None = None
    quantity_max: int | None = None
    quantity_text: str | None = None
    condition: str | None = None
    purpose: str | None = None
    as_of: str | None = None
    reporter: Reporter = Reporter.official
    reported_by: str | None = None
    costs: list[CostItem] = Field(default_factory=list)


class PracticeItem(Item):
    """A use / production / transfer finding."""

    weapon: Weapon
    kind: PracticeKind
    finding: Finding
    period_start: int | None = None
    period_end: int | None = None
    as_of: str | None = None
    details: str | None = None


class PositionItem(Item):
    """A dated policy statement."""

    treaty: str | None
    date: str | None
    kind: str


class CitationItem(BaseModel):
    """A footnote and what can be read from it."""

    number: int
    text: str
    date: str | None = None
    issuer: str | None = None
    reference: str | None = None
    place: str | None = None


class ProfileResult(BaseModel):
    """Everything read from one profile."""

    country: str | None
    kind: str | None
    title: str | None
    last_updated: str | None
    citations: list[CitationItem] = Field(default_factory=list)
    statuses: list[StatusItem] = Field(default_factory=list)
    votes: list[VoteItem] = Field(default_factory=list)
    participations: list[ParticipationItem] = Field(default_factory=list)
    stockpiles: list[StockpileItem] = Field(default_factory=list)
    practices: list[PracticeItem] = Field(default_factory=list)
    positions: list[PositionItem] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    sections: list[ProfileResult] = Field(
        default_factory=list, description="Further profiles held in the same file."
    )


#: The record kinds a profile yields, the result list of each and the draft kind.
LISTS = {
    "statuses": "status_statement",
    "votes": "vote",
    "participations": "participation",
    "stockpiles": "stockpile",
    "practices": "practice",
    "positions": "position",
}
