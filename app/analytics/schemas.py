"""The answers of the voting analytics: pair scores, partners, a state's vote summary."""

from __future__ import annotations

from datetime import date

from pydantic import ConfigDict, Field, JsonValue

from app.schemas import Iso3, Schema, SourceOut
from app.vocab import VoteKind

AGREE = (
    "Voeten's agreement: the mean, over the counted resolutions, of 1 for the same vote, 0.5 "
    "where one abstained and the other voted yes or no, 0 for yes against no; null when none "
    "is counted."
)
COINCIDENCE = (
    "The US State Department's coincidence: among the counted resolutions where both voted yes "
    "or no, the share with the same vote (abstentions left out); null when there is none."
)


class PairKey(Schema):
    """The two states of a pair, `a` before `b` by alpha-3."""

    a: Iso3 = Field(description="Alpha-3 code of the first state.", examples=["FRA"])
    b: Iso3 = Field(description="Alpha-3 code of the second state.", examples=["USA"])


class PartnerKey(Schema):
    """The other state of a pair."""

    country: Iso3 = Field(description="Alpha-3 code of the partner.", examples=["GBR"])
    name: str = Field(description="The partner's short name.", examples=["United Kingdom"])


class Scores(Schema):
    """How alike two states voted on the resolutions both voted on."""

    votes: int = Field(
        description="Resolutions counted: both states voted yes, no or abstain (absent and "
        "non-voting left out)."
    )
    votes_yes_no: int = Field(description="Counted resolutions where both voted yes or no.")
    same: int = Field(description="Counted resolutions with the same vote (both abstaining too).")
    opposite: int = Field(description="Counted resolutions where one voted yes, the other no.")
    agree: float | None = Field(description=AGREE)
    coincidence: float | None = Field(description=COINCIDENCE)
    first_date: date | None = Field(description="Date of the first resolution counted.")
    last_date: date | None = Field(description="Date of the last resolution counted.")


#: Canada and the United States on the 42 treaty resolutions of the public record.
PAIR_EXAMPLE: dict[str, JsonValue] = {
    "a": "CAN",
    "b": "USA",
    "votes": 42,
    "votes_yes_no": 3,
    "same": 2,
    "opposite": 1,
    "agree": 0.5119047619047619,
    "coincidence": 0.6666666666666666,
    "first_date": "1996-12-10",
    "last_date": "2025-12-01",
}


class Pair(Scores, PairKey):
    """Two states' agreement over the period."""

    model_config = ConfigDict(json_schema_extra={"examples": [PAIR_EXAMPLE]})


class Partner(Scores, PartnerKey):
    """One partner of a state and their agreement over the period."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "country": "EGY",
                    "name": "Egypt",
                    "votes": 42,
                    "votes_yes_no": 2,
                    "same": 41,
                    "opposite": 0,
                    "agree": 0.9880952380952381,
                    "coincidence": 1.0,
                    "first_date": "1996-12-10",
                    "last_date": "2025-12-01",
                }
            ]
        }
    )


class Agreement(Schema):
    """Every pair of the states asked for (or of every state that voted in the period)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"treaty": None, "resolutions": 42, "pairs": [PAIR_EXAMPLE], "sources": []}
            ]
        }
    )

    treaty: str | None = Field(description="The treaty whose resolutions count; null: all.")
    resolutions: int = Field(description="Resolutions in the period with a recorded vote.")
    pairs: list[Pair] = Field(description="Every unordered pair once, by `a`, then `b`.")
    sources: list[SourceOut] = Field(description="The sources of the states' votes in the period.")


class VoteCounts(Schema):
    """A state's recorded votes, by vote."""

    yes: int
    no: int
    abstain: int
    non_voting: int = Field(description="Recorded as absent or not voting.")


class VoteAt(Schema):
    """One of a state's votes."""

    symbol: str = Field(examples=["A/RES/73/61"])
    date: date
    vote: VoteKind


class VoteRun(Schema):
    """The latest unbroken run of the same vote over the resolutions, up to `to`."""

    vote: VoteKind = Field(description="Yes, no or abstain.")
    since: date = Field(description="Date of the run's first resolution.")
    until: date = Field(description="Date of its last resolution.")
    resolutions: int = Field(description="Resolutions in the run.")
    first_symbol: str
    last_symbol: str
    current: bool = Field(
        description="Whether the run reaches the last resolution up to `to` (false: the state "
        "voted otherwise, was absent or did not vote on a later one)."
    )


class VoteSummary(Schema):
    """A state's recorded votes over a period: counts, first and last, its latest run."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "country": "KGZ",
                    "name": "Kyrgyzstan",
                    "treaty": "ccm",
                    "resolutions": 11,
                    "counts": {"yes": 10, "no": 0, "abstain": 1, "non_voting": 0},
                    "first": {"symbol": "A/RES/70/54", "date": "2015-12-07", "vote": "abstain"},
                    "last": {"symbol": "A/RES/80/52", "date": "2025-12-01", "vote": "yes"},
                    "run": {
                        "vote": "yes",
                        "since": "2016-12-05",
                        "until": "2025-12-01",
                        "resolutions": 10,
                        "first_symbol": "A/RES/71/45",
                        "last_symbol": "A/RES/80/52",
                        "current": True,
                    },
                    "sources": [],
                }
            ]
        }
    )

    country: Iso3 = Field(description="Alpha-3 code.")
    name: str = Field(description="Short name.")
    treaty: str | None = Field(description="The treaty whose resolutions count; null: all.")
    resolutions: int = Field(description="Resolutions in the period with a recorded vote.")
    counts: VoteCounts
    first: VoteAt | None = Field(description="The state's first recorded vote in the period.")
    last: VoteAt | None = Field(description="Its last recorded vote in the period.")
    run: VoteRun | None = Field(
        description="The latest unbroken run of one vote (yes, no or abstain) over the "
        "resolutions (the treaty's, or all) up to `to`, whatever `from` is: an absence, a "
        "non-vote or another vote breaks it. Null without any such vote."
    )
    sources: list[SourceOut] = Field(description="The sources of the state's votes in the period.")
