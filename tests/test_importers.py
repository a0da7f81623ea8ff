import functools
import io
import json
import threading
from datetime import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from geopy.exc import GeocoderUnavailable
from geopy.geocoders.base import Geocoder
from geopy.location import Location as GeoLocation

from groups.importers import ImportRejected, SourceError, import_meetings
from groups.models import Attendance, Location, Meeting

DATA = Path(__file__).parent / "data"


def run_import(name, program="na", **options):
    path = name if isinstance(name, Path) else DATA / name
    return import_meetings(str(path), program=program, **options)


def write_feed(tmp_path, records, name="feed.json"):
    path = tmp_path / name
    path.write_text(json.dumps(records))
    return path


def sample_feed():
    return json.loads((DATA / "meeting-guide.json").read_text())


def snapshot():
    """Every row an import could touch, to compare the database before and after."""
    return (
        list(Meeting.objects.order_by("pk").values()),
        list(Location.objects.order_by("pk").values()),
        list(Meeting.formats.through.objects.order_by("pk").values_list()),
    )


def codes(meeting):
    return sorted(fmt.code for fmt in meeting.formats.all())


class Unavailable(Geocoder):
    """A network geocoder that is down."""

    def geocode(self, query, **kwargs):
        raise GeocoderUnavailable("service unavailable")


class FixedPlace(Geocoder):
    """A network geocoder that answers every query with one point and no time zone."""

    def __init__(self, point):
        super().__init__()
        self.point = point
        self.queries = []

    def geocode(self, query, **kwargs):
        self.queries.append(query)
        return GeoLocation(query, self.point, {})


# Meeting Guide.


def test_meeting_guide_import_reads_every_field(db):
    report = run_import("meeting-guide.json")
    assert report.counts == {
        "created": 6,
        "updated": 0,
        "unchanged": 0,
        "deactivated": 0,
        "rejected": 0,
    }
    meeting = Meeting.objects.get(external_id="clean-start")
    assert meeting.source == str(DATA / "meeting-guide.json")
    assert (meeting.name, meeting.weekday, meeting.start_time, meeting.end_time) == (
        "Clean Start",
        1,
        time(19),
        time(20, 30),
    )
    assert meeting.timezone == "America/Los_Angeles"
    assert meeting.attendance == Attendance.IN_PERSON
    assert meeting.program.slug == "na"
    assert meeting.language == "es"  # The S type code.
    assert codes(meeting) == ["D", "O"]
    location = meeting.location
    assert (
        location.name,
        location.address,
        location.city,
        location.region,
        location.postal_code,
        location.country,
    ) == (
        "St. Mark's Church",
        "1025 NW 21st Ave",
        "Portland",
        "OR",
        "97209",
        "US",
    )
    assert (location.latitude, location.longitude) == (45.5297, -122.6945)
    assert location.directions == "Basement, room 4."
    assert meeting.slug == "clean-start-monday"
    assert meeting.get_absolute_url() == "/meetings/clean-start-monday/"


def test_unknown_type_codes_are_reported_and_kept_in_the_notes(db):
    report = run_import("meeting-guide.json")
    assert report.unknown_types == {"XYZ": 1}
    assert "XYZ (1)" in str(report)
    notes = Meeting.objects.get(external_id="clean-start").notes
    assert notes.startswith("Enter by the side door.")
    assert "XYZ" in notes


def test_online_and_hybrid_meetings_are_told_apart_by_conference_and_address(db):
    run_import("meeting-guide.json")
    online = Meeting.objects.get(external_id="night-owls")
    assert (online.attendance, online.location, online.timezone) == (
        Attendance.ONLINE,
        None,
        "America/New_York",
    )
    assert online.conference_url == "https://zoom.example.org/j/123456789"
    assert online.conference_url_notes == "Passcode: hope"
    assert online.conference_phone == "+16465588656,,123456789#"
    assert online.conference_phone_notes == "Meeting ID 123 456 789"
    assert (online.start_time, online.end_time) == (time(23, 30), time(0, 30))
    hybrid = Meeting.objects.get(external_id="42")
    assert hybrid.attendance == Attendance.HYBRID
    assert hybrid.weekday == 0
    # Read from formatted_address alone.
    assert (
        hybrid.location.address,
        hybrid.location.city,
        hybrid.location.region,
        hybrid.location.postal_code,
        hybrid.location.country,
    ) == (
        "55 Oak Ave",
        "Springfield",
        "IL",
        "62701",
        "US",
    )


def test_a_meeting_on_several_days_becomes_one_meeting_per_day_at_one_place(db):
    run_import("meeting-guide.json")
    noon = Meeting.objects.filter(external_id__startswith="noon-recovery").order_by("weekday")
    assert [(m.external_id, m.weekday) for m in noon] == [
        ("noon-recovery:1", 1),
        ("noon-recovery:3", 3),
        ("noon-recovery:5", 5),
    ]
    assert len({meeting.location_id for meeting in noon}) == 1
    assert len({meeting.slug for meeting in noon}) == 3


def test_missing_coordinates_are_geocoded_and_the_zone_found(db):
    report = run_import("meeting-guide.json")
    noon = Meeting.objects.filter(external_id="noon-recovery:1").get()
    # The gazetteer's centroid of ZIP code 97204, downtown Portland.
    assert noon.location.latitude == pytest.approx(45.518, abs=0.01)
    assert noon.location.longitude == pytest.approx(-122.674, abs=0.01)
    assert noon.timezone == noon.location.timezone == "America/Los_Angeles"
    springfield = Meeting.objects.get(external_id="42")
    assert springfield.location.latitude == pytest.approx(39.80, abs=0.05)
    assert springfield.timezone == "America/Chicago"
    assert report.geocoded == 2 and report.not_geocoded == []


def test_a_network_geocoder_gets_the_full_address(db):
    geocoder = FixedPlace((45.5, -122.6))
    run_import("meeting-guide.json", geocoder=geocoder)
    assert "400 SW Main St, Portland, OR 97204, US" in geocoder.queries
    assert Meeting.objects.get(external_id="noon-recovery:1").location.latitude == 45.5


def test_a_geocoder_failure_keeps_the_place_without_coordinates(db):
    report = run_import(
        "meeting-guide.json", geocoder=Unavailable(), default_timezone="America/Chicago"
    )
    assert report.counts["created"] == 6
    noon = Meeting.objects.get(external_id="noon-recovery:1")
    assert noon.location.latitude is None and noon.location.address == "400 SW Main St"
    assert noon.timezone == "America/Chicago"
    assert len(report.not_geocoded) == 2
    assert "noon-recovery" in report.not_geocoded[0]
    assert "service unavailable" in report.not_geocoded[0]


def test_reimporting_the_same_feed_changes_nothing(db):
    run_import("meeting-guide.json")
    before = snapshot()
    report = run_import("meeting-guide.json")
    assert report.counts == {
        "created": 0,
        "updated": 0,
        "unchanged": 6,
        "deactivated": 0,
        "rejected": 0,
    }
    assert snapshot() == before


def test_a_changed_feed_updates_only_what_changed_and_deactivates_what_vanished(tmp_path, db):
    records = sample_feed()
    first = run_import(write_feed(tmp_path, records), label="intergroup")
    assert first.created == 6
    untouched = Meeting.objects.get(external_id="42")
    records[0]["time"] = "19:15"
    records[0]["types"] = ["O", "D", "S", "XYZ", "BE"]
    del records[2]  # night-owls
    records.append(
        {
            "name": "New Dawn",
            "slug": "new-dawn",
            "day": 2,
            "time": "06:30",
            "timezone": "America/Los_Angeles",
            "city": "Portland",
            "state": "OR",
            "address": "1 Main St",
            "latitude": 45.5,
            "longitude": -122.6,
        }
    )

    report = run_import(write_feed(tmp_path, records, "changed.json"), label="intergroup")

    assert report.counts == {
        "created": 1,
        "updated": 1,
        "unchanged": 4,
        "deactivated": 1,
        "rejected": 0,
    }
    changed = Meeting.objects.get(external_id="clean-start")
    assert changed.start_time == time(19, 15)
    assert codes(changed) == ["BE", "D", "O"]
    gone = Meeting.objects.get(external_id="night-owls")
    assert gone.is_active is False  # Deactivated, not deleted.
    assert Meeting.objects.get(external_id="42").updated == untouched.updated
    assert Meeting.objects.filter(source="intergroup").count() == 7


def test_every_change_is_in_the_meetings_admin_history(tmp_path, db, history):
    records = sample_feed()
    run_import(write_feed(tmp_path, records), label="intergroup")
    records[0]["time"] = "19:15"
    records[0]["types"].append("BE")
    del records[2]
    run_import(write_feed(tmp_path, records, "v2.json"), label="intergroup")

    def messages(external_id):
        entries = history(Meeting.objects.get(external_id=external_id))
        return [(entry.user.username, entry.change_message) for entry in reversed(entries)]

    assert messages("clean-start") == [
        ("importer", "Import from intergroup: added."),
        ("importer", "Import from intergroup: changed start_time, formats."),
    ]
    assert messages("night-owls")[-1] == (
        "importer",
        "Import from intergroup: no longer listed by the source: deactivated.",
    )
    assert messages("42") == [("importer", "Import from intergroup: added.")]


def test_a_meeting_back_in_the_feed_is_active_again(tmp_path, db):
    records = sample_feed()
    run_import(write_feed(tmp_path, records), label="intergroup")
    run_import(write_feed(tmp_path, records[:2], "fewer.json"), label="intergroup")
    assert not Meeting.objects.get(external_id="night-owls").is_active
    report = run_import(write_feed(tmp_path, records, "again.json"), label="intergroup")
    assert report.updated == 2 and report.deactivated == 0
    assert Meeting.objects.get(external_id="night-owls").is_active


def test_other_sources_are_left_alone(tmp_path, db, make_meeting):
    hand_made = make_meeting(name="Entered by hand")
    run_import(write_feed(tmp_path, sample_feed()), label="one")
    run_import(write_feed(tmp_path, sample_feed()[:1], "two.json"), label="two")
    assert Meeting.objects.filter(source="one", is_active=True).count() == 6
    assert Meeting.objects.get(pk=hand_made.pk).is_active


def test_a_malformed_feed_changes_nothing_and_names_each_bad_record(db):
    run_import("meeting-guide.json")
    before = snapshot()
    with pytest.raises(ImportRejected) as rejected:
        run_import("meeting-guide-malformed.json")
    report = rejected.value.report
    reasons = {item.label: item.reasons for item in report.rejected}
    assert reasons == {
        'record 2 (slug "weekday-nine")': ["day 9 is not a number from 0 (Sunday) to 6 (Saturday)"],
        'record 3 (slug "no-name")': ["name is missing", "time '7pm-ish' is not HH:MM"],
        'record 4 (slug "nowhere")': [
            "timezone: “Mars/Olympus” is not a time zone name such as America/Chicago.",
            "no address: an in-person meeting needs at least a city",
        ],
        "record 5": ["is not a JSON object"],
    }
    assert snapshot() == before


def test_skip_invalid_imports_the_rest_and_lists_the_rejects(db):
    report = run_import("meeting-guide-malformed.json", skip_invalid=True)
    assert report.counts == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "deactivated": 0,
        "rejected": 4,
    }
    assert list(Meeting.objects.values_list("external_id", flat=True)) == ["good-morning"]
    assert 'record 2 (slug "weekday-nine"): day 9' in str(report)


def test_a_record_gone_bad_does_not_deactivate_its_meeting(tmp_path, db):
    records = sample_feed()
    run_import(write_feed(tmp_path, records), label="intergroup")
    records[1]["time"] = "noon"  # noon-recovery, on three days
    report = run_import(
        write_feed(tmp_path, records, "bad.json"), label="intergroup", skip_invalid=True
    )
    assert report.deactivated == 0 and len(report.rejected) == 1
    assert (
        Meeting.objects.filter(external_id__startswith="noon-recovery", is_active=True).count() == 3
    )


def test_control_characters_reject_the_record_in_the_rules_words(tmp_path, db):
    records = sample_feed()[:1]
    records[0]["notes"] = "Side\u0000 door"
    with pytest.raises(ImportRejected) as rejected:
        run_import(write_feed(tmp_path, records))
    assert rejected.value.report.rejected[0].reasons == [
        "notes: Remove the line break or other control character (U+0000) from this text."
    ]
    assert not Meeting.objects.exists()


def test_a_duplicate_id_is_rejected(tmp_path, db):
    records = sample_feed()
    records.append(dict(records[0], name="Copy"))
    with pytest.raises(ImportRejected) as rejected:
        run_import(write_feed(tmp_path, records))
    assert rejected.value.report.rejected[0].reasons == [
        'repeats the id of record 1 (slug "clean-start")'
    ]
    assert not Meeting.objects.exists()


def test_a_dry_run_reports_and_saves_nothing(db):
    report = run_import("meeting-guide.json", dry_run=True)
    assert report.created == 6
    assert "Dry run: nothing was saved." in str(report)
    assert not Meeting.objects.exists() and not Location.objects.exists()


def test_unreadable_sources_are_source_errors(db, tmp_path):
    with pytest.raises(SourceError, match="not valid JSON"):
        run_import("meeting-guide-truncated.json")
    with pytest.raises(SourceError, match="Could not read"):
        run_import(tmp_path / "missing.json")
    with pytest.raises(SourceError, match="JSON array"):
        run_import(write_feed(tmp_path, {"meetings": []}), file_type="meeting-guide")
    with pytest.raises(SourceError, match="http"):
        import_meetings("file:///etc/passwd", program="na")


def test_an_import_interrupted_midway_leaves_the_database_as_it_was(tmp_path, db):
    records = sample_feed()
    run_import(write_feed(tmp_path, records), label="intergroup")
    before = snapshot()
    records[0]["time"] = "19:15"
    del records[2]  # night-owls vanishes
    records.append(
        {
            "name": "Far Away",
            "slug": "far",
            "day": 2,
            "time": "06:30",
            "city": "Duluth",
            "state": "MN",
            "address": "1 Main St",
        }
    )
    seen_midway = []

    class Interrupting(Geocoder):
        def geocode(self, query, **kwargs):
            # By now the import has begun writing: the vanished meeting is deactivated.
            seen_midway.append(Meeting.objects.get(external_id="night-owls").is_active)
            raise KeyboardInterrupt  # The operator presses Ctrl-C.

    with pytest.raises(KeyboardInterrupt):
        run_import(
            write_feed(tmp_path, records, "v2.json"), label="intergroup", geocoder=Interrupting()
        )
    assert seen_midway == [False]
    assert snapshot() == before


def test_places_are_shared_rather_than_duplicated(tmp_path, db, make_location):
    hall = make_location(
        name="Trinity Hall",
        address="1820 Broadway",
        city="Denver",
        region="CO",
        postal_code="80202",
        latitude=39.74,
        longitude=-104.99,
        timezone="America/Denver",
    )
    run_import("bmlt.json", file_type="bmlt")
    assert Meeting.objects.get(external_id="1201").location == hall
    assert Location.objects.count() == 2  # Trinity Hall and the new Grace Church.


# BMLT.


def test_bmlt_search_results(db):
    report = run_import("bmlt.json")  # The format is recognised from the content.
    assert report.file_type == "bmlt"
    assert report.counts == {
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "deactivated": 0,
        "rejected": 0,
    }
    sunday = Meeting.objects.get(external_id="1201")
    assert (sunday.weekday, sunday.start_time, sunday.end_time) == (0, time(19, 30), time(21))
    assert sunday.attendance == Attendance.IN_PERSON
    assert codes(sunday) == ["A", "D", "O", "SP", "X"]  # O, SD, WC, Ag
    assert "XYZ" in sunday.notes and sunday.notes.startswith("Coffee from 7 pm.")
    assert report.unknown_types == {"XYZ": 1}
    assert sunday.location.directions == "Use the north entrance."
    assert (sunday.location.latitude, sunday.location.longitude) == (39.7392, -104.9903)

    saturday = Meeting.objects.get(external_id="1202")
    assert (saturday.weekday, saturday.attendance, saturday.location) == (6, "online", None)
    assert saturday.language == "es" and codes(saturday) == ["C", "JFT"]
    assert saturday.conference_url_notes == "Passcode 1234"
    assert saturday.conference_phone == "+17207072699,,987654321#"

    hybrid = Meeting.objects.get(external_id="1203")
    assert (hybrid.weekday, hybrid.attendance) == (3, Attendance.HYBRID)
    assert codes(hybrid) == ["BE", "ST", "TR"]
    assert hybrid.location.country == "US"  # From "USA".
    assert hybrid.timezone == "America/Denver"  # From the geocoded place.
    assert not Meeting.objects.filter(external_id="1204").exists()  # Unpublished.


# CSV.


def test_csv_with_plain_language_headers(db):
    report = run_import("csv-sample.csv", program="sos")
    assert report.counts["created"] == 3
    tuesday = Meeting.objects.get(external_id="sos-tue")
    assert (tuesday.weekday, tuesday.start_time, tuesday.end_time) == (2, time(18, 30), time(20))
    assert codes(tuesday) == ["D", "O"]  # From the names "Open, Discussion".
    assert tuesday.notes == "Bring a friend, or not."
    assert tuesday.location.directions == "Upstairs"
    assert tuesday.program.slug == "sos"
    saturday = Meeting.objects.get(external_id="sos-sat")
    assert (saturday.weekday, saturday.attendance) == (6, Attendance.ONLINE)
    thursday = Meeting.objects.get(external_id="sos-thu")
    assert thursday.end_time is None
    assert thursday.location.latitude == pytest.approx(43.07, abs=0.05)  # ZIP 53703
    assert thursday.timezone == "America/Chicago"


def test_csv_rejects_are_named_by_line(db):
    with pytest.raises(ImportRejected) as rejected:
        run_import("csv-bad.csv")
    reasons = {item.label: item.reasons for item in rejected.value.report.rejected}
    assert reasons == {
        'line 3 (slug "a2")': ["day 'Funday' is not a number from 0 (Sunday) to 6 (Saturday)"],
        'line 4 (slug "a3")': ["name is missing", "time '25:00' is not HH:MM"],
    }
    assert not Meeting.objects.exists()


def test_csv_export_imports_back(client, make_meeting, make_location, tmp_path):
    make_meeting(
        name="Phone In",
        attendance=Attendance.HYBRID,
        conference_url="",
        conference_phone="+15035550100",
        formats=["O", "BE"],
    )
    make_meeting(name="Second", weekday=4, location=make_location(name="Other Hall"))
    response = client.get(reverse("groups:meetings_csv"), {"q": "Portland, OR"})
    path = tmp_path / "export.csv"
    path.write_bytes(response.content)
    Meeting.objects.all().delete()
    report = run_import(path)
    assert report.created == 2
    phone_in = Meeting.objects.get(name="Phone In")
    assert phone_in.conference_phone == "+15035550100"  # The spreadsheet quote is taken off.
    assert phone_in.attendance == Attendance.HYBRID and codes(phone_in) == ["BE", "O"]


# A source on the web.


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def feed_server():
    handler = functools.partial(QuietHandler, directory=str(DATA))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_feed_is_fetched_from_its_url(feed_server, db):
    url = f"{feed_server}/meeting-guide.json"
    report = import_meetings(url, program="na")
    assert report.created == 6
    assert set(Meeting.objects.values_list("source", flat=True)) == {url}
    assert import_meetings(url, program="na").unchanged == 6


def test_a_missing_url_is_a_source_error(feed_server, db):
    with pytest.raises(SourceError, match="404"):
        import_meetings(f"{feed_server}/nothing.json", program="na")


# Export, then import into an empty database.


def listing():
    rows = []
    for m in Meeting.objects.active().select_related("program", "location"):
        place = m.location
        rows.append(
            (
                m.program.slug,
                m.name,
                m.weekday,
                m.start_time,
                m.end_time,
                m.timezone,
                m.attendance,
                m.language,
                m.conference_url,
                m.conference_url_notes,
                m.conference_phone,
                m.conference_phone_notes,
                m.notes,
                tuple(codes(m)),
                place
                and (
                    place.name,
                    place.address,
                    place.city,
                    place.region,
                    place.postal_code,
                    place.country,
                    place.latitude,
                    place.longitude,
                    place.timezone,
                    place.directions,
                ),
            )
        )
    return sorted(rows, key=repr)


def test_export_then_import_into_an_empty_database_gives_the_same_listings(
    client, make_meeting, make_location, programs, tmp_path
):
    church = make_location(
        name="Iglesia San José",
        address="12 Calle Ocho",
        city="Miami",
        region="FL",
        postal_code="33135",
        latitude=25.7656,
        longitude=-80.2195,
        timezone="America/New_York",
        directions="Side door, room 2.",
    )
    make_meeting(
        name="Reunión de la Mañana",
        location=church,
        language="es",
        start_time=time(7),
        end_time=time(8, 30),
        formats=["O", "BE", "A"],
        notes="Café gratis.",
        timezone="America/New_York",
    )
    make_meeting(
        name="Late Night",
        location=church,
        weekday=5,
        start_time=time(23),
        end_time=time(0, 30),
        timezone="America/New_York",
        formats=["C", "JFT"],
    )
    make_meeting(
        program=programs["smart"],
        name="SMART Online",
        attendance=Attendance.ONLINE,
        conference_url="https://zoom.example.org/j/9",
        conference_url_notes="ID 9",
        conference_phone="+16465550199",
        conference_phone_notes="Code 9#",
        timezone="America/Chicago",
        formats=["TOOLS", "D"],
    )
    make_meeting(
        program=programs["lifering"],
        name="LifeRing Hybrid",
        weekday=3,
        end_time=None,
        attendance=Attendance.HYBRID,
        formats=["WB"],
        location=make_location(name="Library", address="801 SW 10th Ave", postal_code="97205"),
    )
    make_meeting(
        program=programs["dra"],
        name="DRA Thursday",
        weekday=4,
        formats=["DD", "ST"],
        location=make_location(
            name="Clinic", address="", city="Salem", latitude=44.94, longitude=-123.03
        ),
    )
    make_meeting(name="Invented (sample)", is_sample=True)
    expected = [row for row in listing() if row[1] != "Invented (sample)"]
    locations = Location.objects.exclude(meetings__is_sample=True).count()

    feeds = {}
    for slug in programs:
        feeds[slug] = client.get(reverse("groups:meetings_json"), {"program": slug}).content
    Meeting.objects.all().delete()
    Location.objects.all().delete()
    for slug, content in feeds.items():
        path = tmp_path / f"{slug}.json"
        path.write_bytes(content)
        run_import(path, program=slug)

    assert listing() == expected
    assert Location.objects.count() == locations


# The command and the admin page.


def test_the_command_prints_the_counts(db):
    out = io.StringIO()
    call_command("import_meetings", str(DATA / "bmlt.json"), "--program", "na", stdout=out)
    assert "created 3, updated 0, unchanged 0, deactivated 0, rejected 0" in out.getvalue()
    call_command("import_meetings", str(DATA / "bmlt.json"), "--program", "na", stdout=out)
    assert "created 0, updated 0, unchanged 3, deactivated 0, rejected 0" in out.getvalue()


def test_the_command_stops_on_a_malformed_feed(db):
    out = io.StringIO()
    with pytest.raises(CommandError, match="--skip-invalid"):
        call_command(
            "import_meetings",
            str(DATA / "meeting-guide-malformed.json"),
            "--program",
            "na",
            stdout=out,
        )
    assert 'record 2 (slug "weekday-nine")' in out.getvalue()
    assert not Meeting.objects.exists()
    call_command(
        "import_meetings",
        str(DATA / "meeting-guide-malformed.json"),
        "--program",
        "na",
        "--skip-invalid",
        "--dry-run",
        stdout=out,
    )
    assert "created 1, updated 0, unchanged 0, deactivated 0, rejected 4" in out.getvalue()
    assert not Meeting.objects.exists()


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(user)
    return client


def upload(name):
    return SimpleUploadedFile(name, (DATA / name).read_bytes())


def test_admin_import_previews_then_imports(superuser_client, history):
    url = reverse("import_meetings")
    assert f'href="{url}"' in superuser_client.get(reverse("admin:index")).content.decode()
    assert superuser_client.get(url).status_code == 200
    form = {"program": "na", "action": "preview"}
    page = superuser_client.post(url, {**form, "file": upload("bmlt.json")}).content.decode()
    assert "Preview: nothing was saved" in page and "created 3" in page
    assert not Meeting.objects.exists()
    form["action"] = "import"
    page = superuser_client.post(url, {**form, "file": upload("bmlt.json")}).content.decode()
    assert "Imported" in page and "created 3" in page
    assert set(Meeting.objects.values_list("source", flat=True)) == {"upload:bmlt.json"}
    entry = history(Meeting.objects.get(external_id="1201")).get()
    assert entry.user.username == "root"


def test_admin_import_shows_rejects(superuser_client):
    page = superuser_client.post(
        reverse("import_meetings"),
        {"program": "na", "action": "import", "file": upload("meeting-guide-malformed.json")},
    ).content.decode()
    assert "Nothing was saved" in page
    assert "day 9 is not a number" in page
    assert not Meeting.objects.exists()


def test_admin_import_from_a_url(superuser_client, feed_server):
    url = f"{feed_server}/csv-sample.csv"
    page = superuser_client.post(
        reverse("import_meetings"), {"program": "sos", "url": url, "action": "import"}
    ).content.decode()
    assert "created 3" in page
    assert set(Meeting.objects.values_list("source", flat=True)) == {url}


def test_admin_import_is_for_superusers_only(client, django_user_model):
    url = reverse("import_meetings")
    assert client.get(url).status_code == 302  # To the login page.
    staff = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    client.force_login(staff)
    assert url not in client.get(reverse("admin:index")).content.decode()
    response = client.post(url, {"program": "na", "action": "import", "file": upload("bmlt.json")})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not Meeting.objects.exists()
