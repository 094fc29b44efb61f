"""The Equal Earth projection (Šavrič, Patterson and Jenny, 2018): equal-area, for world maps."""

from __future__ import annotations

import math

A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2


def equal_earth(longitude: float, latitude: float) -> tuple[float, float]:
    """Projected (x, y) of a point in degrees, y upwards; x in ±2.7066, y in ±1.3173."""
    lam, phi = math.radians(longitude), math.radians(latitude)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


#: Half the width and half the height of the whole world in projected units.
HALF_WIDTH = equal_earth(180, 0)[0]
HALF_HEIGHT = equal_earth(0, 90)[1]
