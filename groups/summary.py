"""What a search asked for, in words: the chips of the results page and the one-tap choices.

Each chip names one choice in use and links to the same search without it; each one-tap choice
is a plain link to the same search with that choice made. Both are built from the query string
as sent, so every link works with script off and keeps the rest of the search.
"""

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from groups import schedule
from groups.search import timing
from groups.search.ranking import Sort
from groups.vocabulary import FORMATS, LANGUAGES, PROGRAMS, Attendance, Philosophy, Weekday

# Whole phrases, each translated as a unit; %(value)s is the choice's own name.
PHRASES = {
    "radius": "Within %(value)s",
    "text": "Named “%(value)s”",
    "language": "In %(value)s",
    "soon": "Starting within %(value)s hours",
    "prefer_format": "%(value)s preferred",
}
PHILOSOPHY_ONLY = {Philosophy.SECULAR: "Secular only", Philosophy.TWELVE_STEP: "Twelve-step only"}
PHILOSOPHY_PREFERRED = {
    Philosophy.SECULAR: "Secular preferred",
    Philosophy.TWELVE_STEP: "Twelve-step preferred",
}
SORTS = {Sort.DISTANCE: "Nearest first", Sort.SOONEST: "Soonest first"}
FORMAT_NAMES = {term.code: term.name for term in FORMATS}
SOON_HOURS = 2  # "Starting within 2 hours"
ONLINE_NOW_HOURS = 1  # "Online now": in progress or starting within the hour


@dataclass(frozen=True)
class Link:
    """A chip or a one-tap choice: what it says, the search it leads to, and whether that is the
    search shown now."""

    label: str
    url: str
    current: bool = False


def _url(data, **changes):
    """The query string of ``data`` (a QueryDict) with each named parameter set to a list of
    values (or left out for None), and no page number."""
    query = data.copy()
    for name, values in {**changes, "page": None}.items():
        if values is None:
            query.pop(name, None)
        else:
            query.setlist(name, [str(value) for value in values])
    return "?" + query.urlencode()


def _number(value):
    """A decimal as people write it: 10, 2.5 (not 10.00)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _without(data, name, value):
    kept = [item for item in data.getlist(name) if item != value]
    return _url(data, **{name: kept or None})


def chips(filterset):
    """A Link for each choice in use, to the search without it."""
    form, data = filterset.form, filterset.data
    cleaned = form.cleaned_data
    found = []

    def add(label, name, value=None):
        found.append(
            Link(label, _without(data, name, value) if value else _url(data, **{name: None}))
        )

    if cleaned.get("radius") is not None:
        unit = form.distance_unit
        radius = _number(cleaned["radius"])
        found.append(
            Link(
                PHRASES["radius"] % {"value": f"{radius} {unit}"},
                _url(data, radius=None, unit=None),
            )
        )
    if text := " ".join((cleaned.get("text") or "").split()):
        add(PHRASES["text"] % {"value": text}, "text")
    if philosophy := cleaned.get("philosophy"):
        add(PHILOSOPHY_ONLY[philosophy], "philosophy")
    for slug in cleaned.get("program") or []:
        add(PROGRAMS[slug][1], "program", slug)
    for attendance in cleaned.get("attendance") or []:
        add(Attendance(attendance).label, "attendance", attendance)
    for code in cleaned.get("format") or []:
        add(FORMAT_NAMES[code], "format", code)
    if language := cleaned.get("language"):
        add(PHRASES["language"] % {"value": LANGUAGES[language][0]}, "language")
    for day in cleaned.get("day") or []:
        add(Weekday(int(day)).label, "day", day)
    if time := cleaned.get("time"):
        add(timing.TIMES_OF_DAY[time][0], "time")
    if (soon := cleaned.get("soon")) is not None:
        add(PHRASES["soon"] % {"value": _number(soon)}, "soon")
    if preferred := cleaned.get("prefer_philosophy"):
        add(PHILOSOPHY_PREFERRED[preferred], "prefer_philosophy")
    for code in cleaned.get("prefer_format") or []:
        add(PHRASES["prefer_format"] % {"value": FORMAT_NAMES[code]}, "prefer_format", code)
    if (sort := cleaned.get("sort")) in SORTS:
        add(SORTS[sort], "sort")
    return found


def quick_choices(filterset):
    """One-tap choices: today, tomorrow, starting within two hours, online now."""
    form, data = filterset.form, filterset.data
    cleaned = form.cleaned_data
    local_now = filterset.now.astimezone(form.searcher_zone or ZoneInfo("UTC"))
    today = schedule.sunday_weekday(local_now)
    tomorrow = schedule.sunday_weekday(local_now + timedelta(days=1))
    days = [int(day) for day in cleaned.get("day") or []]
    soon = cleaned.get("soon")
    online_only = (cleaned.get("attendance") or []) == [Attendance.ONLINE]
    return [
        Link("Today", _url(data, soon=None, day=[today]), days == [today] and soon is None),
        Link(
            "Tomorrow", _url(data, soon=None, day=[tomorrow]), days == [tomorrow] and soon is None
        ),
        Link(
            PHRASES["soon"] % {"value": SOON_HOURS},
            _url(data, day=None, time=None, soon=[SOON_HOURS]),
            soon == SOON_HOURS and not days,
        ),
        online_now(data, current=soon == ONLINE_NOW_HOURS and online_only),
    ]


def online_now(data, current=False):
    """The one-tap choice "Online now": online meetings in progress or starting within the hour,
    keeping the rest of the search in ``data`` (a QueryDict)."""
    changes = {"day": None, "time": None, "attendance": [Attendance.ONLINE]}
    return Link("Online now", _url(data, **changes, soon=[ONLINE_NOW_HOURS]), current)
