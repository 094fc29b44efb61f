"""Many processes, one database: three real servers answer every URL alike, at every version.

Each server is `python -m app serve` in a process of its own on one database (one SQLite file,
or one PostgreSQL database) built by the real commands. A write through one is read through
the others on their very next request; a `load` and an `import` run while client threads read
through all three, and every answer must be a 200 whose body is the one a quiet request gives
for its ETag (no page mixes two data versions). `pytest -s` prints the requests made.

What keeps a page whole, in one process: an answer whose data version moved while it was
read (app/cache.py) is read again, or sent untagged; the last tests make the version move.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app import dataversion
from app.config import PROJECT_ROOT
from tests.conftest import SHARED, scratch_database
from tests.test_cli import free_port, run, wait_healthy
from tests.undl_files import HEADER_2026

SERVERS = 3
READERS = 4
MBP = "monitor-kgz-mine-ban-policy-2019"
#: What each check reads: JSON, CSV, a profile, counts, votes and a resolution's tally.
URLS = (
    "/v1/treaties/mbt/counts",
    "/v1/treaties/mbt/counts?by=region",
    "/v1/treaties/mbt/members?limit=200",
    "/v1/treaties/mbt/members?format=csv",
    "/v1/countries/KGZ/profile",
    "/v1/countries/KGZ/treaties/mbt",
    "/v1/countries/KGZ/votes?treaty=mbt&limit=50",
    "/v1/countries/KGZ/votes?format=csv",
    "/v1/resolutions/A/RES/51/45%20S",
)
ACCESSION = {
    "id": "kgz-mbt-accession-2026",
    "country": "KGZ",
    "treaty": "mbt",
    "action": "accession",
    "date": "2026-03-02",
    "source": MBP,
}
#: Kyrgyzstan's vote on the first mine-ban resolution, as the UN Digital Library files it.
KGZ_1996 = (
    ",KGZ,KYRGYZSTAN,Y,1996-12-10,51,A/RES/51/45 S,,,,An international agreement to ban "
    "anti-personnel landmines,,,,155.0,0.0,10.0,19.0,184.0,"
)


@dataclass(frozen=True)
class Answer:
    """One GET as a client saw it: the server, URL, status, ETag and a digest of the body."""

    server: int
    url: str
    status: int
    etag: str
    digest: str


@dataclass
class Cluster:
    """The servers' base URLs, a write key, and the requests made through them, by server."""

    url: str
    bases: list[str]
    key: str
    made: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, client: httpx.Client, server: int, url: str) -> tuple[Answer, httpx.Response]:
        """GET `url` from one server, counted."""
        response = client.get(self.bases[server] + url)
        with self.lock:
            self.made[f"server {server}"] += 1
        digest = hashlib.blake2b(response.content, digest_size=16).hexdigest()
        etag = response.headers.get("etag", "")
        return Answer(server, url, response.status_code, etag, digest), response

    def write(self, method: str, path: str, body: object, version: int | None = None) -> int:
        """One curator write through server 0; its status."""
        headers = {"Authorization": f"Bearer {self.key}"}
        if version is not None:
            headers["If-Match"] = f'"{version}"'
        url = f"{self.bases[0]}/v1/records/{path}"
        response = httpx.request(method, url, json=body, headers=headers, timeout=30)
        with self.lock:
            self.made["writes"] += 1
        assert response.status_code in (200, 201), response.text
        return response.status_code

    def quiet(self) -> dict[str, Answer]:
        """Every URL read through every server while nothing writes: all three agree."""
        known: dict[str, Answer] = {}
        with httpx.Client(timeout=30) as client:
            for url in URLS:
                answers = [self.get(client, s, url)[0] for s in range(SERVERS)]
                assert {(a.status, a.etag, a.digest) for a in answers} == {
                    (200, answers[0].etag, answers[0].digest)
                }, answers
                known[url] = answers[0]
        return known


def start(url: str, logs: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`python -m app serve` on a free port, its log in `logs`; the process and base URL."""
    port = free_port()
    with logs.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--port", str(port)],
            cwd=PROJECT_ROOT,
            env={**os.environ, "DATABASE_URL": url},
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    return proc, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def cluster(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """Three servers on one database migrated and loaded by the CLI, with a write key.

    The servers start on the migrated database while `load` runs (a write like any other).
    """
    folder = tmp_path_factory.mktemp("processes")
    with scratch_database(database_url, folder) as url:
        migrated = run(url, "migrate")
        assert migrated.returncode == 0, migrated.stderr
        procs: list[subprocess.Popen[bytes]] = []
        try:
            bases = []
            for i in range(SERVERS):
                proc, base = start(url, folder / f"server{i}.log")
                procs.append(proc)
                bases.append(base)
            loaded = run(url, "load")
            assert loaded.returncode == 0, loaded.stderr
            created = run(url, "keys", "create", "--name", "curator", "--scope", "write")
            assert created.returncode == 0, created.stderr
            for base in bases:
                wait_healthy(base, seconds=60)
                assert httpx.get(f"{base}/readyz", timeout=10).status_code == 200
            yield Cluster(url, bases, created.stdout.strip())
        finally:
            stop(procs)


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM each server, then wait for it (killed if it takes over 30 s)."""
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def first_reads(cluster: Cluster, url: str) -> list[httpx.Response]:
    """`url` read once through each server but the writer, the first request after a write."""
    with httpx.Client(timeout=30) as client:
        return [cluster.get(client, s, url)[1] for s in range(1, SERVERS)]


def kgz_member(csv_text: str) -> list[str]:
    """Kyrgyzstan's row of a members CSV, as fields."""
    rows = [line.split(",") for line in csv_text.splitlines() if line.startswith("KGZ,")]
    assert len(rows) == 1, csv_text
    return rows[0]


def test_a_write_through_one_process_is_read_by_the_others_on_their_next_request(
    cluster: Cluster,
) -> None:
    cluster.made.clear()
    before = cluster.quiet()
    cluster.quiet()  # each process holds these answers in its cache now
    assert cluster.write("POST", "treaty-actions", ACCESSION) == 201

    counts = first_reads(cluster, "/v1/treaties/mbt/counts")
    assert [r.json()["counts"]["state_party"] for r in counts] == [162, 162]
    assert [r.json()["counts"]["not_party"] for r in counts] == [30, 30]
    members = first_reads(cluster, "/v1/treaties/mbt/members?format=csv")
    header = members[0].text.splitlines()[0].split(",")
    for response in members:
        row = dict(zip(header, kgz_member(response.text), strict=True))
        assert (row["status"], row["joined_on"], row["entry_into_force_on"]) == (
            "state_party",
            "2026-03-02",
            "2026-09-01",
        )
    profiles = first_reads(cluster, "/v1/countries/KGZ/profile")
    for response in profiles:
        mbt = [t for t in response.json()["treaties"] if t["treaty"]["slug"] == "mbt"]
        assert [(t["status"]["status"], t["status"]["joined_on"]) for t in mbt] == [
            ("state_party", "2026-03-02")
        ]
    for responses in (counts, members, profiles):
        assert responses[0].headers["etag"] == responses[1].headers["etag"]
    after = cluster.quiet()  # the writer agrees
    for url in ("/v1/treaties/mbt/counts", "/v1/countries/KGZ/profile"):
        assert after[url].etag != before[url].etag

    # a change of the record, with its version as If-Match
    path = f"treaty-actions/{ACCESSION['id']}"
    assert cluster.write("PATCH", path, {"date": "2026-05-04"}, version=1) == 200
    members = first_reads(cluster, "/v1/treaties/mbt/members?format=csv")
    for response in members:
        row = dict(zip(header, kgz_member(response.text), strict=True))
        assert (row["joined_on"], row["entry_into_force_on"]) == (
            "2026-05-04",
            "2026-11-01",
        )
    treaty = first_reads(cluster, "/v1/countries/KGZ/treaties/mbt")
    assert [r.json()["status"]["joined_on"] for r in treaty] == ["2026-05-04", "2026-05-04"]
    assert treaty[0].headers["etag"] == treaty[1].headers["etag"]
    patched = cluster.quiet()
    assert all(patched[url].etag != after[url].etag for url in URLS)
    print(f"\nrequests (write, then first reads): {dict(sorted(cluster.made.items()))}")


def vote_file(folder: Path) -> Path:
    """The mine-ban and cluster-munition vote file of ../shared (where it is absent, its row of
    Kyrgyzstan's 1996 vote alone) with that yes turned into a no."""
    shared = SHARED / "refdata" / "undl" / "ga_voting_mine_cluster.csv"
    lines = shared.read_text().splitlines() if shared.is_file() else [HEADER_2026, KGZ_1996]
    assert lines.count(KGZ_1996) == 1
    path = folder / "ga_voting_changed.csv"
    changed = KGZ_1996.replace(",Y,1996", ",N,1996")
    path.write_text("\n".join(changed if line == KGZ_1996 else line for line in lines) + "\n")
    return path


class Readers:
    """Client threads reading every URL through every server in turn until stopped."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.answers: list[Answer] = []
        self.errors: list[str] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.read, args=(i,)) for i in range(READERS)]

    def read(self, offset: int) -> None:
        """Read until stopped, each thread starting at another URL and server."""
        i = offset * 7
        with httpx.Client(timeout=30) as client:
            while not self.stop.is_set():
                url = URLS[i % len(URLS)]
                try:
                    answer = self.cluster.get(client, (i // len(URLS)) % SERVERS, url)[0]
                except httpx.HTTPError as exc:
                    self.errors.append(f"{url}: {exc!r}")
                else:
                    self.answers.append(answer)
                i += 1

    def __enter__(self) -> Readers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(60)


def test_load_and_import_under_reads_from_three_processes_serve_whole_versions(
    cluster: Cluster, tmp_path: Path
) -> None:
    votes = vote_file(tmp_path)
    cluster.made.clear()
    # an accession the next load takes away (it cites a source of data/)
    cluster.write(
        "POST", "treaty-actions", {**ACCESSION, "id": "usa-mbt-accession", "country": "USA"}
    )
    known = [cluster.quiet()]
    with Readers(cluster) as readers:
        time.sleep(1)
        loaded = run(cluster.url, "load")
        assert loaded.returncode == 0, loaded.stderr
        known.append(cluster.quiet())
        time.sleep(1)
        imported = run(cluster.url, "import", "undl", str(votes))
        assert imported.returncode == 0, imported.stderr
        assert "votes         0 inserted 1 updated" in imported.stdout, imported.stdout
        known.append(cluster.quiet())
        time.sleep(1)
    made = dict(sorted(cluster.made.items()))
    print(f"\nrequests (reads under load and import): {made}, {len(readers.answers)} by readers")
    assert readers.errors == []
    assert Counter(a.status for a in readers.answers) == {200: len(readers.answers)}, made

    # the versions differ: the load took the accession away, the import changed a vote
    counts = "/v1/treaties/mbt/counts"
    assert len({k[counts].etag for k in known}) == 3
    assert known[1][counts].digest == known[2][counts].digest != known[0][counts].digest
    for url in ("/v1/resolutions/A/RES/51/45%20S", "/v1/countries/KGZ/votes?format=csv"):
        assert known[1][url].digest != known[2][url].digest

    # every answer is the one a quiet request gives at its version: no page mixes two
    pairs = {(url, k[url].etag): k[url].digest for k in known for url in URLS}
    strays = [a for a in readers.answers if pairs.get((a.url, a.etag)) != a.digest]
    assert strays == [], f"{len(strays)} of {len(readers.answers)} answers; {made}"
    # and every server answered at every version
    versions = {
        (a.server, i)
        for a in readers.answers
        for i, k in enumerate(known)
        if k[a.url].etag == a.etag
    }
    assert versions == {(s, i) for s in range(SERVERS) for i in range(3)}, made


def reading_versions(client: TestClient, *versions: int) -> list[int]:
    """Make the app read `versions` in turn as the data version (another process's writes
    committed while it reads); the reads left."""
    left = list(versions)
    client.app.state.version_reader = lambda: left.pop(0)  # type: ignore[attr-defined]
    return left


def test_an_answer_read_while_the_version_moved_is_read_again(
    client: TestClient, session: Session
) -> None:
    url = "/v1/treaties/mbt/counts?as_of=2020-01-01"
    now = dataversion.current(session)
    # read at `now`; as the answer starts, a write elsewhere has made it `now + 1`
    left = reading_versions(client, now, now + 1, now + 1)
    moved = client.get(url)
    assert (moved.status_code, left) == (200, [])
    reading_versions(client, now + 1)
    again = client.get(url)  # the answer of the second read, cached under `now + 1`
    assert (again.headers["etag"], again.content) == (moved.headers["etag"], moved.content)
    reading_versions(client, now, now)
    assert client.get(url).headers["etag"] != moved.headers["etag"]


def test_an_answer_whose_version_keeps_moving_is_sent_without_a_tag(
    client: TestClient, session: Session
) -> None:
    url = "/v1/treaties/mbt/counts?as_of=2021-01-01"
    now = dataversion.current(session)
    left = reading_versions(client, now, now + 1, now + 2, now + 3)
    untagged = client.get(url)
    assert (untagged.status_code, left) == (200, [])
    assert "etag" not in untagged.headers
    assert untagged.json()["counts"]["state_party"] == 164
    left = reading_versions(client, now + 3, now + 3)
    tagged = client.get(url)
    assert left == []  # not from the cache: read (and checked) afresh
    assert tagged.headers["etag"].startswith('W/"')
    assert tagged.content == untagged.content
