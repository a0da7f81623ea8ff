"""The Location model (groups/models/places.py): coordinates checked by the database."""

import pytest
from django.db import IntegrityError, transaction

from groups.models import Location


@pytest.mark.parametrize(
    "latitude, longitude",
    [(90.5, 0), (-91, 0), (0, 180.1), (0, -181), (45.0, None)],
)
def test_location_coordinates_are_checked_by_the_database(db, latitude, longitude):
    with pytest.raises(IntegrityError), transaction.atomic():
        Location.objects.create(name="x", city="y", latitude=latitude, longitude=longitude)


def test_location_without_coordinates_is_allowed(db):
    location = Location.objects.create(name="Hall", city="Salem")
    assert not location.has_coordinates
