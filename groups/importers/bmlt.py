"""BMLT search results (``client_interface/json/?switcher=GetSearchResults``), renamed into
Meeting Guide keys with their format keys mapped to our codes."""

import contextlib

from django.utils.translation import gettext

from groups.importers.records import (
    Rejected,
    json_records,
    parse_clock,
    records_from_item,
)
from groups.vocabulary import ATTENDANCE_OPTIONS, LANGUAGES, Attendance

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
BMLT_FORMATS_FOLDED = {key.lower(): codes for key, codes in reversed(BMLT_FORMATS.items())}
BMLT_LANGUAGES = {"ES": "es", "SPA": "es", "FR": "fr", "DE": "de", "PT": "pt", "RUS": "ru"}
BMLT_VENUES = {"1": Attendance.IN_PERSON, "2": Attendance.ONLINE, "3": Attendance.HYBRID}


def bmlt_records(data):
    if isinstance(data, dict):
        data = data.get("meetings")
    results = []
    not_a_list = gettext("BMLT search results are a JSON array of meetings.")
    for record in json_records(data, not_a_list):
        if isinstance(record, Rejected):
            results.append(record)
            continue
        label, item = record
        if str(item.get("published", "1")) == "0":
            continue  # Unpublished on the server: not listed, so deactivated here.
        meeting_id = str(item.get("id_bigint") or "").strip()
        if meeting_id:
            # Translators: a record (e.g. "record 3"), then its id in the BMLT server.
            label = gettext("%(record)s (id %(id)s)") % {"record": label, "id": meeting_id}
        results += records_from_item(*bmlt_item(item), label=label)
    return results


def bmlt_item(item):
    """A BMLT meeting renamed into Meeting Guide keys, with its format keys mapped to ours."""
    problems = []
    day = item.get("weekday_tinyint")
    # BMLT counts 1 = Sunday; a bad value is left for records_from_item to name.
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
        mapped = BMLT_FORMATS.get(key, BMLT_FORMATS_FOLDED.get(key.lower()))
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
        message = gettext("%(key)s %(value)s is not 1, 2 or 3")
        problems.append(message % {"key": "venue_type", "value": repr(venue_type)})
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
