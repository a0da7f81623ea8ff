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
from dataclasses import dataclass

import orjson
from django.conf import settings
from django.db.models import Aggregate, CharField, Count, Func, Max, OuterRef, Subquery
from django.db.models.functions import Cast, Coalesce, Greatest
from django.utils import translation
from django.utils.translation import get_language, pgettext_lazy

from groups import rules
from groups.geocoding import country_name, region_label, region_name, zone_place
from groups.links import SLUG_MARK, slug_path
from groups.models import Attendance, Format, Group, Location, Meeting, Program
from groups.models.changes import latest_mark
from groups.schedule import day_name
from groups.vocabulary import (
    ATTENDANCE_OPTIONS,
    FORMATS_BY_CODE,
    LANGUAGES,
    OWN_FORMATS_NOTE,
)

# What the feed is made of, each with an ``updated`` stamp (indexed where the table is large).
TRACKED = (Meeting, Location, Group)
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
    return meetings


def feed_version(programs=()):
    """(ETag, last modified) of the feed for these programs, from a few index lookups.

    Any change to a meeting, a location or a group (deactivation included) moves the newest
    ``updated`` stamp; a deletion, or an edit of a program or a format, adds a ChangeMark.
    """
    stamps = [model.objects.aggregate(newest=Max("updated"))["newest"] for model in TRACKED]
    mark_id, mark_at = latest_mark() or (0, None)
    stamps = [stamp for stamp in (*stamps, mark_at) if stamp is not None]
    last_modified = max(stamps) if stamps else None
    key = "|".join([",".join(sorted(programs)), str(mark_id), *(s.isoformat() for s in stamps)])
    return f'W/"{hashlib.sha256(key.encode()).hexdigest()[:32]}"', last_modified


def meeting_types(language, attendance, philosophy, format_codes):
    """A meeting's type codes: its language first, then its formats (none about a room when it
    is held only online), then those its program implies (A when secular)."""
    dropped = set(rules.room_codes(attendance, format_codes))
    language_code = LANGUAGES.get(language, (None, None, None))[1]
    codes = [language_code] if language_code else []
    codes += sorted(code for code in format_codes if code not in dropped and code not in codes)
    codes += [code for code in rules.program_codes(philosophy) if code not in codes]
    return codes


class CodeList(Aggregate):
    """Texts joined by commas in one, "3,17,42": a row carries its own list, so a feed makes no
    query a chunk for them (a list of thousands of ids is slow to send)."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s, ',')"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="STRING_AGG", **extra_context)


def format_ids_column():
    """The subquery that gives each meeting row its format ids (CodeList), which FeedContext
    names. Ids rather than codes: PostgreSQL then reads only the link table's index for each
    meeting, where joining the formats table there took a second of a 100,000-meeting feed."""
    through = Meeting.formats.through.objects.filter(meeting=OuterRef("pk"))
    ids = CodeList(Cast("format_id", CharField()))
    return Subquery(through.order_by().values("meeting").annotate(ids=ids).values("ids"))


class UtcText(Func):
    """A moment as the feed writes it, "2026-12-07 18:03:41" in UTC, made by the database: reading
    the moments of a 100,000-meeting feed into Python and writing them again took half a second."""

    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"
        return self.as_sql(compiler, connection, template=template, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        # Django keeps moments in SQLite as UTC text.
        template = "strftime('%%Y-%%m-%%d %%H:%%M:%%S', %(expressions)s)"
        return self.as_sql(compiler, connection, template=template, **extra_context)


def changed_column():
    """The latest change to a meeting, its place or its group (the feed's ``updated``)."""
    return UtcText(
        Greatest(
            "updated",
            # Greatest is NULL on SQLite when any part is: a meeting with no place or group.
            Coalesce("location__updated", "updated"),
            Coalesce("group__updated", "updated"),
        )
    )


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


def dial_string(phone):
    """A phone number in the spec's characters only: digits and + , * # ("+16465588656,,1#")."""
    if not phone:  # Most meetings have none: a feed asks 100,000 times.
        return ""
    return "".join(char for char in phone if char in "0123456789+,*#")


# What a feed or CSV row reads of each meeting, with its place and group joined in; each place
# and group is turned into the feed's keys once, for every meeting that shares it. Rows rather
# than model instances: building a hundred thousand instances was most of a feed's time.
ROW_FIELDS = [
    "pk", "name", "slug", "weekday", "start_time", "end_time", "timezone", "attendance",
    "language", "notes", "conference_url", "conference_url_notes", "conference_phone",
    "conference_phone_notes", "program_id", "location_id", "group_id",
]  # fmt: skip
LOCATION_COLUMNS = [
    "name", "address", "city", "region", "postal_code", "country", "latitude", "longitude",
    "directions",
]  # fmt: skip
GROUP_COLUMNS = ["name", "notes", "program_id"]
# Places a build keeps made at once. The feed comes by place and needs few; a search's CSV comes
# by distance and meets a place again later. Each holds a dict of a dozen keys: keeping every
# place of a 100,000-meeting feed (20,000) added about 27 MB to a worker's peak, for good.
PLACES_KEPT = 2000


@dataclass(frozen=True)
class Place:
    """A location as the feed writes it, worked out once for all the meetings held there."""

    fields: dict  # The feed's place keys for a meeting held there.
    area: tuple  # (city, state, country, regions): an online meeting's approximate place.


@dataclass(frozen=True)
class FeedProgram:
    """A program as the feed and the CSV write it."""

    name: str
    short_name: str
    url: str
    philosophy: str
    slug: str


class FeedContext:
    """What a feed looks up once for all its records, lazily.

    - Each location's place keys, each group's name and notes, each program's name and page,
      each format's code.
    - The area of an online meeting with no place of its own: its time zone's city. The spec
      lets an online meeting give an approximate address, and TSML UI drops a record with none;
      the zone's own city ("Chicago" for America/Chicago) is the region its time implies.
    - Group names that groups of several programs share: readers match a meeting's ``group`` by
      its name alone (TSML UI lists a group's "other meetings" so), so these get the program's
      short name: "Hope Group (SMART Recovery)".
    """

    def __init__(self, absolute_url):
        self.areas = {}
        self.places = {}
        self.groups = {}
        self.shared_names = None
        self.programs = None
        # The site's address once, not once per link: "https://meetings.example.org".
        self.site = absolute_url("/").removesuffix("/")
        self.paths = {}
        self.format_codes = None
        self.kinds = {}

    def url(self, view_name, slug):
        if view_name not in self.paths:  # A feed is written in one language throughout.
            self.paths[view_name] = self.site + slug_path(view_name, get_language())
        return self.paths[view_name].replace(SLUG_MARK, slug)

    def program(self, pk):
        if self.programs is None:
            self.programs = {
                program.pk: FeedProgram(
                    name=program.name,
                    short_name=program.short_name,
                    url=program.website or self.site + program.get_absolute_url(),
                    philosophy=program.philosophy,
                    slug=program.slug,
                )
                for program in Program.objects.all()
            }
        return self.programs[pk]

    def area(self, zone):
        if zone not in self.areas:
            place = zone_place(zone)
            self.areas[zone] = (
                (place.name, region_label(place.country, place.region), place.country)
                if place
                else None
            )
        return self.areas[zone]

    def place(self, row):
        """The Place of the row's location (None for a meeting with none), made once."""
        if row.location_id is None:
            return None
        if len(self.places) >= PLACES_KEPT:
            # A bound on a worker's memory: rows carry their place's columns, so a place
            # forgotten here is made again when a meeting there comes.
            self.places.clear()
        if row.location_id not in self.places:
            values = [getattr(row, f"location__{name}") for name in LOCATION_COLUMNS]
            # from_db, as a query's rows are made: the other fields are left deferred, where
            # Location(**columns) looked up each one's default (a sixth of a feed's build).
            location = Location.from_db(None, LOCATION_COLUMNS, values)
            self.places[row.location_id] = place_of(location)
        return self.places[row.location_id]

    def codes(self, row):
        """The format codes of the row's meeting, from the ids it carries."""
        if not row.format_ids:
            return []
        if self.format_codes is None:
            self.format_codes = {
                str(pk): code for pk, code in Format.objects.values_list("pk", "code")
            }
        return [self.format_codes[pk] for pk in row.format_ids.split(",")]

    def types(self, row, philosophy, format_codes):
        """spec_types of the row's meeting_types, worked out once for each mix of language,
        attendance, philosophy and formats: a feed's 100,000 meetings share a few thousand."""
        key = (row.language, row.attendance, philosophy, row.format_ids)
        found = self.kinds.get(key)
        if found is None:
            codes = meeting_types(row.language, row.attendance, philosophy, format_codes)
            types, names = spec_types(codes)
            # Shared by every record of the kind: tuples, so that none can change another's.
            found = self.kinds[key] = (tuple(types), tuple(names))
        return found

    def group(self, row):
        """(name as the feed writes it, notes) of the row's group, made once."""
        if row.group_id not in self.groups:
            if self.shared_names is None:
                self.shared_names = set(
                    Group.objects.values("name")
                    .annotate(programs=Count("program", distinct=True))
                    .filter(programs__gt=1)
                    .values_list("name", flat=True)
                )
            name = row.group__name
            if name in self.shared_names:
                name = f"{name} ({self.program(row.group__program_id).short_name})"
            self.groups[row.group_id] = (name, row.group__notes)
        return self.groups[row.group_id]


def place_of(location):
    """The feed's place keys for a meeting held at ``location``, and its area for one held only
    online whose organisers gave it as their town."""
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
    area = (location.city, location.region_label, location.country, location.regions)
    return Place(fields=fields, area=area)


def place_fields(row, place, context):
    """The feed's place keys: the address in person, else an approximate area (no street)."""
    if row.attendance != Attendance.ONLINE:
        return place.fields
    if place is not None:
        city, state, country, regions = place.area
    else:
        city, state, country = context.area(row.timezone) or ("", "", "")
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


def meeting_guide_record(row, context, format_codes):
    """One meeting (a row of ROW_FIELDS) as a Meeting Guide feed entry.

    Empty values are left out, as the spec asks.
    """
    program, place = context.program(row.program_id), context.place(row)
    types, own_names = context.types(row, program.philosophy, format_codes)
    notes = row.notes
    if own_names:
        own = f"{OWN_FORMATS_NOTE}{', '.join(own_names)}."
        notes = "\n\n".join(part for part in (notes, own) if part)
    record = {
        "name": row.name,
        "slug": row.slug,
        "day": row.weekday,
        "time": clock_text(row.start_time),
        "end_time": clock_text(row.end_time) if row.end_time else "",
        "timezone": row.timezone,
        "types": types,
        "notes": notes,
        "attendance_option": ATTENDANCE_OPTIONS[row.attendance],
        **place_fields(row, place, context),
        "conference_url": row.conference_url,
        "conference_url_notes": row.conference_url_notes,
        "conference_phone": dial_string(row.conference_phone),
        "conference_phone_notes": row.conference_phone_notes,
    }
    if row.group_id is not None:
        group_name, group_notes = context.group(row)
        record.update(group=group_name, group_notes=group_notes)
    record.update(
        entity=program.name,
        entity_url=program.url,
        feedback_url=context.url("groups:suggest_change", row.slug),
        url=context.url("groups:meeting", row.slug),
        updated=row.changed,
    )
    return {key: value for key, value in record.items() if value or value == 0}  # 0: Sunday.


def clock_text(clock):
    """'19:30': a time as the feed writes it."""
    return f"{clock.hour:02d}:{clock.minute:02d}"


def feed_rows(meetings, *extra):
    """The meetings as rows of ROW_FIELDS, their place, group and format codes (and ``extra``
    columns), read from the database a chunk at a time."""
    columns = [
        *ROW_FIELDS,
        *(f"location__{name}" for name in LOCATION_COLUMNS),
        *(f"group__{name}" for name in GROUP_COLUMNS),
        "format_ids",
        "changed",
        *extra,
    ]
    meetings = meetings.prefetch_related(None).annotate(
        format_ids=format_ids_column(), changed=changed_column()
    )
    return meetings.values_list(*columns, named=True).iterator(chunk_size=FEED_CHUNK)


def meeting_guide_feed(meetings, absolute_url):
    """Yield the feed's records one at a time, so a long feed can be streamed."""
    context = FeedContext(absolute_url)
    # By place: the meetings held at one place come together, so each place is made once while
    # only a few are kept (readers sort the meetings themselves).
    for row in feed_rows(meetings.order_by("location_id", "pk")):
        yield meeting_guide_record(row, context, context.codes(row))


def meeting_guide_json(meetings, absolute_url):
    """The feed's JSON as UTF-8 bytes, piece by piece, as its records are made.

    Always in the site's own language, with links to its unprefixed pages, whichever address
    asked for it: one feed per version of the data, for every reader.
    """
    with translation.override(settings.LANGUAGE_CODE):
        yield b"["
        separator = b""
        for record in meeting_guide_feed(meetings, absolute_url):
            # A record holds only text, numbers and lists of them.
            yield separator + orjson.dumps(record)
            separator = b","
        yield b"]"


def csv_row(row, context, format_codes):
    """One meeting (a row of ROW_FIELDS and distance_km) as a row of CSV_COLUMNS and the search
    columns."""
    record = meeting_guide_record(row, context, format_codes)
    line = {column: record.get(column, "") for column in CSV_COLUMNS}
    if row.location_id is None:
        # The feed's approximate area is for other apps; an import here would make it a place.
        line.update(city="", state="", country="")
    program = context.program(row.program_id)
    line.update(
        program=program.slug,
        day=str(day_name(row.weekday)),  # In the reader's language: "Monday", "lunes".
        attendance=row.attendance,
        language=row.language,
        # Our own codes too: the CSV is read back by our import, which knows them.
        types=", ".join(meeting_types(row.language, row.attendance, program.philosophy,
                                      format_codes)),
        notes=row.notes,
        conference_phone=row.conference_phone,
    )  # fmt: skip
    distance = row.distance_km
    line["distance_km"] = f"{distance:.2f}" if distance is not None else ""
    return {column: spreadsheet_safe(value) for column, value in line.items()}


def csv_text(meetings, absolute_url):
    """The CSV of search results, piece by piece, a chunk of meetings at a time."""
    context = FeedContext(absolute_url)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS + CSV_SEARCH_COLUMNS)
    writer.writerow({column: str(heading) for column, heading in CSV_HEADINGS.items()})
    for number, row in enumerate(feed_rows(meetings, "distance_km"), 1):
        writer.writerow(csv_row(row, context, context.codes(row)))
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
