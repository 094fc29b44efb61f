"""The descriptor's example in the OpenAPI document: the package of a bare clone's data/, its
votes resource only. Its schema, names and texts are the code's own; the figures and sources
are those of the bare clone's votes (a test checks them against the served descriptor)."""

from __future__ import annotations

from typing import Any

UN_TERMS = {
    "path": "https://www.un.org/en/about-us/terms-of-use",
    "title": "United Nations terms of use; acknowledge the United Nations as the source",
}
#: The bare clone's votes file: its digest, and the sources of its rows.
VOTES_FILE: dict[str, Any] = {
    "hash": "sha256:5817e6adc1f4921e28370b686d6edf7a792ba84d79b1d2857f6492fd1b5c7ab2",
    "bytes": 414093,
    "rows": 8051,
    "licenses": [UN_TERMS],
    "sources": [
        {
            "id": "monitor-kgz-cluster-munition-ban-policy",
            "title": "Kyrgyzstan: Cluster Munition Ban Policy",
            "publisher": "Landmine and Cluster Munition Monitor",
        },
        {
            "id": "monitor-kgz-mine-ban-policy-2019",
            "title": "Kyrgyzstan: Mine Ban Policy",
            "path": "http://www.the-monitor.org/en-gb/reports/2019/kyrgyzstan/mine-ban-policy.aspx",
            "publisher": "Landmine and Cluster Munition Monitor",
        },
        {
            "id": "undl-ga-voting",
            "title": "UN General Assembly voting data (UN Digital Library), file "
            "ga_voting_mine_cluster.csv",
            "path": "https://digitallibrary.un.org/record/4060887",
            "publisher": "United Nations Dag Hammarskjöld Library",
            "licence": UN_TERMS["title"],
        },
    ],
}
TREATIES = ("ccm", "ccw", "ccw-art1", "ccw-p2a", "ccw-p4", "ccw-p5", "mbt")


def votes() -> dict[str, Any]:
    """The votes resource of the example, as served by http://127.0.0.1:8000."""
    from app.bulk.tables import find

    table = find("votes")
    schema = table.table_schema().model_dump(mode="json", by_alias=True, exclude_none=True)
    return {
        "name": table.name,
        "path": f"http://127.0.0.1:8000/v1/bulk/{table.file}",
        "profile": "tabular-data-resource",
        "type": "table",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "title": table.title,
        "description": table.description,
        "hash": VOTES_FILE["hash"],
        "bytes": VOTES_FILE["bytes"],
        "rows": VOTES_FILE["rows"],
        "schema": schema,
        "licenses": VOTES_FILE["licenses"],
        "sources": VOTES_FILE["sources"],
    }


def package() -> dict[str, Any]:
    """The example descriptor."""
    from app.bulk.package import DESCRIPTION, NAME, TITLE

    return {
        "profile": "tabular-data-package",
        "name": NAME,
        "title": TITLE,
        "description": DESCRIPTION,
        "created": "2026-02-19T12:00:00Z",
        "data_version": 1,
        "record_as_at": dict.fromkeys(TREATIES, "2026-02-03"),
        "licenses": [UN_TERMS],
        "resources": [votes()],
    }


def add_example(schema: dict[str, Any]) -> None:
    """`json_schema_extra` of the descriptor: its example, made when the document is."""
    schema["examples"] = [package()]
