"""A PostgreSQL primary and its streaming replica of a test's own, on spare ports.

Made with PostgreSQL's own tools (initdb, pg_ctl, pg_basebackup -R) in a temporary folder
owned by the postgres user (the tools refuse to run as root). A tool that is missing fails
the test with what to install: nothing here skips.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
DATABASE = "treaty"
#: Settings of both servers: small, fast, replication on; data safety is not needed here.
CONF = """
listen_addresses = '127.0.0.1'
wal_level = replica
max_wal_senders = 5
hot_standby = on
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 32MB
"""
HBA = "host replication all 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 trust\n"


def _tool(name: str) -> str:
    """The path of a server tool; a clear failure when it is not installed."""
    path = BIN / name
    if not path.is_file():
        pytest.fail(
            f"{path} is missing: the replica tests need PostgreSQL 15's server binaries "
            "(apt-get install postgresql-15), or PG_BIN naming their folder"
        )
    return str(path)


def _as_postgres(args: list[str]) -> list[str]:
    """`args` run as the postgres user when this runs as root (initdb and pg_ctl refuse root)."""
    if os.geteuid() != 0:
        return args
    runuser = shutil.which("runuser")
    if runuser is None:
        pytest.fail("runuser (util-linux) is missing: it runs PostgreSQL's tools as postgres")
    return [runuser, "-u", "postgres", "--", *args]


def _run(args: list[str]) -> None:
    """Run a tool as postgres; a failure shows its output."""
    done = subprocess.run(_as_postgres(args), capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        pytest.fail(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")


def spare_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """One PostgreSQL server: its data folder, port and log."""

    data: Path
    port: int

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of the test database on this server."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = f"-p {self.port} -k {self.data.parent}"
        log = str(self.data.parent / f"{self.data.name}.log")
        _run([_tool("pg_ctl"), "-D", str(self.data), "-l", log, "-o", options, "-w", "start"])

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (and wait until it has)."""
        _run([_tool("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"])

    def running(self) -> bool:
        """Whether the server's postmaster runs."""
        return (self.data / "postmaster.pid").exists()

    def query(self, sql: str, database: str = DATABASE) -> Any:
        """The first value of `sql`, run on its own autocommit connection."""
        conninfo = f"host=127.0.0.1 port={self.port} user=postgres dbname={database}"
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(sql)
            row = cursor.fetchone() if cursor.description else None
            return row[0] if row else None


@dataclass
class Cluster:
    """A primary and a replica streaming from it."""

    primary: Server
    replica: Server

    def caught_up(self, timeout: float = 30.0) -> None:
        """Wait until the replica has replayed everything the primary wrote."""
        target = self.primary.query("SELECT pg_current_wal_lsn()::text")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = self.replica.query(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")
            if done:
                return
            time.sleep(0.05)
        pytest.fail(f"the replica did not replay up to {target} in {timeout:g} s")


@contextmanager
def cluster(prepare: Any) -> Iterator[Cluster]:
    """A primary, `prepare(url)`d (migrated and loaded), then a replica copied from it by
    pg_basebackup -R; both stopped and removed afterwards."""
    try:
        postgres = pwd.getpwnam("postgres")
    except KeyError:
        pytest.fail("no postgres user: PostgreSQL's server package makes it")
    root = Path(tempfile.mkdtemp(prefix="treaty-replica-"))
    os.chown(root, postgres.pw_uid, postgres.pw_gid)
    primary = Server(root / "primary", spare_port())
    replica = Server(root / "replica", spare_port())
    try:
        _run([_tool("initdb"), "-D", str(primary.data), "-U", "postgres", "--auth=trust", "-N"])
        with (primary.data / "postgresql.conf").open("a") as conf:
            conf.write(CONF)
        (primary.data / "pg_hba.conf").write_text(HBA)
        primary.start()
        primary.query(f"CREATE DATABASE {DATABASE}", database="postgres")
        prepare(primary.url)
        _run(
            [
                _tool("pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(primary.port),
                "-U",
                "postgres",
                "-D",
                str(replica.data),
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
            ]
        )
        replica.start()
        made = Cluster(primary, replica)
        made.caught_up()
        yield made
    finally:
        for server in (replica, primary):
            if server.running():
                subprocess.run(
                    _as_postgres(
                        [
                            str(BIN / "pg_ctl"),
                            "-D",
                            str(server.data),
                            "-m",
                            "immediate",
                            "-w",
                            "stop",
                        ]
                    ),
                    capture_output=True,
                    timeout=60,
                )
        shutil.rmtree(root, ignore_errors=True)
