"""The whole record as a Frictionless Data Package: the export, its validation by frictionless,
and the same package served at /v1/bulk."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import frictionless
import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app import dataversion, models
from app.bulk import example
from app.bulk import served as on_server
from app.bulk.descriptor import DataPackage
from app.bulk.export import DESCRIPTOR, write
from app.bulk.rows import chunks
from app.bulk.tables import TABLES, find
from app.config import PROJECT_ROOT
from app.errors import ProblemError
from tests.test_cli import run, served  # noqa: F401  (a real server)

#: Rows of each resource on the bare clone's data/ (the public record and the curated files).
ROWS = {
    "countries": 279,
    "treaties": 7,
    "treaty-actions": 1121,
    "resolutions": 42,
    "votes": 8051,
    "sources": 17,
    "citations": 52,
    "stockpiles": 4,
    "practices": 9,
    "positions": 9,
}
UN_TERMS = "https://www.un.org/en/about-us/terms-of-use"


def validate(folder: Path) -> frictionless.Report:
    """frictionless's report on the package in `folder` (schemas, keys, counts, hashes)."""
    report: frictionless.Report = frictionless.validate(str(folder / DESCRIPTOR))
    return report


def errors(report: frictionless.Report) -> list[tuple[Any, ...]]:
    """Each error: (resource, row number, field, type, note)."""
    return [
        (task.name, *error)
        for task in report.tasks
        for error in task.flatten(["rowNumber", "fieldName", "type", "note"])
    ]


@pytest.fixture
def package(session: Session, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """The package exported from the test database: its folder and its descriptor."""
    folder = tmp_path / "package"
    write(session, folder)
    return folder, json.loads((folder / DESCRIPTOR).read_text(encoding="utf-8"))


def resources(descriptor: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in descriptor["resources"]}


def test_the_exported_package_validates_with_frictionless(
    package: tuple[Path, dict[str, Any]],
) -> None:
    folder, _ = package
    report = validate(folder)
    assert errors(report) == []
    assert report.valid
    assert report.stats["tasks"] == 10
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [DESCRIPTOR, *(f"{name}.csv" for name in ROWS)]
    )


def test_row_counts_are_the_databases(
    package: tuple[Path, dict[str, Any]], session: Session
) -> None:
    folder, descriptor = package
    found = resources(descriptor)
    assert list(found) == list(ROWS)
    for table in TABLES:
        stored = session.scalar(select(func.count()).select_from(table.model))
        with (folder / table.file).open(encoding="utf-8", newline="") as infile:
            written = sum(1 for _ in csv.reader(infile)) - 1
        assert (table.name, found[table.name]["rows"], written) == (table.name, stored, stored)
        assert stored == ROWS[table.name]


def test_each_file_has_the_size_and_sha256_the_descriptor_gives(
    package: tuple[Path, dict[str, Any]],
) -> None:
    folder, descriptor = package
    for resource in descriptor["resources"]:
        content = (folder / resource["path"]).read_bytes()
        assert resource["hash"] == "sha256:" + hashlib.sha256(content).hexdigest()
        assert resource["bytes"] == len(content)


def test_a_broken_foreign_key_or_hash_is_found(package: tuple[Path, dict[str, Any]]) -> None:
    """The keys are declared and checked: a vote by an unknown country fails validation, as
    does a file that no longer has the size and hash the descriptor gives."""
    folder, descriptor = package
    votes = folder / "votes.csv"
    row = b"A/RES/73/61,KGZ,yes,Y,,undl-ga-voting,2018-12-05\r\n"
    content = votes.read_bytes()
    assert content.count(row) == 1
    votes.write_bytes(content.replace(row, row.replace(b"KGZ", b"XKX")))
    report = validate(folder)
    assert not report.valid
    assert [(e[0], e[3]) for e in errors(report)] == [
        ("votes", "foreign-key"),
        ("votes", "hash-count"),
    ]
    resource = resources(descriptor)["votes"]
    content = votes.read_bytes()
    resource["hash"] = "sha256:" + hashlib.sha256(content).hexdigest()
    (folder / DESCRIPTOR).write_text(json.dumps(descriptor))
    report = validate(folder)
    row_number = 1 + content.split(b"\r\n").index(row.replace(b"KGZ", b"XKX").rstrip())
    assert errors(report) == [
        (
            "votes",
            row_number,
            None,
            "foreign-key",
            'for "country": values "XKX" not found in the lookup table "countries" as "iso3"',
        )
    ]


def test_the_schemas_keys_and_types(package: tuple[Path, dict[str, Any]]) -> None:
    _, descriptor = package
    found = resources(descriptor)
    votes = found["votes"]["schema"]
    assert votes["primaryKey"] == ["resolution", "country", "source"]
    assert [(k["fields"], k["reference"]) for k in votes["foreignKeys"]] == [
        (["resolution"], {"resource": "resolutions", "fields": ["symbol"]}),
        (["country"], {"resource": "countries", "fields": ["iso3"]}),
        (["source"], {"resource": "sources", "fields": ["id"]}),
    ]
    assert votes["missingValues"] == [""]
    assert [(f["name"], f["type"]) for f in votes["fields"]] == [
        ("resolution", "string"),
        ("country", "string"),
        ("vote", "string"),
        ("source_code", "string"),
        ("note", "string"),
        ("source", "string"),
        ("date", "date"),
    ]
    assert votes["fields"][2]["constraints"] == {
        "required": True,
        "enum": ["yes", "no", "abstain", "non_voting"],
    }
    countries = {f["name"]: f for f in found["countries"]["schema"]["fields"]}
    assert countries["state"]["type"] == "boolean"
    assert countries["state"]["description"].startswith("True for the 197 states")
    assert found["countries"]["schema"]["foreignKeys"] == [
        {"fields": ["administered_by"], "reference": {"resource": "", "fields": ["iso3"]}}
    ]
    treaties = found["treaties"]["schema"]["foreignKeys"]
    assert {"fields": ["parent"], "reference": {"resource": "", "fields": ["slug"]}} in treaties
    stockpiles = {f["name"]: f["type"] for f in found["stockpiles"]["schema"]["fields"]}
    assert (stockpiles["types"], stockpiles["quantity"]) == ("array", "integer")
    sources = {f["name"]: f["type"] for f in found["sources"]["schema"]["fields"]}
    assert (sources["imported_at"], sources["status_as_at"]) == ("datetime", "date")
    assert "version" not in {f["name"] for r in found.values() for f in r["schema"]["fields"]}


def test_the_state_flag_and_administering_state_are_in_the_countries_file(
    package: tuple[Path, dict[str, Any]],
) -> None:
    folder, _ = package
    with (folder / "countries.csv").open(encoding="utf-8", newline="") as infile:
        rows = {r["iso3"]: r for r in csv.DictReader(infile)}
    assert sum(r["state"] == "true" for r in rows.values()) == 197
    assert (rows["FRA"]["state"], rows["FRA"]["administered_by"]) == ("true", "")
    assert (rows["GUF"]["state"], rows["GUF"]["administered_by"]) == ("false", "FRA")
    assert (rows["COK"]["state"], rows["COK"]["un_member"]) == ("true", "false")


def test_sources_licences_and_record_dates(
    package: tuple[Path, dict[str, Any]], session: Session
) -> None:
    _, descriptor = package
    found = resources(descriptor)
    assert descriptor["profile"] == "tabular-data-package"
    assert descriptor["data_version"] == dataversion.current(session)
    assert descriptor["record_as_at"] == dict.fromkeys(
        ["ccm", "ccw", "ccw-art1", "ccw-p2a", "ccw-p4", "ccw-p5", "mbt"], "2026-02-03"
    )
    newest = session.scalar(select(func.max(models.Change.at)))
    assert newest is not None
    assert descriptor["created"].startswith(newest.isoformat()[:19])
    assert [s["id"] for s in found["votes"]["sources"]] == [
        "monitor-kgz-cluster-munition-ban-policy",
        "monitor-kgz-mine-ban-policy-2019",
        "undl-ga-voting",
    ]
    assert found["votes"]["licenses"] == [
        {
            "path": UN_TERMS,
            "title": "United Nations terms of use; acknowledge the United Nations as the source",
        }
    ]
    assert [s["id"] for s in found["countries"]["sources"]] == [
        "un-member-states",
        "un-depositary-practice",
        "cia-world-factbook-dependencies",
        "unsd-m49",
    ]
    assert [(lic.get("name"), lic.get("path")) for lic in found["countries"]["licenses"]] == [
        (None, UN_TERMS),
        ("other-pd", None),
        ("CC-BY-SA-4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
    ]
    assert len(found["treaty-actions"]["sources"]) == 7  # one UNTC status page per treaty
    assert [lic["title"] for lic in found["treaty-actions"]["licenses"]] == [
        "© United Nations; UN website terms of use"
    ]
    assert (found["sources"]["sources"], found["sources"]["licenses"]) == ([], [])
    assert [(lic.get("name"), lic.get("path")) for lic in descriptor["licenses"]] == [
        (None, UN_TERMS),
        ("other-pd", None),
        ("CC-BY-SA-4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
        (None, UN_TERMS),
    ]


def test_a_resource_is_read_a_batch_at_a_time(session: Session) -> None:
    parts = list(chunks(session, find("votes"), batch=1000))
    assert [rows for _, rows in parts] == [1000] * 8 + [51]
    assert parts[0][0].startswith(b"resolution,country,vote,source_code,note,source,date\r\n")
    session.execute(delete(models.Stockpile))
    assert list(chunks(session, find("stockpiles"))) == [
        (
            b"id,country,weapon,holder,types,quantity_kind,quantity,quantity_min,quantity_max,"
            b"quantity_text,condition,purpose,as_of,reporter,reported_by,source\r\n",
            0,
        )
    ]


def test_the_descriptor_is_served_with_download_urls(
    client: TestClient, package: tuple[Path, dict[str, Any]]
) -> None:
    _, exported = package
    response = client.get("/v1/bulk")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    urls = [r.pop("path") for r in body["resources"]]
    assert urls == [f"http://testserver/v1/bulk/{name}.csv" for name in ROWS]
    for resource in exported["resources"]:
        resource.pop("path")
    assert body == exported
    # the OpenAPI example is this descriptor's votes resource
    votes = {**example.votes(), "path": urls[4]}
    assert client.get("/v1/bulk").json()["resources"][4] == votes
    spec = client.get("/openapi.json").json()
    shown = spec["components"]["schemas"]["DataPackage"]["examples"][0]
    assert shown["resources"] == [example.votes()]
    DataPackage.model_validate(shown)


def test_a_resource_streams_the_exported_file_byte_for_byte(
    client: TestClient, package: tuple[Path, dict[str, Any]]
) -> None:
    folder, _ = package
    for table in TABLES:
        response = client.get(f"/v1/bulk/{table.file}")
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert response.headers["content-disposition"] == f"attachment; filename={table.file}"
        assert response.content == (folder / table.file).read_bytes(), table.name


#: Not gzip (which leaves the size out): the test client asks for it by default.
IDENTITY = {"Accept-Encoding": "identity"}


def test_content_length_once_the_size_is_known(
    client: TestClient, package: tuple[Path, dict[str, Any]]
) -> None:
    folder, _ = package
    first = client.get("/v1/bulk/treaties.csv", headers=IDENTITY)
    assert "content-length" not in first.headers  # read whole once, its size is kept
    client.get("/v1/bulk")  # the descriptor learns every size
    sized = client.get("/v1/bulk/countries.csv", headers=IDENTITY)
    assert sized.headers["content-length"] == str((folder / "countries.csv").stat().st_size)


def test_etag_304_head_and_gzip(client: TestClient, package: tuple[Path, dict[str, Any]]) -> None:
    folder, _ = package
    content = (folder / "votes.csv").read_bytes()
    client.get("/v1/bulk")
    first = client.get("/v1/bulk/votes.csv", headers=IDENTITY)
    assert first.headers["content-length"] == str(len(content))
    assert "content-encoding" not in first.headers
    etag = first.headers["etag"]
    assert etag.startswith('W/"')
    again = client.get("/v1/bulk/votes.csv", headers={**IDENTITY, "If-None-Match": etag})
    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag)
    head = client.head("/v1/bulk/votes.csv", headers=IDENTITY)
    assert (head.status_code, head.content, head.headers["etag"]) == (200, b"", etag)
    assert head.headers["content-length"] == str(len(content))
    zipped = client.get("/v1/bulk/votes.csv", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert "content-length" not in zipped.headers
    assert zipped.content == content  # decoded by the client
    assert zipped.headers["etag"] != etag  # each representation is tagged apart
    descriptor = client.get("/v1/bulk")
    unchanged = client.get("/v1/bulk", headers={"If-None-Match": descriptor.headers["etag"]})
    assert (unchanged.status_code, unchanged.content) == (304, b"")


def test_a_real_server_streams_the_package_gzipped_as_it_is_made(
    served: str,  # noqa: F811
    scratch_url: str,
    tmp_path: Path,
) -> None:
    done = run(scratch_url, "export", "package", str(tmp_path))
    assert done.returncode == 0, done.stderr
    described = httpx.get(f"{served}/v1/bulk").json()
    assert [r["path"] for r in described["resources"]] == [
        f"{served}/v1/bulk/{name}.csv" for name in ROWS
    ]
    exported = json.loads((tmp_path / DESCRIPTOR).read_text(encoding="utf-8"))
    assert [r["hash"] for r in described["resources"]] == [r["hash"] for r in exported["resources"]]
    url = f"{served}/v1/bulk/votes.csv"
    with httpx.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as response:
        assert response.headers["content-encoding"] == "gzip"
        pieces = list(response.iter_raw())
    assert len(pieces) > 1
    assert gzip.decompress(b"".join(pieces)) == (tmp_path / "votes.csv").read_bytes()
    head = httpx.head(url, headers=IDENTITY)
    assert (head.status_code, head.headers["content-length"]) == (
        200,
        str((tmp_path / "votes.csv").stat().st_size),
    )


def test_an_unknown_resource_is_a_404_with_close_matches(client: TestClient) -> None:
    response = client.get("/v1/bulk/vote.csv")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"].endswith("/problems/resource-not-found")
    assert body["detail"] == "No resource matches 'vote'; did you mean votes?"
    assert (body["parameter"], body["suggestions"]) == ("resource", [{"name": "votes"}])
    assert client.get("/v1/bulk/treaty_actions.csv").json()["suggestions"] == [
        {"name": "treaty-actions"},
        {"name": "treaties"},
    ]
    assert client.get("/v1/bulk/x.csv").json()["detail"] == "No resource matches 'x'"


def test_rows_of_another_data_version_are_not_sized_nor_described(session: Session) -> None:
    """A read that sees a later version than the request's (a write in between) sends no
    Content-Length and keeps no digest; the descriptor is refused (retry)."""
    digests = on_server.Digests()
    version = dataversion.current(session)
    body, size = on_server.stream(session, find("treaties"), version - 1, digests)
    assert size is None
    assert b"".join(body).startswith(b"slug,short_name,")
    assert digests.get(version - 1, "treaties") is None
    with pytest.raises(ProblemError) as raised:
        on_server.package(session, version - 1, digests, lambda t: t.file)
    assert (raised.value.status, raised.value.kind) == (503, "data-changed")


def test_export_package_through_the_command_line(scratch_url: str, tmp_path: Path) -> None:
    for step in (["migrate"], ["load"]):
        assert run(scratch_url, *step).returncode == 0
    folder = tmp_path / "out"
    done = run(scratch_url, "export", "package", str(folder))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[4].split() == [
        "votes",
        "8051",
        "rows",
        str((folder / "votes.csv").stat().st_size),
        "bytes",
    ]
    assert lines[-2:] == [f"wrote {folder / DESCRIPTOR}", "data package written (data version 1)"]
    report = validate(folder)
    assert errors(report) == []
    counts = {
        r["name"]: r["rows"] for r in json.loads((folder / DESCRIPTOR).read_text())["resources"]
    }
    assert counts == ROWS
    # exporting again writes the same files
    again = run(scratch_url, "export", "package", str(tmp_path / "again"))
    assert again.returncode == 0, again.stderr
    for path in folder.iterdir():
        assert (tmp_path / "again" / path.name).read_bytes() == path.read_bytes(), path.name


def test_the_export_command_starts_without_the_web_stack() -> None:
    code = (
        "import sys, app.cli, app.bulk.export; web = {'fastapi', 'starlette', 'uvicorn'}; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & web))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout == "[]\n"


def test_the_whole_vote_record_validates(whole_file: str, tmp_path: Path) -> None:
    """Every UN General Assembly vote (848,241 in the file, with the public record's and the
    curated ones 848,684): exported through the command line, valid, counts exact."""
    done = run(whole_file, "export", "package", str(tmp_path))
    assert done.returncode == 0, done.stderr
    report = validate(tmp_path)
    assert errors(report) == []
    found = resources(json.loads((tmp_path / DESCRIPTOR).read_text()))
    assert found["votes"]["rows"] == 848_241 + 415 + 20 + 8
    assert found["resolutions"]["rows"] == 5572
    assert found["votes"]["bytes"] == (tmp_path / "votes.csv").stat().st_size
