"""Place lookup (groups/geocoding.py): the offline gazetteer, addresses, network geocoders."""

import pytest
from geopy.exc import GeocoderServiceError, GeocoderTimedOut
from geopy.geocoders.base import Geocoder

from groups.geocoding import Gazetteer, get_geocoder, locate
from groups.models import Location


@pytest.fixture
def gazetteer(db):
    return Gazetteer()


def test_gazetteer_is_a_geopy_geocoder_chosen_by_setting(settings):
    settings.GEOCODER = "gazetteer"
    assert isinstance(get_geocoder(), Gazetteer)
    assert isinstance(get_geocoder(), Geocoder)
    settings.GEOCODER = "nominatim"
    settings.GEOCODER_USER_AGENT, settings.GEOCODER_TIMEOUT = "test-directory", 3.0
    network = get_geocoder()
    # Nominatim behind a one-request-a-second limit and Django's cache (see the tests below).
    assert type(network.geocoder).__name__ == "Nominatim"
    assert network.geocoder.headers["User-Agent"] == "test-directory"
    assert network.geocoder.timeout == 3.0
    assert network._geocode.min_delay_seconds == 1
    assert get_geocoder() is network  # One per process, so the limit spans requests.


@pytest.mark.parametrize(
    "query, region, country, latitude, longitude",
    [
        ("Portland, OR", "OR", "US", 45.52, -122.68),
        ("97201", "OR", "US", 45.51, -122.69),
        ("Springfield, IL", "IL", "US", 39.80, -89.64),
        ("London, GB", "ENG", "GB", 51.51, -0.13),
        ("portland oregon", "OR", "US", 45.52, -122.68),
        ("London, ON", "ON", "CA", 42.98, -81.23),
        ("New York", "NY", "US", 40.71, -74.01),
        ("Saint Louis", "MO", "US", 38.63, -90.20),
        ("Ft Worth", "TX", "US", 32.73, -97.32),
        # Too small for the city list: found from its ZIP code centroid.
        ("Sisters, OR", "OR", "US", 44.29, -121.55),
    ],
)
def test_places_resolve(gazetteer, query, region, country, latitude, longitude):
    found = gazetteer.geocode(query)
    assert found.raw["region"] == region and found.raw["country"] == country
    assert found.latitude == pytest.approx(latitude, abs=0.05)
    assert found.longitude == pytest.approx(longitude, abs=0.05)


def test_ambiguous_name_returns_candidates_largest_first(gazetteer):
    candidates = gazetteer.geocode("Springfield", exactly_one=False)
    assert len(candidates) > 3
    populations = [candidate.raw["population"] for candidate in candidates]
    assert populations == sorted(populations, reverse=True)
    assert {candidate.raw["region"] for candidate in candidates} >= {"IL", "MO", "MA"}


def test_accents_and_case_do_not_matter(gazetteer):
    assert gazetteer.geocode("SAO PAULO").raw["country"] == "BR"


@pytest.mark.parametrize("query", ["", "   ", "Nowhereville, ZZ", "x" * 10_000, "'; DROP TABLE"])
def test_unknown_places_resolve_to_nothing(gazetteer, query):
    assert gazetteer.geocode(query) is None
    assert gazetteer.geocode(query, exactly_one=False) == []


def test_nominatim_answer_places_the_location_and_is_cached(db, nominatim):
    hall = Location(name="Hall", address="1 Main St", city="Salem", region="OR", country="US")
    assert locate(hall) == "street address"
    assert (hall.latitude, hall.longitude) == (44.9429, -123.0351)
    assert hall.timezone == "America/Los_Angeles"
    assert "countrycodes=us" in nominatim.requests[0]
    other = Location(name="Hall", address="1 Main St", city="Salem", region="OR", country="US")
    locate(other)
    assert other.has_coordinates
    assert len(nominatim.requests) == 1  # The second answer came from the cache.


def test_nominatim_error_raises_geopy_error(db, nominatim):
    nominatim.mode = "error"
    with pytest.raises(GeocoderServiceError):
        get_geocoder().geocode("Salem, OR")


def test_slow_geocoder_times_out(db, nominatim):
    nominatim.mode = "slow"
    with pytest.raises(GeocoderTimedOut):
        get_geocoder().geocode("Salem, OR")
