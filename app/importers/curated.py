"""Curated records in `data/`: read, validate every file and cross-reference, then sync."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Container, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import dataversion, history, models, records
from app.importers import m49
from app.importers.sync import (
    RECORD_LISTS,
    Curated,
    SyncReport,
    country_names,
    history_scopes,
    write_curated,
)
from app.importers.yamlfile import DataFileError, Loc, Problem, YamlDoc
from app.names import fold, iso_countries, squeeze
from app.schemas import (
    CountryFile,
    CountryNamesFile,
    ResolutionsFile,
    SourcesFile,
    StatesFile,
    TerritoriesFile,
    TreatiesFile,
    UnMembershipFile,
)


def read(data_dir: Path) -> Curated:
    """Parse and validate every file under `data_dir`; raise with all problems found."""
    problems: list[Problem] = []
    docs: dict[str, YamlDoc] = {}

    def parse(path: Path, model: type[BaseModel], prepare: Any = None) -> Any:
        if not path.is_file():
            problems.append(Problem(str(path), None, None, None, None, "file is missing"))
            return None
        try:
            doc = YamlDoc(path, data_dir)
            docs[doc.name] = doc
            return doc.validate(model, prepare(doc.data) if prepare else None)
        except DataFileError as exc:
            problems.extend(exc.problems)
            return None

    sources = parse(data_dir / "sources.yaml", SourcesFile)
    treaties = parse(data_dir / "treaties.yaml", TreatiesFile)
    resolutions = parse(data_dir / "resolutions.yaml", ResolutionsFile)
    membership = parse(data_dir / "reference" / "un_membership.yaml", UnMembershipFile)
    names = parse(data_dir / "reference" / "country_names.yaml", CountryNamesFile)
    states = parse(data_dir / "reference" / "states.yaml", StatesFile)
    territories = parse(data_dir / "reference" / "territories.yaml", TerritoriesFile)
    countries = [
        parse(path, CountryFile, _fill_country)
        for path in sorted((data_dir / "countries").glob("*.yaml"))
    ]
    regions = _regions(data_dir, problems)
    if problems:
        raise DataFileError(problems)
    return Curated(
        sources,
        treaties,
        resolutions,
        membership,
        names,
        countries,
        regions,
        states,
        territories,
        docs,
    )


def _regions(data_dir: Path, problems: list[Problem]) -> list[m49.RegionRow]:
    """The M49 regions file, its problems added to `problems`."""
    path = data_dir / m49.FILE
    if not path.is_file():
        problems.append(Problem(str(path), None, None, None, None, "file is missing"))
        return []
    try:
        return m49.read(data_dir)
    except DataFileError as exc:
        problems.extend(exc.problems)
        return []


def _fill_country(data: Any) -> Any:
    """Records in a country file take the file's country unless they name one."""
    if isinstance(data, dict) and isinstance(data.get("country"), str):
        for key in RECORD_LISTS:
            for record in data.get(key) or []:
                if isinstance(record, dict):
                    record.setdefault("country", data["country"])
    return data


class Known(Protocol):
    """What references may point at: countries, treaties, footnotes by source, resolutions."""

    @property
    def countries(self) -> Container[str]: ...

    @property
    def treaties(self) -> Collection[str]: ...

    @property
    def footnotes(self) -> Mapping[str, Container[int]]: ...

    @property
    def resolutions(self) -> Container[str]: ...


@dataclass
class _Country:
    country: str


def reference_problems(record: Any, known: Known) -> list[tuple[Loc, str]]:
    """Every reference of a record that points at nothing: (field location, message).

    Used by `load` for the data files and by the API for every write.
    """
    problems: list[tuple[Loc, str]] = []
    code = getattr(record, "country", None)
    if code is not None and code not in known.countries:
        problems.append(
            (("country",), f"unknown country {code!r} (expected an ISO 3166-1 alpha-3 code)")
        )
    for name in ("treaty", "parent"):
        slug = getattr(record, name, None)
        if slug is not None and slug not in known.treaties:
            listed = ", ".join(sorted(known.treaties))
            problems.append(((name,), f"unknown treaty {slug!r}; known: {listed}"))
    source = getattr(record, "source", None)
    if isinstance(source, str):
        footnotes = known.footnotes.get(source)
        numbers = getattr(record, "citations", [])
        if footnotes is None:
            problems.append((("source",), f"unknown source {source!r}"))
        elif isinstance(numbers, list):
            problems += [
                (("citations", i), f"source {source!r} has no footnote {n}")
                for i, n in enumerate(numbers)
                if isinstance(n, int) and n not in footnotes
            ]
    symbol = getattr(record, "resolution", None)
    if symbol is not None and symbol not in known.resolutions:
        problems.append((("resolution",), f"unknown resolution {symbol!r}"))
    return problems


class _Checker:
    """Cross-reference checks: every key a record points at must exist."""

    def __init__(self, cur: Curated, resolutions_in_db: set[str]) -> None:
        self.cur = cur
        self.problems: list[Problem] = []
        self.countries = {c.iso3: c for c in iso_countries()}
        self.treaties = {t.slug for t in cur.treaties.treaties}
        self.footnotes = {s.id: {c.number for c in s.citations} for s in cur.sources.sources}
        self.resolutions = {r.symbol for r in cur.resolutions.resolutions} | resolutions_in_db

    def fail(self, file: str, loc: Loc, message: str) -> None:
        self.problems.append(self.cur.docs[file].problem(loc, message))

    def refs(self, file: str, loc: Loc, record: Any, kind: str | None = None) -> None:
        """The record's references that point at nothing and, given its `kind`, the values
        its table cannot hold (as the API refuses them: `records.Kind.misfits`)."""
        for where, message in reference_problems(record, self):
            self.fail(file, (*loc, *where), message)
        if kind is not None:
            for field, message in records.BY_NAME[kind].misfits(record.model_dump()):
                where = tuple(int(p) if p.isdigit() else p for p in field.split("."))
                self.fail(file, (*loc, *where), message)

    def unique(self, file: str, key: str, items: list[Any], attr: str) -> None:
        seen = Counter(getattr(item, attr) for item in items)
        for i, item in enumerate(items):
            if seen[getattr(item, attr)] > 1:
                self.fail(file, (key, i, attr), f"duplicate {attr} {getattr(item, attr)!r}")

    def run(self) -> list[Problem]:
        cur = self.cur
        self.unique("sources.yaml", "sources", cur.sources.sources, "id")
        for i, src in enumerate(cur.sources.sources):
            self.refs("sources.yaml", ("sources", i), src, "source")
            for j, cited in enumerate(src.citations):
                self.refs("sources.yaml", ("sources", i, "citations", j), cited, "citation")
        self.unique("treaties.yaml", "treaties", cur.treaties.treaties, "slug")
        owners: dict[str, str] = {}
        for i, tr in enumerate(cur.treaties.treaties):
            self.refs("treaties.yaml", ("treaties", i), tr, "treaty")
            for j, alias in enumerate(tr.aliases):
                if fold(alias) in owners:
                    where = ("treaties", i, "aliases", j)
                    taken = f"alias {alias!r} already names {owners[fold(alias)]}"
                    self.fail("treaties.yaml", where, taken)
                owners[fold(alias)] = tr.slug
        self.unique("resolutions.yaml", "resolutions", cur.resolutions.resolutions, "symbol")
        for i, res in enumerate(cur.resolutions.resolutions):
            self.refs("resolutions.yaml", ("resolutions", i), res, "resolution")
        self._check_reference_files()
        for file, country_file in self._country_files():
            self._check_country_file(file, country_file)
        return self.problems

    def _check_reference_files(self) -> None:
        membership, file = self.cur.membership, "reference/un_membership.yaml"
        for key in ("members", "observers"):
            self.codes(file, key, getattr(membership, key))
        self.refs(file, (), membership)
        self._check_states()
        file = "reference/country_names.yaml"
        self.refs(file, (), self.cur.names)
        if m49.SOURCE_ID not in self.footnotes:
            where = str(m49.FILE)
            message = f"its source {m49.SOURCE_ID!r} is not in sources.yaml"
            self.problems.append(Problem(where, None, None, None, "source", message))
        named = country_names(list(self.countries.values()), self.cur.names)
        holders = {squeeze(k): v["country_iso3"] for k, v in named.items()}
        for i, entry in enumerate(self.cur.names.names):
            self.refs(file, ("names", i), entry, "country_name")
            owner = holders[squeeze(fold(entry.name))]
            if owner != entry.country:
                self.fail(file, ("names", i, "name"), f"{entry.name!r} already names {owner}")

    def codes(self, file: str, key: str, codes: list[str]) -> None:
        """Each of a file's list `key` of alpha-3 codes names a country."""
        for i, code in enumerate(codes):
            for _, message in reference_problems(_Country(code), self):
                self.fail(file, (key, i), message)

    def _check_states(self) -> None:
        """The states beyond the UN's and the territories: known codes, each area once, every
        current ISO area either a state or a territory, administered by a state."""
        cur = self.cur
        states = {*cur.membership.members, *cur.membership.observers}
        file = "reference/states.yaml"
        self.refs(file, (), cur.states)
        self.codes(file, "other_states", cur.states.other_states)
        for i, code in enumerate(cur.states.other_states):
            if code in states:
                self.fail(file, ("other_states", i), f"{code} is already a state")
            states.add(code)
        file = "reference/territories.yaml"
        self.refs(file, (), cur.territories)
        seen: set[str] = set()
        for i, entry in enumerate(cur.territories.territories):
            for where, message in reference_problems(entry, self):
                self.fail(file, ("territories", i, *where), message)
            if entry.country in states or entry.country in seen:
                self.fail(file, ("territories", i, "country"), f"{entry.country} is listed twice")
            seen.add(entry.country)
            owner = entry.administered_by
            if owner is not None and owner not in states:
                self.fail(file, ("territories", i, "administered_by"), f"{owner!r} is not a state")
        current = {c.iso3 for c in self.countries.values() if not c.historical}
        for code in sorted(current - states - seen):
            self.fail(file, ("territories",), f"{code} is neither a state nor a territory")

    def _country_files(self) -> Iterator[tuple[str, CountryFile]]:
        names = sorted(n for n in self.cur.docs if n.startswith("countries/"))
        yield from zip(names, self.cur.countries, strict=True)

    def _check_country_file(self, file: str, cf: CountryFile) -> None:
        self.refs(file, (), cf)
        for key in RECORD_LISTS:
            items = getattr(cf, key)
            if key != "votes":
                self.unique(file, key, items, "id")
            for i, rec in enumerate(items):
                self.refs(file, (key, i), rec, RECORD_LISTS[key])


class Public(Protocol):
    """What the public record adds to a load (see `app.public.load`)."""

    @property
    def source_ids(self) -> Collection[str]: ...

    @property
    def symbols(self) -> Collection[str]: ...

    @property
    def changed(self) -> bool: ...

    def problems(self, known: Known) -> list[Problem]: ...

    def write_sources(self, session: Session) -> None: ...

    def write_records(self, session: Session) -> None: ...

    def lines(self) -> list[str]: ...


def load(session: Session, data_dir: Path, public: Public | None = None) -> SyncReport:
    """Validate everything under `data_dir`, then sync it into the database in one go.

    Nothing is written unless every file is valid and every reference resolves; the caller
    commits. Loading the same files twice changes nothing. With `public`, the public record's
    sources are written first and its records once the countries, treaties and resolutions
    are in; curated records may cite its sources and resolutions.
    """
    cur = read(data_dir)
    # Resolutions of the files' sources that the files no longer list are deleted by the
    # sync, so only those of other sources (imports) may still be pointed at.
    sources = [s.id for s in cur.sources.sources]
    kept = select(models.Resolution.symbol).where(models.Resolution.source.not_in(sources))
    symbols = set(public.symbols) if public is not None else set()
    checker = _Checker(cur, set(session.scalars(kept)) | symbols)
    if public is not None:
        checker.footnotes.update({sid: set() for sid in public.source_ids})
    problems = checker.run() + (public.problems(checker) if public is not None else [])
    for i, res in enumerate(cur.resolutions.resolutions):
        if res.symbol in symbols:
            message = (
                f"{res.symbol} is in the public record (data/public): cite it, do not repeat it"
            )
            problems.append(cur.docs["resolutions.yaml"].problem(("resolutions", i), message))
    if problems:
        raise DataFileError(problems)
    scopes = history_scopes(session, cur)
    before = history.snapshot(session, scopes)
    try:
        with session.begin_nested():
            if public is not None:
                public.write_sources(session)
            between = None if public is None else lambda: public.write_records(session)
            report = write_curated(session, cur, symbols, between)
    except IntegrityError as exc:  # a record the files drop is still used by imported data
        detail = str(exc.orig).splitlines()[0]
        message = f"the files drop a record that other data still points at ({detail})"
        raise DataFileError([Problem(str(data_dir), None, None, None, None, message)]) from None
    if report.changed:
        history.record_diff(session, "load", before, history.snapshot(session, scopes))
    if public is not None:
        report.lines, report.others_changed = public.lines(), public.changed
    if report.changed:
        dataversion.bump(session)
    return report
