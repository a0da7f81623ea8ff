"""Meeting data in: Meeting Guide JSON, BMLT search results and CSV, kept in step with their source.

An import walks these steps:

1. Read the source (a file, or an http(s) URL fetched with a timeout) and pick the format: the one
   asked for, else by file name and content.
2. Turn every record into ``Row``s in this directory's terms. All three formats go through one
   reader, ``row_from_item``, which takes Meeting Guide keys: a BMLT record or a CSV line is first
   renamed into them. A record that cannot be read is rejected with every reason found.
3. With a rejected record and no ``skip_invalid``, stop: nothing has been written.
4. In one transaction, ``write_changes`` (the only function that writes) matches each row to a
   meeting by (source, external id), then
   a. deactivates (never deletes) meetings of this source that the source no longer lists,
   b. finds each place: an existing location with the same name, address, city and postal code,
      or a new one, geocoded when it has no coordinates (a geocoder failure is reported, never
      fatal), with its time zone from the feed, else its coordinates, else the gazetteer place,
   c. creates new meetings and updates only those whose listing differs; the rest are left alone,
      so importing the same feed twice changes nothing.
5. A dry run rolls the transaction back; any error on the way does the same.

Type codes we do not know are never dropped: they are listed in the report and kept in the notes.
"""

import contextlib
import csv
import io
import json
import re
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from geopy.exc import GeopyError

from groups import schedule
from groups.feeds import ATTENDANCE_OPTIONS, DAY_NAMES, FORMULA_STARTS
from groups.geocoding import Gazetteer, get_geocoder, normalize, region_aliases, zone_at
from groups.history import ADDITION, CHANGE, record_changes
from groups.models import Attendance, Format, Location, Meeting, Philosophy, SupportGroup
from groups.vocabulary import FORMATS, FORMATS_BY_CODE, LANGUAGES

MEETING_GUIDE, BMLT, CSV = "meeting-guide", "bmlt", "csv"
FORMAT_NAMES = [MEETING_GUIDE, BMLT, CSV]
FETCH_TIMEOUT = 30
MAX_SOURCE_BYTES = 50 * 1024 * 1024
BATCH = 1000

LANGUAGE_BY_TYPE = {mg_code: iso for iso, (_, mg_code, _) in LANGUAGES.items()}
ATTENDANCE_BY_OPTION = {option: attendance for attendance, option in ATTENDANCE_OPTIONS.items()}
UNKNOWN_TYPES_NOTE = "Types from the source not known here: "

# BMLT format keys (the NA world list most servers use) and what they mean in our codes. A key
# that maps to nothing here is reported and kept in the notes. Language keys set the language.
BMLT_FORMATS = {
    "O": ["O"], "C": ["C"], "B": ["BE"], "BT": ["BT"], "D": ["D"], "SD": ["SP", "D"],
    "Sp": ["SP"], "St": ["ST"], "SWG": ["ST", "WB"], "Tr": ["TR"], "TW": ["TR"], "GP": ["TR"],
    "To": ["TOP"], "Ti": ["TOP"], "JFT": ["JFT"], "IW": ["LIT"], "LC": ["LIT"], "Lit": ["LIT"],
    "IP": ["LIT"], "BK": ["LIT"], "QA": ["QA"], "Me": ["MED"], "Med": ["MED"], "Ca": ["CAN"],
    "WC": ["X"], "W": ["W"], "M": ["M"], "GL": ["LGBTQ"], "YP": ["Y"], "Ag": ["A"],
    "CW": ["CF"], "Sm": ["SM"], "CL": ["C"], "OE": ["O"], "TC": ["TC"], "VM": [], "HY": [],
    "NS": [],
}  # fmt: skip
BMLT_LANGUAGES = {"ES": "es", "SPA": "es", "FR": "fr", "DE": "de", "PT": "pt", "RUS": "ru"}
BMLT_VENUES = {"1": Attendance.IN_PERSON, "2": Attendance.ONLINE, "3": Attendance.HYBRID}

# Lengths of the model fields a record fills, checked here so a bad record is named, not fatal.
MEETING_LIMITS = {"name": 200, "conference_url": 500, "conference_url_notes": 300,
                  "conference_phone": 60, "conference_phone_notes": 300}  # fmt: skip
VENUE_LIMITS = {"location": 200, "address": 200, "city": 100, "state": 100, "postal_code": 20}
CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap])?\.?m?\.?$", re.IGNORECASE)
US_POSTAL = re.compile(r"^(?:([A-Za-z]{2})\s+)?(\d{5}(?:-\d{4})?)$")


class SourceError(Exception):
    """The source cannot be read at all: missing, unreachable, or not the format it claims."""


class ImportRejected(Exception):
    """Records were rejected and nothing was saved; the report says which and why."""

    def __init__(self, report):
        super().__init__(f"{len(report.rejected)} record(s) rejected; nothing was saved.")
        self.report = report


@dataclass
class Venue:
    name: str
    address: str
    city: str
    region: str
    postal_code: str
    country: str
    latitude: float | None
    longitude: float | None
    timezone: str
    directions: str

    @property
    def key(self):
        return venue_key(self.name, self.address, self.city, self.postal_code)


def venue_key(*parts):
    return tuple(" ".join(part.split()).casefold() for part in parts)


@dataclass
class Row:
    """One meeting as its source describes it, in this directory's terms."""

    label: str
    external_id: str
    fields: dict
    codes: list
    venue: Venue | None
    unknown_codes: list = field(default_factory=list)
    program: str = ""
    location: Location | None = None  # Found or made by Importer.place_rows.


@dataclass
class Rejected:
    label: str
    reasons: list
    external_id: str = ""


@dataclass
class Report:
    source: str
    format: str
    program: str
    dry_run: bool = False
    records: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    locations_created: int = 0
    geocoded: int = 0
    rejected: list = field(default_factory=list)
    not_geocoded: list = field(default_factory=list)
    unknown_types: Counter = field(default_factory=Counter)

    @property
    def counts(self):
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deactivated": self.deactivated,
            "rejected": len(self.rejected),
        }

    def lines(self):
        lines = [f"Import of {self.source} ({self.format}) for {self.program}: "
                 f"{self.records} meeting(s) read."]  # fmt: skip
        lines.append(", ".join(f"{name} {count}" for name, count in self.counts.items()))
        if self.locations_created or self.geocoded:
            lines.append(f"New locations {self.locations_created}; geocoded {self.geocoded}.")
        if self.rejected:
            lines.append("Rejected:")
            lines += [f"  {item.label}: {'; '.join(item.reasons)}" for item in self.rejected]
        if self.not_geocoded:
            lines.append("Kept without coordinates (could not geocode):")
            lines += [f"  {item}" for item in self.not_geocoded]
        if self.unknown_types:
            codes = ", ".join(f"{code} ({n})" for code, n in sorted(self.unknown_types.items()))
            lines.append(f"Unknown type codes, kept in the meeting notes: {codes}")
        if self.dry_run:
            lines.append("Dry run: nothing was saved.")
        return lines

    def __str__(self):
        return "\n".join(self.lines())


# 1. Reading the source.


def is_url(source):
    return bool(re.match(r"^https?://", source, re.IGNORECASE))


def read_source(source):
    """The bytes of a file path or an http(s) URL."""
    if is_url(source):
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked just above
            source, headers={"User-Agent": settings.GEOCODER_USER_AGENT}
        )
        try:
            with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:  # noqa: S310
                data = response.read(MAX_SOURCE_BYTES + 1)
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise SourceError(f"Could not fetch {source}: {error}") from error
    elif "://" in source:
        raise SourceError("The source must be a file path or an http(s) URL.")
    else:
        try:
            with open(source, "rb") as handle:
                data = handle.read(MAX_SOURCE_BYTES + 1)
        except OSError as error:
            raise SourceError(f"Could not read {source}: {error.strerror or error}") from error
    if len(data) > MAX_SOURCE_BYTES:
        raise SourceError(f"{source} is larger than {MAX_SOURCE_BYTES // 1024 // 1024} MB.")
    return data


def source_label(source):
    """What Meeting.source records: the URL as given, or the file's absolute path."""
    label = source if is_url(source) else str(Path(source).resolve())
    if len(label) > Meeting._meta.get_field("source").max_length:
        raise SourceError("The source name is too long to record; give a shorter --source label.")
    return label


def decode(data):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Spreadsheets saved on Windows.
        return data.decode("cp1252", errors="replace")


def guess_format(name, text):
    if name.lower().endswith(".csv"):
        return CSV
    if not text.lstrip().startswith(("[", "{")):
        return CSV
    try:
        data = json.loads(text)
    except ValueError:
        return MEETING_GUIDE  # parse() names the JSON error.
    if isinstance(data, dict):
        return BMLT
    if (
        data
        and isinstance(data[0], dict)
        and ("id_bigint" in data[0] or "weekday_tinyint" in data[0])
    ):
        return BMLT
    return MEETING_GUIDE


# 2. Records into rows.


def parse(text, format_name):
    """Rows and rejects read from the text of a source in the given format."""
    if format_name == CSV:
        return csv_rows(text)
    try:
        data = json.loads(text)
    except ValueError as error:
        raise SourceError(f"The source is not valid JSON: {error}") from error
    if format_name == BMLT:
        return bmlt_rows(data)
    return meeting_guide_rows(data)


def json_records(data, not_a_list):
    """Yield (label, record) for each object in a JSON array, or a Rejected for anything else."""
    if not isinstance(data, list):
        raise SourceError(not_a_list)
    for number, item in enumerate(data, 1):
        label = f"record {number}"
        if isinstance(item, dict):
            yield label, item
        else:
            yield Rejected(label, ["is not a JSON object"])


def meeting_guide_rows(data):
    results = []
    for record in json_records(data, "A Meeting Guide feed is a JSON array of meetings."):
        if isinstance(record, Rejected):
            results.append(record)
            continue
        label, item = record
        if item.get("slug") not in (None, ""):
            label += f' (slug "{item["slug"]}")'
        results += row_from_item(item, label=label)
    return results


def bmlt_rows(data):
    if isinstance(data, dict):
        data = data.get("meetings")
    results = []
    for record in json_records(data, "BMLT search results are a JSON array of meetings."):
        if isinstance(record, Rejected):
            results.append(record)
            continue
        label, item = record
        if str(item.get("published", "1")) == "0":
            continue  # Unpublished on the server: not listed, so deactivated here.
        meeting_id = str(item.get("id_bigint") or "").strip()
        label += f" (id {meeting_id})" if meeting_id else ""
        results += row_from_item(*bmlt_item(item), label=label)
    return results


def bmlt_item(item):
    """A BMLT meeting renamed into Meeting Guide keys, with its format keys mapped to ours."""
    problems = []
    day = item.get("weekday_tinyint")
    # BMLT counts 1 = Sunday; a bad value is left for row_from_item to name.
    with contextlib.suppress(TypeError, ValueError):
        day = int(day) - 1
    end_time = ""
    start = parse_clock(item.get("start_time"))
    duration = parse_clock(item.get("duration_time"))
    if start and duration and (duration.hour or duration.minute):
        minutes = start.hour * 60 + start.minute + duration.hour * 60 + duration.minute
        end_time = f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"
    codes, unknown, language = [], [], ""
    for key in str(item.get("formats") or "").split(","):
        key = key.strip()
        if not key:
            continue
        mapped = BMLT_FORMATS.get(key)
        if mapped is None:
            mapped = next((v for k, v in BMLT_FORMATS.items() if k.lower() == key.lower()), None)
        if mapped is not None:
            codes += [code for code in mapped if code not in codes]
        elif key.upper() in BMLT_LANGUAGES:
            language = BMLT_LANGUAGES[key.upper()]
        else:
            unknown.append(key)
    if item.get("lang_enum") in LANGUAGES and not language:
        language = item["lang_enum"]
    venue_type = str(item.get("venue_type") or "").strip()
    attendance = BMLT_VENUES.get(venue_type)
    if venue_type and attendance is None:
        problems.append(f"venue_type {venue_type!r} is not 1, 2 or 3")
    renamed = {
        "slug": str(item.get("id_bigint") or "").strip(),
        "name": item.get("meeting_name"),
        "day": day,
        "time": item.get("start_time"),
        "end_time": end_time,
        "timezone": item.get("time_zone"),
        "types": codes,
        "notes": item.get("comments"),
        "location": item.get("location_text"),
        "location_notes": item.get("location_info"),
        "address": item.get("location_street"),
        "city": item.get("location_municipality"),
        "state": item.get("location_province"),
        "postal_code": item.get("location_postal_code_1"),
        "country": item.get("location_nation"),
        "latitude": item.get("latitude"),
        "longitude": item.get("longitude"),
        "conference_url": item.get("virtual_meeting_link"),
        "conference_url_notes": item.get("virtual_meeting_additional_info"),
        "conference_phone": item.get("phone_meeting_number"),
    }
    if attendance:
        renamed["attendance_option"] = ATTENDANCE_OPTIONS[attendance]
    return renamed, {"unknown": unknown, "language": language, "problems": problems}


CSV_HEADER_ALIASES = {
    "id": "slug",
    "province": "state",
    "zip": "postal_code",
    "postcode": "postal_code",
}
DAYS_BY_NAME = {name.lower(): number for number, name in enumerate(DAY_NAMES)}
FORMAT_CODES_BY_NAME = {term.name.casefold(): term.code for term in FORMATS}


def csv_header(name):
    name = re.sub(r"[\s-]+", "_", (name or "").strip().lower())
    return CSV_HEADER_ALIASES.get(name, name)


def unescape_cell(value):
    """A cell's text, without the apostrophe feeds.spreadsheet_safe puts before a formula sign."""
    value = value.strip()
    if value[:2] in {"'" + start for start in FORMULA_STARTS}:
        return value[1:]
    return value


def csv_rows(text):
    reader = csv.reader(io.StringIO(text))
    try:
        header = [csv_header(name) for name in next(reader)]
    except StopIteration:
        raise SourceError("The CSV file is empty.") from None
    except csv.Error as error:
        raise SourceError(f"The CSV file cannot be read: {error}") from error
    missing = {"slug", "name", "day", "time"} - set(header)
    if missing:
        raise SourceError(f"The CSV header lacks the column(s): {', '.join(sorted(missing))}.")
    results = []
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            line = reader.line_num
            item = dict(zip(header, map(unescape_cell, values), strict=False))
            label = (
                f'line {line} (slug "{item.get("slug")}")' if item.get("slug") else f"line {line}"
            )
            item["day"] = DAYS_BY_NAME.get(item["day"].lower(), item["day"])
            item["types"] = [
                FORMAT_CODES_BY_NAME.get(code.strip().casefold(), code.strip())
                for code in item.get("types", "").split(",")
                if code.strip()
            ]
            extra = {"language": item.get("language", ""), "program": item.get("program", "")}
            attendance = item.get("attendance", "")
            if attendance in Attendance.values:
                item["attendance_option"] = ATTENDANCE_OPTIONS[attendance]
            elif attendance:
                extra["problems"] = [f"attendance {attendance!r} is not one of {Attendance.values}"]
            results += row_from_item(item, extra, label=label)
    except csv.Error as error:
        raise SourceError(
            f"The CSV file cannot be read at line {reader.line_num}: {error}"
        ) from error
    return results


def text_value(item, key, problems, limit=None):
    value = item.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        problems.append(f"{key} is not text")
        return ""
    # PostgreSQL refuses NUL characters in text; they mean nothing in a listing anyway.
    value = str(value).replace("\x00", "").strip()
    if limit and len(value) > limit:
        problems.append(f"{key} is longer than {limit} characters")
    return value


def parse_clock(value):
    """A time of day from "19:00", "19:00:00" or "7:00 PM", or None."""
    match = CLOCK.match(str(value or "").strip())
    if not match:
        return None
    hour, minute, second, meridiem = match.groups()
    hour, minute = int(hour), int(minute)
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem.lower() == "p" else 0)
    if hour > 23 or minute > 59 or int(second or 0) > 59:
        return None
    return time(hour, minute)


def parse_days(value, problems):
    days = value if isinstance(value, list) else [value]
    found = []
    for day in days:
        if isinstance(day, str) and day.strip().isdigit():
            day = int(day)
        if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
            problems.append(f"day {day!r} is not a number from 0 (Sunday) to 6 (Saturday)")
        elif day not in found:
            found.append(day)
    if not found and not problems:
        problems.append("day is missing (by-appointment meetings are not listed)")
    return found


def parse_coordinate(value, key, low, high, problems):
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        problems.append(f"{key} {value!r} is not a number")
        return None
    if not low <= number <= high:
        problems.append(f"{key} {number} is out of range")
        return None
    return number


def parse_country(value, problems):
    if not value:
        return Location._meta.get_field("country").default
    if len(value) == 2 and value.isalpha():
        return value.upper()
    for kind, code in region_aliases().get(normalize(value), []):
        if kind == "country":
            return code
    problems.append(f"country {value!r} is not recognised")
    return ""


def split_formatted_address(text):
    """(address, city, state, postal code, country) read from "123 Main St, Town, ST 12345, USA"."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    country = ""
    if len(parts) >= 3 and not any(ch.isdigit() for ch in parts[-1]):
        country = parts.pop()
    state = postal = ""
    if len(parts) >= 2:
        match = US_POSTAL.match(parts[-1])
        if match:
            state, postal = match.group(1) or "", match.group(2)
            parts.pop()
        elif len(parts[-1]) <= 3 and parts[-1].isalpha():
            state = parts.pop()
    city = parts.pop() if parts else ""
    return ", ".join(parts), city, state, postal, country


def map_types(codes):
    """(our format codes, language, unknown codes) from a list of Meeting Guide type codes."""
    ours, language, unknown = [], "", []
    for code in codes:
        code = str(code).strip()
        if not code:
            continue
        if code in LANGUAGE_BY_TYPE and not language:
            language = LANGUAGE_BY_TYPE[code]
        elif code in FORMATS_BY_CODE:
            if code not in ours:
                ours.append(code)
        elif code not in unknown:
            unknown.append(code)
    return ours, language, unknown


def row_from_item(item, extra=None, *, label):
    """Rows (one per day) or a Rejected, from one record in Meeting Guide keys."""
    extra = extra or {}
    problems = list(extra.get("problems", []))
    external_id = text_value(
        item, "slug", problems, Meeting._meta.get_field("external_id").max_length - 4
    )
    if not external_id:
        problems.append("slug is missing")
    values = {key: text_value(item, key, problems, limit) for key, limit in MEETING_LIMITS.items()}
    if not values["name"]:
        problems.append("name is missing")
    days = parse_days(item.get("day"), problems)
    start_time = parse_clock(item.get("time"))
    if start_time is None:
        problems.append(f"time {item.get('time')!r} is not HH:MM")
    end_time = None
    if item.get("end_time") not in (None, ""):
        end_time = parse_clock(item["end_time"])
        if end_time is None:
            problems.append(f"end_time {item['end_time']!r} is not HH:MM")
        elif end_time == start_time:
            problems.append("end_time is the same as time")
        elif (
            start_time
            and schedule.duration_minutes(start_time, end_time) > schedule.LONGEST_MEETING
        ):
            problems.append("the meeting would last more than 12 hours")
    zone = text_value(item, "timezone", problems)
    if zone and zone not in schedule.zone_names():
        problems.append(f"timezone {zone!r} is not a time zone name such as America/Chicago")
    url = values["conference_url"]
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            problems.append(f"conference_url {url!r} is not a web address")

    types = item.get("types") or []
    if not isinstance(types, list):
        problems.append("types is not a list")
        types = []
    codes, language, unknown = map_types(types)
    unknown = list(extra.get("unknown", [])) + unknown
    language = extra.get("language") or language or "en"
    if language not in LANGUAGES:
        problems.append(f"language {language!r} is not one of ours")
    notes = text_value(item, "notes", problems)
    if unknown:
        notes = f"{notes}\n\n{UNKNOWN_TYPES_NOTE}{', '.join(unknown)}".strip()

    venue = venue_from_item(item, zone, problems)
    option = text_value(item, "attendance_option", problems)
    has_conference = bool(url or values["conference_phone"])
    if option == "inactive":
        return []  # TSML's mark for a meeting neither in person nor online: not listed.
    if option:
        attendance = ATTENDANCE_BY_OPTION.get(option)
        if attendance is None:
            problems.append(f"attendance_option {option!r} is not in_person, online or hybrid")
    elif has_conference:
        in_person = venue is not None and venue.address and "TC" not in codes
        attendance = Attendance.HYBRID if in_person else Attendance.ONLINE
    else:
        attendance = Attendance.IN_PERSON
    if attendance in (Attendance.ONLINE, Attendance.HYBRID) and not has_conference:
        problems.append("an online or hybrid meeting needs a conference_url or conference_phone")
    if attendance != Attendance.ONLINE:
        if venue is None:
            problems.append("no address: an in-person meeting needs at least a city")
        elif not venue.city:
            problems.append("no city in the address")
    elif venue is not None and not venue.city:
        venue = None  # An online meeting's approximate place is optional.

    if problems:
        return [Rejected(label, problems, external_id)]
    fields = {
        **values,
        "start_time": start_time,
        "end_time": end_time,
        "timezone": zone,
        "attendance": attendance,
        "language": language,
        "notes": notes,
    }
    rows = []
    for day in days:
        suffix = f":{day}" if len(days) > 1 else ""
        rows.append(
            Row(
                label=label,
                external_id=external_id + suffix,
                fields={**fields, "weekday": day},
                codes=codes,
                venue=venue,
                unknown_codes=unknown,
                program=extra.get("program", ""),
            )
        )
    return rows


def venue_from_item(item, zone, problems):
    parts = {key: text_value(item, key, problems, limit) for key, limit in VENUE_LIMITS.items()}
    formatted = text_value(item, "formatted_address", problems)
    if formatted and not (parts["address"] or parts["city"]):
        address, city, state, postal, country = split_formatted_address(formatted)
        parts.update(address=address, city=city, state=parts["state"] or state,
                     postal_code=parts["postal_code"] or postal)  # fmt: skip
        item = {**item, "country": item.get("country") or country}
    if not any(parts.values()):
        return None
    latitude = parse_coordinate(item.get("latitude"), "latitude", -90, 90, problems)
    longitude = parse_coordinate(item.get("longitude"), "longitude", -180, 180, problems)
    if latitude is None or longitude is None or (latitude == 0 and longitude == 0):
        latitude = longitude = None  # (0, 0) is a blank map pin, not a place.
    return Venue(
        name=parts["location"] or parts["address"] or parts["city"],
        address=parts["address"],
        city=parts["city"],
        region=parts["state"],
        postal_code=parts["postal_code"],
        country=parse_country(text_value(item, "country", problems), problems),
        latitude=latitude,
        longitude=longitude,
        timezone=zone,
        directions=text_value(item, "location_notes", problems),
    )


# 3 to 5. Matching and writing.

MEETING_FIELDS = [
    "group_id", "name", "weekday", "start_time", "end_time", "timezone", "attendance",
    "conference_url", "conference_url_notes", "conference_phone", "conference_phone_notes",
    "language", "notes", "location_id", "is_active",
]  # fmt: skip
CHANGE_NAMES = {"group_id": "program", "location_id": "place", "is_active": "active"}
LOCATION_FIELDS = ["region", "country", "directions", "latitude", "longitude", "timezone"]


class Importer:
    """One import of one source for one program; ``run`` returns the report."""

    def __init__(
        self,
        *,
        source,
        program,
        format_name,
        default_timezone="",
        geocoder=None,
        skip_invalid=False,
        dry_run=False,
        user=None,
    ):
        self.source = source
        self.program = SupportGroup.objects.get(slug=program)
        self.format_name = format_name
        self.default_timezone = default_timezone
        self.geocoder = geocoder
        self.skip_invalid = skip_invalid
        self.user = user
        self.report = Report(source, format_name, self.program.short_name, dry_run=dry_run)
        self._geocoded = {}

    def run(self, text):
        rows = []
        seen = {}
        for result in parse(text, self.format_name):
            if isinstance(result, Rejected):
                self.report.rejected.append(result)
            elif result.external_id in seen:
                self.report.rejected.append(
                    Rejected(result.label, [f"repeats the id of {seen[result.external_id]}"])
                )
            else:
                seen[result.external_id] = result.label
                rows.append(result)
        self.report.records = len(rows) + len(self.report.rejected)
        self.programs = {group.slug: group for group in SupportGroup.objects.all()}
        for row in [row for row in rows if row.program and row.program not in self.programs]:
            reason = f"program {row.program!r} is not one of {', '.join(self.programs)}"
            self.report.rejected.append(Rejected(row.label, [reason], row.external_id))
            rows.remove(row)
        if self.report.rejected and not self.skip_invalid:
            raise ImportRejected(self.report)
        with transaction.atomic():
            self.write_changes(rows)
            if self.report.rejected and not self.skip_invalid:
                raise ImportRejected(self.report)
            if self.report.dry_run:
                transaction.set_rollback(True)
        return self.report

    def write_changes(self, rows):
        """Apply the rows to the database: the one place an import writes."""
        now = timezone.now()
        existing = {
            meeting.external_id: meeting
            for meeting in Meeting.objects.filter(source=self.source)
            .exclude(external_id="")
            .select_related("location")
        }
        # a. Gone from the source. A rejected record is not gone: its meeting is left alone.
        kept = {row.external_id for row in rows}
        # A record listed on several days keeps one meeting per day, as "slug:day".
        kept |= {item.external_id for item in self.report.rejected if item.external_id}
        vanished = [
            meeting
            for external_id, meeting in existing.items()
            if meeting.is_active
            and external_id.split(":")[0] not in kept
            and external_id not in kept
        ]
        for start in range(0, len(vanished), BATCH):
            batch = [meeting.pk for meeting in vanished[start : start + BATCH]]
            Meeting.objects.filter(pk__in=batch).update(is_active=False, updated=now)
        self.report.deactivated = len(vanished)
        self.record(vanished, "no longer listed by the source: deactivated")

        # b. Places.
        changed_locations = self.place_rows(rows, existing, now)

        # c. Meetings.
        formats = dict(Format.objects.values_list("code", "pk"))
        through = Meeting.formats.through
        current_formats = {}
        for meeting_id, format_id in through.objects.filter(
            meeting__source=self.source
        ).values_list("meeting_id", "format_id"):
            current_formats.setdefault(meeting_id, set()).add(format_id)
        created, updated, links, changes = [], [], {}, {}
        for row in rows:
            group = self.programs[row.program] if row.program else self.program
            codes = row.codes
            if group.philosophy == Philosophy.SECULAR:
                codes = [code for code in codes if code != "A"]  # The program says it already.
            wanted_formats = {formats[code] for code in codes}
            meeting = existing.get(row.external_id)
            location = row.location
            zone = (row.fields["timezone"] or (location.timezone if location else "")
                    or (meeting.timezone if meeting else "") or self.default_timezone)  # fmt: skip
            if not zone:
                reason = "no time zone: give timezone, coordinates or --timezone"
                self.report.rejected.append(Rejected(row.label, [reason], row.external_id))
                continue
            self.report.unknown_types.update(row.unknown_codes)
            values = {
                **row.fields,
                "timezone": zone,
                "group_id": group.pk,
                "location_id": location.pk if location else None,
                "is_active": True,
            }
            if meeting is None:
                meeting = Meeting(source=self.source, external_id=row.external_id, **values)
                meeting.location = location
                created.append(meeting)
                links[row.external_id] = wanted_formats
                continue
            differs = [name for name in MEETING_FIELDS if getattr(meeting, name) != values[name]]
            formats_differ = current_formats.get(meeting.pk, set()) != wanted_formats
            place_changed = meeting.location_id in changed_locations
            if differs or formats_differ or place_changed:
                what = [CHANGE_NAMES.get(name, name) for name in differs]
                what += ["formats"] * formats_differ + ["place details"] * place_changed
                changes.setdefault(", ".join(what), []).append(meeting)
                for name in differs:
                    setattr(meeting, name, values[name])
                meeting.updated = now
                meeting.fill_derived_fields()
                updated.append(meeting)
                if formats_differ:
                    links[row.external_id] = wanted_formats
            else:
                self.report.unchanged += 1

        Meeting.objects.bulk_update(
            updated, [*MEETING_FIELDS, *Meeting.DERIVED_FIELDS, "updated"], batch_size=BATCH
        )
        self.create_meetings(created)
        by_id = {meeting.external_id: meeting.pk for meeting in created + updated}
        relinked = [by_id[external_id] for external_id in links if external_id in existing]
        for start in range(0, len(relinked), BATCH):
            through.objects.filter(meeting_id__in=relinked[start : start + BATCH]).delete()
        through.objects.bulk_create(
            [
                through(meeting_id=by_id[external_id], format_id=format_id)
                for external_id, format_ids in links.items()
                for format_id in sorted(format_ids)
            ],
            batch_size=BATCH * 5,
        )
        self.report.created = len(created)
        self.report.updated = len(updated)
        self.record(created, "added", action=ADDITION)
        for what, meetings in changes.items():
            self.record(meetings, f"changed {what}")

    def record(self, meetings, message, action=CHANGE):
        """Log the change in each meeting's admin history, under the importing user."""
        record_changes(self.user, meetings, f"Import from {self.source}: {message}.", action=action)

    def create_meetings(self, meetings):
        taken = set(Meeting.objects.values_list("slug", flat=True))
        for meeting in meetings:
            base = slugify(f"{meeting.name} {DAY_NAMES[meeting.weekday]}")[:200] or "meeting"
            slug, n = base, 2
            while slug in taken:
                slug, n = f"{base}-{n}", n + 1
            taken.add(slug)
            meeting.slug = slug
            meeting.fill_derived_fields()
        Meeting.objects.bulk_create(meetings, batch_size=BATCH)

    def place_rows(self, rows, existing, now):
        """Give each row with a venue its Location; return the pks of locations changed."""
        pool = self.location_pool(rows, existing)
        new, changed, settled = [], {}, set()
        for row in rows:
            venue = row.venue
            if venue is None:
                row.location = None
                continue
            location = pool.get(venue.key)
            if location is None:
                location = Location(
                    name=venue.name, address=venue.address, city=venue.city,
                    postal_code=venue.postal_code,
                )  # fmt: skip
                self.settle(location, venue, row.label)
                pool[venue.key] = location
                new.append(location)
            elif id(location) not in settled and location.pk is not None:
                # The first record at a place describes it for this import.
                before = [getattr(location, name) for name in LOCATION_FIELDS]
                self.settle(location, venue, row.label)
                if before != [getattr(location, name) for name in LOCATION_FIELDS]:
                    location.updated = now
                    changed[location.pk] = location
            settled.add(id(location))
            row.location = location
        Location.objects.bulk_create(new, batch_size=BATCH)
        Location.objects.bulk_update(
            list(changed.values()), [*LOCATION_FIELDS, "updated"], batch_size=BATCH
        )
        self.report.locations_created = len(new)
        return set(changed)

    def location_pool(self, rows, existing):
        """Existing real locations the rows may be at, by (name, address, city, postal code)."""
        pool = {}
        for meeting in existing.values():
            if meeting.location is not None:
                location = meeting.location
                pool.setdefault(venue_key(location.name, location.address, location.city,
                                          location.postal_code), location)  # fmt: skip
        cities = sorted({row.venue.city for row in rows if row.venue is not None})
        for start in range(0, len(cities), BATCH):
            for location in Location.objects.filter(
                city__in=cities[start : start + BATCH], is_sample=False
            ).order_by("pk"):
                key = venue_key(location.name, location.address, location.city,
                                location.postal_code)  # fmt: skip
                pool.setdefault(key, location)
        return pool

    def settle(self, location, venue, label):
        """Copy the venue's facts onto the location, finding coordinates and zone if missing."""
        location.region = venue.region
        location.country = venue.country
        location.directions = venue.directions
        place_zone = ""
        if venue.latitude is not None:
            location.latitude, location.longitude = venue.latitude, venue.longitude
        elif location.latitude is None:
            found = self.geocode(venue, label)
            if found:
                location.latitude, location.longitude, place_zone = found
        if venue.timezone:
            location.timezone = venue.timezone
        elif not location.timezone:
            location.timezone = (
                location.latitude is not None and zone_at(location.latitude, location.longitude)
            ) or place_zone

    def geocode(self, venue, label):
        """(latitude, longitude, zone) for a venue without coordinates, or None."""
        if self.geocoder is None:
            self.geocoder = get_geocoder()
        queries = []
        if not isinstance(self.geocoder, Gazetteer):
            parts = (venue.address, venue.city, venue.region, venue.postal_code, venue.country)
            queries.append(", ".join(part for part in parts if part))
        if venue.postal_code and venue.country == "US":
            queries.append(venue.postal_code)
        queries.append(", ".join(p for p in (venue.city, venue.region, venue.country) if p))
        queries.append(f"{venue.city}, {venue.country}")
        for query in queries:
            if query not in self._geocoded:
                try:
                    found = self.geocoder.geocode(query, exactly_one=True)
                except (GeopyError, OSError, ValueError) as error:
                    self.report.not_geocoded.append(
                        f"{label}: {venue.city}: geocoder failed ({error})"
                    )
                    return None
                self._geocoded[query] = (
                    (found.latitude, found.longitude, (found.raw or {}).get("timezone") or "")
                    if found
                    else None
                )
            if self._geocoded[query]:
                self.report.geocoded += 1
                return self._geocoded[query]
        self.report.not_geocoded.append(f"{label}: {venue.city}: no match for the address")
        return None


def import_meetings(
    source,
    *,
    program,
    format_name="",
    text=None,
    name="",
    label="",
    default_timezone="",
    geocoder=None,
    skip_invalid=False,
    dry_run=False,
    user=None,
):
    """Import one source for one program; raise SourceError or ImportRejected, else a Report.

    ``source`` is a file path or URL to read, unless ``text`` is given (an upload), in which case
    ``name`` is its file name. ``label`` is what Meeting.source records (default: the source).
    Changes are logged in admin history under ``user``, or the system user when None.
    """
    if text is None:
        text = decode(read_source(source))
        name = name or source
    format_name = format_name or guess_format(name, text)
    if format_name not in FORMAT_NAMES:
        raise SourceError(f"The format must be one of {', '.join(FORMAT_NAMES)}.")
    importer = Importer(
        source=label or source_label(source),
        program=program,
        format_name=format_name,
        default_timezone=default_timezone,
        geocoder=geocoder,
        skip_invalid=skip_invalid,
        dry_run=dry_run,
        user=user,
    )
    return importer.run(text)
