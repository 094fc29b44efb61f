"""Command line: `python -m app migrate | load [PATH] | import | sync | serve`."""

from __future__ import annotations

import argparse
import importlib
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.config import Settings

#: `python -m app import NAME`: each module offers add_arguments(parser) and run(settings, args).
IMPORTERS: dict[str, str] = {"undl": "app.importers.undl", "untc": "app.importers.untc"}
#: `python -m app sync NAME`: download a live source and import it (same module interface).
SYNCERS: dict[str, str] = {"undl": "app.importers.undl_sync", "untc": "app.importers.untc_sync"}
#: `python -m app export NAME`: write project files from downloaded ones (same interface).
EXPORTERS: dict[str, str] = {
    "public-record": "app.public.export",
    "m49": "app.importers.m49",
    "package": "app.bulk.export",
}
#: Command groups, each a registry of modules.
GROUPS: dict[str, tuple[str, dict[str, str]]] = {
    "import": ("import a public data file", IMPORTERS),
    "sync": ("download a live public source and import it", SYNCERS),
    "export": (
        "write the project's own files from downloaded ones, or the data package",
        EXPORTERS,
    ),
}
#: Top-level commands implemented in their own module (same interface).
COMMANDS: dict[str, str] = {
    "keys": "app.keycli",
    "profiles": "app.profiles.cli",
    "revert": "app.revert",
    "backup": "app.ops.backup",
    "restore": "app.ops.restore",
}


def migrate(settings: Settings) -> int:
    """Upgrade the database schema to the newest migration."""
    from alembic import command

    from app.db import alembic_config, make_engine

    engine = make_engine(settings)
    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection  # type: ignore[attr-defined]
        command.upgrade(cfg, "head")  # type: ignore[arg-type]
    engine.dispose()
    print(f"database migrated: {engine.url.render_as_string(hide_password=True)}")
    return 0


def load(settings: Settings, path: Path) -> int:
    """Validate and load data/ (curated records and the public record); all or nothing."""
    from app.db import make_engine, make_sessionmaker
    from app.importers.yamlfile import DataFileError
    from app.public.load import load as load_data

    engine = make_engine(settings)
    try:
        with make_sessionmaker(engine)() as session, session.begin():
            report = load_data(session, path)
    except DataFileError as exc:
        print(
            f"load failed, nothing was written ({len(exc.problems)} problem(s)):", file=sys.stderr
        )
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    for table, c in report.tables.items():
        print(
            f"{table:<18} {c.inserted:>5} inserted {c.updated:>5} updated "
            f"{c.unchanged:>5} unchanged {c.deleted:>5} deleted"
        )
    if report.lines:
        print("\n".join(report.lines))
    print("loaded" if report.changed else "already up to date")
    return 0


def _stopped(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


def serve(settings: Settings, host: str, port: int, workers: int = 1) -> int:
    """Serve the API with uvicorn (several worker processes when `workers` > 1)."""
    import uvicorn

    from app.observability import configure_logging, multiprocess_directory

    configure_logging(settings.log_level)
    options = {"host": host, "port": port, "access_log": False, "timeout_graceful_shutdown": 30}
    options["loop"] = event_loop(settings)
    # uvicorn finishes the requests in flight on SIGTERM, then raises the signal again with
    # the handler found at start: exiting 0 there tells a supervisor the stop was clean.
    signal.signal(signal.SIGTERM, _stopped)
    # Workers inherit the environment, so the metrics directory is set before they start.
    with multiprocess_directory(workers):
        if workers > 1:
            uvicorn.run("app.main:create_app", factory=True, workers=workers, **options)  # type: ignore[arg-type]
            return 0
        from app.main import create_app

        uvicorn.run(create_app(settings), **options)  # type: ignore[arg-type]
    return 0


def event_loop(settings: Settings) -> str:
    """uvicorn's event loop (`EVENT_LOOP`); `auto` is asyncio's own on SQLite, else uvloop
    (uvicorn's `auto`: where installed, as uvicorn's standard extras do).

    On SQLite a request runs from start to end without waiting, and under load uvloop left
    a few connections waiting many turns: with one worker, 32 connections and 1.3 ms a
    request, p50 44 ms on both loops, p99 46 ms on asyncio's and 345 ms on uvloop. On
    PostgreSQL a request waits on its reads, and uvloop answered 10 to 20 % more requests
    than asyncio's loop, with a p99 as low (bench/cold.py questions, paired runs).
    """
    from sqlalchemy import make_url

    if settings.event_loop != "auto":
        return settings.event_loop
    return "asyncio" if make_url(settings.database_url).get_backend_name() == "sqlite" else "auto"


def _add_modules(subparsers: Any, registry: dict[str, str], wanted: str | None) -> None:
    """A subcommand per module; only the `wanted` one is imported (None: all, for help)."""
    for name, module in registry.items():
        if wanted is not None and name != wanted:
            subparsers.add_parser(name)
            continue
        obj = importlib.import_module(module)
        sub = subparsers.add_parser(name, help=(obj.__doc__ or name).splitlines()[0])
        obj.add_arguments(sub)


def _word(argv: list[str], i: int) -> str | None:
    """The i-th word of the command line, unless it is missing or an option."""
    return argv[i] if len(argv) > i and not argv[i].startswith("-") else None


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m app`."""
    settings = Settings()
    argv = sys.argv[1:] if argv is None else argv
    command = _word(argv, 0)
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="upgrade the database schema to head")
    load_cmd = commands.add_parser("load", help="load curated records (default: data/)")
    load_cmd.add_argument("path", nargs="?", type=Path, default=settings.data_dir)
    for group, (text, registry) in GROUPS.items():
        sub = commands.add_parser(group, help=text).add_subparsers(dest="module", required=True)
        _add_modules(sub, registry, _word(argv, 1) if command in (group, None) else "")
    _add_modules(commands, COMMANDS, command)
    serve_cmd = commands.add_parser("serve", help="serve the API")
    serve_cmd.add_argument("--host", default=settings.host)
    serve_cmd.add_argument("--port", type=int, default=settings.port)
    serve_cmd.add_argument(
        "--workers", type=int, default=1, help="worker processes (e.g. one per core)"
    )
    args = parser.parse_args(argv)
    if args.command == "migrate":
        return migrate(settings)
    if args.command == "load":
        return load(settings, args.path)
    if args.command == "serve":
        return serve(settings, args.host, args.port, args.workers)
    module = (
        GROUPS[args.command][1][args.module] if args.command in GROUPS else COMMANDS[args.command]
    )
    run: Callable[[Settings, argparse.Namespace], int] = importlib.import_module(module).run
    return run(settings, args)
