"""The map's geometry: TopoJSON decoding, the Equal Earth projection, the shapes and dots."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection

from app.embeds.projection import HALF_HEIGHT, HALF_WIDTH, equal_earth
from app.embeds.svg import text_width, wrap
from app.embeds.topo import COUNTRIES_110M, countries_110m, decode_arcs, ring_of, shapes_of
from app.embeds.worldmap import Frame, markers, unwrap
from tests.conftest import count_queries

QUANTIZED = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.25], "translate": [-10, 20]},
    "arcs": [[[0, 0], [2, 0], [0, 4]], [[2, 4], [-2, 0], [0, -4]]],
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[0, 1]], "id": "999", "properties": {"name": "A"}},
                {"type": "MultiPolygon", "arcs": [[[~1]]], "properties": {"name": "B"}},
                {"type": None, "properties": {"name": "C"}},
            ],
        }
    },
}


def test_arcs_are_delta_decoded_then_scaled() -> None:
    assert decode_arcs(QUANTIZED) == [
        [(-10.0, 20.0), (-9.0, 20.0), (-9.0, 21.0)],
        [(-9.0, 21.0), (-10.0, 21.0), (-10.0, 20.0)],
    ]


def test_rings_join_arcs_and_reverse_negative_indexes() -> None:
    arcs = decode_arcs(QUANTIZED)
    assert ring_of([0, 1], arcs) == [
        (-10.0, 20.0),
        (-9.0, 20.0),
        (-9.0, 21.0),
        (-10.0, 21.0),
        (-10.0, 20.0),
    ]
    assert ring_of([~1], arcs) == [(-10.0, 20.0), (-10.0, 21.0), (-9.0, 21.0)]
    shapes = shapes_of(QUANTIZED, "countries")
    assert [(s.id, s.name, len(s.polygons)) for s in shapes] == [
        ("999", "A", 1),
        (None, "B", 1),
        (None, "C", 0),
    ]


def test_equal_earth_matches_its_published_extent() -> None:
    assert equal_earth(0, 0) == (0.0, 0.0)
    assert round(HALF_WIDTH, 5) == 2.70663
    assert round(HALF_HEIGHT, 5) == 1.31736
    assert equal_earth(-180, -90) == pytest.approx((-1.60359, -HALF_HEIGHT), abs=1e-5)
    x, y = equal_earth(2.35, 48.86)  # Paris
    assert (x, y) == pytest.approx((0.02942, 0.92342), abs=1e-5)


def test_a_frame_puts_the_world_in_the_picture() -> None:
    frame = Frame(100, 0, 10)
    assert frame.at(-180, 0) == pytest.approx((0, 10 + HALF_HEIGHT * 100))
    assert frame.at(0, 90) == pytest.approx((HALF_WIDTH * 100, 10))
    assert frame.path([[[(0, 0), (0, 0), (10, 0), (10, 10)]]]) == (
        "M270.7 141.7 285.7 141.7 285.6 121.5Z"
    )


def test_rings_across_the_antimeridian_stay_on_their_side() -> None:
    assert unwrap([(179.0, -16.0), (-179.5, -16.5), (178.0, -17.0)]) == [
        (179.0, -16.0),
        (180.0, -16.5),
        (178.0, -17.0),
    ]
    assert unwrap([(1.0, 1.0), (2.0, 2.0)]) == [(1.0, 1.0), (2.0, 2.0)]


def test_the_shipped_shapes_and_dots() -> None:
    assert COUNTRIES_110M.stat().st_size == 107761
    shapes = countries_110m()
    assert len(shapes) == 177
    assert sorted(s.name for s in shapes if s.id is None) == ["Kosovo", "N. Cyprus", "Somaliland"]
    dots = markers()
    assert len(dots) == 75
    assert not dots.keys() & {s.id for s in shapes}
    assert dots["020"] == (1.56, 42.54)  # Andorra
    assert dots["438"] == (9.54, 47.14)  # Liechtenstein
    assert dots["638"] == (55.53, -21.12)  # Réunion, hand-placed


def test_text_is_measured_and_wrapped() -> None:
    assert text_width("Mine Ban Treaty") == pytest.approx(96.1)
    assert text_width("Mine Ban Treaty", 22) == pytest.approx(192.2)
    assert wrap("one two three", 60, 11) == ["one two", "three"]


def test_the_pictures_read_the_database_a_few_times(
    client: TestClient, connection: Connection
) -> None:
    counted = []
    client.get("/v1/treaties/mbt/members?limit=1")  # the read model is built once per version
    for url in (
        "/v1/treaties/mbt/map.svg",
        "/v1/treaties/mbt/timeline.svg",
        "/v1/countries/FRA/treaties/mbt/badge.json",
    ):
        with count_queries(connection) as statements:
            assert client.get(url).status_code == 200
        counted.append(len(statements))
    # a fixed number however many countries: the data version, the treaty, the countries (map
    # only), the sources and their footnote counts, the data version again as the answer starts
    # (app/cache.py); the statuses come from the read model
    assert counted == [6, 5, 5]
