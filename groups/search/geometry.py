"""Distances on the globe, in SQL: a latitude/longitude box an index can serve, then haversine.

The haversine formula is built from Django's math functions, so it runs the same on SQLite and
PostgreSQL; it agrees with ``geopy.distance.great_circle`` within 0.1 %.
"""

import math

from django.db.models import F, FloatField, Q

from groups.search.formula import Formula, number

EARTH_RADIUS_KM = 6371.009  # The mean radius geopy's great_circle uses.
KM_PER_MILE = 1.609344
DEFAULT_RADIUS_KM = 25
MAX_RADIUS_KM = 500
# No two points on the globe are further apart.
HALF_CIRCUMFERENCE_KM = math.pi * EARTH_RADIUS_KM


def radius_in_km(radius, unit):
    """A search radius in kilometres, from the number and unit ("km" or "mi") people chose."""
    return float(radius) * (KM_PER_MILE if unit == "mi" else 1)


def bounding_box(latitude, longitude, radius_km):
    """(south, west, north, east) degrees enclosing every point within radius_km."""
    angular = radius_km / EARTH_RADIUS_KM
    south = math.degrees(math.radians(latitude) - angular)
    north = math.degrees(math.radians(latitude) + angular)
    if south <= -90 or north >= 90:
        return max(south, -90.0), -180.0, min(north, 90.0), 180.0
    # The widest longitude span of the circle, at the latitude where it touches its meridians.
    spread = math.degrees(math.asin(min(1.0, math.sin(angular) / math.cos(math.radians(latitude)))))
    west, east = longitude - spread, longitude + spread
    if west < -180:
        west += 360
    if east > 180:
        east -= 360
    return south, west, north, east


def box_condition(south, west, north, east, prefix=""):
    """A condition for coordinates inside a latitude/longitude box (degrees)."""
    box = Q(**{f"{prefix}latitude__gte": south, f"{prefix}latitude__lte": north})
    if west <= east:
        return box & Q(**{f"{prefix}longitude__gte": west, f"{prefix}longitude__lte": east})
    # The box crosses the antimeridian.
    return box & (Q(**{f"{prefix}longitude__gte": west}) | Q(**{f"{prefix}longitude__lte": east}))


def haversine_term(latitude, longitude, prefix=""):
    """The haversine term of a row's coordinates against a fixed point, as a SQL expression."""
    to_half_radians = math.pi / 360
    k = number(to_half_radians)
    return Formula(
        f"POWER(SIN(({{0}} - {{lat}}) * {k}), 2) + {{cos_lat}}"
        f" * COS({{0}} * {number(2 * to_half_radians)}) * POWER(SIN(({{1}} - {{lng}}) * {k}), 2)",
        F(f"{prefix}latitude"),
        F(f"{prefix}longitude"),
        output_field=FloatField(),
        values={
            "lat": float(latitude),
            "lng": float(longitude),
            "cos_lat": math.cos(math.radians(latitude)),
        },
    )


def haversine_within(radius_km):
    """The largest haversine term within ``radius_km``: comparing terms spares a square root
    and an arcsine per row."""
    return math.sin(radius_km / (2 * EARTH_RADIUS_KM)) ** 2


def distance_km(term):
    """Great-circle kilometres from a haversine term expression."""
    # Rounding can carry the term of two opposite points a hair past 1, outside ASIN's domain.
    return Formula(
        f"{number(2 * EARTH_RADIUS_KM)} * ASIN(SQRT(CASE WHEN {{0}} > 1 THEN 1 ELSE {{0}} END))",
        term,
        output_field=FloatField(),
    )
