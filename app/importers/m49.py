"""write the UN M49 regions of every country (data/reference/m49_regions.csv) from a download.

`python -m app export m49 FILE [--out PATH]`: FILE is a CSV of the UNSD M49 table ("Standard
country or area codes for statistical use"), columns found by name: the compilation's own
(`alpha-3, country-code, region, sub-region, intermediate-region, region-code, …`) or the short
ones (`iso3, m49, region, subregion, intermediate_region, region_code, …`). Only the codes and
the region names are kept; running it again on the same file writes nothing.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from dataclasses import dataclass, fields
from pathlib import Path

from app.config import Settings
from app.importers.csvfile import from_csv, to_csv, write_if_changed
from app.importers.yamlfile import DataFileError, Problem
from app.names import iso_countries

#: Where the regions live in data/, and the source (data/sources.yaml) they come from.
FILE = Path("reference") / "m49_regions.csv"
SOURCE_ID = "unsd-m49"


@dataclass(frozen=True)
class RegionRow:
    """A country's M49 code and its region, sub-region and intermediate region (names, codes)."""

    country: str
    m49: str
    region: str | None
    region_code: str | None
    subregion: str | None
    subregion_code: str | None
    intermediate_region: str | None
    intermediate_region_code: str | None


#: The region columns a country row takes from the file (the rest are the country's key).
REGION_FIELDS = [f.name for f in fields(RegionRow)][2:]
#: Header names the download may use for each field.
_ALIASES = {
    "country": ("iso3", "alpha-3"),
    "m49": ("m49", "country-code"),
    **{name: (name, name.replace("_", "-").replace("subregion", "sub-region")) for name in
       REGION_FIELDS},
}  # fmt: skip
_LEVELS = ("region", "subregion", "intermediate_region")


def read(data_dir: Path) -> list[RegionRow]:
    """The regions file of `data_dir`, read and checked (raises DataFileError naming line and
    column)."""
    path = data_dir / FILE
    rows = from_csv(path, RegionRow)
    problems = problems_of(rows, str(path))
    if problems:
        raise DataFileError(problems)
    return rows


def vocabulary(data_dir: Path) -> dict[str, list[str]]:
    """The names and codes the `region` and `subregion` filters take, from the regions file
    (sub-regions with the intermediate regions); empty lists where the file is missing."""
    path = data_dir / FILE
    rows = from_csv(path, RegionRow) if path.exists() else []
    levels = {"region": ("region",), "subregion": ("subregion", "intermediate_region")}
    words: dict[str, list[str]] = {}
    for parameter, names in levels.items():
        pairs = {
            (getattr(row, name), getattr(row, f"{name}_code"))
            for row in rows
            for name in names
            if getattr(row, name) and getattr(row, f"{name}_code")
        }
        words[parameter] = sorted(n for n, _ in pairs) + sorted(c for _, c in pairs)
    return words


def problems_of(rows: list[RegionRow], where: str) -> list[Problem]:
    """Unknown or missing countries, codes that differ from ISO's, names without codes."""
    out: list[Problem] = []
    numeric = {c.iso3: c.numeric for c in iso_countries() if not c.historical}
    names: dict[tuple[str, str], set[str]] = defaultdict(set)
    column = {name: i for i, name in enumerate((f.name for f in fields(RegionRow)), start=1)}

    def fail(line: int, field: str, message: str) -> None:
        out.append(Problem(where, line, column[field], None, field, message))

    for line, row in enumerate(rows, start=2):
        if row.country not in numeric:
            fail(line, "country", f"unknown country {row.country!r} (ISO 3166-1 alpha-3)")
        elif numeric[row.country] != row.m49:
            fail(line, "m49", f"{row.m49!r} is not {row.country}'s ISO numeric code")
        for level in _LEVELS:
            name, code = getattr(row, level), getattr(row, f"{level}_code")
            if (name is None) != (code is None):
                fail(line, f"{level}_code", f"{level} needs both a name and a code")
            elif code is not None and not (len(code) == 3 and code.isdigit()):
                fail(line, f"{level}_code", f"{code!r} is not a three-digit M49 code")
            elif code is not None:
                names[(level, code)].add(name)
    for (level, code), found in names.items():
        if len(found) > 1:
            message = f"{level} code {code} has several names: {', '.join(sorted(found))}"
            out.append(Problem(where, None, None, None, f"{level}_code", message))
    listed = {r.country for r in rows}
    missing = sorted(set(numeric) - listed)
    if missing:
        message = f"no row for {', '.join(missing)}"
        out.append(Problem(where, None, None, None, "country", message))
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        if row.country in seen:
            fail(line, "country", f"duplicate country {row.country!r}")
        seen.add(row.country)
    return out


def export(download: Path) -> list[RegionRow]:
    """The rows of a downloaded M49 table, by alpha-3, checked like the data file."""
    with download.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        columns: dict[str, str] = {}
        for name, aliases in _ALIASES.items():
            found = next((h for h in header if h.strip().lower() in aliases), None)
            if found is None:
                raise DataFileError(
                    [Problem(str(download), 1, None, None, name, f"no column {aliases[0]!r}")]
                )
            columns[name] = found
        rows = []
        for cells in reader:
            value = {name: (cells[col] or "").strip() or None for name, col in columns.items()}
            regions = {name: value[name] for name in REGION_FIELDS}
            rows.append(RegionRow(value["country"] or "", value["m49"] or "", **regions))
    rows.sort(key=lambda r: r.country)
    problems = problems_of(rows, str(download))
    if problems:
        raise DataFileError(problems)
    return rows


def write(path: Path, rows: list[RegionRow]) -> bool:
    """Write the regions file unless it already holds `rows`; whether it was written."""
    return write_if_changed(path, to_csv(rows, RegionRow))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`python -m app export m49 FILE [--out PATH]`."""
    parser.add_argument("file", type=Path, metavar="FILE", help="the downloaded M49 table (CSV)")
    parser.add_argument(
        "--out", type=Path, help=f"file to write (default: DATA_DIR/{FILE.as_posix()})"
    )


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Write the regions file; exit 1 naming the file and place of a problem."""
    try:
        rows = export(args.file)
    except (DataFileError, OSError) as exc:
        print(f"export failed, nothing was written: {exc}", file=sys.stderr)
        return 1
    out = args.out or settings.data_dir / FILE
    written = write(out, rows)
    print(f"{len(rows)} countries; {'wrote ' + str(out) if written else 'already up to date'}")
    return 0
