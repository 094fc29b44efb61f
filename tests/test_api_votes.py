"""The vote table `/v1/votes`: filters, statuses on the vote date, CSV, problems."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from tests.test_api_treaties import all_pages

UN = "undl-ga-voting"


def rows_of(text: str) -> list[dict[str, str]]:
    """A CSV body as dicts."""
    return list(csv.DictReader(io.StringIO(text)))


def test_three_countries_on_ccm(client: TestClient) -> None:
    rows = all_pages(client, "/v1/votes", limit=7, country="USA,russia,156", treaty="ccm")
    print(len(rows), [(r["country"]["iso3"], r["resolution"]["symbol"], r["vote"], r["status"]) for r in rows])
    assert False
