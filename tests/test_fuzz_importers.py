"""Property-based fuzzing of every importer, starting from real files.

Each importer either succeeds or refuses the input with its own error type naming the place
(line, column, file, row), never with an unexpected exception; after a refused import the
database is exactly as before (every row of every table compared). Each example runs inside
the test's rolled-back transaction and is rolled back itself.
"""

from __future__ import annotations

import csv
import gzip
import io
import random
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from app.errors import ProblemError
from app.importers import m49
from app.importers.undl import import_votes
from app.importers.undl_fields import UndlError
from app.importers.untc import import_pages
from app.importers.untc_page import UntcPageError, parse_page
from app.importers.yamlfile import DataFileError
from app.profiles import store
from app.profiles.parser import parse
from app.profiles.result import ProfileResult
from app.public import files
from app.public.load import load
from tests.conftest import DATA_DIR, shared_path
from tests.test_load import dump

FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    # no shrinking: a failure is reported as found (with its seed), within the time budget
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
E = TypeVar("E", bound=Exception)
PROFILE_TEXTS = Path(__file__).parent / "profiles" / "texts"

#: examples run per test, printed at the end of the module
RAN: dict[str, int] = {}


@pytest.fixture(scope="module", autouse=True)
def report_examples() -> Iterator[None]:
    yield
    total = sum(RAN.values())
    lines = [f"  {name}: {n}" for name, n in sorted(RAN.items())]
    print(f"\nhypothesis examples run: {total}", *lines, sep="\n", file=sys.stderr)


def refused(kind: type[E], call: Callable[[], object]) -> E | None:
    """The error of type `kind` that `call` raised, None if it succeeded."""
    try:
        call()
    except kind as exc:
        return exc
    return None


def ran(name: str) -> None:
    RAN[name] = RAN.get(name, 0) + 1


# --- mutations shared by the text formats -------------------------------------------------


@st.composite
def junk_text(draw: st.DrawFn, max_size: int = 40) -> str:
    return draw(
        st.one_of(
            st.text(max_size=max_size),
            st.sampled_from(
                [
                    ",",
                    '"',
                    '""',
                    "\n",
                    "\r\n",
                    "\x00",
                    "\ufeff",
                    "<",
                    ">",
                    "</table>",
                    "<td>",
                    "&amp;",
                    "'; DROP TABLE votes; --",
                    ":",
                    "- ",
                    "{",
                    "[",
                    "#",
                    "\t",
                    "é",
                    "Ω",
                ]
            ),
        )
    )


def _splice(text: str, at: int, cut: int, insert: str) -> str:
    at = min(at, len(text))
    return text[:at] + insert + text[at + cut :]


@st.composite
def text_edit(draw: st.DrawFn, text: str, huge: int = 200_000) -> str:
    """A random edit of `text`: splice junk, cut, truncate, shuffle or repeat lines."""
    kind = draw(st.sampled_from(["splice", "cut", "truncate", "shuffle", "drop", "dup", "huge"]))
    n = len(text)
    at = draw(st.integers(0, max(n, 0)))
    if kind == "splice":
        return _splice(text, at, draw(st.integers(0, 20)), draw(junk_text()))
    if kind == "cut":
        return _splice(text, at, draw(st.integers(1, 400)), "")
    if kind == "truncate":
        return text[:at]
    lines = text.splitlines(keepends=True)
    if kind == "shuffle":
        seed = draw(st.integers(0, 2**32 - 1))
        random.Random(seed).shuffle(lines)
        return "".join(lines)
    i = draw(st.integers(0, max(len(lines) - 1, 0)))
    if not lines:
        return text
    if kind == "drop":
        return "".join(lines[:i] + lines[i + 1 :])
    if kind == "dup":
        return "".join(lines[: i + 1] + lines[i:])
    return _splice(text, at, 0, draw(st.sampled_from(["x", "é", ",", " "])) * huge)


# --- UN Digital Library vote files --------------------------------------------------------


@cache
def undl_lines() -> tuple[str, list[str]]:
    text = shared_path("refdata", "undl", "ga_voting_mine_cluster.csv").read_text(encoding="utf-8")
    header, *rows = text.splitlines(keepends=True)
    return header, rows


@st.composite
def vote_file(draw: st.DrawFn) -> bytes:
    """Real rows (a slice of one or two resolutions), then edits and an encoding."""
    header, rows = undl_lines()
    start = draw(st.integers(0, len(rows) - 1))
    chosen = rows[start : start + draw(st.integers(1, 60))]
    kind = draw(
        st.sampled_from(
            ["real", "reorder", "edit", "edit", "field", "huge", "header", "bytes", "encoding"]
        )
    )
    text = header + "".join(chosen)
    if kind == "reorder":
        body = list(chosen)
        random.Random(draw(st.integers(0, 2**32 - 1))).shuffle(body)
        text = header + "".join(body)
    elif kind == "edit":
        for _ in range(draw(st.integers(1, 3))):
            text = draw(text_edit(text))
    elif kind in ("field", "huge"):
        table = list(csv.reader(io.StringIO(text)))
        r = draw(st.integers(1, len(table) - 1))
        c = draw(st.integers(0, len(table[r]) - 1))
        table[r][c] = (
            draw(junk_text()) if kind == "field" else "x" * draw(st.integers(200, 300_000))
        )
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(table)
        text = out.getvalue()
    elif kind == "header":
        names = header.rstrip("\n").split(",")
        random.Random(draw(st.integers(0, 2**32 - 1))).shuffle(names)
        names = names[: draw(st.integers(0, len(names)))]
        text = ",".join(names) + "\n" + "".join(chosen)
    elif kind == "bytes":
        return draw(st.binary(max_size=2000))
    data = text.encode(
        draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16", "cp1252"]))
        if kind == "encoding"
        else "utf-8",
        errors="replace",
    )
    if draw(st.booleans()) and kind != "encoding":
        data = gzip.compress(data, mtime=0)
        if draw(st.booleans()):
            data = data[: draw(st.integers(0, len(data)))]
    return data


def _names_a_place(exc: UndlError) -> bool:
    return exc.line is not None or str(exc) == "the file is empty" or "near line" in str(exc)


@FUZZ
@given(content=vote_file())
def test_undl_import_succeeds_or_names_the_line_and_writes_nothing(
    content: bytes, session: Session, connection: Connection, tmp_path: Path
) -> None:
    ran("undl")
    path = tmp_path / "votes.csv"
    path.write_bytes(content)
    before = dump(connection)
    try:
        error = refused(UndlError, lambda: import_votes(session, str(path), keep_all=True))
        if error is not None:
            assert _names_a_place(error), str(error)
            assert dump(connection) == before
    finally:
        session.rollback()


# --- UN Treaty Collection status pages ----------------------------------------------------


@cache
def untc_pages() -> dict[str, str]:
    folder = shared_path("refdata", "raw", "untc_status_2026-02-03")
    return {
        p.name.removesuffix(".gz"): gzip.decompress(p.read_bytes()).decode("utf-8")
        for p in sorted(folder.glob("*.html.gz"))
    }


_TABLE = re.compile(r"<table\b.*?</table>", re.S | re.I)
_ROW = re.compile(r"<tr\b.*?</tr>", re.S | re.I)
_CELL = re.compile(r"(<td\b[^>]*>)(.*?)(</td>)", re.S | re.I)


@st.composite
def untc_page(draw: st.DrawFn) -> tuple[str, bytes]:
    """A real page with tables removed, rows dropped or duplicated, cells garbled."""
    name = draw(st.sampled_from(sorted(untc_pages())))
    html = untc_pages()[name]
    kind = draw(
        st.sampled_from(["real", "table", "rows", "cell", "tags", "edit", "encoding", "gzip"])
    )
    if kind == "table":
        tables = list(_TABLE.finditer(html))
        m = tables[draw(st.integers(0, len(tables) - 1))]
        html = (
            html[: m.start()]
            + draw(st.sampled_from(["", "<table></table>", "<table>"]))
            + html[m.end() :]
        )
    elif kind == "rows":
        rows = list(_ROW.finditer(html))
        for _ in range(draw(st.integers(1, 4))):
            m = rows[draw(st.integers(0, len(rows) - 1))]
            op = draw(st.sampled_from(["drop", "dup"]))
            piece = "" if op == "drop" else m.group(0) * 2
            html = html.replace(m.group(0), piece, 1)
    elif kind == "cell":
        cells = list(_CELL.finditer(html))
        for _ in range(draw(st.integers(1, 4))):
            m = cells[draw(st.integers(0, len(cells) - 1))]
            html = html.replace(m.group(0), m.group(1) + draw(junk_text()) + m.group(3), 1)
    elif kind == "tags":
        tag = draw(st.sampled_from(["</td>", "<tr", "</tr>", "<th", "</table>", "<tbody>"]))
        html = html.replace(
            tag, draw(st.sampled_from(["", "<td>", "&lt;"])), draw(st.integers(1, 5))
        )
    elif kind == "edit":
        html = draw(text_edit(html))
    data = html.encode("utf-16" if kind == "encoding" else "utf-8")
    if kind == "gzip":
        data = gzip.compress(data, mtime=0)
        data = data[: draw(st.integers(0, len(data)))]
    return name, data


@FUZZ
@given(page=untc_page())
def test_untc_import_succeeds_or_names_the_file_and_writes_nothing(
    page: tuple[str, bytes], session: Session, connection: Connection
) -> None:
    ran("untc")
    name, content = page
    pages = []
    error = refused(UntcPageError, lambda: pages.append(parse_page(content, name)))
    if error is not None:
        assert str(error).startswith(f"{name}: "), str(error)
        return
    before = dump(connection)
    try:
        error = refused(UntcPageError, lambda: import_pages(session, pages))
        if error is not None:
            assert str(error).startswith(f"{name}: "), str(error)
            assert dump(connection) == before
    finally:
        session.rollback()


# --- Monitor profile texts ----------------------------------------------------------------


@st.composite
def profile_text(draw: st.DrawFn) -> str:
    texts = sorted(PROFILE_TEXTS.glob("*.txt")) + sorted(shared_path("seeds").glob("*.txt"))
    parts = [
        p.read_text(encoding="utf-8")
        for p in draw(st.lists(st.sampled_from(texts), min_size=1, max_size=3))
    ]
    text = "\n\n".join(parts)
    for _ in range(draw(st.integers(0, 4))):
        # words of 10^4+ letters take the parser seconds (it is superlinear in word length)
        text = draw(text_edit(text, huge=2_000))
    if draw(st.booleans()):
        text = _splice(text, draw(st.integers(0, len(text))), 0, draw(st.text(max_size=300)))
    return text


@FUZZ
@given(raw=profile_text())
def test_profile_parse_never_raises_and_ingest_writes_all_or_nothing(
    raw: str, session: Session, connection: Connection
) -> None:
    ran("profiles")
    result = parse(raw)
    assert isinstance(result, ProfileResult)
    before = dump(connection)
    try:
        error = refused(ProblemError, lambda: store.ingest(session, raw))
        if error is not None:
            assert (error.status, error.kind, error.parameter) == (
                422,
                "unreadable-profile",
                "text",
            )
            assert dump(connection) == before
    finally:
        session.rollback()


# --- curated YAML data files --------------------------------------------------------------


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(DATA_DIR, tmp_path / "data"))


def yaml_files() -> list[str]:
    return sorted(str(p.relative_to(DATA_DIR)) for p in DATA_DIR.rglob("*.yaml"))


@FUZZ
@given(data=st.data())
def test_load_succeeds_or_names_file_and_line_and_writes_nothing(
    data: st.DataObject, data_copy: Path, session: Session, connection: Connection
) -> None:
    ran("yaml")
    name = data.draw(st.sampled_from(yaml_files()))
    path = data_copy / name
    original = path.read_text(encoding="utf-8")
    edited = original
    for _ in range(data.draw(st.integers(1, 3))):
        edited = data.draw(text_edit(edited))
    encoding = data.draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "latin-1", "utf-16"]))
    path.write_bytes(edited.encode(encoding, errors="replace"))
    before = dump(connection)
    try:
        error = refused(DataFileError, lambda: load(session, data_copy))
        if error is not None:
            assert error.problems
            # curated files are named relative to data/ (the regions file too, when the source
            # it needs is gone from sources.yaml), the public record's by their path
            public = data_copy / files.PUBLIC_DIR
            named = {
                *yaml_files(),
                str(m49.FILE),
                *(str(public / n) for n in (*files.FILES, files.MANIFEST)),
            }
            for problem in error.problems:
                assert problem.file in named, str(problem)
            assert dump(connection) == before
    finally:
        session.rollback()
        path.write_text(original, encoding="utf-8")
