"""Name folding and the ISO 3166-1 reference countries (from pycountry)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pycountry

_NON_WORD = re.compile(r"[\W_]+")
#: A leading article, dropped when a word follows it.
_ARTICLE = re.compile(r"^the (?=\S)")


def plain(text: str) -> str:
    """Text as typed, compatibility-normalised (NFKC): fullwidth letters and digits become
    ASCII (a fullwidth KGZ is KGZ), surrounding spaces go."""
    return unicodedata.normalize("NFKC", text).strip()


def fold(name: str) -> str:
    """Fold a name for lookups, the same for stored names, paths and searches.

    Width, accents, case and punctuation (apostrophes, hyphens, brackets) do not matter:
    each run of them is one space (`Côte d'Ivoire`, fullwidth letters, `Congo-Brazzaville`);
    '&' is "and"; a leading "The" is dropped (`The Bahamas` is `Bahamas`).
    """
    decomposed = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    text = text.casefold().replace("&", " and ")
    return _ARTICLE.sub("", " ".join(_NON_WORD.sub(" ", text).split()))


def squeeze(folded: str) -> str:
    """A folded name without its spaces: what a lookup that misses compares next, so that
    words run together or split differently still match (`Cote dIvoire`, `GuineaBissau`)."""
    return folded.replace(" ", "")


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


@dataclass(frozen=True)
class NameClaim:
    """A name a code is known by, from ISO 3166-1 (pycountry) or a data file."""

    name: str
    iso3: str
    kind: str
    current: bool  # the code is in use (not withdrawn from ISO 3166-1)
    source: str | None = None


def iso_claims(isos: Iterable[IsoCountry]) -> Iterator[NameClaim]:
    """The names pycountry gives each ISO 3166-1 code, current and withdrawn."""
    for c in isos:
        for name, kind in ((c.name, "name"), (c.official_name, "official"), *c.other_names):
            if name:
                yield NameClaim(name, c.iso3, kind, not c.historical)


def name_owners(claims: Iterable[NameClaim]) -> dict[str, NameClaim]:
    """The claim each folded name resolves to; names that differ only in spaces (`squeeze`)
    go to one code.

    A name of a code in use wins over the same name of a withdrawn code: "East Timor" is
    Timor-Leste (TLS), not TMP, the code ISO 3166-1 withdrew in 2002 whose only name it is
    (TMP stays reachable by its code). Between claims of the same standing the first wins,
    so give ISO 3166-1 names before a data file's (whose loader refuses a name it loses).
    """
    owners: dict[str, NameClaim] = {}
    holders: dict[str, str] = {}  # squeezed name -> alpha-3
    for claim in sorted(claims, key=lambda c: not c.current):  # stable: in order otherwise
        folded = fold(claim.name)
        if holders.setdefault(squeeze(folded), claim.iso3) == claim.iso3:
            owners.setdefault(folded, claim)
    return owners
