"""TopoJSON decoding: quantized, delta-encoded arcs to rings of (longitude, latitude)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
#: Natural Earth 1:110m admin 0 countries, from the npm package world-atlas 2.0.2.
COUNTRIES_110M = DATA / "countries-110m.json"

Point = tuple[float, float]
Ring = list[Point]


@dataclass(frozen=True)
class Shape:
    """One country of the file: its ISO 3166-1 numeric `id` (None for some), name, polygons."""

    id: str | None
    name: str
    polygons: list[list[Ring]]


def decode_arcs(topology: dict[str, Any]) -> list[Ring]:
    """Every arc in degrees: undo the delta encoding, then the quantization transform."""
    transform = topology.get("transform")
    (kx, ky), (dx, dy) = (
        (transform["scale"], transform["translate"]) if transform else ((1, 1), (0, 0))
    )
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for step in arc:
            if transform:
                x, y = x + step[0], y + step[1]
            else:
                x, y = step[0], step[1]
            points.append((x * kx + dx, y * ky + dy))
        arcs.append(points)
    return arcs


def ring_of(indexes: list[int], arcs: list[Ring]) -> Ring:
    """A closed ring from arc indexes; `~i` is arc `i` reversed, shared points kept once."""
    ring: Ring = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points[1:] if ring else points)
    return ring


def shapes_of(topology: dict[str, Any], name: str) -> list[Shape]:
    """The polygons of every geometry of the object `name`."""
    arcs = decode_arcs(topology)
    shapes = []
    for geometry in topology["objects"][name]["geometries"]:
        kind, parts = geometry.get("type"), geometry.get("arcs", [])
        polygons = {"Polygon": [parts], "MultiPolygon": parts}.get(kind, [])
        shapes.append(
            Shape(
                geometry.get("id"),
                geometry.get("properties", {}).get("name", ""),
                [[ring_of(ring, arcs) for ring in polygon] for polygon in polygons],
            )
        )
    return shapes


@cache
def countries_110m() -> list[Shape]:
    """The country shapes of the 1:110m file shipped with the project, read once."""
    return shapes_of(json.loads(COUNTRIES_110M.read_text(encoding="utf-8")), "countries")
