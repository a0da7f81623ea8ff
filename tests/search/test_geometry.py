"""Distances and radius (groups/search/geometry.py), through the search QuerySet."""

import math

import pytest
from geopy.distance import great_circle


@pytest.mark.parametrize(
    "destination",
    [(45.52, -122.68), (45.6, -122.5), (44.05, -123.09), (47.61, -122.33), (42.0, -121.0)],
)
def test_distance_in_the_database_agrees_with_geopy(meeting_at, search, portland, destination):
    meeting_at(destination)
    (found,) = search(radius_km=500)
    expected = great_circle(portland, destination).km
    assert found.distance_km == pytest.approx(expected, rel=0.001)


def test_radius_keeps_near_and_drops_far(meeting_at, search, portland, north_of):
    inside = meeting_at(north_of(portland, 24))
    meeting_at(north_of(portland, 26))
    assert search(radius_km=25) == [inside]


def test_search_across_the_antimeridian(meeting_at, search):
    fiji_east = meeting_at((-17.0, 179.9), timezone="Pacific/Fiji")
    fiji_west = meeting_at((-17.0, -179.9), timezone="Pacific/Fiji")
    found = search(point=(-17.0, 179.95), radius_km=50)
    assert set(found) == {fiji_east, fiji_west}


def test_bounding_box_math_is_sane():
    # A bounding box at 60 degrees north is twice as wide in longitude as at the equator.
    from groups.search.geometry import bounding_box

    south, west, north, east = bounding_box(60.0, 10.0, 100)
    assert north - 60 == pytest.approx(100 / 111.2, rel=0.01)
    assert east - 10 == pytest.approx(2 * 100 / 111.2, rel=0.02)
    assert bounding_box(89.5, 0, 100)[1:4:2] == (-180.0, 180.0)
    assert math.isclose(bounding_box(0, 179.9, 50)[3], -179.65, abs_tol=0.02)
