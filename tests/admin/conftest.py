"""Fixtures for the admin tests: program editors, and the URLs and POST data of admin pages."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse


@pytest.fixture
def make_editor(django_user_model, programs):
    def make(*slugs, username=None):
        user = django_user_model.objects.create_user(
            username=username or f"{'-'.join(slugs)}-editor",
            email=f"{'-'.join(slugs)}@example.org",
            password="unused-in-tests",
            is_staff=True,
        )
        for slug in slugs:
            programs[slug].editors.add(user)
        return user

    return make


@pytest.fixture
def na_editor(make_editor):
    return make_editor("na")


@pytest.fixture
def editor_client(client, na_editor):
    client.force_login(na_editor)
    return client


@pytest.fixture
def na_and_smart(make_meeting, make_location, programs):
    """A meeting of each of two programs, at separate venues."""
    na = make_meeting(name="Hope Group", location=make_location(name="Hope Hall"))
    smart = make_meeting(
        name="Smart Tuesday",
        program=programs["smart"],
        location=make_location(name="Smart Centre", city="Salem", postal_code="97301"),
    )
    return na, smart


@pytest.fixture
def admin_url():
    """The URL of a groups admin page by its short name: admin_url("meeting_change", pk)."""

    def url(name, *args):
        return reverse(f"admin:groups_{name}", args=args)

    return url


@pytest.fixture
def messages_of():
    """The messages admin queued for the user during a response."""

    def messages(response):
        return [str(message) for message in get_messages(response.wsgi_request)]

    return messages


@pytest.fixture
def meeting_form():
    """The admin change form's POST data for ``meeting``, with ``changes``."""

    def data_for(meeting, **changes):
        data = {
            "program": meeting.program_id,
            "name": meeting.name,
            "slug": meeting.slug,
            "weekday": meeting.weekday,
            "start_time": meeting.start_time.strftime("%H:%M"),
            "end_time": meeting.end_time.strftime("%H:%M") if meeting.end_time else "",
            "timezone": meeting.timezone,
            "language": meeting.language,
            "attendance": meeting.attendance,
            "location": meeting.location_id or "",
            "conference_url": meeting.conference_url,
            "is_active": "on" if meeting.is_active else "",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
        }
        data.update(changes)
        return {key: value for key, value in data.items() if value is not None}

    return data_for


@pytest.fixture
def location_form():
    """The admin location form's POST data for ``location`` (or a new one), with ``changes``."""

    def data_for(location=None, **changes):
        data = {
            "name": "",
            "address": "",
            "city": "",
            "region": "",
            "postal_code": "",
            "country": "US",
            "latitude": "",
            "longitude": "",
            "timezone": "",
            "directions": "",
            "meetings-TOTAL_FORMS": "0",
            "meetings-INITIAL_FORMS": "0",
        }
        if location is not None:
            for key in ["name", "address", "city", "region", "postal_code", "country", "timezone"]:
                data[key] = getattr(location, key)
            for key in ["latitude", "longitude"]:
                value = getattr(location, key)
                data[key] = "" if value is None else str(value)
            count = location.meetings.count()
            data["meetings-TOTAL_FORMS"] = data["meetings-INITIAL_FORMS"] = str(count)
            for index, meeting in enumerate(location.meetings.order_by("pk")):
                data[f"meetings-{index}-id"] = meeting.pk
                data[f"meetings-{index}-location"] = location.pk
        data.update(changes)
        return data

    return data_for
