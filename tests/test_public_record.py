"""The public record in data/public/: exported from the downloaded files, loaded by `load`,
answering truly on a bare clone, and written once: restarts and re-imports write nothing."""

from __future__ import annotations

import csv
import gzip
import os
import shutil
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from app import dataversion, models
from app.config import PROJECT_ROOT
from app.importers.untc_page import read_page
from app.public import files
from tests.conftest import DATA_DIR, brief, shared_path
from tests.realdata import UNTC_PAGE_SOURCES
from tests.test_cli import count, free_port, run, wait_healthy

PUBLIC = DATA_DIR / "public"


def untc_pages() -> list[Path]:
    return sorted(shared_path("refdata", "raw", "untc_status_2026-02-03").glob("*.html.gz"))


def test_the_record_is_what_the_export_writes_from_the_downloaded_files(tmp_path: Path) -> None:
    votes = shared_path("refdata", "undl", "ga_voting_mine_cluster.csv")
    out = tmp_path / "public"
    result = run("sqlite://", "export", "public-record", *map(str, untc_pages()), str(votes),
                 "--out", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "7 UNTC pages, 1121 treaty actions, 36 end notes; 42 resolutions, 8043 votes"
    )
    for name in [*files.FILES, files.MANIFEST]:
        assert (out / name).read_bytes() == (PUBLIC / name).read_bytes(), name
    again = run("sqlite://", "export", "public-record", *map(str, untc_pages()), str(votes),
                "--out", str(out))  # fmt: skip
    assert again.stdout.splitlines()[-1] == "public record already up to date"


def test_the_export_refuses_a_bad_file_naming_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "votes.csv"
    with (shared_path("refdata", "undl", "ga_voting_mine_cluster.csv")).open() as fh:
        lines = fh.readlines()[:4]
    lines[3] = lines[3].replace(",Y,", ",Q,", 1)
    bad.write_text("".join(lines))
    out = tmp_path / "public"
    result = run("sqlite://", "export", "public-record", str(bad), "--out", str(out))
    assert result.returncode == 1
    assert result.stderr == (
        f"export failed, nothing was written: {bad}: line 4, column 'ms_vote': unknown vote "
        "code 'Q' (expected Y, N, A, X)\n"
    )
    assert not out.exists()


def test_the_record_is_facts_not_copies() -> None:
    """No HTML and no UN prose: the end notes are referred to by number (and date) only."""
    for path in PUBLIC.iterdir():
        text = path.read_text(encoding="utf-8")
        assert "<" not in text, path.name
        assert "notification of withdrawal" not in text, path.name
    with (PUBLIC / "untc_actions.csv").open() as fh:
        backed = [row for row in csv.DictReader(fh) if row["end_notes"]]
    # the withdrawals of EST, LVA, LTU, FIN, POL (mbt) and LTU (ccm), two actions each
    withdrawals = [r for r in backed if r["action"].startswith("withdrawal_")]
    assert len(withdrawals) == 12
    ltu = [(r["action"], r["end_notes"]) for r in backed if r["country"] == "LTU"]
    assert ltu == [
        ("withdrawal_notified", "4"),
        ("withdrawal_effective", "4"),
        ("provisional_application", "3"),  # CCM: its note gives both
        ("withdrawal_notified", "3"),
        ("withdrawal_effective", "3"),
    ]
    assert [r["end_notes"] for r in backed if r["country"] == "UKR"] == ["10 11"]
    assert sum(len(r["end_notes"].split()) for r in backed) == 49
    with (PUBLIC / "untc_end_notes.csv").open() as fh:
        notes = list(csv.DictReader(fh))
    assert list(notes[0]) == ["untc_number", "number", "date"]
    assert len(notes) == 36
    assert [n for n in notes if n["untc_number"] == "XXVI-5" and n["number"] in ("4", "8")] == [
        {"untc_number": "XXVI-5", "number": "4", "date": "2025-06-27"},
        {"untc_number": "XXVI-5", "number": "8", "date": "2025-08-20"},
    ]


def test_no_end_note_text_is_in_the_record() -> None:
    """Not a sentence of any end note of the downloaded pages is in data/public."""
    record = "".join(path.read_text(encoding="utf-8") for path in PUBLIC.iterdir())
    texts = [n.text for page in map(read_page, untc_pages()) for n in page.end_notes.values()]
    assert len(texts) == 36
    for text in texts:
        assert text is not None
        for sentence in text.split(". "):
            assert sentence[:40] not in record or len(sentence) < 20, sentence


# --- the bare clone: data/ alone, through the real CLI and HTTP ------------------------------


def cli(root: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=root,
        env={**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_a_bare_clone_answers_truly(scratch_url: str, tmp_path: Path) -> None:
    root = tmp_path / "project"
    for part in ("app", "migrations", "data"):
        shutil.copytree(PROJECT_ROOT / part, root / part)
    shutil.copy(PROJECT_ROOT / "alembic.ini", root)
    assert not (root.parent / "shared").exists()
    assert cli(root, scratch_url, "migrate").returncode == 0
    loaded = cli(root, scratch_url, "load")
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.splitlines()[-2:] == [
        "UNGA votes: resolutions 42 inserted 0 updated 0 unchanged; votes 8043 inserted "
        "0 updated 0 unchanged",
        "loaded",
    ]
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--port", str(port)],
        cwd=root,
        env={**os.environ, "DATABASE_URL": scratch_url, "PYTHONPATH": str(root)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/v1"
    try:
        wait_healthy(base.removesuffix("/v1"))
        _ask_the_questions(base)
        etags = {u: httpx.get(f"{base}{u}").headers["etag"] for u in WATCHED}
        feed = httpx.get(f"{base}/changes?since=0&limit=1000").json()
        again = cli(root, scratch_url, "load")
        assert again.returncode == 0, again.stderr
        assert again.stdout.splitlines()[-1] == "already up to date"
        assert {u: httpx.get(f"{base}{u}").headers["etag"] for u in WATCHED} == etags
        assert httpx.get(f"{base}/changes?since=0&limit=1000").json() == feed
    finally:
        server.terminate()
        server.wait(timeout=10)


WATCHED = (
    "/countries/FRA/treaties/mbt?as_of=2026-02-03",
    "/resolutions/73/61",
    "/treaties/ccm/members?as_of=2026-02-03&limit=1000",
)


def _members(base: str, treaty: str) -> Counter[str]:
    body = httpx.get(f"{base}/treaties/{treaty}/members?as_of=2026-02-03&limit=1000").json()
    return Counter(row["status"] for row in body["data"])


def _ask_the_questions(base: str) -> None:
    mbt = _members(base, "mbt")
    assert mbt["state_party"] + mbt["withdrawal_pending"] == 162
    assert (mbt["withdrawal_pending"], mbt["withdrawn"]) == (1, 4)
    assert _members(base, "ccw")["state_party"] == 128
    assert _members(base, "ccm")["state_party"] == 111

    def status(country: str) -> str:
        body = httpx.get(f"{base}/countries/{country}/treaties/mbt?as_of=2026-02-03").json()
        return str(body["status"]["status"])

    assert [status(c) for c in ("FRA", "DEU", "POL", "FIN")] == [
        "state_party",
        "state_party",
        "withdrawal_pending",
        "withdrawn",
    ]
    fra = httpx.get(f"{base}/countries/FRA/treaties/mbt?as_of=2026-02-03").json()
    assert fra["status"]["joined_on"] == "1998-07-23"
    usa = httpx.get(f"{base}/countries/USA/votes?treaty=mbt&limit=1000").json()["data"]
    assert len(usa) == 31
    assert {v["source"] for v in usa} == {"undl-ga-voting"}
    chn = httpx.get(f"{base}/countries/CHN/votes?treaty=ccm&limit=1000").json()["data"]
    assert [(v["resolution"]["symbol"], v["vote"]) for v in chn] == [
        *(
            (f"A/RES/{s}", "abstain")
            for s in ("70/54", "71/45", "72/54", "73/54", "74/62", "75/62")
        ),
        *((f"A/RES/{s}", "yes") for s in ("76/47", "77/79", "78/32", "79/58", "80/52")),
    ]
    res = httpx.get(f"{base}/resolutions/73/61").json()
    assert res["source"] == "undl-ga-voting"
    assert len(res["votes"]) == 193
    assert res["tally"] == {"yes": 169, "no": 0, "abstain": 16, "non_voting": 8, "members": 193}
    kgz = next(v for v in res["votes"] if v["country"] == "KGZ")
    assert (kgz["vote"], kgz["source"]) == ("yes", "undl-ga-voting")
    mine = "monitor-kgz-mine-ban-policy-2019"
    assert brief(kgz["also_recorded"]) == [(mine, "yes", [f"{mine}:3"])]
    assert kgz["conflicts"] == []
    sources = httpx.get(f"{base}/sources?limit=100").json()["data"]
    assert sorted(s["id"] for s in sources if s["kind"] == "untc_status_page") == (
        UNTC_PAGE_SOURCES
    )


# --- written once: loads and imports of the same content write nothing ------------------------


def _changes(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            changes = session.scalar(select(func.count()).select_from(models.Change)) or 0
            return dataversion.current(session), changes
    finally:
        engine.dispose()


def test_importing_what_the_record_holds_writes_nothing(scratch_url: str, tmp_path: Path) -> None:
    """But the end notes' text, which only the pages hold: their first import adds it (one
    change), and neither a second import nor a load takes it away."""
    assert run(scratch_url, "migrate").returncode == 0
    assert run(scratch_url, "load").returncode == 0
    version, changes = _changes(scratch_url)
    pages = run(scratch_url, "import", "untc", *map(str, untc_pages()))
    assert pages.stdout.splitlines()[-1] == "imported", pages.stderr
    assert (
        "actions 0 inserted, 0 updated, 309 unchanged, 0 deleted; end notes 0 inserted, "
        "12 updated, 0 unchanged, 0 deleted" in pages.stdout
    )
    assert _changes(scratch_url) == (version + 1, changes + 1)
    before = _changes(scratch_url)
    pages = run(scratch_url, "import", "untc", *map(str, untc_pages()))
    assert pages.stdout.splitlines()[-1] == "already up to date", pages.stderr
    votes = shared_path("refdata", "undl", "ga_voting_mine_cluster.csv")
    same = run(scratch_url, "import", "undl", str(votes))
    assert same.stdout.splitlines()[-1] == "already up to date", same.stderr
    # the same votes in another file, compressed and under another name
    other = tmp_path / "downloaded-again.csv.gz"
    other.write_bytes(gzip.compress(votes.read_bytes()))
    renamed = run(scratch_url, "import", "undl", str(other))
    assert renamed.stdout.splitlines()[-1] == "already up to date", renamed.stderr
    # ... and in the 2024 layout
    layout = tmp_path / "layout-2024.csv"
    _to_2024_layout(votes, layout)
    old = run(scratch_url, "import", "undl", str(layout))
    assert "(2024 layout)" in old.stdout
    assert old.stdout.splitlines()[-1] == "already up to date", old.stderr
    assert _changes(scratch_url) == before
    assert run(scratch_url, "load").stdout.splitlines()[-1] == "already up to date"
    assert _changes(scratch_url) == before
    assert count(scratch_url, models.Vote) == 8043 + 8
    assert _texts(scratch_url) == 36


def _texts(url: str) -> int:
    """How many end notes of the UNTC pages have their text."""
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            cited = models.Citation
            told = select(func.count()).where(
                cited.source.like("untc-status-%"), cited.text.is_not(None)
            )
            return session.scalar(told) or 0
    finally:
        engine.dispose()


def _to_2024_layout(source: Path, target: Path) -> None:
    """The same votes written the way the 2024 UN file writes them."""
    columns = {
        "ms_code": "ms_codes", "ms_name": "ms_names", "ms_vote": "ms_votes",
        "resolution": "resolutions", "title": "title", "draft": "draft",
        "meeting": "meeting", "date": "date", "total_yes": "yes", "total_no": "no",
        "total_abstentions": "abstentions", "total_non_voting": "non-voting",
        "total_ms": "total-voting",
    }  # fmt: skip
    with source.open(encoding="utf-8") as fh, target.open("w", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(columns.values())
        for row in csv.DictReader(fh):
            if row["ms_vote"] == "X":
                row["ms_vote"] = "NV"
            writer.writerow(row[name] for name in columns)


def test_a_newer_page_is_kept_by_a_later_load(scratch_url: str) -> None:
    assert run(scratch_url, "migrate").returncode == 0
    assert run(scratch_url, "load").returncode == 0
    engine = create_engine(scratch_url)
    try:
        with Session(engine) as session, session.begin():
            source = session.get_one(models.Source, "untc-status-xxvi-5")
            source.status_as_at = date(2027, 2, 3)
    finally:
        engine.dispose()
    again = run(scratch_url, "load")
    kept = [line for line in again.stdout.splitlines() if line.startswith("UNTC page kept")]
    assert kept == ["UNTC page kept, the stored one is newer: XXVI-5 (stored 2027-02-03)"]
    assert again.stdout.splitlines()[-1] == "already up to date"


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            ",yes,",
            ",maybe,",
            "3:3: field 'vote': 'maybe' is not one of yes, no, abstain, non_voting",
        ),
        ("51/45 S,AGO", "51/45 S,ZZZ", "3:2: field 'country': unknown country 'ZZZ'"),
        ("51/45 S,AGO", "51/45 S,AFG", "3:2: field 'country': second vote of AFG on A/RES/51/45 S"),
    ],
)
def test_a_bad_record_file_is_refused_with_its_line_and_column(
    scratch_url: str, tmp_path: Path, old: str, new: str, problem: str
) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    votes = data / "public" / "unga_votes.csv"
    lines = votes.read_text().splitlines(keepends=True)
    lines[2] = lines[2].replace(old, new)
    votes.write_text("".join(lines))
    assert run(scratch_url, "migrate").returncode == 0
    result = run(scratch_url, "load", str(data))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "load failed, nothing was written (1 problem(s)):",
        f"  {votes}:{problem}",
    ]
    assert count(scratch_url, models.Vote) == 0
    assert count(scratch_url, models.Country) == 0


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "  rows: 8043",
            "  rows: many",
            "field 'undl_votes.rows': Input should be a valid integer, unable to parse string as "
            "an integer",
        ),
        ("undl_votes:", "undl_vote:", "field 'undl_vote': Unexpected keyword argument"),
    ],
)
def test_a_bad_manifest_is_refused(
    scratch_url: str, tmp_path: Path, old: str, new: str, problem: str
) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    manifest = data / "public" / "manifest.yaml"
    manifest.write_text(manifest.read_text().replace(old, new))
    assert run(scratch_url, "migrate").returncode == 0
    result = run(scratch_url, "load", str(data))
    assert result.returncode == 1
    assert f"  {manifest}: {problem}" in result.stderr.splitlines()
    assert count(scratch_url, models.Vote) == 0
