"""Controlled vocabularies shared by the database, the schemas and the data files."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema


class ActionKind(StrEnum):
    """A dated step a state takes toward a treaty (UNTC vocabulary)."""

    signature = "signature"
    ratification = "ratification"
    accession = "accession"
    acceptance = "acceptance"
    approval = "approval"
    succession = "succession"
    consent_to_be_bound = "consent_to_be_bound"
    provisional_application = "provisional_application"
    withdrawal_notified = "withdrawal_notified"
    withdrawal_effective = "withdrawal_effective"


#: Actions by which a state expresses consent to be bound (it joins the treaty).
JOINING_ACTIONS = frozenset(
    {
        ActionKind.ratification,
        ActionKind.accession,
        ActionKind.acceptance,
        ActionKind.approval,
        ActionKind.succession,
        ActionKind.consent_to_be_bound,
    }
)


class StatusKind(StrEnum):
    """A state's status toward a treaty on a given date."""

    state_party = "state_party"
    pending_entry_into_force = "pending_entry_into_force"
    signatory = "signatory"
    not_party = "not_party"
    withdrawal_pending = "withdrawal_pending"
    withdrawn = "withdrawn"


class EventKind(StrEnum):
    """A dated change in a state's relation to a treaty, in the order of a state's path."""

    signature = "signature"
    deposit = "deposit"  # instrument of consent deposited; bound from entry into force
    entry_into_force = "entry_into_force"
    withdrawal_notified = "withdrawal_notified"
    withdrawal_effective = "withdrawal_effective"


class EifRule(StrEnum):
    """How a treaty enters into force for a state that joins it."""

    first_day_sixth_month = "first_day_sixth_month"  # APMBC art. 17(2), CCM art. 17(2)
    six_months_after = "six_months_after"  # CCW art. 5(2), 5(4)


class VoteKind(StrEnum):
    """A member state's vote on a UNGA resolution."""

    yes = "yes"
    no = "no"
    abstain = "abstain"
    non_voting = "non_voting"


class ParticipationRole(StrEnum):
    """How a state took part in a treaty meeting or negotiation."""

    state_party = "state_party"
    observer = "observer"
    participant = "participant"
    not_attended = "not_attended"
    invited_not_attended = "invited_not_attended"


class Weapon(StrEnum):
    """Weapon categories covered by the treaties."""

    antipersonnel_mine = "antipersonnel_mine"
    cluster_munition = "cluster_munition"


class PracticeKind(StrEnum):
    """The kind of conduct a practice finding is about."""

    use = "use"
    production = "production"
    transfer = "transfer"
    export = "export"
    stockpiling = "stockpiling"
    mined_areas = "mined_areas"
    clearance = "clearance"


class Finding(StrEnum):
    """Whether the conduct happened, per the source."""

    yes = "yes"
    no = "no"
    unknown = "unknown"


class QuantityKind(StrEnum):
    """How a stockpile quantity is expressed by its source."""

    exact = "exact"
    range = "range"
    qualitative = "qualitative"
    unknown = "unknown"


class Reporter(StrEnum):
    """Who reported a stockpile figure."""

    official = "official"
    unofficial = "unofficial"


class SourceKind(StrEnum):
    """Kinds of published documents records come from."""

    monitor_profile = "monitor_profile"
    un_document = "un_document"
    un_data = "un_data"
    untc_status_page = "untc_status_page"
    reference = "reference"


#: The years the API takes, 0001 to 9999, as a regular expression (for the document).
YEAR_FORM = "(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
#: The days of the Gregorian calendar, YYYY-MM-DD, 29 February in leap years only.
DAY_FORM = (
    f"(?:{YEAR_FORM}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
    "|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)-02-29)"
)
#: A reduced-precision date's forms (YYYY, YYYY-MM, YYYY-MM-DD), days of the calendar only.
PARTIAL_DATE_FORM = f"^(?:{YEAR_FORM}|{YEAR_FORM}-(?:0[1-9]|1[0-2])|{DAY_FORM})$"
_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _check_partial_date(value: str) -> str:
    if not _PARTIAL_DATE.match(value):
        raise ValueError("expected an ISO 8601 date: YYYY, YYYY-MM or YYYY-MM-DD")
    parts = [int(p) for p in value.split("-")]
    date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    return value


#: An ISO 8601 calendar date of reduced precision ("2010", "2010-04", "2010-04-30").
PartialDate = Annotated[
    str,
    AfterValidator(_check_partial_date),
    WithJsonSchema({"type": "string", "pattern": PARTIAL_DATE_FORM}),
]


class HitKind(StrEnum):
    """What a full-text search hit is."""

    position = "position"
    citation = "citation"
    source = "source"


class DraftStatus(StrEnum):
    """Where a draft read from a profile stands."""

    draft = "draft"
    published = "published"
    rejected = "rejected"
