"""Meeting data out: the Meeting Guide JSON feed and CSV rows.

The Meeting Guide format (code4recovery/spec, README.md) is what 12-step sites and the apps that
read them speak, so our feed follows it field for field. Three choices of ours:

- Sample meetings are never in the feed or the CSV: other apps would show invented meetings as real.
- Contact details are never exported; they stay on our own pages, where their owners chose to
  publish them.
- ``attendance_option`` (``in_person``, ``online``, ``hybrid``), the field TSML UI reads, is added
  because the spec itself only lets a reader guess attendance from the conference fields.

The CSV columns are the feed's keys, so a spreadsheet exported here imports back with
``manage.py import_meetings --format csv``.
"""

import csv
import hashlib
import io
import json
from datetime import UTC

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Max

from groups.models import Location, Meeting, Philosophy
from groups.vocabulary import ATTENDANCE_OPTIONS, DAY_NAMES, LANGUAGES, SECULAR_TYPE

UPDATED_FORMAT = "%Y-%m-%d %H:%M:%S"
# What the feed is made of, each with an indexed ``updated`` stamp.
TRACKED = (Meeting, Location)
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


def feed_queryset(programs=()):
    """Meetings the feed lists: active and real, of the given program slugs (all when empty)."""
    meetings = Meeting.objects.active().filter(is_sample=False)
    if programs:
        meetings = meetings.filter(program__slug__in=programs)
    return meetings.select_related("program", "location").prefetch_related("formats")


def feed_version(programs=()):
    """(ETag, last modified) of the feed for these programs, from a few index lookups.

    Any change to a meeting or a location (deactivation included) moves the newest ``updated``
    stamp, and a deletion, which leaves no date behind, changes the count. Both are read from
    indexes, so a feed reader that already has this version is answered at once.
    """
    # Separate queries: a maximum alone is one step down an index, a count beside it is a scan.
    stamps = [model.objects.aggregate(newest=Max("updated"))["newest"] for model in TRACKED]
    stamps = [stamp for stamp in stamps if stamp is not None]
    counts = [str(model.objects.count()) for model in TRACKED]
    last_modified = max(stamps) if stamps else None
    key = "|".join([",".join(sorted(programs)), *counts, *(stamp.isoformat() for stamp in stamps)])
    return f'W/"{hashlib.sha256(key.encode()).hexdigest()[:32]}"', last_modified


def meeting_types(meeting):
    """The meeting's type codes: its language first, then its formats, then A when secular."""
    language_code = LANGUAGES.get(meeting.language, (None, None, None))[1]
    codes = [language_code] if language_code else []
    codes += sorted(fmt.code for fmt in meeting.formats.all() if fmt.code not in codes)
    if meeting.program.philosophy == Philosophy.SECULAR and SECULAR_TYPE not in codes:
        codes.append(SECULAR_TYPE)
    return codes


def last_updated(meeting):
    stamps = [meeting.updated]
    if meeting.location is not None:
        stamps.append(meeting.location.updated)
    return max(stamps).astimezone(UTC).strftime(UPDATED_FORMAT)


def meeting_guide_record(meeting, absolute_url):
    """One meeting as a Meeting Guide feed entry; ``absolute_url`` turns a path into a URL."""
    record = {
        "name": meeting.name,
        "slug": meeting.slug,
        "day": meeting.weekday,
        "time": meeting.start_time.strftime("%H:%M"),
    }
    if meeting.end_time is not None:
        record["end_time"] = meeting.end_time.strftime("%H:%M")
    record.update(
        timezone=meeting.timezone,
        types=meeting_types(meeting),
        notes=meeting.notes,
        attendance_option=ATTENDANCE_OPTIONS[meeting.attendance],
    )
    location = meeting.location
    if location is not None:
        record.update(
            location=location.name,
            location_notes=location.directions,
            formatted_address=location.formatted_address,
            address=location.address,
            city=location.city,
            state=location.region,
            postal_code=location.postal_code,
            country=location.country,
        )
        if location.has_coordinates:
            record.update(latitude=location.latitude, longitude=location.longitude)
    for field in (
        "conference_url",
        "conference_url_notes",
        "conference_phone",
        "conference_phone_notes",
    ):
        if getattr(meeting, field):
            record[field] = getattr(meeting, field)
    record.update(
        group=meeting.program.name,
        url=absolute_url(meeting.get_absolute_url()),
        updated=last_updated(meeting),
    )
    return record


def meeting_guide_feed(meetings, absolute_url):
    """The feed's JSON text, piece by piece: meetings are read and written a chunk at a time."""
    yield "["
    separator = ""
    for meeting in meetings.iterator(chunk_size=FEED_CHUNK):
        yield separator + json.dumps(
            meeting_guide_record(meeting, absolute_url), ensure_ascii=False, cls=DjangoJSONEncoder
        )
        separator = ", "
    yield "]"


def csv_row(meeting, absolute_url):
    """One meeting as a row of CSV_COLUMNS (and the search columns when it has them)."""
    record = meeting_guide_record(meeting, absolute_url)
    row = {column: record.get(column, "") for column in CSV_COLUMNS}
    row.update(
        program=meeting.program.slug,
        day=DAY_NAMES[meeting.weekday],
        attendance=meeting.attendance,
        language=meeting.language,
        types=", ".join(record["types"]),
    )
    distance = getattr(meeting, "distance_km", None)
    row["distance_km"] = f"{distance:.2f}" if distance is not None else ""
    return {column: spreadsheet_safe(value) for column, value in row.items()}


def csv_text(meetings, absolute_url):
    """The CSV of search results, piece by piece, a chunk of meetings at a time."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS + CSV_SEARCH_COLUMNS)
    writer.writeheader()
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
