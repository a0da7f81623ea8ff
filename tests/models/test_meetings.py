"""The Meeting model (groups/models/meetings.py): constraints, validation, derived fields."""

from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from groups.models import Attendance, Meeting


def meeting_rejected(make_meeting, **overrides):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_meeting(**overrides)


def test_weekday_out_of_range_rejected(make_meeting):
    meeting_rejected(make_meeting, weekday=7)


@pytest.mark.parametrize("attendance", [Attendance.ONLINE, Attendance.HYBRID])
def test_online_and_hybrid_need_a_url_or_phone(make_meeting, attendance):
    meeting_rejected(make_meeting, attendance=attendance, conference_url="", conference_phone="")
    assert make_meeting(
        attendance=attendance, conference_url="", conference_phone="+1 503 555 0100"
    ).pk


@pytest.mark.parametrize("attendance", [Attendance.IN_PERSON, Attendance.HYBRID])
def test_in_person_and_hybrid_need_a_location(make_meeting, attendance):
    meeting_rejected(make_meeting, attendance=attendance, location=None)


def test_online_meeting_needs_no_location(make_meeting):
    meeting = make_meeting(attendance=Attendance.ONLINE, timezone="Europe/London")
    assert meeting.location is None and meeting.is_online


def test_unknown_attendance_rejected(make_meeting):
    meeting_rejected(make_meeting, attendance="telepathy")


def test_source_and_external_id_are_unique_together(make_meeting):
    make_meeting(source="feed", external_id="1")
    make_meeting(source="other", external_id="1")
    make_meeting(source="feed", external_id="")
    make_meeting(source="feed", external_id="")
    meeting_rejected(make_meeting, source="feed", external_id="1")


def test_clean_explains_each_rule(make_meeting, programs):
    meeting = Meeting(
        program=programs["na"],
        name="x",
        weekday=1,
        start_time=time(19),
        end_time=time(19),
        timezone="UTC",
        attendance=Attendance.HYBRID,
    )
    with pytest.raises(ValidationError) as caught:
        meeting.full_clean()
    errors = caught.value.error_dict
    assert {"conference_url", "location", "end_time"} <= errors.keys()


def test_invalid_time_zone_rejected_by_validation(make_meeting):
    meeting = make_meeting()
    meeting.timezone = "Mars/Olympus_Mons"
    with pytest.raises(ValidationError) as caught:
        meeting.full_clean()
    assert "timezone" in caught.value.error_dict


def test_derived_schedule_fields_follow_the_times(make_meeting):
    meeting = make_meeting(weekday=6, start_time=time(23, 0), end_time=time(0, 30))
    assert meeting.week_minute == 6 * 1440 + 23 * 60
    assert meeting.duration == 90
    meeting.weekday, meeting.end_time = 0, None
    meeting.save()
    meeting.refresh_from_db()
    assert (meeting.week_minute, meeting.duration) == (23 * 60, 60)


def test_slug_made_unique(make_meeting):
    first, second = make_meeting(), make_meeting()
    assert first.slug == "hope-group-monday" and second.slug == "hope-group-monday-2"


def test_querysets_named_after_states(make_meeting):
    in_person = make_meeting()
    online = make_meeting(attendance=Attendance.ONLINE)
    hybrid = make_meeting(attendance=Attendance.HYBRID)
    stopped = make_meeting(is_active=False)
    assert set(Meeting.objects.online()) == {online, hybrid}
    assert stopped not in Meeting.objects.active()
    assert set(Meeting.objects.active()) == {in_person, online, hybrid}


def test_a_meeting_lasts_at_most_twelve_hours(make_meeting):
    meeting_rejected(make_meeting, start_time=time(19, 0), end_time=time(18, 0))
    meeting = make_meeting(start_time=time(19, 0), end_time=time(7, 0))
    assert meeting.duration == 12 * 60
    meeting.end_time = time(8, 0)
    with pytest.raises(ValidationError) as caught:
        meeting.full_clean()
    assert caught.value.error_dict["end_time"][0].code == "too_long"
