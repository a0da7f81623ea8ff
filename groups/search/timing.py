"""When meetings start, in SQL: minutes until each one's next start, exact across daylight saving.

Each meeting stores its start as a UTC week minute at its zone's standard offset
(``utc_week_minute``) and its length (``duration``). Most zones are on standard time at any
moment; for those on summer time the start moves by the difference, and a change due in the
coming week moves later starts once more. The zones in each case come from the tz database
(``schedule.zone_clock``, worked out once a minute), so the SQL has one branch per distinct
difference or change and none per meeting.
"""

from datetime import UTC

from django.db.models import F, IntegerField, Q
from django.utils.translation import gettext_lazy as _

from groups import schedule
from groups.search.formula import Formula, number, zone_names
from groups.vocabulary import Attendance

# Online meetings run all week all over the world: a search lists those in progress or starting
# within a day, unless the person picked days or a "starting within" window of their own.
ONLINE_HOURS = 24

TIMES_OF_DAY = {
    # (label, start minute inclusive, end minute exclusive); night wraps past midnight.
    "morning": (_("Morning (4:00–12:00)"), 4 * 60, 12 * 60),
    "afternoon": (_("Afternoon (12:00–17:00)"), 12 * 60, 17 * 60),
    "evening": (_("Evening (17:00–21:00)"), 17 * 60, 21 * 60),
    "night": (_("Night (21:00–4:00)"), 21 * 60, 4 * 60),
}


def time_of_day_condition(key):
    """Meetings whose local start falls in the named part of the day."""
    _, start, end = TIMES_OF_DAY[key]
    low, high = schedule.clock(start), schedule.clock(end)
    if start < end:
        return Q(start_time__gte=low, start_time__lt=high)
    return Q(start_time__gte=low) | Q(start_time__lt=high)


def _utc_now_minute(now):
    utc_now = now.astimezone(UTC)
    return utc_now, schedule.week_minute(schedule.sunday_weekday(utc_now), utc_now)


def minutes_until(now):
    """Minutes until each row's next start; while in progress, minus the minutes since."""
    utc_now, now_minute = _utc_now_minute(now)
    clock = schedule.zone_clock(utc_now.replace(second=0, microsecond=0))
    ahead = int((now - now.replace(second=0, microsecond=0)).total_seconds() // 60)
    week, two_weeks = number(schedule.MINUTES_PER_WEEK), number(2 * schedule.MINUTES_PER_WEEK)
    # {0} the stored UTC start minute, {1} the duration, {2} the time zone name. What moves with
    # the minute is a parameter ({now}, ...), so the SQL text stays the same from one minute to
    # the next and the database can keep it compiled.
    values = {"now": now_minute}
    shift_now = "0"
    if clock.shifts:
        branches = " ".join(
            f"WHEN {{2}} IN ({zone_names(names)}) THEN {number(shift)}"
            for shift, names in clock.shifts.items()
        )
        shift_now = f"CASE {branches} ELSE 0 END"
    wall_delta = f"(({{0}} - {shift_now} - {{now}} + {two_weeks}) %% {week})"
    coming_shifts = []
    for group, ((coming, shift), names) in enumerate(clock.changes.items()):
        # These zones share a difference now, so their wall-clock delta needs no CASE.
        values[f"at{group}"] = shift + now_minute
        zone_delta = f"(({{0}} - {{at{group}}} + {two_weeks}) %% {week})"
        passed = 0
        for step, (minutes_ahead, change) in enumerate(coming):
            # Past an offset change, a wall-clock time comes `change` minutes sooner. A time
            # the clocks skip counts on the old offset, as zoneinfo reads it.
            skipped = max(change, 0)
            values[f"reached{group}_{step}"] = minutes_ahead - ahead + passed + skipped
            coming_shifts.append(
                f"WHEN {{2}} IN ({zone_names(names)}) AND {zone_delta} >= "
                f"{{reached{group}_{step}}} THEN {number(change)}"
            )
            passed += change
    if not coming_shifts:
        # One pass over the delta: a start less than `duration` ago wraps round to minus the
        # minutes since it began, so meetings in progress come out negative. (One that ended
        # this minute is `duration` minutes past its start: next week's comes next.)
        formula = f"({wall_delta} + {{1}} - 1 + {week}) %% {week} - ({{1}} - 1)"
    else:
        # An offset change ahead moves the next start, but not one that already began.
        since = f"(({week} - {wall_delta}) %% {week})"
        formula = (
            f"CASE WHEN {since} < {{1}} THEN -{since} "
            f"ELSE {wall_delta} - CASE {' '.join(coming_shifts)} ELSE 0 END END"
        )
    return Formula(
        formula,
        F("utc_week_minute"),
        F("duration"),
        F("timezone"),
        output_field=IntegerField(),
        values=values,
    )


def online_window(now, horizon):
    """Conditions that pick online meetings in progress or starting within ``horizon`` minutes.

    Each condition is a range of stored UTC start minutes, so an index serves it; the exact test
    (daylight saving included) follows in SQL on the few rows the ranges let through.
    """
    online = Q(attendance=Attendance.ONLINE)
    week = schedule.MINUTES_PER_WEEK
    longest = schedule.LONGEST_MEETING
    if horizon is None or horizon + longest + 120 >= week:
        return [online]
    utc_now, now_minute = _utc_now_minute(now)
    clock = schedule.zone_clock(utc_now.replace(second=0, microsecond=0))
    ranges = []
    for shift in sorted({0, *clock.shifts}):
        # A margin of an hour either side covers an offset change inside the window.
        start = now_minute + shift - longest - 60
        ranges.append((start, start + longest + horizon + 120))
    merged = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    terms = []
    for start, end in merged:
        low, high = start % week, end % week
        if low <= high:
            terms.append(online & Q(utc_week_minute__gte=low, utc_week_minute__lte=high))
        else:
            terms.append(online & Q(utc_week_minute__gte=low))
            terms.append(online & Q(utc_week_minute__lte=high))
    return terms
