"""Names the reader recognises: treaties, weapons, countries and annual UNGA resolutions."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from app.config import PROJECT_ROOT
from app.names import fold, iso_countries

_TREATIES: list[tuple[str, str]] = [
    ("ccw-p2a", r"Amended Protocol II|Protocol II,? as amended|\bAPII\b"),
    ("ccw-p5", r"Protocol V\b|Protocol on Explosive Remnants of War"),
    ("ccw-p4", r"Protocol IV\b|Protocol on Blinding Laser Weapons"),
    ("ccw-art1", r"amended Article 1\b|amendment to Article 1\b"),
    (
        "ccw",
        r"Convention on (?:Certain )?Conventional Weapons|\bCCW\b",
    ),
    (
        "ccm",
        r"Convention on Cluster Munitions|Cluster Munitions? Convention|\bCCM\b|"
        r"Oslo Convention",
    ),
    (
        "mbt",
        r"Mine Ban (?:Treaty|Convention)|Ottawa (?:Convention|Treaty)|\bAPMBC\b|"
        r"Anti-?[Pp]ersonnel Mine Ban (?:Convention|Treaty)|"
        r"Convention on the Prohibition of the Use, Stockpiling, Production and Transfer of "
        r"Anti-?[Pp]ersonnel Mines",
    ),
]
TREATY_PATTERNS = [(slug, re.compile(p)) for slug, p in _TREATIES]
GENERIC = re.compile(
    r"\b(?:the|this|that) (?:[Cc]onvention|[Tt]reaty)(?!['’]s? (?:Signing))\b|\bit\b"
)
KIND_TREATY = {"mine_ban_policy": "mbt", "cluster_munition_ban_policy": "ccm"}
KIND_WEAPON = {
    "mine_ban_policy": "antipersonnel_mine",
    "cluster_munition_ban_policy": "cluster_munition",
}

AP_MINES = re.compile(r"anti-?\s?personnel\s(?:land)?mines?|\bAP mines?\b|\blandmines?\b", re.I)
CLUSTER = re.compile(r"cluster munitions?|submunitions?|cluster bombs?", re.I)


@dataclass(frozen=True)
class Mention:
    """A treaty named in a sentence."""

    slug: str
    start: int
    end: int


def treaty_mentions(text: str) -> list[Mention]:
    """Every treaty named in text, in order (protocols before their parent at one place)."""
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for slug, pattern in TREATY_PATTERNS:
        for m in pattern.finditer(text):
            if any(a <= m.start() < b for a, b in taken):
                continue
            if slug == "ccw" and re.search(r"Protocol [IV]+\b[^.]{0,20}$", text[: m.start()]):
                pass
            found.append(Mention(slug, m.start(), m.end()))
            taken.append((m.start(), m.end()))
    return sorted(found, key=lambda m: m.start)


def weapon_of(text: str, default: str) -> str:
    """The weapon a sentence is about."""
    if CLUSTER.search(text):
        return "cluster_munition"
    if AP_MINES.search(text) or re.search(r"\bmines?\b", text):
        return "antipersonnel_mine"
    return default


@lru_cache(maxsize=1)
def country_index() -> dict[str, str]:
    """Folded country name → alpha-3, from pycountry and data/reference/country_names.yaml."""
    index: dict[str, str] = {}
    for c in iso_countries():
        for name in (c.name, c.official_name, *(n for n, _ in c.other_names)):
            if name and not c.historical:
                index.setdefault(fold(name), c.iso3)
    extra = PROJECT_ROOT / "data" / "reference" / "country_names.yaml"
    if extra.is_file():
        data = yaml.safe_load(extra.read_text(encoding="utf-8")) or {}
        for entry in data.get("names") or []:
            index.setdefault(fold(str(entry["name"])), str(entry["country"]))
    for c in iso_countries():
        if not c.historical:
            index.setdefault(fold(c.iso3), c.iso3)
    return index


def find_country(name: str | None) -> str | None:
    """The alpha-3 code of a country name, if known."""
    if not name:
        return None
    return country_index().get(fold(name))


def is_country(name: str) -> bool:
    """Whether a name names a country."""
    return find_country(name) is not None


@lru_cache(maxsize=4)
def resolutions_from(path: Path) -> dict[tuple[str, int], str]:
    """(treaty, year) → symbol of the annual resolution, from a resolutions.yaml file."""
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found: dict[tuple[str, int], str] = {}
    for r in data.get("resolutions") or []:
        if r.get("treaty"):
            found.setdefault((str(r["treaty"]), int(str(r["date"])[:4])), str(r["symbol"]))
    return found


@lru_cache(maxsize=4)
def public_resolutions(path: Path) -> dict[tuple[str, int], str]:
    """(treaty, year) → symbol, from the public record's unga_resolutions.csv; a year with
    two resolutions on a treaty (1997: A/RES/52/38 A and H) names neither."""
    if not path.is_file():
        return {}
    by_year: dict[tuple[str, int], set[str]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row.get("treaty"):
                key = (row["treaty"], int(row["date"][:4]))
                by_year.setdefault(key, set()).add(row["symbol"])
    return {key: symbols.pop() for key, symbols in by_year.items() if len(symbols) == 1}


def default_resolutions() -> dict[tuple[str, int], str]:
    """The annual resolutions the data knows: the public record's (the UN vote record of the
    treaty resolutions) and the curated ones of data/resolutions.yaml."""
    data = PROJECT_ROOT / "data"
    return {
        **public_resolutions(data / "public" / "unga_resolutions.csv"),
        **resolutions_from(data / "resolutions.yaml"),
    }
