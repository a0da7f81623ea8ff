"""What a search asked for, in words: the chips of the results page and the one-tap choices.

Each chip names one choice in use and links to the same search without it; each one-tap choice
is a plain link to the same search with that choice made. Both are built from the query string
as sent, so every link works with script off and keeps the rest of the search.
"""

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from groups import schedule
from groups.models.programs import format_name, language_name, program_name
from groups.results import format_radius
from groups.search import timing
from groups.search.ranking import Sort
from groups.vocabulary import Attendance, Philosophy, Weekday

PHILOSOPHY_ONLY = {
    Philosophy.SECULAR: _("Secular only"),
    Philosophy.TWELVE_STEP: _("Twelve-step only"),
}
PHILOSOPHY_PREFERRED = {
    Philosophy.SECULAR: _("Secular preferred"),
    Philosophy.TWELVE_STEP: _("Twelve-step preferred"),
}
SORTS = {Sort.DISTANCE: _("Nearest first"), Sort.SOONEST: _("Soonest first")}
SOON_HOURS = 2  # "Starting within 2 hours"
ONLINE_NOW_HOURS = 1  # "Online now": in progress or starting within the hour


@dataclass(frozen=True)
class Link:
    """A chip or a one-tap choice: what it says, the search it leads to ("" for a chip that
    only says what was searched), and whether that is the search shown now."""

    label: str
    url: str
    current: bool = False


def _url(data, **changes):
    """The query string of ``data`` (a QueryDict) with each named parameter set to a list of
    values (or left out for None), and no page number.

    Built as a list of pairs, each parameter where the search had it: a results page makes
    half a dozen of these, and copying the QueryDict (a deep copy) cost three times as much."""
    changes = {**changes, "page": None}
    pairs = []
    for name, values in data.lists():
        if name in changes:
            values = changes.pop(name)
        pairs += [(name, str(value)) for value in values or ()]
    for name, values in changes.items():
        pairs += [(name, str(value)) for value in values or ()]
    return "?" + urlencode(pairs)


def _number(value):
    """A decimal as people write it in their language: 10, 2.5 (2,5 in Spanish), not 10.00."""
    text = f"{value:f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return number_format(text)


def starting_within(hours):
    """ "Starting within 2 hours": the one-tap choice, and the chip of a "soon" chosen."""
    count = float(hours)
    # The plural follows the number as written: "within 1 hour", "within 1.5 hours".
    plural_count = int(count) if count == int(count) else 2
    return ngettext(
        "Starting within %(hours)s hour", "Starting within %(hours)s hours", plural_count
    ) % {"hours": _number(hours)}


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
        radius = _number(cleaned["radius"])
        # Translators: the distance chosen, such as "25 km" or "10 mi".
        label = pgettext("chip", "Within %(distance)s") % {
            "distance": f"{radius} {form.distance_unit}"
        }
        found.append(Link(label, _url(data, radius=None, unit=None)))
    elif form.point is not None and form.wants_local:
        # The radius searched when none was chosen: said, but nothing to take away.
        radius = format_radius(form.radius_km, form.distance_unit)
        found.append(Link(pgettext("chip", "Within %(distance)s") % {"distance": radius}, ""))
    if text := " ".join((cleaned.get("text") or "").split()):
        # Translators: the words typed in the name box.
        add(gettext("Named “%(words)s”") % {"words": text}, "text")
    if philosophy := cleaned.get("philosophy"):
        add(str(PHILOSOPHY_ONLY[philosophy]), "philosophy")
    for slug in cleaned.get("program") or []:
        add(program_name(slug), "program", slug)
    for attendance in cleaned.get("attendance") or []:
        add(str(Attendance(attendance).label), "attendance", attendance)
    for code in cleaned.get("format") or []:
        add(format_name(code), "format", code)
    if language := cleaned.get("language"):
        # Translators: the language chosen, such as "Spanish".
        label = pgettext("chip", "In %(language)s") % {"language": language_name(language)}
        add(label, "language")
    for day in cleaned.get("day") or []:
        add(str(Weekday(int(day)).label), "day", day)
    if time := cleaned.get("time"):
        add(str(timing.TIMES_OF_DAY[time][0]), "time")
    if (soon := cleaned.get("soon")) is not None:
        add(starting_within(soon), "soon")
    if preferred := cleaned.get("prefer_philosophy"):
        add(str(PHILOSOPHY_PREFERRED[preferred]), "prefer_philosophy")
    for code in cleaned.get("prefer_format") or []:
        # Translators: a format's name, such as "Newcomer".
        label = gettext("%(format)s preferred") % {"format": format_name(code)}
        add(label, "prefer_format", code)
    if (sort := cleaned.get("sort")) in SORTS:
        add(str(SORTS[sort]), "sort")
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
        Link(
            pgettext("one-tap choice", "Today"),
            _url(data, soon=None, day=[today]),
            days == [today] and soon is None,
        ),
        Link(
            pgettext("one-tap choice", "Tomorrow"),
            _url(data, soon=None, day=[tomorrow]),
            days == [tomorrow] and soon is None,
        ),
        Link(
            starting_within(SOON_HOURS),
            _url(data, day=None, time=None, soon=[SOON_HOURS]),
            soon == SOON_HOURS and not days,
        ),
        online_now(data, current=soon == ONLINE_NOW_HOURS and online_only),
        *in_own_language(form, data),
    ]


def in_own_language(form, data):
    """On pages in a language other than the site's default, one tap to keep only meetings held
    in it: "Solo reuniones en español"."""
    language = form.preferred_language
    if not language:
        return []
    label = pgettext(
        "one-tap choice: only meetings in the language of these pages", "Only meetings in English"
    )
    current = form.cleaned_data.get("language") == language
    return [Link(label, _url(data, language=[language]), current)]


def online_now(data, current=False):
    """The one-tap choice "Online now": online meetings in progress or starting within the hour,
    keeping the rest of the search in ``data`` (a QueryDict)."""
    changes = {"day": None, "time": None, "attendance": [Attendance.ONLINE]}
    label = pgettext("one-tap choice", "Online now")
    return Link(label, _url(data, **changes, soon=[ONLINE_NOW_HOURS]), current)
