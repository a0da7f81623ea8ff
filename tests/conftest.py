from datetime import time

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from groups.models import Attendance, Format, Location, Meeting, Program


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The gazetteer is read-only reference data: load it once for the whole run.
    with django_db_blocker.unblock():
        call_command("load_gazetteer", verbosity=0)


@pytest.fixture
def programs(db):
    return {program.slug: program for program in Program.objects.all()}


@pytest.fixture
def make_location(db):
    def make(**overrides):
        overrides.setdefault("name", "Community Hall")
        overrides.setdefault("city", "Portland")
        overrides.setdefault("region", "OR")
        overrides.setdefault("country", "US")
        overrides.setdefault("latitude", 45.5234)
        overrides.setdefault("longitude", -122.6762)
        overrides.setdefault("timezone", "America/Los_Angeles")
        return Location.objects.create(**overrides)

    return make


@pytest.fixture
def make_meeting(db, make_location):
    def make(formats=(), **overrides):
        overrides.setdefault("program", Program.objects.get(slug="na"))
        overrides.setdefault("name", "Hope Group")
        overrides.setdefault("weekday", 1)
        # A meeting given another start runs the default hour unless told otherwise.
        overrides.setdefault("end_time", None if "start_time" in overrides else time(20, 0))
        overrides.setdefault("start_time", time(19, 0))
        attendance = overrides.setdefault("attendance", Attendance.IN_PERSON)
        if attendance != Attendance.ONLINE and "location" not in overrides:
            overrides["location"] = make_location()
        if attendance != Attendance.IN_PERSON:
            overrides.setdefault("conference_url", "https://meet.example.org/hope")
        location = overrides.get("location")
        overrides.setdefault("timezone", location.timezone if location else "America/New_York")
        meeting = Meeting.objects.create(**overrides)
        if formats:
            meeting.formats.set(Format.objects.filter(code__in=formats))
        return meeting

    return make


@pytest.fixture
def history(db):
    """Admin log entries for an object, newest first: what its History page in admin lists."""

    def entries(obj):
        return LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=str(obj.pk),
        ).select_related("user")

    return entries
