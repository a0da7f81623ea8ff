"""The public suggestion pages through the client (groups/views/suggestions.py)."""

import pytest
import redis
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from groups.models import ChangeRequest, Meeting
from groups.views.suggestions import SUGGESTIONS_PER_WINDOW


@pytest.fixture
def na_editor(django_user_model, programs):
    user = django_user_model.objects.create_user(
        "na-editor", email="na-editor@example.org", password="unused", is_staff=True
    )
    programs["na"].editors.add(user)
    return user


def test_suggest_change_page_queues_a_request_and_emails_editors(
    client, meeting, na_editor, correction_data
):
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


def test_suggest_meeting_page_queues_a_new_meeting(client, programs, new_meeting_data):
    response = client.post(reverse("groups:suggest_meeting"), new_meeting_data)
    assert response.status_code == 302
    request = ChangeRequest.objects.get()
    assert request.kind == ChangeRequest.Kind.NEW_MEETING and request.program == programs["smart"]
    assert request.proposed["start_time"] == "18:30" and request.proposed["weekday"] == 3
    assert request.proposed["location_country"] == "US"
    assert (request.submitter_name, request.submitter_email) == ("Jo", "jo@example.org")
    assert not Meeting.objects.filter(name="Salem SMART").exists()


def test_invalid_submission_is_shown_again(client, programs, new_meeting_data):
    response = client.post(
        reverse("groups:suggest_meeting"), {**new_meeting_data, "start_time": "x"}
    )
    assert response.status_code == 400
    assert "Enter a valid time" in response.text
    assert not ChangeRequest.objects.exists()


def test_honeypot_is_thanked_and_dropped(client, programs, new_meeting_data):
    response = client.post(reverse("groups:suggest_meeting"), {**new_meeting_data, "website": "x"})
    assert response.status_code == 302
    assert not ChangeRequest.objects.exists()
    assert not mail.outbox


def test_posts_need_a_csrf_token(db, programs, new_meeting_data):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("groups:suggest_meeting"), new_meeting_data)
    assert response.status_code == 403
    assert not ChangeRequest.objects.exists()


def test_rate_limit_per_client_without_storing_the_address(client, programs, new_meeting_data):
    url = reverse("groups:suggest_meeting")
    for _ in range(SUGGESTIONS_PER_WINDOW):
        assert client.post(url, new_meeting_data, REMOTE_ADDR="203.0.113.7").status_code == 302
    response = client.post(url, new_meeting_data, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    assert "try again in an hour" in response.text
    assert ChangeRequest.objects.count() == SUGGESTIONS_PER_WINDOW
    # Another client is not held back by the first.
    assert client.post(url, new_meeting_data, REMOTE_ADDR="198.51.100.2").status_code == 302
    # The count lives in the shared cache, keyed by a hash, never by the address.
    keys = stored_cache_keys()
    assert any("throttle:suggest:" in key for key in keys)
    assert not any("203.0.113.7" in key for key in keys)


def stored_cache_keys():
    """Every key in the shared cache: the database cache's table, or Redis's database."""
    if settings.REDIS_URL:
        return [key.decode() for key in redis.Redis.from_url(settings.REDIS_URL).keys("*")]
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM django_cache")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_a_cache_that_cannot_count_refuses_and_keeps_what_was_typed(
    client, programs, new_meeting_data, settings
):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "no_such_cache_table",
        },
    }
    response = client.post(reverse("groups:suggest_meeting"), new_meeting_data)
    assert response.status_code == 503
    assert "We cannot take suggestions just now, so nothing was sent." in response.text
    assert 'value="Salem SMART"' in response.text
    assert not ChangeRequest.objects.exists()


def test_unknown_meeting_is_404(client, db):
    assert client.get(reverse("groups:suggest_change", args=["no-such"])).status_code == 404
