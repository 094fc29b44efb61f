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
    d = client.get("/v1/resolutions/73/61").json()
    print(d["tally_by_status"], d["tally_by_region"])
    r = client.get("/v1/resolutions/73/61/votes", params={"format": "csv"})
    print(r.headers, r.text[:600])
    r = client.get("/v1/countries/KGZ/votes", params={"format": "csv"})
    print(r.headers, r.text[:600])
    assert False
