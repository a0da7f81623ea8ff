"""Place lookup (groups/geocoding.py): the offline gazetteer, addresses, network geocoders."""

import pytest
from geopy.exc import GeocoderServiceError, GeocoderTimedOut
from geopy.geocoders.base import Geocoder
from geopy.location import Location as GeoLocation
from timezonefinder import TimezoneFinder

from groups.geocoding import (
    CachedGeocoder,
    Gazetteer,
    address_queries,
    fill_time_zone,
    get_geocoder,
    locate,
)
from groups.models import Location, Place

# The offline gazetteer


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


def test_find_places_gives_cities_most_populous_first(gazetteer):
    places = gazetteer.find_places("Springfield", limit=3)
    assert len(places) == 3
    assert {place.name for place in places} == {"Springfield"}
    assert {place.kind for place in places} == {Place.Kind.CITY}
    assert [place.population for place in places] == sorted(
        (place.population for place in places), reverse=True
    )
    assert places[0].region == "MO"


def test_find_places_by_zip_code_gives_that_code(gazetteer):
    (place,) = gazetteer.find_places("97201-1234")
    assert (place.kind, place.postal_code, place.region) == (Place.Kind.POSTAL, "97201", "OR")


def test_find_places_reads_a_code_as_a_region_then_as_a_country(gazetteer):
    # "CA" is California first; there is no Vancouver there, so it is Canada's.
    (vancouver, *_) = gazetteer.find_places("Vancouver, CA")
    assert (vancouver.region, vancouver.country) == ("BC", "CA")
    (sacramento, *_) = gazetteer.find_places("Sacramento, CA")
    assert (sacramento.region, sacramento.country) == ("CA", "US")


def test_a_town_too_small_for_the_city_list_is_the_middle_of_its_zip_codes(gazetteer):
    (sisters,) = gazetteer.find_places("Sisters, OR")
    assert sisters.pk is None  # Made up from the ZIP code rows, not one of them.
    codes = Place.objects.filter(kind=Place.Kind.POSTAL, search_name="sisters", region="OR")
    assert codes.exists()
    assert sisters.latitude == pytest.approx(sum(c.latitude for c in codes) / len(codes))
    assert sisters.longitude == pytest.approx(sum(c.longitude for c in codes) / len(codes))
    assert sisters.timezone == "America/Los_Angeles"


def test_geocode_answers_with_the_place_in_raw(gazetteer):
    found = gazetteer.geocode("Portland, OR")
    assert found.address == "Portland, OR, US"
    assert found.raw["timezone"] == "America/Los_Angeles" and found.raw["population"] > 500_000
    assert len(gazetteer.geocode("Springfield", exactly_one=False, limit=2)) == 2
    with pytest.raises(NotImplementedError):
        gazetteer.reverse("45.5, -122.7")


# Suggestions as a person types, and "did you mean"


def test_suggestions_start_with_what_was_typed_largest_first(gazetteer):
    suggested = gazetteer.suggest("portl")
    labels = [label for label, _ in suggested]
    assert len(labels) == 8 and labels[:2] == ["Portland, OR, US", "Portland, ME, US"]
    assert all(label.lower().startswith("portl") for label in labels)
    largest = {}
    for place in Place.objects.filter(kind=Place.Kind.CITY, search_name__startswith="portl"):
        largest[place.label] = max(largest.get(place.label, 0), place.population)
    populations = [largest[label] for label in labels]
    assert populations == sorted(populations, reverse=True)
    assert min(populations) >= sorted(largest.values(), reverse=True)[7]


@pytest.mark.parametrize("typed", ["portl", "Portland, O", "sao p", "SAN FRAN", "st. lo", "londo"])
def test_each_suggestion_searches_back_to_itself(gazetteer, typed):
    suggested = gazetteer.suggest(typed)
    assert suggested
    for label, value in suggested:
        assert gazetteer.geocode(value).address == label


def test_suggestions_narrow_by_what_follows_a_comma(gazetteer):
    assert gazetteer.suggest("Portland, O") == [("Portland, OR, US", "Portland, OR, US")]
    assert [label for label, _ in gazetteer.suggest("Springfield, I")] == ["Springfield, IL, US"]


def test_zip_codes_are_suggested_from_three_digits(gazetteer):
    assert gazetteer.suggest("97") == []
    suggested = gazetteer.suggest("9720")
    assert suggested[0] == ("97201 Portland, OR, US", "97201")
    assert [value for _, value in suggested] == sorted(value for _, value in suggested)
    assert all(value.startswith("9720") for _, value in suggested)


@pytest.mark.parametrize("typed", ["", " ", "p", "!!", "zzzzq", "x" * 500])
def test_too_little_or_nothing_suggests_nothing(gazetteer, typed):
    assert gazetteer.suggest(typed) == []


def test_did_you_mean_forgives_a_slip_near_the_end(gazetteer):
    assert gazetteer.did_you_mean("Portlnd")[0] == ("Portland, OR, US", "Portland, OR, US")
    assert gazetteer.did_you_mean("Qqqq") == []


# Address lookups


def salem(**fields):
    """An unsaved location on a street in Salem, OR; its country as typed, in lower case."""
    fields.setdefault("name", "Hall")
    fields.setdefault("address", "1 Main St")
    fields.setdefault("city", "Salem")
    fields.setdefault("region", "OR")
    fields.setdefault("postal_code", "97301")
    fields.setdefault("country", "us")
    return Location(**fields)


def test_address_queries_go_from_the_street_to_the_town():
    assert list(address_queries(salem())) == [
        ("1 Main St, Salem, OR 97301, US", "street address"),
        ("97301", "postal code"),
        ("Salem, OR, US", "city"),
        ("Salem, US", "city"),
    ]


def test_address_queries_without_streets_begin_at_the_postal_code():
    assert list(address_queries(salem(), streets=False)) == [
        ("97301", "postal code"),
        ("Salem, OR, US", "city"),
        ("Salem, US", "city"),
    ]


def test_address_queries_skip_what_the_address_lacks():
    london = Location(
        address="10 Downing St", city="London", region="ENG", postal_code="SW1A 2AA", country="GB"
    )
    # Postal codes are looked up on their own only in the United States.
    assert list(address_queries(london)) == [
        ("10 Downing St, London, ENG SW1A 2AA, GB", "street address"),
        ("London, ENG, GB", "city"),
        ("London, GB", "city"),
    ]
    assert list(address_queries(salem(address="", postal_code="", region=""))) == [
        ("Salem, US", "city")
    ]
    assert list(address_queries(Location(address="1 Main St", country="US"))) == []


class Answering(Geocoder):
    """A network geocoder that knows a few queries, and records every query it is asked."""

    def __init__(self, answers):
        super().__init__()
        self.answers = answers
        self.queries = []

    def geocode(self, query, **kwargs):
        self.queries.append((query, kwargs))
        if query not in self.answers:
            return None
        latitude, longitude, raw = self.answers[query]
        return GeoLocation(query, (latitude, longitude), raw)


def test_locate_asks_until_a_query_matches_and_a_memo_asks_once():
    geocoder = Answering({"Salem, OR, US": (44.94, -123.03, {})})
    memo = {}
    first = salem(postal_code="")
    assert locate(first, geocoder, memo=memo) == "city"
    assert (first.latitude, first.longitude) == (44.94, -123.03)
    assert geocoder.queries == [
        ("1 Main St, Salem, OR, US", {"country_codes": "us"}),
        ("Salem, OR, US", {"country_codes": "us"}),
    ]
    # The same address again, with the memo: the misses and the match are remembered.
    second = salem(postal_code="")
    assert locate(second, geocoder, memo=memo) == "city"
    assert (second.latitude, second.longitude) == (44.94, -123.03)
    assert len(geocoder.queries) == 2
    # Without it, the geocoder is asked again.
    locate(salem(postal_code=""), geocoder)
    assert len(geocoder.queries) == 4


def test_locate_finds_nothing_and_leaves_the_location_as_it_was():
    geocoder = Answering({})
    hall = salem()
    assert locate(hall, geocoder) is None
    assert not hall.has_coordinates and hall.timezone == ""
    assert [query for query, _ in geocoder.queries] == [
        "1 Main St, Salem, OR 97301, US",
        "97301",
        "Salem, OR, US",
        "Salem, US",
    ]


def test_locate_takes_the_time_zone_from_the_coordinates():
    # The geocoder's own idea of the zone loses to the coordinates, which are in Chicago.
    geocoder = Answering({"Chicago, IL, US": (41.88, -87.63, {"timezone": "America/New_York"})})
    hall = Location(name="Hall", city="Chicago", region="IL", country="US")
    assert locate(hall, geocoder) == "city"
    assert hall.timezone == "America/Chicago"
    # A zone already set is kept.
    denver = Location(
        name="Hall", city="Chicago", region="IL", country="US", timezone="America/Denver"
    )
    locate(denver, geocoder)
    assert denver.has_coordinates and denver.timezone == "America/Denver"


def test_locate_falls_back_to_the_geocoders_time_zone(monkeypatch):
    # Where the time zone data covers no zone, timezonefinder answers None.
    monkeypatch.setattr(TimezoneFinder, "timezone_at", lambda self, *, lng, lat: None)
    geocoder = Answering(
        {
            "Chicago, IL, US": (41.88, -87.63, {"timezone": "America/Chicago"}),
            "Springfield, IL, US": (39.8, -89.64, {}),
        }
    )
    hall = Location(name="Hall", city="Chicago", region="IL", country="US")
    assert locate(hall, geocoder) == "city"
    assert hall.timezone == "America/Chicago"
    nowhere = Location(name="Hall", city="Springfield", region="IL", country="US")
    assert locate(nowhere, geocoder) == "city"
    assert nowhere.has_coordinates and nowhere.timezone == ""


def test_fill_time_zone_only_fills_an_empty_zone_from_coordinates():
    chicago = Location(latitude=41.88, longitude=-87.63)
    assert fill_time_zone(chicago) is True and chicago.timezone == "America/Chicago"
    kept = Location(latitude=41.88, longitude=-87.63, timezone="America/Denver")
    assert fill_time_zone(kept) is False and kept.timezone == "America/Denver"
    unplaced = Location(city="Chicago")
    assert fill_time_zone(unplaced) is False and unplaced.timezone == ""


# Network geocoders


class Counting(Geocoder):
    """A network geocoder that knows only Salem, OR, and counts what it is asked."""

    def __init__(self):
        super().__init__()
        self.queries = []

    def geocode(self, query, **kwargs):
        self.queries.append(query)
        if query == "Salem, OR":
            return GeoLocation(
                "Salem, OR, US", (44.94, -123.03), {"timezone": "America/Los_Angeles"}
            )
        return None


def test_cached_geocoder_asks_once_for_an_answer(db):
    network = Counting()
    cached = CachedGeocoder(network, name="counting", cache_seconds=3600)
    assert cached.geocode("Salem, OR").address == "Salem, OR, US"
    again = cached.geocode("Salem, OR")
    assert network.queries == ["Salem, OR"]
    assert (again.address, again.latitude, again.longitude) == ("Salem, OR, US", 44.94, -123.03)
    assert again.raw == {"timezone": "America/Los_Angeles"}
    # Another server's answers are its own.
    other = Counting()
    assert CachedGeocoder(other, name="other", cache_seconds=3600).geocode("Salem, OR")
    assert other.queries == ["Salem, OR"]


def test_cached_geocoder_asks_once_for_a_miss(db):
    network = Counting()
    cached = CachedGeocoder(network, name="counting", cache_seconds=3600)
    assert cached.geocode("Atlantis") is None
    assert cached.geocode("Atlantis") is None
    assert network.queries == ["Atlantis"]


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
