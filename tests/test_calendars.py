"""iCalendar built directly (groups/calendars.py); .ics URLs: tests/views/test_exports.py."""

from datetime import UTC, date, datetime, time, timedelta

from dateutil.rrule import rrulestr
from icalendar import Calendar

from groups import calendars


def test_calendar_keeps_wall_clock_time_across_daylight_saving(make_meeting):
    meeting = make_meeting(weekday=0, start_time=time(19, 0), end_time=time(20, 0))
    # Sunday 2 March 2025, before the United States moves its clocks on 9 March.
    now = datetime(2025, 3, 2, 12, 0, tzinfo=UTC)
    calendar = Calendar.from_ical(
        calendars.calendar_for([meeting], lambda m: "https://x.test/", "x.test", now).to_ical()
    )
    [event] = calendar.walk("VEVENT")
    start = event["DTSTART"].dt
    assert (start.date(), start.utcoffset()) == (date(2025, 3, 2), timedelta(hours=-8))
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=start)
    second = rule[1]
    assert second.date() == date(2025, 3, 9) and second.strftime("%H:%M") == "19:00"
    assert second.utcoffset() == timedelta(hours=-7)


def test_calendar_starts_on_the_local_day_for_meetings_past_midnight_utc(make_meeting):
    meeting = make_meeting(weekday=6, start_time=time(23, 30), end_time=time(0, 30))
    now = datetime(2025, 7, 1, tzinfo=UTC)
    ical = calendars.calendar_for([meeting], lambda m: "https://x.test/", "x.test", now).to_ical()
    assert b"DTSTART;TZID=America/Los_Angeles:20250705T233000" in ical
    assert b"DTEND;TZID=America/Los_Angeles:20250706T003000" in ical
