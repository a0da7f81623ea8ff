"""The shared record: one meeting as a source describes it, read from Meeting Guide keys.

Every file type comes through ``records_from_item``: a BMLT record or a CSV line is first renamed
into Meeting Guide keys by its own module. A record that breaks a rule is rejected with every
reason found, in the words the admin and the suggestion form use for the same rule
(groups.rules and the models' field validators).
"""

import re
from dataclasses import dataclass, field
from datetime import time

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext, ngettext

from groups import rules
from groups.geocoding import normalize, region_aliases
from groups.models import Attendance, Group, Location, Meeting
from groups.vocabulary import ATTENDANCE_OPTIONS, FORMATS_BY_CODE, LANGUAGES, OWN_FORMATS_NOTE

ATTENDANCE_BY_OPTION = {option: attendance for attendance, option in ATTENDANCE_OPTIONS.items()}
LANGUAGE_BY_TYPE = {mg_code: iso for iso, (_, mg_code, _) in LANGUAGES.items()}
# Written into the meeting's notes (data, read back by the next import): not translated.
UNKNOWN_TYPES_NOTE = "Types from the source not known here: "
# TSML's "Online Meeting" type; the spec infers it instead.
ONLINE_TYPE = "ONL"
# Record keys and the model fields whose rules (length, characters) their text must keep.
MEETING_TEXT = {
    "name": "name",
    "conference_url": "conference_url",
    "conference_url_notes": "conference_url_notes",
    "conference_phone": "conference_phone",
    "conference_phone_notes": "conference_phone_notes",
    "notes": "notes",
}
LOCATION_TEXT = {
    "location": "name",
    "address": "address",
    "city": "city",
    "state": "region",
    "postal_code": "postal_code",
    "location_notes": "directions",
}
# "N:day" ids are kept for meetings listed on several days: leave room for the suffix.
EXTERNAL_ID_LENGTH = Meeting._meta.get_field("external_id").max_length - 4
CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap])?\.?m?\.?$", re.IGNORECASE)
US_POSTAL = re.compile(r"^(?:([A-Za-z]{2})\s+)?(\d{5}(?:-\d{4})?)$")


@dataclass
class LocationRecord:
    """Where a record's meeting is held, as the source describes it."""

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
        return location_key(self.name, self.address, self.city, self.postal_code)


def location_key(*parts):
    """What makes two locations the same: name, street address, city and postal code."""
    return tuple(" ".join(part.split()).casefold() for part in parts)


@dataclass
class MeetingRecord:
    """One meeting as its source describes it, in this directory's terms."""

    label: str
    external_id: str
    fields: dict
    codes: list
    location_record: LocationRecord | None
    unknown_codes: list = field(default_factory=list)
    program: str = ""
    group_name: str = ""
    group_notes: str = ""
    room_codes: list = field(default_factory=list)
    location: Location | None = None  # Found or made by the writer.
    group: Group | None = None  # Found or made by the writer.


@dataclass
class Rejected:
    label: str
    reasons: list
    external_id: str = ""


def json_records(data, not_a_list):
    """Yield (label, record) for each object in a JSON array, or a Rejected for anything else."""
    from groups.importers.sources import SourceError

    if not isinstance(data, list):
        raise SourceError(not_a_list)
    for number, item in enumerate(data, 1):
        label = gettext("record %(number)d") % {"number": number}
        if isinstance(item, dict):
            yield label, item
        else:
            yield Rejected(label, [gettext("is not a JSON object")])


# The reasons a record is refused name its keys ("slug", "end_time"), which stay as they are:
# they are the names in the source's file.


def refusals(key, error):
    """A rule's messages as a record's reasons, each naming the key it concerns."""
    # Translators: a key of a record (a code such as "end_time"), then a rule's message.
    reason = gettext("%(key)s: %(message)s")
    return [reason % {"key": key, "message": message} for message in error.messages]


def missing(key):
    return gettext("%(key)s is missing") % {"key": key}


def not_clock(key, value):
    # Translators: keep HH:MM (hours and minutes) as it is.
    return gettext("%(key)s %(value)s is not HH:MM") % {"key": key, "value": repr(value)}


def text_value(item, key, problems, check=None):
    """The record's text under ``key``, stripped; ``check`` (a validator) names what it breaks."""
    value = item.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        problems.append(gettext("%(key)s is not text") % {"key": key})
        return ""
    value = str(value).strip()
    if check is not None and value:
        try:
            check(value)
        except ValidationError as error:
            problems.extend(refusals(key, error))
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
            message = gettext("%(key)s %(value)s is not a number from 0 (Sunday) to 6 (Saturday)")
            problems.append(message % {"key": "day", "value": repr(day)})
        elif day not in found:
            found.append(day)
    if not found and not problems:
        message = gettext("%(key)s is missing (by-appointment meetings are not listed)")
        problems.append(message % {"key": "day"})
    return found


def parse_coordinate(value, key, low, high, problems):
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        problems.append(
            gettext("%(key)s %(value)s is not a number") % {"key": key, "value": repr(value)}
        )
        return None
    if not low <= number <= high:
        problems.append(
            gettext("%(key)s %(value)s is out of range") % {"key": key, "value": number}
        )
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
    message = gettext("%(key)s %(value)s is not recognised")
    problems.append(message % {"key": "country", "value": repr(value)})
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
        if not code or code == ONLINE_TYPE:
            continue  # Online or not is read from the join link and phone.
        if code in LANGUAGE_BY_TYPE and not language:
            language = LANGUAGE_BY_TYPE[code]
        elif code in FORMATS_BY_CODE:
            if code not in ours:
                ours.append(code)
        elif code not in unknown:
            unknown.append(code)
    return ours, language, unknown


OWN_FORMATS_BY_NAME = {term.name: term.code for term in FORMATS_BY_CODE.values() if term.ours}


def own_formats_from_notes(notes):
    """(notes, codes): our own format codes named at the end of the notes by a feed of ours."""
    body, _, last = notes.rpartition("\n\n")
    if not last.startswith(OWN_FORMATS_NOTE) or not last.endswith("."):
        return notes, []
    names = last.removeprefix(OWN_FORMATS_NOTE).removesuffix(".").split(", ")
    if not all(name in OWN_FORMATS_BY_NAME for name in names):
        return notes, []
    return body.strip(), [OWN_FORMATS_BY_NAME[name] for name in names]


def is_approximate(item):
    """Whether the record says its address is only an area: "yes" in the spec, true in TSML UI."""
    value = item.get("approximate")
    return value is True or (isinstance(value, str) and value.strip().lower() == "yes")


def _rules_of(model, name):
    """A validator running the model field's own rules: its length, the characters it takes."""
    return model._meta.get_field(name).run_validators


def records_from_item(item, extra=None, *, label):
    """MeetingRecords (one per day) or a Rejected, from one record in Meeting Guide keys.

    ``extra`` carries what a file type found on the way: ``problems``, ``unknown`` codes, a
    ``language`` and a ``program`` slug.
    """
    extra = extra or {}
    problems = list(extra.get("problems", []))
    external_id = text_value(item, "slug", problems)
    if not external_id:
        problems.append(missing("slug"))
    elif len(external_id) > EXTERNAL_ID_LENGTH:
        message = ngettext(
            "%(key)s is longer than %(count)d character",
            "%(key)s is longer than %(count)d characters",
            EXTERNAL_ID_LENGTH,
        )
        problems.append(message % {"key": "slug", "count": EXTERNAL_ID_LENGTH})
    values = {
        name: text_value(item, key, problems, _rules_of(Meeting, name))
        for key, name in MEETING_TEXT.items()
    }
    if not values["name"]:
        problems.append(missing("name"))
    days = parse_days(item.get("day"), problems)
    start_time = parse_clock(item.get("time"))
    if start_time is None:
        problems.append(not_clock("time", item.get("time")))
    end_time = None
    if item.get("end_time") not in (None, ""):
        end_time = parse_clock(item["end_time"])
        if end_time is None:
            problems.append(not_clock("end_time", item["end_time"]))
        else:
            try:
                rules.check_times(start_time, end_time)
            except ValidationError as error:
                problems.extend(refusals("end_time", error))
    zone = text_value(item, "timezone", problems)
    if zone:
        try:
            rules.validate_time_zone(zone)
        except ValidationError as error:
            problems.extend(refusals("timezone", error))
    url = values["conference_url"]
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            message = gettext("%(key)s %(value)s is not a web address")
            problems.append(message % {"key": "conference_url", "value": repr(url)})

    types = item.get("types") or []
    if not isinstance(types, list):
        problems.append(gettext("%(key)s is not a list") % {"key": "types"})
        types = []
    codes, language, unknown = map_types(types)
    unknown = list(extra.get("unknown", [])) + unknown
    language = extra.get("language") or language or "en"
    if language not in LANGUAGES:
        message = gettext("%(key)s %(value)s is not one of ours")
        problems.append(message % {"key": "language", "value": repr(language)})
    notes, own_codes = own_formats_from_notes(values.pop("notes"))
    codes += [code for code in own_codes if code not in codes]
    if unknown:
        notes = f"{notes}\n\n{UNKNOWN_TYPES_NOTE}{', '.join(unknown)}".strip()

    location_record = location_from_item(item, zone, problems)
    option = text_value(item, "attendance_option", problems)
    has_conference = bool(url or values["conference_phone"])
    if option == "inactive":
        return []  # TSML's mark for a meeting neither in person nor online: not listed.
    if option:
        attendance = ATTENDANCE_BY_OPTION.get(option)
        if attendance is None:
            # Translators: keep in_person, online and hybrid as they are (the feed's codes).
            message = gettext("%(key)s %(value)s is not in_person, online or hybrid")
            problems.append(message % {"key": "attendance_option", "value": repr(option)})
    elif has_conference:
        in_person = location_record is not None and location_record.address and "TC" not in codes
        attendance = Attendance.HYBRID if in_person else Attendance.ONLINE
    else:
        attendance = Attendance.IN_PERSON
    try:
        rules.check_join(attendance, url, values["conference_phone"])
    except ValidationError as error:
        problems.extend(error.messages)
    if attendance != Attendance.ONLINE:
        if location_record is None:
            problems.append(gettext("no address: an in-person meeting needs at least a city"))
        elif not location_record.city:
            problems.append(gettext("no city in the address"))
    elif location_record is not None and (not location_record.city or is_approximate(item)):
        location_record = None  # An online meeting's approximate area is not a place to go.

    group_name = text_value(item, "group", problems, _rules_of(Group, "name"))
    group_notes = text_value(item, "group_notes", problems, _rules_of(Group, "notes"))
    # A video call has no wheelchair access: the meeting is kept, the code dropped and reported.
    dropped = rules.room_codes(attendance, codes)
    codes = [code for code in codes if code not in dropped]
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
    records = []
    for day in days:
        suffix = f":{day}" if len(days) > 1 else ""
        records.append(
            MeetingRecord(
                label=label,
                external_id=external_id + suffix,
                fields={**fields, "weekday": day},
                codes=codes,
                location_record=location_record,
                unknown_codes=unknown,
                program=extra.get("program", ""),
                group_name=group_name,
                group_notes=group_notes,
                room_codes=dropped,
            )
        )
    return records


def location_from_item(item, zone, problems):
    """The record's LocationRecord, or None when it gives no place at all."""
    parts = {key: text_value(item, key, problems) for key in LOCATION_TEXT}
    formatted = text_value(item, "formatted_address", problems, rules.validate_single_line)
    if formatted and not (parts["address"] or parts["city"]):
        address, city, state, postal, country = split_formatted_address(formatted)
        parts.update(
            address=address,
            city=city,
            state=parts["state"] or state,
            postal_code=parts["postal_code"] or postal,
        )
        item = {**item, "country": item.get("country") or country}
    for key, name in LOCATION_TEXT.items():
        text_value(parts, key, problems, _rules_of(Location, name))
    directions = parts.pop("location_notes")
    if not any(parts.values()):
        return None
    latitude = parse_coordinate(item.get("latitude"), "latitude", -90, 90, problems)
    longitude = parse_coordinate(item.get("longitude"), "longitude", -180, 180, problems)
    if latitude is None or longitude is None or (latitude == 0 and longitude == 0):
        latitude = longitude = None  # (0, 0) is a blank map pin, not a place.
    return LocationRecord(
        name=parts["location"] or parts["address"] or parts["city"],
        address=parts["address"],
        city=parts["city"],
        region=parts["state"],
        postal_code=parts["postal_code"],
        country=parse_country(text_value(item, "country", problems), problems),
        latitude=latitude,
        longitude=longitude,
        timezone=zone,
        directions=directions,
    )
