"""Weekly recurrence in a time zone: next occurrence and time windows.

A meeting is "weekday at start_time, local wall-clock time" in its IANA zone. Days are numbered as
in the Meeting Guide feed, 0 = Sunday. A week minute is ``weekday * 1440 + minutes since midnight``.
Every step from wall-clock time to a real instant goes through zoneinfo, so daylight-saving changes
are exact. The few words that say when a meeting starts are in the visitor's language.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext, override, pgettext

MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
DEFAULT_DURATION = 60
# Longer than any real meeting; lets a search bound how long ago one in progress began.
LONGEST_MEETING = 12 * 60


def sunday_weekday(moment):
    """Weekday of a date or datetime, numbered 0 = Sunday ... 6 = Saturday."""
    return (moment.weekday() + 1) % 7


def week_minute(weekday, clock):
    return weekday * MINUTES_PER_DAY + clock.hour * 60 + clock.minute


def minutes(delta):
    return int(delta.total_seconds() // 60)


@lru_cache(maxsize=1024)
def standard_offset(zone_name):
    """The zone's standard (not daylight-saving) UTC offset in minutes, per current tz data."""
    try:
        local = datetime.now(UTC).astimezone(ZoneInfo(zone_name))
    except (ZoneInfoNotFoundError, ValueError):
        return 0
    return minutes(local.utcoffset() - local.dst())


def duration_minutes(start_time, end_time):
    """Minutes from start to end; an end at or before the start means the next day."""
    if end_time is None:
        return DEFAULT_DURATION
    start = start_time.hour * 60 + start_time.minute
    end = end_time.hour * 60 + end_time.minute
    return (end - start) % MINUTES_PER_DAY or MINUTES_PER_DAY


def wall_time(local_date, clock, zone):
    """The real instant a wall clock in ``zone`` shows ``clock`` on ``local_date``.

    A time skipped by a spring-forward change lands just after the jump (02:30 becomes 03:30);
    a time repeated by a fall-back change is its first passing, as a wall clock would have it.
    """
    return datetime.combine(local_date, clock, tzinfo=zone).astimezone(UTC).astimezone(zone)


@dataclass(frozen=True)
class Occurrence:
    start: datetime
    end: datetime
    in_progress: bool


def next_occurrence(weekday, start_time, end_time, zone, now):
    """The occurrence in progress at ``now``, or else the next one to start."""
    local_now = now.astimezone(zone)
    days_ahead = (weekday - sunday_weekday(local_now)) % 7
    length = timedelta(minutes=duration_minutes(start_time, end_time))
    # Begin a week back so a meeting that started yesterday and runs past midnight is found.
    day = local_now.date() + timedelta(days=days_ahead - 7)
    while True:
        start = wall_time(day, start_time, zone)
        end_wall = datetime.combine(day, start_time) + length
        end = wall_time(end_wall.date(), end_wall.time(), zone)
        if end <= start:
            # The start fell in a skipped hour and moved past the jump: it keeps its length.
            end = (start.astimezone(UTC) + length).astimezone(zone)
        if end > now:
            return Occurrence(start=start, end=end, in_progress=start <= now)
        day += timedelta(weeks=1)


def offset_changes(zone, now, days=7):
    """(real minutes from now, offset change in minutes) for each change in the coming week."""
    changes = []
    offset = now.astimezone(zone).utcoffset()
    low = now
    # No zone changes its offset twice within twelve hours: probe at that step, then narrow down.
    for step in range(1, days * 2 + 1):
        high = now + timedelta(hours=12 * step)
        new_offset = high.astimezone(zone).utcoffset()
        if new_offset != offset:
            while high - low > timedelta(minutes=1):
                middle = (low + (high - low) / 2).replace(second=0, microsecond=0)
                if middle == low:
                    middle += timedelta(minutes=1)
                if middle.astimezone(zone).utcoffset() == offset:
                    low = middle
                else:
                    high = middle
            changes.append((minutes(high - now), minutes(new_offset - offset)))
            offset = new_offset
        low = now + timedelta(hours=12 * step)
    return tuple(changes)


@cache
def zone_names():
    """Every IANA zone name (available_timezones() walks the zone files on each call)."""
    return frozenset(available_timezones())


@dataclass(frozen=True)
class ZoneClock:
    """Where every zone's clock stands against its standard offset, seen at one minute.

    ``shifts`` maps a difference from standard time (60 on summer time) to the zones showing
    it; zones on standard time are left out. ``changes`` maps (a tuple of coming offset changes
    as (real minutes from now, change in minutes), the zone's difference now) to the zones that
    will make those changes this week.
    """

    shifts: dict
    changes: dict


@lru_cache(maxsize=2)
def zone_clock(now):
    """The ZoneClock at ``now`` (a whole UTC minute); worked out once a minute per process."""
    shifts, changes = defaultdict(list), defaultdict(list)
    for name in sorted(zone_names()):
        zone = ZoneInfo(name)
        difference = minutes(now.astimezone(zone).utcoffset()) - standard_offset(name)
        if difference:
            shifts[difference].append(name)
        if coming := offset_changes(zone, now):
            changes[(coming, difference)].append(name)
    return ZoneClock(
        shifts={key: tuple(names) for key, names in shifts.items()},
        changes={key: tuple(names) for key, names in changes.items()},
    )


def clock(minutes):
    """The wall-clock time ``minutes`` after midnight."""
    return time(*divmod(minutes % MINUTES_PER_DAY, 60))


def describe_start(occurrence, now):
    """A few words on when an occurrence starts, seen from ``now`` in the meeting's own zone:
    "starts in 2 h", "tomorrow 19:00", in the visitor's language."""
    if occurrence.in_progress:
        return pgettext("meeting", "in progress")
    minutes = int((occurrence.start - now).total_seconds() // 60)
    if minutes < 60:
        return gettext("starts in %(minutes)s min") % {"minutes": max(minutes, 1)}
    if minutes < 6 * 60:
        hours, rest = divmod(minutes, 60)
        if rest:
            return gettext("starts in %(hours)s h %(minutes)s min") % {
                "hours": hours,
                "minutes": rest,
            }
        return gettext("starts in %(hours)s h") % {"hours": hours}
    start = occurrence.start
    days = (start.date() - now.astimezone(start.tzinfo).date()).days
    at = start.strftime("%H:%M")
    if days == 0:
        return gettext("today %(time)s") % {"time": at}
    if days == 1:
        return gettext("tomorrow %(time)s") % {"time": at}
    # Translators: a short day name and a time: "Fri 19:00".
    return gettext("%(day)s %(time)s") % {"day": WEEKDAYS_ABBR[start.weekday()], "time": at}


def day_name(weekday):
    """The name of a weekday numbered 0 = Sunday, as words in a sentence take it ("Monday";
    "lunes" in Spanish)."""
    return WEEKDAYS[(weekday + 6) % 7]


@lru_cache(maxsize=16)
def _day_names(language, first_word):
    with override(language):
        names = [str(WEEKDAYS[number]) for number in range(7)]
    return [capfirst(name) for name in names] if first_word else names


def _day(moment, first_word=True):
    """The moment's day of the week in the visitor's language, as the first word of a line
    ("Friday", "Viernes") or within a sentence ("Friday", "viernes"); worked out once per
    language: a page of results names a day on every card."""
    return _day_names(get_language(), first_word)[moment.weekday()]


def utc_offset(moment):
    """'UTC+8', 'UTC−5', 'UTC+5:45': the moment's offset from UTC as people read it."""
    total = minutes(moment.utcoffset())
    hours, rest = divmod(abs(total), 60)
    sign = "+" if total >= 0 else "−"
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_label(moment, with_offset=False):
    """The zone's abbreviation ('PST'); where the tz database has none, its offset ('UTC+5:45');
    ``with_offset`` adds the offset to a name that could be read two ways ('CST (UTC+8)')."""
    name = moment.tzname() or ""
    if not name or name[0] in "+-":
        return utc_offset(moment)
    return f"{name} ({utc_offset(moment)})" if with_offset else name


def names_clash(one, other):
    """Whether two moments' zone abbreviations read the same but mean different offsets: "CST"
    is China's UTC+8 and the US's UTC−6."""
    return one.tzname() == other.tzname() and one.utcoffset() != other.utcoffset()


def format_moment(moment, with_offset=False):
    """'Friday 19:00 PST' ('viernes 19:00 PST'): a weekday and wall-clock time in the moment's own
    zone, within a sentence ("Your time: ...")."""
    day = _day(moment, first_word=False)
    return f"{day} {moment.strftime('%H:%M')} {zone_label(moment, with_offset)}"


def format_span(occurrence, with_offset=False):
    """'Friday 19:00–20:00 PST', in the meeting's own zone."""
    start, end = occurrence.start, occurrence.end
    span = f"{start.strftime('%H:%M')}–{end.strftime('%H:%M')}"
    return f"{_day(start)} {span} {zone_label(start, with_offset)}"
