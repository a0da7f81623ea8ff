"""What makes a listing valid, written once for every way a listing arrives.

The models, the admin, the public suggestion form and every importer call these, so a listing is
judged by the same rule and in the same words wherever it was typed or read. Each check raises
Django's ``ValidationError`` with a code; model fields take the validators directly.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from groups import schedule
from groups.vocabulary import (
    CONFERENCE_SERVICES,
    DAY_NAMES,
    FORMATS_BY_CODE,
    IN_PERSON_ONLY_CODES,
    SECULAR_TYPE,
    SHORTEST_DIAL_IN,
    Attendance,
    Philosophy,
)

TIME_ZONE_CHOICES = sorted((name, name) for name in schedule.zone_names())


def is_time_zone(name):
    """Whether ``name`` is an IANA time zone name of the tz database, such as America/Chicago."""
    return name in schedule.zone_names()


def validate_time_zone(value):
    if not is_time_zone(value):
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as America/Chicago."),
            code="invalid_time_zone",
            params={"value": value},
        )


# Text: no control characters. A line break belongs only in text shown as several lines (notes,
# messages), where every page, feed, CSV and calendar encodes it; anywhere else it would split a
# calendar line or a CSV cell, and the other control characters mean nothing in a listing.
LINE_BREAKS = frozenset("\n\r")


def control_characters(text, *, multiline=False):
    """The control characters in ``text`` (below U+0020 except tab, and U+007F), in order."""
    allowed = LINE_BREAKS if multiline else frozenset()
    return [
        char
        for char in text
        if (char < " " and char != "\t" and char not in allowed) or char == "\x7f"
    ]


def _refuse_control_characters(value, multiline):
    if not isinstance(value, str):
        return
    found = control_characters(value, multiline=multiline)
    if found:
        raise ValidationError(
            _("Remove the line break or other control character (%(name)s) from this text."),
            code="control_character",
            params={"name": f"U+{ord(found[0]):04X}"},
        )


def validate_single_line(value):
    """Text on one line: a name, an address, a link's notes."""
    _refuse_control_characters(value, multiline=False)


def validate_multiline(value):
    """Text that may run over several lines: notes, directions, messages."""
    _refuse_control_characters(value, multiline=True)


def check_join(attendance, conference_url, conference_phone):
    """An online or hybrid meeting needs a join link or a dial-in phone."""
    if attendance != Attendance.IN_PERSON and not (conference_url or conference_phone):
        raise ValidationError(
            _("An online or hybrid meeting needs a join link or a dial-in phone."),
            code="online_needs_url_or_phone",
        )


def joinable_in_apps(attendance, conference_url, conference_phone):
    """Whether apps reading our feed show the meeting as one to go to: TSML UI takes a meeting
    as online only with a link to a video service it knows or a dial-in phone long enough to
    call, and shows one that is neither online nor at an address as inactive. A hybrid meeting
    keeps its address (the feed calls it exact), so only an online-only one can be hidden so.

    Not a rule a listing must keep (a link elsewhere works on our own pages), so admin and
    imports warn about it rather than refuse it.
    """
    if attendance != Attendance.ONLINE:
        return True
    host = urlsplit(conference_url or "").netloc.lower()
    dialled = [char for char in conference_phone or "" if char in "0123456789+,#"]
    return host.endswith(CONFERENCE_SERVICES) or len(dialled) >= SHORTEST_DIAL_IN


def room_codes(attendance, codes):
    """The format codes among ``codes`` that describe a room, if the meeting is only online.

    An online-only meeting has no wheelchair access, candlelight or breakfast: admin refuses
    these codes for it, imports drop them (and say so), and the feed and pages never show them.
    """
    if attendance != Attendance.ONLINE:
        return []
    return [code for code in codes if code in IN_PERSON_ONLY_CODES]


def check_room_codes(attendance, codes):
    found = room_codes(attendance, codes)
    if found:
        names = ", ".join(
            FORMATS_BY_CODE[code].name if code in FORMATS_BY_CODE else code for code in found
        )
        raise ValidationError(
            _("A meeting held only online has no room: remove %(names)s."),
            code="room_format_online",
            params={"names": names},
        )


def check_times(start_time, end_time):
    """A meeting ends after it starts (past midnight when the end is earlier), within 12 hours."""
    if start_time is None or end_time is None:
        return
    if end_time == start_time:
        raise ValidationError(
            _("The end time must differ from the start time."), code="zero_length"
        )
    if schedule.duration_minutes(start_time, end_time) > schedule.LONGEST_MEETING:
        raise ValidationError(
            _("A meeting can last at most %(hours)s hours: check the end time."),
            code="too_long",
            params={"hours": schedule.LONGEST_MEETING // 60},
        )


SLUG_LENGTH = 200


def unique_slug(name, weekday, is_taken):
    """A web address for a meeting from its name and day: "hope-group-monday", "-2" if taken."""
    day = DAY_NAMES[weekday] if weekday in range(7) else ""  # The database refuses other days.
    return free_slug(f"{name} {day}", is_taken, fallback="meeting")


def free_slug(text, is_taken, *, fallback):
    """A web address made of ``text`` ("clean-start-group"), or ``fallback`` when it has no
    letter to keep, with "-2", "-3"... added while ``is_taken`` says it is in use."""
    base = slugify(text)[:SLUG_LENGTH] or fallback
    slug, n = base, 2
    while is_taken(slug):
        slug, n = f"{base}-{n}", n + 1
    return slug


def program_codes(philosophy):
    """The format codes a meeting has by its program alone: A (secular) for a secular program.

    Imports and sample data do not store them on the meeting; the feed adds them back and the
    search's format filter finds them from the program, so a meeting says it once.
    """
    return [SECULAR_TYPE] if philosophy == Philosophy.SECULAR else []
