"""Reviewing suggestions in admin (groups/admin/suggestions.py): compare, approve, reject."""

import json
from datetime import date, time

import pytest
from django.contrib.admin.models import ADDITION

from groups.models import Attendance, ChangeRequest, Meeting


@pytest.fixture
def correction(na_and_smart):
    na, _ = na_and_smart
    return ChangeRequest.objects.create(
        kind=ChangeRequest.Kind.CORRECTION,
        meeting=na,
        program=na.program,
        proposed={"start_time": "19:30", "weekday": 2, "location_name": "Hope Hall, Room 4"},
        message="They moved to Tuesday.",
        submitter_name="Sam",
    )


def test_review_page_shows_current_beside_proposed(editor_client, correction, admin_url):
    response = editor_client.get(admin_url("changerequest_change", correction.pk))
    text = response.text
    assert '<table class="change-comparison">' in text
    assert "<td>19:00</td><td><strong>19:30</strong></td>" in text
    assert "<td>Monday</td><td><strong>Tuesday</strong></td>" in text
    assert "Approve and apply" in text


def test_approving_a_correction_applies_it_and_records_who(
    editor_client, na_editor, correction, history, admin_url
):
    response = editor_client.post(
        admin_url("changerequest_change", correction.pk),
        {"proposed": json.dumps(correction.proposed), "note": "Phoned them.", "_approve": "1"},
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(pk=correction.meeting_id)
    assert (meeting.weekday, meeting.start_time) == (2, time(19, 30))
    assert meeting.location.name == "Hope Hall, Room 4"
    correction.refresh_from_db()
    assert correction.status == ChangeRequest.Status.APPROVED
    assert correction.reviewer == na_editor and correction.reviewed_at is not None
    assert correction.note == "Phoned them."
    entry = history(meeting).get()
    assert entry.user == na_editor
    assert entry.change_message == f"Approved suggestion #{correction.pk} from Sam."
    # A reviewed request is a record: it can no longer be changed.
    assert (
        editor_client.get(admin_url("changerequest_change", correction.pk)).context[
            "has_change_permission"
        ]
        is False
    )


def test_approving_a_new_meeting_creates_it(admin_client, admin_user, programs, history, admin_url):
    request = ChangeRequest.objects.create(
        kind=ChangeRequest.Kind.NEW_MEETING,
        program=programs["sos"],
        proposed={
            "program": "sos",
            "name": "Secular Sunday",
            "weekday": 0,
            "start_time": "10:00",
            "attendance": "in-person",
            "location_name": "Library",
            "location_city": "Salem",
            "location_region": "OR",
            "location_country": "US",
        },
    )
    admin_client.post(
        admin_url("changerequest_changelist"),
        {"action": "approve_selected", "_selected_action": [request.pk]},
    )
    meeting = Meeting.objects.get(name="Secular Sunday")
    assert meeting.program == programs["sos"] and meeting.timezone == "America/Los_Angeles"
    assert meeting.location.has_coordinates and meeting.last_verified == date.today()
    request.refresh_from_db()
    assert request.meeting == meeting and request.status == ChangeRequest.Status.APPROVED
    entry = history(meeting).get()
    assert (entry.user, entry.action_flag) == (admin_user, ADDITION)


def test_an_invalid_proposal_is_not_applied(admin_client, correction, admin_url):
    correction.proposed = {"attendance": "online"}  # Online without a join link.
    correction.save()
    response = admin_client.post(
        admin_url("changerequest_changelist"),
        {"action": "approve_selected", "_selected_action": [correction.pk]},
        follow=True,
    )
    assert "was not applied" in response.text
    correction.refresh_from_db()
    assert correction.status == ChangeRequest.Status.PENDING
    assert Meeting.objects.get(pk=correction.meeting_id).attendance == Attendance.IN_PERSON


def test_a_proposed_name_with_a_line_break_is_refused_with_a_clear_message(
    admin_client, correction, admin_url
):
    # Stored as it came (create() does not validate); approving judges it by the input rule.
    correction.proposed = {"name": "Hope\r\nX-INJECTED:1"}
    correction.save()
    response = admin_client.post(
        admin_url("changerequest_changelist"),
        {"action": "approve_selected", "_selected_action": [correction.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "was not applied: name: Remove the line break or other control character (U+000D)" in (
        response.text
    )
    correction.refresh_from_db()
    assert correction.is_pending
    assert Meeting.objects.get(pk=correction.meeting_id).name == "Hope Group"


def test_unknown_proposed_fields_are_refused_in_the_form(admin_client, correction, admin_url):
    response = admin_client.post(
        admin_url("changerequest_change", correction.pk),
        {"proposed": json.dumps({"is_sample": True}), "_continue": "1"},
    )
    assert response.status_code == 200
    assert "Unknown fields: is_sample" in response.text


def test_editors_cannot_move_a_meeting_to_a_program_they_do_not_edit(
    editor_client, correction, admin_url
):
    correction.proposed = {"program": "smart"}
    correction.save()
    response = editor_client.post(
        admin_url("changerequest_changelist"),
        {"action": "approve_selected", "_selected_action": [correction.pk]},
        follow=True,
    )
    assert "a program you do not edit" in response.text
    correction.refresh_from_db()
    assert correction.is_pending and correction.meeting.program.slug == "na"


def test_rejecting_changes_nothing(editor_client, na_editor, correction, admin_url):
    editor_client.post(
        admin_url("changerequest_change", correction.pk),
        {"proposed": json.dumps(correction.proposed), "note": "Not so.", "_reject": "1"},
    )
    correction.refresh_from_db()
    assert correction.status == ChangeRequest.Status.REJECTED
    assert correction.reviewer == na_editor and correction.note == "Not so."
    assert Meeting.objects.get(pk=correction.meeting_id).weekday == 1


def test_editors_see_only_their_programs_requests(client, make_editor, correction, admin_url):
    client.force_login(make_editor("smart"))
    assert "Hope Group" not in client.get(admin_url("changerequest_changelist")).text
    assert client.get(admin_url("changerequest_change", correction.pk)).status_code == 302
    client.post(
        admin_url("changerequest_changelist"),
        {"action": "approve_selected", "_selected_action": [correction.pk]},
    )
    correction.refresh_from_db()
    assert correction.is_pending
