"""Synthetic meetings for demonstration, clearly marked as samples.

Every row made here has ``is_sample=True`` and a name ending in "(sample)"; links point at the
reserved ``.invalid`` domain and phone numbers at the 555-01xx range kept for fiction, so nothing
invented can reach a real group. The same seed always gives the same data.
"""

import math
import random
from datetime import date, time, timedelta

from django.db import transaction

from groups import rules, schedule
from groups.models import Attendance, Format, Location, Meeting, Place, Program
from groups.search.queryset import refresh_planner_statistics

SAMPLE_SUFFIX = " (sample)"

# Rough shares of weekly meetings by program: NA is by far the largest, DRA the smallest.
PROGRAM_WEIGHTS = {"na": 62, "smart": 20, "lifering": 7, "sos": 6, "dra": 5}
ATTENDANCE_WEIGHTS = {Attendance.IN_PERSON: 70, Attendance.ONLINE: 18, Attendance.HYBRID: 12}
START_TIMES = {
    time(6, 30): 3, time(7, 0): 6, time(9, 30): 3, time(10, 0): 6, time(12, 0): 10,
    time(12, 15): 4, time(13, 0): 3, time(17, 30): 6, time(18, 0): 10, time(18, 30): 8,
    time(19, 0): 16, time(19, 30): 12, time(20, 0): 14, time(21, 0): 5, time(22, 0): 3,
    time(23, 0): 1,
}  # fmt: skip
DURATIONS = {60: 70, 90: 28, 120: 2}
PROGRAM_FORMATS = {
    "na": ["D", "SP", "ST", "LIT", "BT", "JFT", "TR", "QA", "CAN", "MED"],
    "dra": ["D", "ST", "LIT", "DD", "TOP"],
    "sos": ["D", "TOP"],
    "smart": ["TOOLS", "D", "FAM"],
    "lifering": ["D", "WB", "TOP"],
}
SHARED_FORMATS = {"BE": 0.15, "W": 0.05, "M": 0.05, "LGBTQ": 0.04, "Y": 0.04, "X": 0.35}
COUNTRY_LANGUAGES = {
    "US": "en", "GB": "en", "CA": "en", "AU": "en", "IE": "en", "NZ": "en", "MX": "es",
    "ES": "es", "AR": "es", "CO": "es", "FR": "fr", "DE": "de", "IT": "it", "BR": "pt",
    "PT": "pt", "NL": "nl", "PL": "pl",
}  # fmt: skip
NAME_WORDS = (
    ["Hope", "Serenity", "New Day", "Clean Start", "Open Door", "Fresh Air", "Lifeline",
     "Keep Coming", "Turning Point", "Common Ground", "Daybreak", "Harbor", "Bridge",
     "Lighthouse", "Crossroads", "Good Morning", "Nightlight", "Freedom", "Steady Steps"],
    ["Group", "Circle", "Meeting", "Gathering", "Session"],
)  # fmt: skip
STREETS = ["Main St", "Oak Ave", "Church St", "Park Rd", "High St", "Elm St", "Mill Rd",
           "Lake Dr", "Center St", "Maple Ave"]  # fmt: skip
VENUES = ["Community Center", "Church Hall", "Library Room", "Recovery Clubhouse",
          "Health Center", "Civic Hall", "Friends Meeting House"]  # fmt: skip
PLACES_USED = 4000
MEETINGS_PER_LOCATION = 4
# So a newcomer trying the sample data finds meetings where they look first: the largest US
# cities and the largest in the world each get this many local meetings before the rest are
# spread by population (as far as the count allows).
FEATURED_US_CITIES = 50
FEATURED_WORLD_CITIES = 20
FEATURED_MEETINGS = 6


def _pick(rng, weights):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def clear_samples():
    """Delete every sample meeting and location (never a real one)."""
    Meeting.objects.filter(is_sample=True).delete()
    Location.objects.filter(is_sample=True, meetings__isnull=True).delete()


def featured_places(places):
    """The largest US cities and the largest cities in the world, from places largest first."""
    us = [place for place in places if place.country == "US"][:FEATURED_US_CITIES]
    featured = {place.pk: place for place in [*us, *places[:FEATURED_WORLD_CITIES]]}
    return list(featured.values())


def meeting_homes(rng, places, local_meetings):
    """The place of each local meeting: a share for each featured city, the rest by population."""
    # Bigger cities have more meetings, but less than in proportion to their size.
    weights = [max(place.population, 1) ** 0.6 for place in places]
    featured = featured_places(places)
    each = min(FEATURED_MEETINGS, local_meetings // len(featured))
    homes = [place for place in featured for _ in range(each)]
    homes += rng.choices(places, weights=weights, k=local_meetings - len(homes))
    rng.shuffle(homes)
    return homes, weights


def sample_venues(rng, homes):
    """Venues for the local meetings, MEETINGS_PER_LOCATION to a venue, each within about 15 km of
    its city's centre: the unsaved venues, and the venue of each meeting in ``homes``' order."""
    by_place = {}
    for index, place in enumerate(homes):
        by_place.setdefault(place.pk, (place, []))[1].append(index)
    venues, venue_of = [], [None] * len(homes)
    for place, indexes in by_place.values():
        here = []
        for _ in range(math.ceil(len(indexes) / MEETINGS_PER_LOCATION)):
            latitude = max(-89.9, min(89.9, place.latitude + rng.uniform(-0.12, 0.12)))
            longitude = ((place.longitude + rng.uniform(-0.15, 0.15) + 180) % 360) - 180
            here.append(
                Location(
                    name=f"{rng.choice(VENUES)} {len(venues) + len(here) + 1}{SAMPLE_SUFFIX}",
                    address=f"{rng.randint(1, 2999)} {rng.choice(STREETS)}",
                    city=place.name,
                    region=place.region,
                    country=place.country,
                    latitude=round(latitude, 6),
                    longitude=round(longitude, 6),
                    timezone=place.timezone,
                    directions="Sample listing: no real room exists.",
                    is_sample=True,
                )
            )
        for position, index in enumerate(indexes):
            venue_of[index] = here[position % len(here)]
        venues += here
    return venues, venue_of


@transaction.atomic
def load_demo(meetings, seed):
    """Replace the sample data with ``meetings`` synthetic meetings generated from ``seed``."""
    rng = random.Random(seed)
    clear_samples()
    programs = {program.slug: program for program in Program.objects.all()}
    formats = {fmt.code: fmt for fmt in Format.objects.all()}
    places = list(
        Place.objects.filter(kind=Place.Kind.CITY)
        .exclude(timezone="")
        .order_by("-population", "name", "country", "region")[:PLACES_USED]
    )
    if not places:
        raise ValueError("The gazetteer is empty: run `manage.py load_gazetteer` first.")
    attendances = [_pick(rng, ATTENDANCE_WEIGHTS) for _ in range(meetings)]
    local_meetings = sum(attendance != Attendance.ONLINE for attendance in attendances)
    homes, place_weights = meeting_homes(rng, places, local_meetings)
    locations, venue_of = sample_venues(rng, homes)
    Location.objects.bulk_create(locations, batch_size=2000)
    venues = iter(venue_of)

    today = date.today()
    rows, format_codes = [], []
    for index, attendance in enumerate(attendances):
        program = _pick(rng, PROGRAM_WEIGHTS)
        if attendance == Attendance.ONLINE:
            location = None
            # An online meeting keeps the time of a place where the programs meet.
            home = rng.choices(places, weights=place_weights)[0]
            zone, country = home.timezone, home.country
        else:
            location = next(venues)
            zone, country = location.timezone, location.country
        start = _pick(rng, START_TIMES)
        minutes = _pick(rng, DURATIONS)
        end = schedule.clock(start.hour * 60 + start.minute + minutes)
        name = f"{rng.choice(NAME_WORDS[0])} {rng.choice(NAME_WORDS[1])}{SAMPLE_SUFFIX}"
        online = attendance != Attendance.IN_PERSON
        phone = rng.randint(0, 99) if online and rng.random() < 0.4 else (index % 100)
        meeting = Meeting(
            program=programs[program],
            location=location,
            name=name,
            slug=f"sample-{index + 1}",
            weekday=rng.randrange(7),
            start_time=start,
            end_time=end,
            timezone=zone,
            attendance=attendance,
            conference_url=f"https://meet.example.invalid/{index + 1}" if online else "",
            # Every online sample has a dial-in phone, so apps reading a feed would show how to
            # join (rules.joinable_in_apps); 555-0100 to 555-0199 are numbers no one answers.
            conference_phone=f"+1 202 555 01{phone:02d}" if online else "",
            language=COUNTRY_LANGUAGES.get(country, "en") if rng.random() > 0.08 else "es",
            notes="Sample meeting for demonstration. It is not real.",
            last_verified=today - timedelta(days=rng.randint(0, 730)),
            is_sample=True,
        )
        meeting.fill_derived_fields()
        rows.append(meeting)
        codes = {"C" if rng.random() < 0.5 else "O"} if program in ("na", "dra") else set()
        codes.update(rng.sample(PROGRAM_FORMATS[program], k=rng.randint(1, 2)))
        codes.update(code for code, share in SHARED_FORMATS.items() if rng.random() < share)
        codes -= set(rules.room_codes(attendance, codes))  # A video call has no wheelchair ramp.
        format_codes.append(sorted(codes))
    Meeting.objects.bulk_create(rows, batch_size=2000)

    through = Meeting.formats.through
    links = [
        through(meeting_id=meeting.pk, format_id=formats[code].pk)
        for meeting, codes in zip(rows, format_codes, strict=True)
        for code in codes
        if code in formats
    ]
    through.objects.bulk_create(links, batch_size=5000)
    refresh_planner_statistics()
    return len(rows)
