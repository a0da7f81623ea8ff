"""Fixtures shared by the test modules; each package of tests may add its own conftest.py."""

import functools
import importlib
import json
import threading
import time as clock
from datetime import time
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from groups.forms import SuggestionForm
from groups.models import Attendance, Format, Location, Meeting, Program

DATA = Path(__file__).parent / "data"
KM_PER_DEGREE_LATITUDE = 111.2


def commits(item):
    """Whether a test commits its writes, so that the database is emptied after it."""
    marker = item.get_closest_marker("django_db")
    transaction = bool(marker and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)))
    return transaction or {"transactional_db", "live_server"} & set(item.fixturenames)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the tests that commit after all the others, as Django does.

    pytest-django sorts them last, but pytest then regroups the tests that share a session-scoped
    parameter (Playwright's browser), which can move them ahead of ordinary tests; those would then
    find the programs and the gazetteer the migrations loaded emptied away. The sort is stable, so
    pytest's grouping holds within each part.
    """
    items.sort(key=lambda item: bool(commits(item)))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # The gazetteer is read-only reference data: load it once for the whole run.
    with django_db_blocker.unblock():
        call_command("load_gazetteer", verbosity=0)


@pytest.fixture(autouse=True)
def fresh_shared_cache():
    """An empty Redis for each test when the tests run on it (REDIS_URL, in `.ci/run`): the
    database cache is rolled back with the test database, Redis keeps everything."""
    if settings.REDIS_URL:
        caches["default"].clear()


@pytest.fixture
def database_down(transactional_db):
    """The database made unreachable for real: a closed port, or a file that cannot be opened."""
    settings_dict = connection.settings_dict
    saved_settings = dict(settings_dict)
    # Set the live connection aside, to be put back as it was.
    saved_connection, connection.connection = connection.connection, None
    if connection.vendor == "sqlite":
        settings_dict["NAME"] = "/nonexistent-directory/none.sqlite3"
    else:
        settings_dict["PORT"] = "1"
    yield
    settings_dict.clear()
    settings_dict.update(saved_settings)
    connection.connection = saved_connection


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
            overrides.setdefault("conference_url", "https://zoom.us/j/4155550100")
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


# Places and searches


@pytest.fixture
def portland():
    """Where the gazetteer puts "Portland, OR": most searches below start there."""
    return (45.52345, -122.67621)


@pytest.fixture
def north_of():
    """The point ``km`` kilometres due north of ``point``."""

    def move(point, km):
        return (point[0] + km / KM_PER_DEGREE_LATITUDE, point[1])

    return move


@pytest.fixture
def meeting_at(make_meeting, make_location):
    def make(point, **overrides):
        location = make_location(latitude=point[0], longitude=point[1])
        return make_meeting(location=location, **overrides)

    return make


# Meeting data out and in


@pytest.fixture
def data_dir():
    """tests/data: the feeds and spreadsheets the tests read."""
    return DATA


@pytest.fixture
def feed_meetings(make_meeting, make_location, programs):
    """One meeting of each kind a feed treats differently: local, online, sample, inactive."""
    hall = make_location(
        name="St. Mark's Church",
        address="1025 NW 21st Ave",
        postal_code="97209",
        directions="Basement, room 4.",
    )
    return {
        "na": make_meeting(
            name="Clean Start",
            location=hall,
            end_time=time(20, 30),
            language="es",
            notes="Enter by the side door.",
            formats=["O", "D"],
        ),
        "smart": make_meeting(
            program=programs["smart"],
            name="SMART Online",
            weekday=6,
            start_time=time(23, 30),
            end_time=time(0, 30),
            attendance=Attendance.ONLINE,
            timezone="America/New_York",
            conference_url="https://zoom.example.org/j/1",
            conference_url_notes="Passcode: hope",
            conference_phone="+16465588656",
            formats=["TOOLS"],
        ),
        "sample": make_meeting(name="Invented (sample)", is_sample=True),
        "inactive": make_meeting(name="Stopped Meeting", is_active=False),
    }


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def feed_server(settings):
    """The URL of a web server on this machine that serves tests/data (private addresses are
    allowed while it runs)."""
    settings.SOURCES_ALLOW_PRIVATE_ADDRESSES = True
    handler = functools.partial(QuietHandler, directory=str(DATA))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()


# Address lookups over the network


class FakeNominatim(BaseHTTPRequestHandler):
    """Answers like Nominatim's search API, fails, or stalls, as the server's ``mode`` says."""

    def do_GET(self):
        self.server.requests.append(self.path)
        if self.server.mode == "slow":
            clock.sleep(self.server.stall)
        if self.server.mode == "error":
            self.send_error(503, "Service unavailable")
            return
        body = json.dumps(
            [{"lat": "44.9429", "lon": "-123.0351", "display_name": "1 Main St, Salem, OR"}]
        ).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # The client gave up waiting, as it should.

    def log_message(self, *args):
        pass


@pytest.fixture
def nominatim(settings):
    """A stand-in Nominatim server on this machine, set as the GEOCODER."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNominatim)
    server.daemon_threads = True
    server.mode, server.stall, server.requests = "ok", 2.0, []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.GEOCODER = "nominatim"
    settings.GEOCODER_DOMAIN = f"127.0.0.1:{server.server_address[1]}"
    settings.GEOCODER_SCHEME = "http"
    settings.GEOCODER_TIMEOUT = 0.5
    yield server
    server.shutdown()
    server.server_close()


# Suggestions from the public


@pytest.fixture
def meeting(make_meeting):
    return make_meeting()


@pytest.fixture
def correction_data():
    """What the correction form posts when the visitor changes only ``changes``."""

    def data_for(meeting, **changes):
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

    return data_for


@pytest.fixture
def new_meeting_data():
    """What the "suggest a new meeting" form posts for an in-person SMART meeting in Salem."""
    return {
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


@pytest.fixture
def feed_records(client):
    """The Meeting Guide feed's records; a client that takes no gzip gets the feed streamed."""

    def records(**params):
        response = client.get(reverse("groups:meetings_json"), params)
        assert response.status_code == 200
        return json.loads(b"".join(response.streaming_content))

    return records


@pytest.fixture
def committed_vocabulary(transactional_db):
    """The programs and formats the migrations load, put back for a test that commits.

    A test whose writes other processes must see (a live server, gunicorn) commits them, and the
    database is emptied after each such test, these rows with it.
    """
    seed = importlib.import_module("groups.migrations.0002_programs_and_formats")
    for slug, fields in seed.PROGRAMS.items():
        Program.objects.update_or_create(slug=slug, defaults=fields)
    seed.load_formats(django_apps, None)
    importlib.import_module("groups.migrations.0012_translations").fill_translations(
        django_apps, None
    )
