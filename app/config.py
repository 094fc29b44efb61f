"""Settings read from the environment (and an optional `.env` file)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: The CSV of the UN Digital Library record 4060887 (the July 2025 release).
UNDL_VOTING_URL = "https://digitallibrary.un.org/record/4060887/files/2025_7_21_ga_voting.csv"


class Settings(BaseSettings):
    """Runtime configuration; every field can be set as an environment variable."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'treaty.db'}",
        description="SQLAlchemy URL; PostgreSQL as postgresql+psycopg://user@host:5432/db.",
    )
    database_read_url: str | None = Field(
        default=None,
        description="A streaming replica of DATABASE_URL (PostgreSQL) for the reads; a request "
        "reads there only when the replica has applied the primary's data version (README, "
        "Read replica). Default: none, everything on DATABASE_URL.",
    )
    data_dir: Path = Field(
        default=PROJECT_ROOT / "data", description="Folder of curated records loaded by `load`."
    )
    public_url: str = Field(
        default="/",
        description="The API's base URL as clients reach it (e.g. https://treaties.example.org), "
        "the `servers` entry of its OpenAPI document; default `/`, the server the document is "
        "read from.",
    )
    host: str = Field(default="127.0.0.1", description="Interface `serve` binds to.")
    port: int = Field(default=8000, description="Port `serve` listens on.")
    echo_sql: bool = Field(default=False, description="Log every SQL statement.")
    cors_origins: list[str] = Field(
        default=["*"], description="Origins allowed to call the API from a browser (JSON list)."
    )
    trusted_hosts: list[str] = Field(
        default=["*"],
        description='Host names served (JSON list; "*.example.org" for subdomains, "*" for any); '
        "other Host headers get a 400.",
    )
    cache_control: str = Field(
        default="public, max-age=60", description="Cache-Control header of successful GETs."
    )
    data_version_ttl: float = Field(
        default=0.0,
        ge=0,
        description="Seconds a process may reuse the data version behind ETags (0: read it on "
        "every request, so writes show at once everywhere).",
    )
    max_body_bytes: int = Field(
        default=2 * 1024 * 1024, ge=1024, description="Largest request body accepted (413 above)."
    )
    rate_limit_search: int = Field(
        default=120, ge=0, description="Search requests a minute per client (0: no limit)."
    )
    rate_limit_writes: int = Field(
        default=60, ge=0, description="Write requests a minute per client (0: no limit)."
    )
    db_connect_timeout: int = Field(
        default=5, ge=1, description="Seconds to wait for a PostgreSQL connection before a 503."
    )
    db_pool_size: int = Field(
        default=10,
        ge=1,
        description="PostgreSQL connections kept open per process (and up to as many again for "
        "the hot reads awaited on the event loop).",
    )
    db_max_overflow: int = Field(
        default=20, ge=0, description="Extra PostgreSQL connections a process may open at peaks."
    )
    sqlite_cache_mb: int = Field(
        default=16,
        ge=1,
        description="SQLite's page cache per connection, in MiB (SQLite's own default is 2): "
        "the pages of the hot reads stay in memory between requests.",
    )
    log_level: str = Field(default="INFO", description="Level of the JSON request log.")
    event_loop: Literal["auto", "asyncio", "uvloop"] = Field(
        default="auto",
        description="Event loop of `serve`. `auto`: asyncio's own on SQLite (busy connections "
        "are served in turn), uvloop on PostgreSQL. `uvloop` on SQLite answers cached requests "
        "about 10 % faster, with a much longer tail (p99) on uncached ones under load.",
    )
    response_cache_entries: int = Field(
        default=1024, ge=0, description="Responses kept in memory per process (0 disables)."
    )
    test_clock_file: Path | None = Field(
        default=None,
        description="Tests only, never in production: a file holding an ISO 8601 UTC instant "
        "(e.g. `2026-02-19T23:59:55Z`) the API takes as now, re-read on every request.",
    )

    undl_voting_url: str = Field(
        default=UNDL_VOTING_URL,
        description='The UN Digital Library "General Assembly Voting Data" CSV (.csv or '
        ".csv.gz) that `sync undl` downloads; its name changes with each release.",
    )


def settings_table() -> str:
    """The configuration table of the README, generated from the Settings class."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = field.default
        if isinstance(default, Path):
            default = f"<project>/{default.relative_to(PROJECT_ROOT)}"
        elif name == "database_url":
            default = "sqlite:///<project>/var/treaty.db"
        if isinstance(default, bool):
            shown = str(default).lower()
        elif isinstance(default, list):
            shown = json.dumps(default)
        else:
            shown = str(default)
        rows.append(f"| `{name.upper()}` | `{shown}` | {field.description} |")
    return "\n".join(rows)
