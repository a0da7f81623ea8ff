"""Public suggestions: a correction to a meeting, or a new meeting, queued for editors."""

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from groups.forms import SuggestionForm
from groups.models import ChangeRequest, Meeting
from groups.views.suggestions import SUGGESTIONS_PER_WINDOW


@pytest.fixture
def meeting(make_meeting):
    return make_meeting()


@pytest.fixture
def na_editor(django_user_model, programs):
    user = django_user_model.objects.create_user(
        "na-editor", email="na-editor@example.org", password="unused", is_staff=True
    )
    programs["na"].editors.add(user)
    return user


def correction_data(meeting, **changes):
    """What the correction form posts when the visitor changes only ``changes``."""
    form = SuggestionForm(meeting=meeting)
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name == "stopped":
            if value:
                data[name] = "on"
            continue
        data[name] = "" if value is None else value
    data["start_time"] = meeting.start_time.strftime("%H:%M")
    data["end_time"] = meeting.end_time.strftime("%H:%M") if meeting.end_time else ""
    data.update(changes)
    return data


NEW_MEETING = {
    "program": "smart",
    "name": "Salem SMART",
    "weekday": "3",
    "start_time": "18:30",
    "end_time": "20:00",
    "attendance": "in-person",
    "location_name": "Library",
    "location_address": "585 Liberty St SE",
    "location_city": "Salem",
    "location_region": "OR",
    "location_postal_code": "97301",
    "location_country": "us",
    "message": "New this month.",
    "submitter_name": "Jo",
    "submitter_email": "jo@example.org",
}


def test_correction_proposes_only_what_changed(meeting):
    form = SuggestionForm(
        correction_data(meeting, start_time="19:30", weekday="2"), meeting=meeting
    )
    assert form.is_valid(), form.errors
    assert form.proposal() == {"weekday": 2, "start_time": "19:30"}


def test_correction_needs_a_change_or_a_message(meeting):
    form = SuggestionForm(correction_data(meeting), meeting=meeting)
    assert not form.is_valid()
    assert form.has_error("__all__", "no_change")
    form = SuggestionForm(correction_data(meeting, message="Room changed."), meeting=meeting)
    assert form.is_valid() and form.proposal() == {}


def test_stopped_meeting_is_proposed_inactive(meeting):
    form = SuggestionForm(correction_data(meeting, stopped="on"), meeting=meeting)
    assert form.is_valid() and form.proposal() == {"is_active": False}


def test_new_meeting_form_checks_place_and_join_details(db):
    data = {**NEW_MEETING, "location_name": "", "location_address": ""}
    assert SuggestionForm(data).has_error("location_city", "needs_place")
    data = {**NEW_MEETING, "attendance": "online"}
    form = SuggestionForm(data)
    assert form.has_error("conference_url", "online_needs_url_or_phone")
    assert form.has_error("timezone")


def test_length_limits(meeting):
    form = SuggestionForm(correction_data(meeting, message="x" * 2001), meeting=meeting)
    assert form.has_error("message", "max_length")


def test_suggest_change_page_queues_a_request_and_emails_editors(client, meeting, na_editor):
    url = reverse("groups:suggest_change", args=[meeting.slug])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in page.text
    assert 'value="Hope Group"' in page.text  # Starts from the current values.
    response = client.post(url, correction_data(meeting, start_time="19:30", message="Later."))
    assert response.status_code == 302 and response.url == reverse("groups:suggest_thanks")
    request = ChangeRequest.objects.get()
    assert request.kind == ChangeRequest.Kind.CORRECTION and request.meeting == meeting
    assert request.proposed == {"start_time": "19:30"} and request.is_pending
    meeting.refresh_from_db()
    assert meeting.start_time.hour == 19 and meeting.start_time.minute == 0  # Not applied.
    [email] = mail.outbox
    assert email.to == ["na-editor@example.org"]
    assert "19:00 -> 19:30" in email.body
    assert reverse("admin:groups_changerequest_change", args=[request.pk]) in email.body
    assert "Thank you" in client.get(response.url).text


def test_suggest_meeting_page_queues_a_new_meeting(client, programs):
    response = client.post(reverse("groups:suggest_meeting"), NEW_MEETING)
    assert response.status_code == 302
    request = ChangeRequest.objects.get()
    assert request.kind == ChangeRequest.Kind.NEW_MEETING and request.program == programs["smart"]
    assert request.proposed["start_time"] == "18:30" and request.proposed["weekday"] == 3
    assert request.proposed["location_country"] == "US"
    assert (request.submitter_name, request.submitter_email) == ("Jo", "jo@example.org")
    assert not Meeting.objects.filter(name="Salem SMART").exists()


def test_invalid_submission_is_shown_again(client, programs):
    response = client.post(reverse("groups:suggest_meeting"), {**NEW_MEETING, "start_time": "x"})
    assert response.status_code == 400
    assert "Enter a valid time" in response.text
    assert not ChangeRequest.objects.exists()


def test_honeypot_is_thanked_and_dropped(client, programs):
    response = client.post(reverse("groups:suggest_meeting"), {**NEW_MEETING, "website": "x"})
    assert response.status_code == 302
    assert not ChangeRequest.objects.exists()
    assert not mail.outbox


def test_posts_need_a_csrf_token(db, programs):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("groups:suggest_meeting"), NEW_MEETING)
    assert response.status_code == 403
    assert not ChangeRequest.objects.exists()


def test_rate_limit_per_client_without_storing_the_address(client, programs):
    url = reverse("groups:suggest_meeting")
    for _ in range(SUGGESTIONS_PER_WINDOW):
        assert client.post(url, NEW_MEETING, REMOTE_ADDR="203.0.113.7").status_code == 302
    response = client.post(url, NEW_MEETING, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    assert "try again in an hour" in response.text
    assert ChangeRequest.objects.count() == SUGGESTIONS_PER_WINDOW
    # Another client is not held back by the first.
    assert client.post(url, NEW_MEETING, REMOTE_ADDR="198.51.100.2").status_code == 302
    # The count lives in the shared database cache, keyed by a hash, never by the address.
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM django_cache")
        keys = [row[0] for row in cursor.fetchall()]
    assert any("throttle:suggest:" in key for key in keys)
    assert not any("203.0.113.7" in key for key in keys)


def test_unknown_meeting_is_404(client, db):
    assert client.get(reverse("groups:suggest_change", args=["no-such"])).status_code == 404
