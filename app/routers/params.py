"""Parameter types shared by the routers."""

from __future__ import annotations

import calendar
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BeforeValidator, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.importers import m49
from app.readmodel.model import ReadModel
from app.readmodel.store import current, source
from app.respond import ListParams, list_params
from app.vocab import DAY_FORM, YEAR_FORM, EventKind, HitKind, StatusKind, VoteKind

E = TypeVar("E", bound=StrEnum)


async def get_session(request: Request) -> AsyncIterator[Session]:
    """FastAPI dependency: one session per request, closed afterwards.

    Async so that opening it costs no thread hop: a Session connects on its first query,
    which runs in the endpoint's thread.
    """
    factory: sessionmaker[Session] = source(request).sessionmaker
    with factory() as session:
        yield session


DbSession = Annotated[Session, Depends(get_session)]
#: The read model of the data version the request reads (app/readmodel).
Model = Annotated[ReadModel, Depends(current)]
Listing = Annotated[ListParams, Depends(list_params)]

#: Treaty slugs are curated data (data/treaties.yaml) and aliases are accepted too: no enum.
TREATY_KEYS = (
    "Treaty slug (mbt, ccm, ccw, ccw-p2a, ccw-p4, ccw-p5, ccw-art1) or an alias, short name or "
    "UNTC number (apmbc, ottawa, Oslo Convention, landmines, XXVI-5, …); case, accents, width "
    "and punctuation ignored."
)

CountryKey = Annotated[
    str,
    Path(
        description="Alpha-3, alpha-2 or numeric ISO 3166-1 code, or any known name, short, "
        "former or common (Ivory Coast, UAE, Holland); case, accents, width, punctuation and a "
        "leading 'The' ignored.",
        examples=["KGZ", "kg", "417", "kyrgyz republic"],
        max_length=200,
    ),
]
TreatyKey = Annotated[
    str,
    Path(
        description=TREATY_KEYS,
        examples=["mbt", "ottawa", "ccm"],
        max_length=200,
    ),
]
TreatyFilter = Annotated[
    str | None,
    Query(description=f"Only this treaty: {TREATY_KEYS}", examples=["ccm"], max_length=200),
]

#: At least one code or name: not empty, not only commas and spaces (no NUL).
_NAMES = WithJsonSchema(
    {"type": "string", "maxLength": 1000, "pattern": "^[^\\u0000]*[^,\\s\\u0000][^\\u0000]*$"}
)
#: How a list of countries is written in a query.
COUNTRY_WORDS = "alpha-3, alpha-2 or numeric codes or names, comma-separated"


def country_list(description: str, alias: str | None = None) -> Any:
    """The `Query` of a parameter naming countries (see `COUNTRY_WORDS`)."""
    return Query(description=description, examples=["USA,RUS,CHN"], max_length=1000, alias=alias)


#: Countries named in a query: at least one code or name.
Names = Annotated[str, _NAMES] | None
CountryList = Annotated[Names, country_list(f"Countries to keep: {COUNTRY_WORDS}.")]

#: The names and codes of the M49 regions and sub-regions (data/reference/m49_regions.csv).
M49_WORDS = m49.vocabulary(Settings().data_dir)


def _m49_words(parameter: str) -> WithJsonSchema:
    """The document's form of a `region` or `subregion` list: names and codes it takes."""
    items = {"type": "string", "enum": M49_WORDS[parameter]}
    return WithJsonSchema({"type": "array", "items": items})


def _m49_filter(description: str, example: str) -> Any:
    """A `region` or `subregion` query parameter: names or codes, comma-separated or repeated."""
    return Query(
        description=f"{description}, by name (case and accents ignored) or code; "
        "comma-separated or repeated. A name or code not in the list is a 422 that lists "
        "them all.",
        examples=[[example]],
    )


_M49Word = Annotated[str, StringConstraints(max_length=300)]
RegionFilter = Annotated[
    Annotated[list[_M49Word], _m49_words("region")] | None,
    _m49_filter("UN M49 regions to keep", "Europe"),
]
SubregionFilter = Annotated[
    Annotated[list[_M49Word], _m49_words("subregion")] | None,
    _m49_filter(
        "UN M49 sub-regions or intermediate regions (e.g. Caribbean) to keep", "Western Europe"
    ),
]


DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
YEAR_PATTERN = re.compile(r"[0-9]{4}")


#: English month names, for messages (not the locale's).
MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)


def _parse_date(value: object) -> date | str | None:
    """A date written YYYY-MM-DD; for that form naming no day (2026-02-30), why not; else
    None."""
    if isinstance(value, date):
        return value
    if not (isinstance(value, str) and DATE_PATTERN.fullmatch(value)):
        return None
    year, month, day = (int(part) for part in value.split("-"))
    if year == 0:
        return "there is no year 0"
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    days = calendar.monthrange(year, month)[1]
    if day == 0:
        return "there is no day 0"
    if day > days:
        return f"{MONTHS[month - 1]} {year} has {days} days"
    return date(year, month, day)


def _no_such_date(value: object, reason: str) -> PydanticCustomError:
    return PydanticCustomError(
        "date_value", "{value} is not a date: {reason}", {"value": repr(value), "reason": reason}
    )


def _valid_date(value: object) -> date | None:
    """The date `value` writes as YYYY-MM-DD; a 422 saying why for that form naming no day;
    None for any other form."""
    parsed = _parse_date(value)
    if isinstance(parsed, str):
        raise _no_such_date(value, parsed)
    return parsed


def _date(value: object) -> date:
    """A date written YYYY-MM-DD, nothing else (no Unix time, no datetime, no short form)."""
    parsed = _valid_date(value)
    if parsed is None:
        raise PydanticCustomError(
            "date_form", "{value} is not a date in the form YYYY-MM-DD", {"value": repr(value)}
        )
    return parsed


def _bound(end: bool) -> Callable[[object], date]:
    """A year (its first or, for an `end`, last day) or a date written YYYY-MM-DD."""

    def parse(value: object) -> date:
        if isinstance(value, str) and YEAR_PATTERN.fullmatch(value):
            if int(value) == 0:
                raise PydanticCustomError(
                    "year_value",
                    "{value} is not a year: there is no year 0",
                    {"value": repr(value)},
                )
            return date(int(value), 12, 31) if end else date(int(value), 1, 1)
        parsed = _valid_date(value)
        if parsed is None:
            raise PydanticCustomError(
                "year_or_date_form",
                "{value} is not a year (YYYY) or a date in the form YYYY-MM-DD",
                {"value": repr(value)},
            )
        return parsed

    return parse


def _words(vocabulary: type[E]) -> Callable[[object], list[E]]:
    """Words of a vocabulary, comma-separated and/or repeated; an error lists the allowed ones."""
    allowed = ", ".join(vocabulary)
    known = {v.value for v in vocabulary}

    def parse(value: object) -> list[E]:
        raw = value if isinstance(value, list | tuple | set | frozenset) else [value]
        words = [w.strip() for part in raw for w in str(part).split(",") if w.strip()]
        unknown = [w for w in words if w not in known]
        if unknown or not words:
            shown = ", ".join(repr(w) for w in unknown) if unknown else "an empty list"
            verb = "are not among" if len(unknown) > 1 else "is not one of"
            context = {"shown": shown, "verb": verb, "allowed": allowed}
            raise PydanticCustomError("enum_word", "{shown} {verb} {allowed}", context)
        return [vocabulary(w) for w in words]

    return parse


#: A date query parameter: YYYY-MM-DD only.
IsoDate = Annotated[date, BeforeValidator(_date)]
#: What a `from` or `to` takes: a year or a day that exists (2026-02-30 does not).
YEAR_OR_DAY = f"^(?:{YEAR_FORM}|{DAY_FORM})$"
_YEAR_OR_DATE = WithJsonSchema({"type": "string", "pattern": YEAR_OR_DAY})
#: A `from` bound: a date, or a year meaning its 1 January.
StartBound = Annotated[date, BeforeValidator(_bound(end=False)), _YEAR_OR_DATE]
#: A `to` bound: a date, or a year meaning its 31 December.
EndBound = Annotated[date, BeforeValidator(_bound(end=True)), _YEAR_OR_DATE]


def bound_query(alias: str) -> Any:
    """A `from` or `to` query parameter: a year or a date, an inclusive bound."""
    first = alias == "from"
    return Query(
        alias=alias,
        description=f"{'First' if first else 'Last'} day, inclusive: a date (YYYY-MM-DD) or a "
        f"year (YYYY, meaning {'1 January' if first else '31 December'} of that year), "
        f"{'not after `to`' if first else 'not before `from`'}; default: no bound.",
        examples=["2016", "2016-01-01" if first else "2016-12-31"],
    )


AsOf = Annotated[
    IsoDate | None,
    Query(
        description="Date the status is derived for, YYYY-MM-DD; default today in UTC, the "
        "date of the request (then part of the ETag, and max-age ends at UTC midnight).",
        examples=["2026-02-03"],
    ),
]
Since = Annotated[StartBound | None, bound_query("from")]
Until = Annotated[EndBound | None, bound_query("to")]


@dataclass(frozen=True)
class Bounds:
    """The inclusive `from` and `to` bounds of a period (None: unbounded)."""

    since: date | None
    until: date | None


async def bounds(since: Since = None, until: Until = None) -> Bounds:
    """FastAPI dependency: `from` and `to`; a 422 naming both where `from` is after `to`."""
    if since is not None and until is not None and since > until:
        raise RequestValidationError(
            [
                _order_error("from", since, f"{since} is after to ({until})"),
                _order_error("to", until, f"{until} is before from ({since})"),
            ]
        )
    return Bounds(since, until)


def _order_error(parameter: str, value: date, message: str) -> dict[str, Any]:
    return {"type": "bounds_order", "loc": ("query", parameter), "msg": message, "input": value}


#: The `from` and `to` query parameters of a period, in order.
Between = Annotated[Bounds, Depends(bounds)]


def words_schema(vocabulary: type[E]) -> WithJsonSchema:
    """The OpenAPI form of a word list: an array of the vocabulary's words, repeats allowed
    (the same word twice means it once)."""
    items = {"$ref": f"#/components/schemas/{vocabulary.__name__}"}
    return WithJsonSchema({"type": "array", "items": items})


def word_set(vocabulary: type[E], description: str, example: str) -> Any:
    """A query parameter holding some words of `vocabulary`, comma-separated or repeated."""
    return Query(
        description=f"{description} Comma-separated or repeated, from: {', '.join(vocabulary)}.",
        examples=[[example]],
    )


StatusList = Annotated[
    Annotated[set[StatusKind], words_schema(StatusKind)] | None,
    BeforeValidator(_words(StatusKind)),
    word_set(StatusKind, "Statuses to keep.", "state_party"),
]
#: `status` on a list of countries: toward the treaty `treaty` names.
TreatyStatusList = Annotated[
    Annotated[set[StatusKind], words_schema(StatusKind)] | None,
    BeforeValidator(_words(StatusKind)),
    word_set(
        StatusKind,
        "Statuses toward `treaty` to keep (needs `treaty`: without it a 422).",
        "state_party",
    ),
]
VoteList = Annotated[
    Annotated[set[VoteKind], words_schema(VoteKind)] | None,
    BeforeValidator(_words(VoteKind)),
    word_set(VoteKind, "Votes to keep.", "yes"),
]
EventKinds = Annotated[
    Annotated[set[EventKind], words_schema(EventKind)] | None,
    BeforeValidator(_words(EventKind)),
    word_set(EventKind, "Event kinds to keep.", "entry_into_force"),
]
HitKinds = Annotated[
    Annotated[set[HitKind], words_schema(HitKind)] | None,
    BeforeValidator(_words(HitKind)),
    word_set(HitKind, "Kinds of hit.", "citation"),
]
