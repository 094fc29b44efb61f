"""Name folding and the ISO 3166-1 reference countries (from pycountry)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import pycountry

_NON_WORD = re.compile(r"[\W_]+")


def fold(name: str) -> str:
    """Fold a name for lookups: accents, case, '&' and punctuation do not matter."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.casefold().replace("&", " and ")
    return " ".join(_NON_WORD.sub(" ", plain).split())


@dataclass(frozen=True)
class IsoCountry:
    """One ISO 3166-1 entry (current or withdrawn) with the names pycountry knows."""

    iso3: str
    iso2: str | None
    numeric: str | None
    name: str
    official_name: str | None
    historical: bool
    other_names: tuple[tuple[str, str], ...]  # (name, kind)


def iso_countries() -> Iterator[IsoCountry]:
    """Every current ISO 3166-1 country, then the withdrawn codes (YUG, SUN, CSK, ...)."""
    for entry in pycountry.countries:
        common = getattr(entry, "common_name", None)
        yield IsoCountry(
            iso3=entry.alpha_3,
            iso2=entry.alpha_2,
            numeric=entry.numeric,
            name=common or entry.name,
            official_name=getattr(entry, "official_name", None),
            historical=False,
            other_names=((entry.name, "iso"),) if common else (),
        )
    current = {c.alpha_3 for c in pycountry.countries}
    for old in pycountry.historic_countries:
        if old.alpha_3 in current:
            continue
        yield IsoCountry(
            iso3=old.alpha_3,
            iso2=getattr(old, "alpha_2", None),
            numeric=getattr(old, "numeric", None),
            name=old.name,
            official_name=getattr(old, "official_name", None),
            historical=True,
            other_names=(),
        )
