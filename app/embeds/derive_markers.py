"""Derive data/markers.csv: a point for each country too small for the 1:110m shapes.

Run once by hand with the world-atlas package unpacked (`npm pack world-atlas@2`):
`python -m app.embeds.derive_markers package/countries-50m.json package/countries-10m.json`.
A country is placed at the centroid of its largest polygon in the first file that has it;
the few that no file has (territories Natural Earth folds into another country) come from
HAND_PLACED. Nothing reads the network or these files at run time.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from app.embeds.topo import DATA, Ring, countries_110m, shapes_of

MARKERS = DATA / "markers.csv"
M49 = Path(__file__).parents[2] / "data" / "reference" / "m49_regions.csv"

#: Approximate main-island or chief-town coordinates (longitude, latitude), entered by hand.
HAND_PLACED = {
    "535": ("Bonaire, Sint Eustatius and Saba", -68.27, 12.18),
    "074": ("Bouvet Island", 3.36, -54.42),
    "166": ("Cocos (Keeling) Islands", 96.84, -12.17),
    "162": ("Christmas Island", 105.62, -10.49),
    "312": ("Guadeloupe", -61.58, 16.25),
    "254": ("French Guiana", -53.13, 3.93),
    "474": ("Martinique", -61.02, 14.64),
    "175": ("Mayotte", 45.17, -12.83),
    "638": ("Réunion", 55.53, -21.12),
    "744": ("Svalbard and Jan Mayen", 15.65, 78.22),
    "772": ("Tokelau", -171.85, -9.2),
}


def centroid(ring: Ring) -> tuple[float, float, float]:
    """Planar centroid of a ring in degrees, and its absolute area (shoelace)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-12:
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        return sum(xs) / len(xs), sum(ys) / len(ys), 0.0
    return cx / (3 * area), cy / (3 * area), abs(area) / 2


def main(files: list[str]) -> None:
    """Write markers.csv for every M49 country without a 1:110m shape."""
    shown = {s.id for s in countries_110m()}
    with M49.open(encoding="utf-8") as f:
        wanted = [r["m49"] for r in csv.DictReader(f) if r["m49"] not in shown]
    found: dict[str, tuple[str, float, float, str]] = {}
    for file in files:
        for shape in shapes_of(json.loads(Path(file).read_text(encoding="utf-8")), "countries"):
            if shape.id and shape.id in wanted and shape.id not in found:
                x, y, _ = max((centroid(p[0]) for p in shape.polygons), key=lambda c: c[2])
                found[shape.id] = (shape.name, x, y, f"world-atlas 2.0.2 {Path(file).name}")
    for code, (name, x, y) in HAND_PLACED.items():
        found.setdefault(code, (name, x, y, "hand-placed"))
    with MARKERS.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["numeric", "name", "longitude", "latitude", "from"])
        for code in sorted(found):
            name, x, y, origin = found[code]
            writer.writerow([code, name, f"{x:.2f}", f"{y:.2f}", origin])
    missing = sorted(set(wanted) - set(found))
    print(f"{len(found)} markers written to {MARKERS}; no point for: {missing or 'none'}")


if __name__ == "__main__":
    main(sys.argv[1:])
