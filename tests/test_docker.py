"""The Dockerfile's build and start steps, run without a Docker engine.

Everything is read from the Dockerfile itself, so the test cannot drift from it: the files
each stage copies (COPY lines), the install (the build stage's RUN, into a fresh virtual
environment) and the start (the CMD: migrate, load, serve); then /healthz and /readyz answer.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import tomllib
from pathlib import Path

import httpx

from app.config import PROJECT_ROOT
from tests.test_cli import free_port

DOCKERFILE = PROJECT_ROOT / "Dockerfile"
MAKEFILE = PROJECT_ROOT / "Makefile"
PY311 = "python_full_version < '3.12'"


def stages() -> list[list[tuple[list[str], str]]]:
    """Per stage, the (sources, destination) of each COPY from the build context."""
    found: list[list[tuple[list[str], str]]] = []
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("FROM "):
            found.append([])
        elif line.startswith("COPY ") and "--from=" not in line:
            *sources, dest = line.split()[1:]
            found[-1].append((sources, dest))
    return found


def copy_stage(copies: list[tuple[list[str], str]], root: Path) -> None:
    for sources, dest in copies:
        target = root / dest
        for src in sources:
            origin = PROJECT_ROOT / src
            into = target / origin.name if dest.endswith("/") else target
            into.parent.mkdir(parents=True, exist_ok=True)
            if origin.is_dir():
                shutil.copytree(origin, into, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(origin, into)


def install_command() -> str:
    """The build stage's RUN instruction, its continued lines joined."""
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", "")
    (run,) = re.findall(r"^RUN (python -m venv .*)$", text, re.M)
    return " ".join(str(run).split())


def locked_version(name: str) -> str:
    """The version uv.lock pins `name` to for the build stage's Python (3.11)."""
    lock = tomllib.loads((PROJECT_ROOT / "uv.lock").read_text(encoding="utf-8"))
    (version,) = [
        p["version"]
        for p in lock["package"]
        if p["name"] == name and PY311 in p.get("resolution-markers", [PY311])
    ]
    return str(version)


def installed_version(venv: Path, name: str) -> str:
    """The version of `name` installed in the virtual environment `venv`."""
    code = f"import importlib.metadata as m; print(m.version({name!r}))"
    out = subprocess.run(
        [venv / "bin" / "python", "-c", code], capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def start_command() -> list[str]:
    """The CMD, as the JSON array the Dockerfile gives."""
    (cmd,) = re.findall(r"^CMD (\[.*\])$", DOCKERFILE.read_text(encoding="utf-8"), re.M)
    parsed: list[str] = json.loads(cmd)
    return parsed


def test_dockerfile_shape() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    uv_version = re.findall(r"^UV_VERSION := (\S+)$", MAKEFILE.read_text(encoding="utf-8"), re.M)
    assert install_command() == (
        f"python -m venv /opt/venv && /opt/venv/bin/pip install --no-compile uv=={uv_version[0]} "
        "&& UV_PROJECT_ENVIRONMENT=/opt/venv /opt/venv/bin/uv sync --locked --no-install-project "
        "&& /opt/venv/bin/pip uninstall --yes uv"
    )
    assert start_command()[:2] == ["sh", "-c"]
    assert start_command()[2].startswith("python -m app migrate && python -m app load && exec ")
    assert re.findall(r"^FROM (\S+)", text, re.M) == ["python:3.11.7-slim-bookworm"] * 2
    assert "USER 10001:10001" in text
    assert "HEALTHCHECK" in text
    assert stages()[0] == [(["pyproject.toml", "uv.lock"], "./")]
    assert [len(s) for s in stages()] == [1, 4]


def test_build_and_start_steps_in_a_fresh_virtual_environment(tmp_path: Path) -> None:
    build, srv = tmp_path / "src", tmp_path / "srv"
    build_copies, run_copies = stages()
    copy_stage(build_copies, build)
    venv = tmp_path / "venv"
    command = install_command().replace("/opt/venv", str(venv)).replace("/src", str(build))
    installed = subprocess.run(
        ["sh", "-c", command],
        cwd=build,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr
    assert not (venv / "bin" / "uv").exists()
    assert locked_version("fastapi") == installed_version(venv, "fastapi")
    assert locked_version("numpy") == installed_version(venv, "numpy")
    copy_stage(run_copies, srv)
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")},
        "PATH": f"{venv / 'bin'}:{os.environ['PATH']}",
        "DATABASE_URL": f"sqlite:///{srv / 'var' / 'treaty.db'}",
        "HOST": "127.0.0.1",
        "PORT": str(port),
    }
    proc = subprocess.Popen(
        start_command(),
        cwd=srv,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        health = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                health = httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert health is not None
        assert health.json() == {"status": "ok"}
        ready = httpx.get(f"{base}/readyz", timeout=5)
        assert ready.status_code == 200, ready.text
        countries = httpx.get(f"{base}/v1/countries/kgz", timeout=5)
        assert countries.json()["iso3"] == "KGZ"
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert out.startswith(f"database migrated: {env['DATABASE_URL']}\n"), out
    assert "\nloaded\n" in out
