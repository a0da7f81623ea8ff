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


# The search text a keyword search reads


def stored_search_text(meeting):
    return Meeting.objects.values_list("search_text", flat=True).get(pk=meeting.pk)


def test_search_text_holds_name_venue_and_notes_normalized(make_meeting, make_location):
    hall = make_location(name="Salón Esperanza")
    meeting = make_meeting(name="Clean Start", location=hall, notes="Café by the door.")
    assert stored_search_text(meeting) == "clean start salon esperanza cafe by the door"
    meeting.name = "Fresh Start"
    meeting.save()
    assert stored_search_text(meeting).startswith("fresh start salon")


def test_renaming_a_venue_refreshes_its_meetings_search_text(make_meeting, make_location):
    hall, other = make_location(name="Old Hall"), make_location(name="Library")
    here, elsewhere = make_meeting(location=hall), make_meeting(location=other)
    hall.name = "Unity Centre"
    hall.save()
    assert "unity centre" in stored_search_text(here)
    assert "old hall" not in stored_search_text(here)
    assert "library" in stored_search_text(elsewhere)


def test_a_meetings_group_name_is_in_its_search_text_and_follows_a_rename(make_meeting, programs):
    from groups.models import Group

    group = Group.objects.create(program=programs["na"], name="Clean Start Group")
    meeting = make_meeting(name="Monday Night", group=group)
    other = make_meeting(name="Tuesday Night")
    assert "clean start group" in stored_search_text(meeting)
    group.name = "Fresh Start Group"
    group.save()
    assert "fresh start group" in stored_search_text(meeting)
    assert "clean start" not in stored_search_text(meeting)
    assert list(Meeting.objects.matching("fresh start")) == [meeting]
    assert "start" not in stored_search_text(other)


def test_online_meeting_search_text_has_no_venue(make_meeting):
    meeting = make_meeting(name="Zoom Hope", attendance=Attendance.ONLINE, notes="")
    assert stored_search_text(meeting) == "zoom hope"


def test_the_migration_fills_the_search_text_of_existing_meetings(make_meeting, make_location):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("groups.migrations.0010_meeting_search_text")
    meeting = make_meeting(name="Clean Start", location=make_location(name="St. Mark's"))
    online = make_meeting(name="Online Hope", attendance=Attendance.ONLINE)
    Meeting.objects.update(search_text="")
    migration.fill_search_text(apps, None)
    assert stored_search_text(meeting) == "clean start st mark's"
    assert stored_search_text(online) == "online hope"
