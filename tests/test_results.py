"""A page of results and its cards (groups/results.py): distances, waits and the first start,
as the results page and an empty page say them."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import translation

from groups.models import Attendance, Meeting
from groups.results import (
    Page,
    first_start,
    format_distance,
    format_radius,
    next_occurrence,
    paginate,
    wait,
)
from groups.search.queryset import SearchPart


@pytest.mark.parametrize(
    ("km", "unit", "english", "spanish"),
    [
        (3.21, "km", "3.2 km", "3,2 km"),
        (9.96, "km", "10.0 km", "10,0 km"),
        (41.04, "km", "41 km", "41 km"),
        (10871.3, "km", "10,871 km", "10\xa0871 km"),  # Django's Spanish groups with a space.
        (16.1, "mi", "10 mi", "10 mi"),
        (8.0467, "mi", "5.0 mi", "5,0 mi"),
    ],
)
def test_distances_read_as_people_write_them(km, unit, english, spanish):
    with translation.override("en"):
        assert format_distance(km, unit) == english
    with translation.override("es"):
        assert format_distance(km, unit) == spanish


def test_a_radius_has_a_decimal_only_when_it_needs_one():
    assert format_radius(25, "km") == "25 km"
    with translation.override("es"):
        assert format_radius(4.02335, "mi") == "2,5 mi"


@pytest.mark.parametrize(
    ("minutes", "said"),
    [(-5, ("now", 0)), (0, ("now", 0)), (40, ("minutes", 40)), (150, ("hours", 2)),
     (3000, ("days", 2))],
)  # fmt: skip
def test_a_wait_is_said_in_its_largest_whole_unit(minutes, said):
    assert wait(minutes) == said


def online(start, minutes=60):
    """A row of an online meeting in UTC whose weekly occurrence starts at ``start``, as a
    results page reads it (CARD_VALUES)."""
    end = start + timedelta(minutes=minutes)
    return {
        "attendance": Attendance.ONLINE,
        "timezone": "Etc/UTC",
        "weekday": (start.weekday() + 1) % 7,
        "start_time": start.time(),
        "end_time": end.time(),
    }


def test_a_row_meets_when_its_meeting_does():
    now = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # Hours before Europe's clocks go forward.
    for clock in (time(0, 45), time(2, 30), time(23, 0)):
        meeting = Meeting(weekday=0, start_time=clock, end_time=time(3, 0), timezone="Europe/Paris")
        row = {name: getattr(meeting, name) for name in ("weekday", "start_time", "end_time")}
        row["timezone"] = meeting.timezone
        assert next_occurrence(row, now) == meeting.next_occurrence(now)


def test_the_first_start_is_now_when_one_meeting_is_in_progress():
    now = datetime(2026, 12, 7, 15, 0, 30, tzinfo=UTC)
    upcoming = online(datetime(2026, 12, 7, 15, 13, tzinfo=UTC))
    assert first_start([upcoming], now) == ("minutes", 12)  # As its card says: 12 min, not 13.
    running = online(datetime(2026, 12, 7, 14, 0, tzinfo=UTC), minutes=120)
    assert first_start([upcoming, running], now) == ("now", 0)
    assert first_start([], now) == ()


def test_a_page_counts_from_its_first_row():
    page = Page(rows=list(range(20)), number=3, total=57)
    assert (page.pages, page.first_index, page.last_index) == (3, 41, 60)
    assert page.has_previous and not page.has_next
    assert Page(rows=[], number=1, total=0).first_index == 0


def test_meeting_times_are_exact_whatever_the_time_of_the_day():
    # A card's start is the meeting's wall clock in its own zone, even past midnight.
    meeting = online(datetime(2026, 12, 7, 23, 30, tzinfo=UTC), minutes=90)
    occurrence = next_occurrence(meeting, datetime(2026, 12, 8, 0, 15, tzinfo=UTC))
    assert occurrence.in_progress and occurrence.start.time() == time(23, 30)


@pytest.mark.django_db
@pytest.mark.parametrize("by_keys", [False, True])
def test_a_search_with_nothing_to_look_for_is_an_empty_first_page(by_keys):
    # none() lacks the search's annotations: the page must not ask for them.
    part = SearchPart(Meeting.objects.none(), by_keys=by_keys)
    page = paginate([part], 3, rows=Meeting.objects.all(), merge_key=None, carry=("distance_km",))
    assert (page.rows, page.number, page.total) == ([], 1, 0)
