"""The command line through its real entry point: `python -m app ...`."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select

from app import models
from app.cli import event_loop
from app.config import PROJECT_ROOT, Settings
from tests.conftest import DATA_DIR


def run(url: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m app ARGS` on the database at `url`, with more environment variables `env`."""
    env = {**os.environ, "DATABASE_URL": url, **env}
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def count(url: str, model: type[models.Base]) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(model)) or 0)
    finally:
        engine.dispose()


def test_migrate_load_and_load_again(scratch_url: str) -> None:
    migrated = run(scratch_url, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert migrated.stdout.startswith("database migrated: ")
    first = run(scratch_url, "load")
    assert first.returncode == 0, first.stderr
    assert re.search(
        r"^stockpiles +4 inserted +0 updated +0 unchanged +0 deleted$", first.stdout, re.M
    )
    assert first.stdout.rstrip().endswith("loaded")
    second = run(scratch_url, "load", str(DATA_DIR))
    assert second.returncode == 0, second.stderr
    assert re.search(
        r"^stockpiles +0 inserted +0 updated +4 unchanged +0 deleted$", second.stdout, re.M
    )
    assert second.stdout.rstrip().endswith("already up to date")
    assert count(scratch_url, models.Stockpile) == 4


def test_load_of_a_bad_file_exits_1_naming_the_place_and_writes_nothing(
    scratch_url: str, tmp_path: Path
) -> None:
    assert run(scratch_url, "migrate").returncode == 0
    data = Path(shutil.copytree(DATA_DIR, tmp_path / "data"))
    kgz = data / "countries" / "kgz.yaml"
    kgz.write_text(kgz.read_text(encoding="utf-8").replace("citations: [11]", "citations: [99]"))
    result = run(scratch_url, "load", str(data))
    assert result.returncode == 1
    assert result.stdout == ""
    assert "load failed, nothing was written (1 problem(s)):" in result.stderr
    assert "countries/kgz.yaml:" in result.stderr
    assert (
        "record practices[4] (kgz-apm-mined-areas-2011): field 'practices.citations': "
        "source 'monitor-kgz-mine-ban-policy-2019' has no footnote 99"
    ) in result.stderr
    assert count(scratch_url, models.Country) == 0
    assert count(scratch_url, models.Source) == 0


def test_unknown_command_is_a_usage_error(scratch_url: str) -> None:
    result = run(scratch_url, "frobnicate")
    assert result.returncode == 2
    assert "invalid choice: 'frobnicate'" in result.stderr


#: The modules of `migrate`, `load`, `import` and `sync`.
COMMAND_MODULES = (
    "app.cli", "app.public.load", "app.importers.curated", "app.importers.undl",
    "app.importers.undl_sync", "app.importers.untc", "app.importers.untc_sync",
)  # fmt: skip


def test_the_data_commands_start_without_the_web_stack() -> None:
    """FastAPI, Starlette and uvicorn cost a command a third of a second to import; only
    `serve` needs them."""
    code = (
        f"import importlib, sys; [importlib.import_module(m) for m in {COMMAND_MODULES!r}]; "
        "web = {'fastapi', 'starlette', 'uvicorn'}; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & web))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout == "[]\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(base: str, seconds: float = 30) -> None:
    """Wait until a server just started answers /healthz (or the time is up)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)


@contextmanager
def serving(url: str) -> Iterator[str]:
    """The real server (`python -m app serve`) on `url`, migrated and loaded with data/."""
    assert run(url, "migrate").returncode == 0
    assert run(url, "load").returncode == 0
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def served(scratch_url: str) -> Iterator[str]:
    with serving(scratch_url) as base:
        yield base


def test_serve_picks_the_event_loop_of_its_database(served: str, scratch_url: str) -> None:
    """On SQLite asyncio's own loop (uvloop left a few connections waiting many turns under
    load), on PostgreSQL uvloop (installed with uvicorn's standard extras)."""
    assert importlib.util.find_spec("uvloop") is not None
    port = served.rsplit(":", 1)[1].encode()
    pids = [
        int(cmdline.parent.name)
        for cmdline in Path("/proc").glob("[0-9]*/cmdline")
        if [b"serve", b"--port", port] == _read_args(cmdline)[-3:]
    ]
    assert len(pids) == 1, pids
    maps = Path(f"/proc/{pids[0]}/maps").read_text()
    assert "httptools" in maps  # the standard extras' parser is loaded
    assert ("uvloop" in maps) is scratch_url.startswith("postgresql")


@pytest.mark.parametrize(
    ("url", "setting", "loop"),
    [
        ("sqlite:///x.db", "auto", "asyncio"),
        ("postgresql+psycopg://u@h/db", "auto", "auto"),
        ("sqlite:///x.db", "uvloop", "uvloop"),
        ("postgresql+psycopg://u@h/db", "asyncio", "asyncio"),
    ],
)
def test_event_loop_setting(url: str, setting: str, loop: str) -> None:
    settings = Settings(database_url=url, event_loop=setting)
    assert event_loop(settings) == loop


def _read_args(cmdline: Path) -> list[bytes]:
    try:
        return cmdline.read_bytes().rstrip(b"\0").split(b"\0")
    except OSError:  # the process ended meanwhile
        return []


def test_serve_answers_over_real_http(served: str) -> None:
    assert httpx.get(f"{served}/healthz").json() == {"status": "ok"}
    profile = httpx.get(f"{served}/v1/countries/kyrgyz%20republic/profile").json()
    assert profile["country"]["iso3"] == "KGZ"
    assert httpx.get(f"{served}/docs").status_code == 200
    assert httpx.get(f"{served}/openapi.json").json()["info"]["title"] == "Treaty Status API"
