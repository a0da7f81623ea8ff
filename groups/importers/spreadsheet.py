"""CSV spreadsheets, renamed into Meeting Guide keys: the columns of our own export
(groups.feeds.CSV_COLUMNS), with headers that may also be plain words ("Conference URL", "ID")
or those of our export in another of the site's languages ("nombre", "día", days as "lunes"),
and the 12 Step Meeting List plugin's export and import template ("Time", "Day", "Name",
"Address", "Types", "Group", ...), known by an Address column without a City: its whole address
is in that one column, its times read "6:00 PM", its days and types are names.
"""

import csv
import io
import re
from functools import cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, ngettext

from groups.feeds import CSV_HEADINGS, FORMULA_STARTS
from groups.importers.records import records_from_item
from groups.importers.sources import SourceError
from groups.schedule import day_name
from groups.vocabulary import ATTENDANCE_OPTIONS, DAY_NAMES, FORMATS, Attendance

CSV_HEADER_ALIASES = {
    "id": "slug",
    "province": "state",
    "zip": "postal_code",
    "postcode": "postal_code",
}
FORMAT_CODES_BY_NAME = {term.name.casefold(): term.code for term in FORMATS}
# The plugin's names for codes whose names here differ.
FORMAT_CODES_BY_NAME |= {
    "online meeting": "ONL",
    "step meeting": "ST",
    "speaker": "SP",
    "temporary closure": "TC",
}


def column_key(name):
    return re.sub(r"[\s-]+", "_", (name or "").strip().lower())


@cache
def in_every_language():
    """Column headings and day names as our own CSV writes them in each of the site's
    languages: {heading: column} and {day name: number}, lower case."""
    headings, days = {}, {name.lower(): number for number, name in enumerate(DAY_NAMES)}
    for language, _ in settings.LANGUAGES:
        with translation.override(language):
            headings |= {column_key(str(text)): key for key, text in CSV_HEADINGS.items()}
            days |= {day_name(number).lower(): number for number in range(7)}
    return headings, days


def csv_header(name):
    name = column_key(name)
    return CSV_HEADER_ALIASES.get(name) or in_every_language()[0].get(name, name)


def unescape_cell(value):
    """A cell's text, without the apostrophe feeds.spreadsheet_safe puts before a formula sign."""
    value = value.strip()
    if value[:2] in {"'" + start for start in FORMULA_STARTS}:
        return value[1:]
    return value


def csv_records(text):
    reader = csv.reader(io.StringIO(text))
    try:
        header = [csv_header(name) for name in next(reader)]
    except StopIteration:
        raise SourceError(gettext("The CSV file is empty.")) from None
    except csv.Error as error:
        # Translators: %(error)s is the CSV reader's own (English) explanation.
        message = gettext("The CSV file cannot be read: %(error)s")
        raise SourceError(message % {"error": error}) from error
    missing = {"slug", "name", "day", "time"} - set(header)
    if missing:
        message = ngettext(
            "The CSV header lacks the column: %(columns)s.",
            "The CSV header lacks the columns: %(columns)s.",
            len(missing),
        )
        raise SourceError(message % {"columns": ", ".join(sorted(missing))})
    if "address" in header and "city" not in header:
        # The plugin's layout: "2634 Union Ave, San Jose, CA 95124, USA" in one column.
        header[header.index("address")] = "formatted_address"
    results = []
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            line = reader.line_num
            item = dict(zip(header, map(unescape_cell, values), strict=False))
            if item.get("slug"):
                label = gettext('line %(line)d (slug "%(slug)s")') % {
                    "line": line,
                    "slug": item["slug"],
                }
            else:
                label = gettext("line %(line)d") % {"line": line}
            item["day"] = in_every_language()[1].get(item["day"].lower(), item["day"])
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
                message = gettext("%(key)s %(value)s is not one of %(values)s")
                params = {
                    "key": "attendance",
                    "value": repr(attendance),
                    "values": Attendance.values,
                }
                extra["problems"] = [message % params]
            results += records_from_item(item, extra, label=label)
    except csv.Error as error:
        message = gettext("The CSV file cannot be read at line %(line)d: %(error)s")
        raise SourceError(message % {"line": reader.line_num, "error": error}) from error
    return results
