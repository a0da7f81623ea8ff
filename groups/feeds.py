"""Meeting data out: the Meeting Guide JSON feed and CSV rows.

The Meeting Guide format (code4recovery/spec, README.md) is what 12-step sites and the apps that
read them speak, so our feed follows it field for field. Three choices of ours:

- Sample meetings are never in the feed or the CSV: other apps would show invented meetings as real.
- Contact details are never exported; they stay on our own pages, where their owners chose to
  publish them.
- ``attendance_option`` (``in_person``, ``online``, ``hybrid``) is added for readers that take it
  as given (our own import does). TSML UI never reads it: it takes a meeting as online from its
  join link or phone and as in person when ``approximate`` is "no", which every record says; the
  12 Step Meeting List plugin works its own out the same way.
- Online-only meetings carry an approximate place (their organisers' town, else their time
  zone's city) so that readers which need an address keep them; in-person codes never appear on
  them. ``group`` is the named home group, and the program is the ``entity``.

The CSV columns are the feed's keys, so a spreadsheet exported here imports back with
``manage.py import_meetings --format csv``.
"""

import csv
import hashlib
import io
import json
from collections import defaultdict
from datetime import UTC
from itertools import islice

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Max
from django.utils import translation
from django.utils.translation import pgettext_lazy

from groups import rules
from groups.geocoding import country_name, region_label, region_name, zone_place
from groups.links import path_for
from groups.models import Attendance, Group, Location, Meeting
from groups.schedule import day_name
from groups.vocabulary import (
    ATTENDANCE_OPTIONS,
    FORMATS_BY_CODE,
    LANGUAGES,
    OWN_FORMATS_NOTE,
)

UPDATED_FORMAT = "%Y-%m-%d %H:%M:%S"
# What the feed is made of, each with an ``updated`` stamp (indexed where the table is large).
TRACKED = (Meeting, Location, Group)
# Columns the feed never writes: not reading them spares a tenth of building it.
FEED_SKIPS = [
    "is_active", "last_verified", "is_sample", "source", "external_id", "created",
    "week_minute", "duration", "utc_week_minute", "std_offset",
]  # fmt: skip
# Meetings read from the database at a time while the feed is written.
FEED_CHUNK = 2000
CSV_COLUMNS = [
    "slug", "name", "program", "day", "time", "end_time", "timezone", "attendance", "types",
    "language", "location", "address", "city", "state", "postal_code", "country", "latitude",
    "longitude", "location_notes", "conference_url", "conference_url_notes", "conference_phone",
    "conference_phone_notes", "notes", "url", "updated",
]  # fmt: skip
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Only the CSV export of a search has these; an import ignores them.
CSV_SEARCH_COLUMNS = ["distance_km"]
# Each column's heading as a reader of the page's language reads it; in English, the column's
# own name (what other sites' CSV files call it). An import reads them in any of the languages.
CSV_HEADINGS = {
    "slug": pgettext_lazy("CSV column", "slug"),
    "name": pgettext_lazy("CSV column", "name"),
    "program": pgettext_lazy("CSV column", "program"),
    "day": pgettext_lazy("CSV column", "day"),
    "time": pgettext_lazy("CSV column", "time"),
    "end_time": pgettext_lazy("CSV column", "end_time"),
    "timezone": pgettext_lazy("CSV column", "timezone"),
    "attendance": pgettext_lazy("CSV column", "attendance"),
    "types": pgettext_lazy("CSV column", "types"),
    "language": pgettext_lazy("CSV column", "language"),
    "location": pgettext_lazy("CSV column", "location"),
    "address": pgettext_lazy("CSV column", "address"),
    "city": pgettext_lazy("CSV column", "city"),
    "state": pgettext_lazy("CSV column", "state"),
    "postal_code": pgettext_lazy("CSV column", "postal_code"),
    "country": pgettext_lazy("CSV column", "country"),
    "latitude": pgettext_lazy("CSV column", "latitude"),
    "longitude": pgettext_lazy("CSV column", "longitude"),
    "location_notes": pgettext_lazy("CSV column", "location_notes"),
    "conference_url": pgettext_lazy("CSV column", "conference_url"),
    "conference_url_notes": pgettext_lazy("CSV column", "conference_url_notes"),
    "conference_phone": pgettext_lazy("CSV column", "conference_phone"),
    "conference_phone_notes": pgettext_lazy("CSV column", "conference_phone_notes"),
    "notes": pgettext_lazy("CSV column", "notes"),
    "url": pgettext_lazy("CSV column", "url"),
    "updated": pgettext_lazy("CSV column", "updated"),
    "distance_km": pgettext_lazy("CSV column", "distance_km"),
}


def feed_queryset(programs=()):
    """Meetings the feed lists: active and real, of the given program slugs (all when empty)."""
    meetings = Meeting.objects.active().filter(is_sample=False)
    if programs:
        meetings = meetings.filter(program__slug__in=programs)
    # Five programs and a few groups: fetched once a chunk rather than joined into every row.
    # The formats come as codes in meeting_guide_feed.
    return (
        meetings.select_related("location")
        .prefetch_related("program", "group")
        .defer(*FEED_SKIPS, "location__is_sample", "location__timezone")
    )


def feed_version(programs=()):
    """(ETag, last modified) of the feed for these programs, from a few index lookups.

    Any change to a meeting, a location or a group (deactivation included) moves the newest
    ``updated`` stamp, and a deletion, which leaves no date behind, changes the count. Both are
    read from indexes, so a feed reader that already has this version is answered at once.
    """
    # Separate queries: a maximum alone is one step down an index, a count beside it is a scan.
    stamps = [model.objects.aggregate(newest=Max("updated"))["newest"] for model in TRACKED]
    stamps = [stamp for stamp in stamps if stamp is not None]
    counts = [str(model.objects.count()) for model in TRACKED]
    last_modified = max(stamps) if stamps else None
    key = "|".join([",".join(sorted(programs)), *counts, *(stamp.isoformat() for stamp in stamps)])
    return f'W/"{hashlib.sha256(key.encode()).hexdigest()[:32]}"', last_modified


def meeting_types(meeting, format_codes=None):
    """The meeting's type codes: its language first, then its formats (none about a room when it
    is held only online), then A when secular. A long list passes each meeting's
    ``format_codes``, read for many meetings at once; else they are read from the meeting."""
    if format_codes is None:
        format_codes = [fmt.code for fmt in meeting.fitting_formats()]
    else:
        dropped = set(rules.room_codes(meeting.attendance, format_codes))
        format_codes = [code for code in format_codes if code not in dropped]
    language_code = LANGUAGES.get(meeting.language, (None, None, None))[1]
    codes = [language_code] if language_code else []
    codes += sorted(code for code in format_codes if code not in codes)
    codes += [code for code in rules.program_codes(meeting.program.philosophy) if code not in codes]
    return codes


def format_codes(meeting_ids):
    """{meeting id: [format codes]} for many meetings, in one query."""
    codes = defaultdict(list)
    rows = Meeting.formats.through.objects.filter(meeting_id__in=meeting_ids)
    for meeting_id, code in rows.values_list("meeting_id", "format__code"):
        codes[meeting_id].append(code)
    return codes


def spec_types(codes):
    """(types, names) for the feed: Meeting Guide codes, and the names of our own codes for the
    notes, so that readers which drop codes they do not know (TSML UI does, silently) still
    tell people. Our import reads the names back (groups.importers.records)."""
    types, names = [], []
    for code in codes:
        term = FORMATS_BY_CODE.get(code)
        if term is not None and term.ours:
            names.append(term.name)
        else:
            types.append(code)
    return types, names


def last_updated(meeting):
    stamps = [meeting.updated]
    if meeting.location is not None:
        stamps.append(meeting.location.updated)
    if meeting.group is not None:
        stamps.append(meeting.group.updated)
    return max(stamps).astimezone(UTC).strftime(UPDATED_FORMAT)


def dial_string(phone):
    """A phone number in the spec's characters only: digits and + , * # ("+16465588656,,1#")."""
    return "".join(char for char in phone if char in "0123456789+,*#")


class FeedContext:
    """What a feed looks up once for all its records, lazily.

    - The area of an online meeting with no place of its own: its time zone's city. The spec
      lets an online meeting give an approximate address, and TSML UI drops a record with none;
      the zone's own city ("Chicago" for America/Chicago) is the region its time implies.
    - Group names that groups of several programs share: readers match a meeting's ``group`` by
      its name alone (TSML UI lists a group's "other meetings" so), so these get the program's
      short name: "Hope Group (SMART Recovery)".
    """

    def __init__(self, absolute_url):
        self.areas = {}
        self.shared_names = None
        # The site's address once, not once per link: "https://meetings.example.org".
        self.site = absolute_url("/").removesuffix("/")
        self.program_urls = {}

    def url(self, view_name, slug):
        return self.site + path_for(view_name, slug)

    def program_url(self, program):
        if program.pk not in self.program_urls:
            self.program_urls[program.pk] = program.website or self.site + (
                program.get_absolute_url()
            )
        return self.program_urls[program.pk]

    def area(self, zone):
        if zone not in self.areas:
            place = zone_place(zone)
            self.areas[zone] = (
                (place.name, region_label(place.country, place.region), place.country)
                if place
                else None
            )
        return self.areas[zone]

    def group_name(self, group, program):
        if self.shared_names is None:
            self.shared_names = set(
                Group.objects.values("name")
                .annotate(programs=Count("program", distinct=True))
                .filter(programs__gt=1)
                .values_list("name", flat=True)
            )
        if group.name in self.shared_names:
            return f"{group.name} ({program.short_name})"
        return group.name


def place_fields(meeting, context):
    """The feed's place keys: the address in person, else an approximate area (no street)."""
    location = meeting.location
    if meeting.attendance == Attendance.ONLINE:
        if location is not None:
            city, state, country = location.city, location.region_label, location.country
            regions = location.regions
        else:
            city, state, country = context.area(meeting.timezone) or ("", "", "")
            regions = [country_name(country), region_name(country, state), city] if city else []
        parts = [city, state, country]
        return {
            "approximate": "yes",
            # A zone with no city (Etc/UTC) still needs some address to be listed.
            "formatted_address": ", ".join(part for part in parts if part) or "Online",
            "city": city,
            "state": state,
            "country": country,
            "regions": [name for name in regions if name],
        }
    fields = {
        "approximate": "no",
        "location": location.name,
        "location_notes": location.directions,
        "formatted_address": location.formatted_address,
        "address": location.address,
        "city": location.city,
        "state": location.region_label,
        "postal_code": location.postal_code,
        "country": location.country,
        "regions": location.regions,
    }
    if location.has_coordinates:
        # Five decimals place a door to within about a metre.
        fields.update(latitude=round(location.latitude, 5), longitude=round(location.longitude, 5))
    return fields


def meeting_guide_record(meeting, absolute_url, context=None, format_codes=None):
    """One meeting as a Meeting Guide feed entry; ``absolute_url`` turns a path into a URL.

    Empty values are left out, as the spec asks.
    """
    context = context or FeedContext(absolute_url)
    types, own_names = spec_types(meeting_types(meeting, format_codes))
    notes = meeting.notes
    if own_names:
        own = f"{OWN_FORMATS_NOTE}{', '.join(own_names)}."
        notes = "\n\n".join(part for part in (notes, own) if part)
    record = {
        "name": meeting.name,
        "slug": meeting.slug,
        "day": meeting.weekday,
        "time": meeting.start_time.strftime("%H:%M"),
        "end_time": meeting.end_time.strftime("%H:%M") if meeting.end_time else "",
        "timezone": meeting.timezone,
        "types": types,
        "notes": notes,
        "attendance_option": ATTENDANCE_OPTIONS[meeting.attendance],
        **place_fields(meeting, context),
        "conference_url": meeting.conference_url,
        "conference_url_notes": meeting.conference_url_notes,
        "conference_phone": dial_string(meeting.conference_phone),
        "conference_phone_notes": meeting.conference_phone_notes,
    }
    program = meeting.program
    if meeting.group is not None:
        group_name = context.group_name(meeting.group, program)
        record.update(group=group_name, group_notes=meeting.group.notes)
    record.update(
        entity=program.name,
        entity_url=context.program_url(program),
        feedback_url=context.url("groups:suggest_change", meeting.slug),
        url=context.url("groups:meeting", meeting.slug),
        updated=last_updated(meeting),
    )
    return {key: value for key, value in record.items() if value not in ("", None, [])}


def meeting_guide_feed(meetings, absolute_url):
    """Yield the feed's records one at a time, so a long feed can be streamed."""
    context = FeedContext(absolute_url)
    rows = meetings.iterator(chunk_size=FEED_CHUNK)
    while chunk := list(islice(rows, FEED_CHUNK)):
        codes = format_codes([meeting.pk for meeting in chunk])
        for meeting in chunk:
            yield meeting_guide_record(meeting, absolute_url, context, codes.get(meeting.pk, []))


def meeting_guide_json(meetings, absolute_url):
    """The feed's JSON text, piece by piece, as its records are made.

    Always in the site's own language, with links to its unprefixed pages, whichever address
    asked for it: one feed per version of the data, for every reader.
    """
    with translation.override(settings.LANGUAGE_CODE):
        yield "["
        separator = ""
        for record in meeting_guide_feed(meetings, absolute_url):
            yield separator + json.dumps(record, ensure_ascii=False, cls=DjangoJSONEncoder)
            separator = ", "
        yield "]"


def csv_row(meeting, absolute_url):
    """One meeting as a row of CSV_COLUMNS (and the search columns when it has them)."""
    record = meeting_guide_record(meeting, absolute_url)
    row = {column: record.get(column, "") for column in CSV_COLUMNS}
    if meeting.location is None:
        # The feed's approximate area is for other apps; an import here would make it a place.
        row.update(city="", state="", country="")
    row.update(
        program=meeting.program.slug,
        day=str(day_name(meeting.weekday)),  # In the reader's language: "Monday", "lunes".
        attendance=meeting.attendance,
        language=meeting.language,
        # Our own codes too: the CSV is read back by our import, which knows them.
        types=", ".join(meeting_types(meeting)),
        notes=meeting.notes,
        conference_phone=meeting.conference_phone,
    )
    distance = getattr(meeting, "distance_km", None)
    row["distance_km"] = f"{distance:.2f}" if distance is not None else ""
    return {column: spreadsheet_safe(value) for column, value in row.items()}


def csv_text(meetings, absolute_url):
    """The CSV of search results, piece by piece, a chunk of meetings at a time."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS + CSV_SEARCH_COLUMNS)
    writer.writerow({column: str(heading) for column, heading in CSV_HEADINGS.items()})
    for number, meeting in enumerate(meetings.iterator(chunk_size=FEED_CHUNK), 1):
        writer.writerow(csv_row(meeting, absolute_url))
        if number % FEED_CHUNK == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def spreadsheet_safe(value):
    """Text a spreadsheet will not run as a formula: a leading = + - or @ gets an apostrophe.

    The importer takes the apostrophe off again, so a dial-in number like +1 646... survives.
    """
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value
