"""`python -m app import undl` through the real entry point: stdin, gzip, dry run, refusal."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from app import models
from app.config import PROJECT_ROOT
from app.importers.undl_write import SOURCE_ID
from tests.test_cli import run
from tests.undl_files import before_any_vote_import, csv_2026, write


def run_stdin(url: str, data: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "app", "import", "undl", *args, "-"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": url},
        input=data,
        capture_output=True,
        timeout=120,
        check=False,
    )


def imported(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            query = select(func.count()).select_from(models.Vote)
            return int(conn.scalar(query.where(models.Vote.source == SOURCE_ID)) or 0)
    finally:
        engine.dispose()


@pytest.fixture
def loaded(scratch_url: str) -> str:
    """A loaded database as it was before any vote import (see `before_any_vote_import`)."""
    assert run(scratch_url, "migrate").returncode == 0
    assert run(scratch_url, "load").returncode == 0
    engine = create_engine(scratch_url)
    try:
        with engine.begin() as conn:
            before_any_vote_import(conn)
    finally:
        engine.dispose()
    assert imported(scratch_url) == 0
    return scratch_url


def test_stdin_then_again(loaded: str) -> None:
    first = run_stdin(loaded, csv_2026().encode())
    assert first.returncode == 0, first.stderr
    assert first.stderr == b""
    lines = first.stdout.decode().splitlines()
    assert lines[:6] == [
        f"file          stdin (2026 layout), source {SOURCE_ID}",
        "rows read     8",
        "resolutions   2 kept of 3: 2 inserted 0 updated 0 unchanged",
        "votes         6 inserted 0 updated 0 unchanged",
        "mismatches    0",
        lines[5],
    ]
    assert lines[5].startswith("seconds       ")
    assert lines[6:] == ["imported"]
    second = run_stdin(loaded, csv_2026().encode())
    assert second.returncode == 0, second.stderr
    assert "votes         0 inserted 0 updated 6 unchanged" in second.stdout.decode()
    assert second.stdout.decode().splitlines()[-1] == "already up to date"
    assert imported(loaded) == 6


def analyses(url: str) -> dict[str, int]:
    """PostgreSQL: how many times each vote table was analysed by hand (ANALYZE); SQLite:
    the tables with planner statistics (none unless something ran ANALYZE)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                rows = conn.execute(
                    text(
                        "SELECT relname, analyze_count FROM pg_stat_user_tables"
                        " WHERE relname IN ('votes', 'resolutions')"
                    )
                )
            else:
                rows = conn.execute(
                    text("SELECT name, 1 FROM sqlite_master WHERE name LIKE 'sqlite_stat%'")
                )
            return {str(name): int(count) for name, count in rows}
    finally:
        engine.dispose()


def test_an_import_that_writes_gives_the_planner_fresh_statistics(loaded: str) -> None:
    postgres = loaded.startswith("postgresql")
    before = analyses(loaded)
    assert run_stdin(loaded, csv_2026().encode(), "--dry-run").returncode == 0
    assert analyses(loaded) == before  # a dry run writes nothing, statistics included
    assert run_stdin(loaded, csv_2026().encode()).returncode == 0
    after = analyses(loaded)
    if postgres:
        assert after == {t: before.get(t, 0) + 1 for t in ("votes", "resolutions")}
    else:
        assert after == before == {}  # SQLite plans by its indexes: nothing to refresh
    assert run_stdin(loaded, csv_2026().encode()).returncode == 0  # already up to date
    assert analyses(loaded) == after


def test_gzip_on_stdin_and_from_a_file_with_all(loaded: str, tmp_path: Path) -> None:
    data = gzip.compress(csv_2026().encode())
    result = run_stdin(loaded, data, "--treaty", "apmbc")
    assert result.returncode == 0, result.stderr
    assert "resolutions   1 kept of 3: 1 inserted" in result.stdout.decode()
    path = tmp_path / "votes.csv.gz"
    path.write_bytes(data)
    result2 = run(loaded, "import", "undl", "--all", str(path))
    assert result2.returncode == 0, result2.stderr
    assert "file          votes.csv.gz (2026 layout)" in result2.stdout
    assert "votes         4 inserted 0 updated 4 unchanged" in result2.stdout
    assert imported(loaded) == 8


def test_dry_run_writes_nothing(loaded: str, tmp_path: Path) -> None:
    path = write(tmp_path / "votes.csv", csv_2026())
    result = run(loaded, "import", "undl", "--dry-run", str(path))
    assert result.returncode == 0, result.stderr
    assert "votes         6 inserted 0 updated 0 unchanged" in result.stdout
    assert result.stdout.splitlines()[-1] == "dry run: nothing was written"
    assert imported(loaded) == 0


def test_a_bad_file_exits_1_naming_line_and_column(loaded: str, tmp_path: Path) -> None:
    bad = csv_2026().replace(",KGZ,KYRGYZSTAN,Y,2022-12-07", ",KGZ,KYRGYZSTAN,Y,07/12/2022", 1)
    path = write(tmp_path / "bad.csv", bad)
    result = run(loaded, "import", "undl", str(path))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"import failed, nothing was written: {path}: line 3, column 'date': "
        "'07/12/2022' is not a date (expected YYYY-MM-DD)\n"
    )
    assert imported(loaded) == 0


def test_an_unknown_treaty_is_refused(loaded: str) -> None:
    result = run_stdin(loaded, csv_2026().encode(), "--treaty", "mbt,geneva")
    assert result.returncode == 1
    assert result.stderr.decode() == (
        "import failed, nothing was written: -: --treaty: 'geneva' is not one of mbt, ccm, ccw\n"
    )


def test_an_empty_database_is_told_to_load_first(scratch_url: str) -> None:
    assert run(scratch_url, "migrate").returncode == 0
    result = run_stdin(scratch_url, csv_2026().encode())
    assert result.returncode == 1
    assert result.stderr.decode() == (
        "import failed, nothing was written: -: the database has no countries or lacks "
        "treaties ccm, ccw, mbt: run `python -m app load` first\n"
    )
