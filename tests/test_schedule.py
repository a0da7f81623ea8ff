"""Weekly recurrence in a time zone (groups/schedule.py), against instants known from the tz data.

Every expected instant below is written in UTC, worked out from the zone's rules: New York springs
forward at 07:00 UTC on 8 March 2026 and falls back at 06:00 UTC on 1 November; London falls back
at 01:00 UTC on 25 October; Sydney springs forward at 16:00 UTC on 3 October; Lord Howe moves its
clocks by half an hour, back at 15:00 UTC on 4 April and forward at 15:30 UTC on 3 October.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils.translation import override

from groups import schedule
from groups.schedule import Occurrence

NEW_YORK = ZoneInfo("America/New_York")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
LONDON = ZoneInfo("Europe/London")
SYDNEY = ZoneInfo("Australia/Sydney")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


# Weekdays, week minutes and clocks


def test_weekdays_are_numbered_from_sunday():
    assert schedule.sunday_weekday(date(2026, 6, 7)) == 0  # a Sunday
    assert schedule.sunday_weekday(date(2026, 6, 6)) == 6  # a Saturday
    assert schedule.sunday_weekday(datetime(2026, 6, 8, 23, 59)) == 1


def test_week_minutes_and_clocks():
    assert schedule.week_minute(0, time(0, 0)) == 0
    assert schedule.week_minute(6, time(23, 30)) == 6 * 1440 + 23 * 60 + 30
    assert schedule.clock(19 * 60 + 5) == time(19, 5)
    assert schedule.clock(1440 + 60) == time(1, 0)  # past midnight wraps round
    assert schedule.clock(-30) == time(23, 30)


@pytest.mark.parametrize(
    "zone, minutes",
    [
        ("America/New_York", -300),
        ("America/St_Johns", -210),
        ("Europe/London", 0),
        ("Asia/Kolkata", 330),
        ("Australia/Lord_Howe", 630),
        ("Not/A_Zone", 0),
    ],
)
def test_standard_offset_leaves_summer_time_out(zone, minutes):
    assert schedule.standard_offset(zone) == minutes


# Durations and wall-clock times


@pytest.mark.parametrize(
    "start, end, minutes",
    [
        (time(19, 0), time(20, 30), 90),
        (time(19, 0), None, 60),  # unknown end: an hour
        (time(23, 0), time(1, 0), 120),  # past midnight
        (time(19, 0), time(18, 0), 23 * 60),  # an end before the start is the next day
        (time(19, 0), time(19, 0), 24 * 60),  # the same time is a day later, never zero
    ],
)
def test_duration_minutes(start, end, minutes):
    assert schedule.duration_minutes(start, end) == minutes


def test_wall_time_of_an_ordinary_evening():
    moment = schedule.wall_time(date(2026, 6, 1), time(19, 0), LOS_ANGELES)
    assert moment == utc(2026, 6, 2, 2, 0)
    assert (moment.hour, moment.minute, moment.tzinfo) == (19, 0, LOS_ANGELES)


def test_a_skipped_wall_time_lands_just_after_the_jump():
    # 02:30 never shows in New York on 8 March 2026: the clocks go from 02:00 to 03:00.
    moment = schedule.wall_time(date(2026, 3, 8), time(2, 30), NEW_YORK)
    assert moment == utc(2026, 3, 8, 7, 30)
    assert (moment.hour, moment.minute, moment.utcoffset()) == (3, 30, timedelta(hours=-4))
    # Lord Howe skips half an hour, 02:00 to 02:30 on 4 October 2026.
    half = schedule.wall_time(date(2026, 10, 4), time(2, 15), LORD_HOWE)
    assert half == utc(2026, 10, 3, 15, 45)
    assert (half.hour, half.minute) == (2, 45)


def test_a_repeated_wall_time_is_its_first_passing():
    # 01:30 shows twice in New York on 1 November 2026: first on summer time (UTC-4).
    moment = schedule.wall_time(date(2026, 11, 1), time(1, 30), NEW_YORK)
    # An ambiguous wall time never equals a time in another zone (PEP 495): compare in UTC.
    assert moment.astimezone(UTC) == utc(2026, 11, 1, 5, 30)
    assert moment.utcoffset() == timedelta(hours=-4)


# The next occurrence


@pytest.mark.parametrize(
    "zone, weekday, start, end, now, starts, ends",
    [
        # Sunday 19:00 on the day New York springs forward: on summer time already.
        (NEW_YORK, 0, time(19), None, utc(2026, 3, 7, 12), utc(2026, 3, 8, 23), utc(2026, 3, 9, 0)),
        # Sunday 10:00 on the day London falls back: on winter time already.
        (LONDON, 0, time(10), time(11), utc(2026, 10, 24, 12), utc(2026, 10, 25, 10),
         utc(2026, 10, 25, 11)),
        # Monday 09:00 the day after Sydney springs forward (UTC+11).
        (SYDNEY, 1, time(9), time(10), utc(2026, 10, 3, 12), utc(2026, 10, 4, 22),
         utc(2026, 10, 4, 23)),
        # Sunday 10:00 after Lord Howe falls back half an hour (UTC+10:30).
        (LORD_HOWE, 0, time(10), time(11), utc(2026, 4, 4, 0), utc(2026, 4, 4, 23, 30),
         utc(2026, 4, 5, 0, 30)),
        # Saturday 23:00 to Sunday 03:00 across New York's fall back: five real hours.
        (NEW_YORK, 6, time(23), time(3), utc(2026, 10, 31, 12), utc(2026, 11, 1, 3),
         utc(2026, 11, 1, 8)),
    ],
)  # fmt: skip
def test_next_occurrence_across_daylight_saving(zone, weekday, start, end, now, starts, ends):
    occurrence = schedule.next_occurrence(weekday, start, end, zone, now)
    assert (occurrence.start, occurrence.end) == (starts, ends)
    assert not occurrence.in_progress
    # Shown on the meeting's own wall clock.
    assert occurrence.start.tzinfo == zone
    assert (occurrence.start.hour, occurrence.start.minute) == (start.hour, start.minute)


def test_a_meeting_past_midnight_is_in_progress_the_next_morning():
    # Saturday 23:00 to 01:00 in Los Angeles (UTC-7 in June), seen at Sunday 00:30.
    now = utc(2026, 6, 7, 7, 30)
    occurrence = schedule.next_occurrence(6, time(23), time(1), LOS_ANGELES, now)
    assert occurrence == Occurrence(utc(2026, 6, 7, 6), utc(2026, 6, 7, 8), in_progress=True)


def test_a_meeting_is_in_progress_from_its_start_until_its_end():
    starts, ends = utc(2026, 6, 2, 2), utc(2026, 6, 2, 3)  # Monday 19:00-20:00 in Los Angeles

    def seen_at(now):
        return schedule.next_occurrence(1, time(19), time(20), LOS_ANGELES, now)

    assert seen_at(starts - timedelta(minutes=1)) == Occurrence(starts, ends, in_progress=False)
    assert seen_at(starts) == Occurrence(starts, ends, in_progress=True)
    assert seen_at(ends - timedelta(minutes=1)) == Occurrence(starts, ends, in_progress=True)
    # At its end it is next week's meeting.
    next_week = timedelta(weeks=1)
    assert seen_at(ends) == Occurrence(starts + next_week, ends + next_week, in_progress=False)


def test_a_meeting_starting_in_the_skipped_hour_keeps_its_length():
    # 02:30-03:30 on the night New York springs forward: 02:30 does not exist, so the meeting
    # starts just after the jump (03:30 EDT, 07:30 UTC) and still lasts its hour.
    now = utc(2026, 3, 8, 6)  # Sunday 01:00 EST
    occurrence = schedule.next_occurrence(0, time(2, 30), time(3, 30), NEW_YORK, now)
    assert occurrence == Occurrence(utc(2026, 3, 8, 7, 30), utc(2026, 3, 8, 8, 30), False)
    inside = schedule.next_occurrence(0, time(2, 30), time(3, 30), NEW_YORK, utc(2026, 3, 8, 8))
    assert inside.in_progress


# Offset changes and where every zone's clock stands


@pytest.mark.parametrize(
    "zone, now, changes",
    [
        # 3 days 7 hours ahead, clocks forward an hour.
        (NEW_YORK, utc(2026, 3, 5), ((3 * 1440 + 7 * 60, 60),)),
        (NEW_YORK, utc(2026, 3, 8, 6, 59), ((1, 60),)),
        (LONDON, utc(2026, 10, 20), ((5 * 1440 + 60, -60),)),
        (SYDNEY, utc(2026, 10, 1), ((2 * 1440 + 16 * 60, 60),)),
        (LORD_HOWE, utc(2026, 4, 1), ((3 * 1440 + 15 * 60, -30),)),
        (LORD_HOWE, utc(2026, 10, 1), ((2 * 1440 + 15 * 60 + 30, 30),)),
        (NEW_YORK, utc(2026, 6, 1), ()),
        (ZoneInfo("Asia/Kolkata"), utc(2026, 3, 5), ()),
    ],
)
def test_offset_changes_in_the_coming_week(zone, now, changes):
    assert schedule.offset_changes(zone, now) == changes


def test_offset_changes_look_only_as_far_as_asked():
    assert schedule.offset_changes(NEW_YORK, utc(2026, 3, 5), days=3) == ()
    assert schedule.offset_changes(NEW_YORK, utc(2026, 3, 5), days=4) == ((4740, 60),)


def shifted(clock, zone):
    """The difference from standard time ``clock`` records for ``zone``, 0 when none."""
    return next((shift for shift, names in clock.shifts.items() if zone in names), 0)


def test_zone_clock_shifts_zones_on_summer_time():
    january = schedule.zone_clock(utc(2026, 1, 15, 12))
    assert shifted(january, "Australia/Sydney") == 60
    assert shifted(january, "Australia/Lord_Howe") == 30
    assert shifted(january, "America/New_York") == 0
    assert shifted(january, "Europe/London") == 0
    july = schedule.zone_clock(utc(2026, 7, 15, 12))
    assert shifted(july, "America/New_York") == 60
    assert shifted(july, "Europe/London") == 60
    assert shifted(july, "Australia/Sydney") == 0
    assert shifted(july, "Asia/Kolkata") == 0


def test_zone_clock_groups_the_coming_changes():
    clock = schedule.zone_clock(utc(2026, 3, 5))
    # New York and St John's (three and a half hours behind UTC) both spring forward at 02:00.
    assert "America/New_York" in clock.changes[(((4740, 60),), 0)]
    assert "America/Chicago" in clock.changes[(((4800, 60),), 0)]
    assert "America/St_Johns" in clock.changes[(((4650, 60),), 0)]
    # London changes three weeks later; Kolkata never.
    changing = {name for names in clock.changes.values() for name in names}
    assert "Europe/London" not in changing and "Asia/Kolkata" not in changing


# Words for people


@pytest.mark.parametrize(
    "start, words",
    [
        (utc(2026, 6, 1, 16, 0, 20), "starts in 1 min"),
        (utc(2026, 6, 1, 16, 30), "starts in 30 min"),
        (utc(2026, 6, 1, 18, 0), "starts in 2 h"),
        (utc(2026, 6, 1, 18, 15), "starts in 2 h 15 min"),
        (utc(2026, 6, 1, 21, 59), "starts in 5 h 59 min"),
        (utc(2026, 6, 2, 2, 0), "today 19:00"),
        (utc(2026, 6, 3, 2, 0), "tomorrow 19:00"),
        (utc(2026, 6, 5, 2, 0), "Thu 19:00"),
    ],
)
def test_describe_start(start, words):
    now = utc(2026, 6, 1, 16, 0)  # Monday 09:00 in Los Angeles
    local = start.astimezone(LOS_ANGELES)
    occurrence = Occurrence(local, local + timedelta(hours=1), in_progress=False)
    assert schedule.describe_start(occurrence, now) == words


def test_describe_start_of_a_meeting_in_progress():
    now = utc(2026, 6, 1, 16, 0)
    began = (now - timedelta(minutes=20)).astimezone(LOS_ANGELES)
    occurrence = Occurrence(began, began + timedelta(hours=1), in_progress=True)
    assert schedule.describe_start(occurrence, now) == "in progress"


def test_describe_start_counts_days_in_the_meetings_zone():
    # Sunday 23:30 in Los Angeles is already Monday in UTC; Monday 08:00 there is tomorrow.
    now = utc(2026, 6, 1, 6, 30)
    start = datetime(2026, 6, 1, 8, 0, tzinfo=LOS_ANGELES)
    occurrence = Occurrence(start, start + timedelta(hours=1), in_progress=False)
    assert schedule.describe_start(occurrence, now) == "tomorrow 08:00"


def test_format_moment_names_the_day_time_and_zone():
    assert schedule.format_moment(datetime(2026, 1, 16, 19, tzinfo=LOS_ANGELES)) == (
        "Friday 19:00 PST"
    )
    assert schedule.format_moment(datetime(2026, 7, 17, 19, tzinfo=LOS_ANGELES)) == (
        "Friday 19:00 PDT"
    )
    assert schedule.format_moment(utc(2026, 7, 17, 18).astimezone(LONDON)) == "Friday 19:00 BST"
    with override("es"):  # Within a sentence: "Tu hora: viernes ...", the span's day capitalised.
        assert schedule.format_moment(utc(2026, 7, 17, 18).astimezone(LONDON)).startswith(
            "viernes 19:00"
        )
        start = datetime(2026, 7, 17, 19, tzinfo=LONDON)
        occurrence = Occurrence(start, start + timedelta(hours=1), in_progress=False)
        assert schedule.format_span(occurrence).startswith("Viernes 19:00–20:00")


def test_format_span_runs_from_start_to_end_on_the_starting_day():
    evening = Occurrence(
        datetime(2026, 1, 16, 19, tzinfo=LOS_ANGELES),
        datetime(2026, 1, 16, 20, 30, tzinfo=LOS_ANGELES),
        in_progress=False,
    )
    assert schedule.format_span(evening) == "Friday 19:00–20:30 PST"
    late = Occurrence(
        datetime(2026, 1, 17, 23, 30, tzinfo=LOS_ANGELES),
        datetime(2026, 1, 18, 0, 30, tzinfo=LOS_ANGELES),
        in_progress=False,
    )
    assert schedule.format_span(late) == "Saturday 23:30–00:30 PST"
