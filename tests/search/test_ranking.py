"""The orders of results (groups/search/ranking.py): best, distance and soonest."""

from datetime import UTC, datetime, time

import pytest

from groups.models import Attendance
from groups.search.ranking import KM_PER_HOUR_UNTIL_START


def test_distance_sort_nearest_first_then_online(
    meeting_at, make_meeting, search, portland, north_of
):
    far = meeting_at(north_of(portland, 10))
    near = meeting_at(north_of(portland, 2))
    online = make_meeting(attendance=Attendance.ONLINE, timezone="Europe/London")
    assert search(sort="distance", include_online=True) == [near, far, online]
    assert search(sort="distance") == [near, far]


def test_best_trades_distance_against_a_philosophy_preference(
    meeting_at, programs, search, portland, north_of
):
    twelve_step_3 = meeting_at(north_of(portland, 3), program=programs["na"])
    secular_5 = meeting_at(north_of(portland, 5), program=programs["smart"])
    secular_40 = meeting_at(north_of(portland, 40), program=programs["sos"])
    ranked = search(radius_km=50, prefer_philosophy="secular", sort="best")
    assert ranked.index(secular_5) < ranked.index(twelve_step_3)
    assert ranked.index(twelve_step_3) < ranked.index(secular_40)
    # Without the preference, distance decides.
    assert search(radius_km=50, sort="best") == [twelve_step_3, secular_5, secular_40]


def test_best_counts_preferred_formats(meeting_at, search, portland, north_of):
    plain = meeting_at(north_of(portland, 3))
    newcomer = meeting_at(north_of(portland, 5), formats=["BE"])
    ranked = search(prefer_formats=["BE"], sort="best")
    assert ranked == [newcomer, plain]
    assert ranked[0].formats_matched == 1 and ranked[1].formats_matched == 0


def test_each_preferred_format_present_counts_up_to_three(meeting_at, search, portland, north_of):
    codes = ["BE", "D", "W", "X"]
    for count in range(5):
        meeting_at(north_of(portland, 2 + count), formats=codes[:count], name=f"{count} formats")
    expected = {0: 1.0, 1: 0.6, 2: 0.36, 3: 0.216, 4: 0.216}
    for meeting in search(prefer_formats=codes, sort="best"):
        time_term = abs(meeting.minutes_until) * KM_PER_HOUR_UNTIL_START / 60
        factor = (meeting.score - time_term) / (meeting.distance_km + 1)
        assert factor == pytest.approx(expected[meeting.formats_matched])
        assert meeting.name == f"{meeting.formats_matched} formats"


def test_soonest_orders_by_next_start_in_each_zone(meeting_at, make_meeting, search, portland):
    now = datetime(2026, 6, 3, 16, 0, tzinfo=UTC)  # Wednesday 09:00 in Portland
    later = meeting_at(portland, weekday=3, start_time=time(18, 0))  # in 9 h
    soon = meeting_at(portland, weekday=3, start_time=time(10, 0))  # in 1 h
    running = meeting_at(portland, weekday=3, start_time=time(8, 30), end_time=time(9, 30))
    # 19:30 in London is 11:30 in Portland: between the two above.
    london = make_meeting(
        attendance=Attendance.ONLINE, timezone="Europe/London", weekday=3, start_time=time(19, 30)
    )
    ranked = search(sort="soonest", include_online=True, now=now)
    assert ranked == [running, soon, london, later]
    assert [m.minutes_until for m in ranked] == [-30, 60, 150, 540]  # the first in progress
