"""Each rule of groups.rules judges a listing the same way, in the same words, wherever it arrives:
the model, the admin form, the public suggestion form, and every importer."""

import csv
import io
import json
import re
from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from geopy.geocoders.base import Geocoder

from groups import rules
from groups.admin.imports import ImportForm
from groups.demo import load_demo
from groups.filters import MeetingFilter
from groups.forms import SuggestionForm
from groups.geocoding import locate
from groups.importers import import_meetings
from groups.importers.importer import parse
from groups.importers.records import Rejected
from groups.models import ChangeRequest, Location, Meeting, Program
from groups.models.suggestions import PROPOSED_KEYS
from groups.search.geometry import DEFAULT_RADIUS_KM
from groups.vocabulary import SECULAR_TYPE, Attendance

# A valid in-person meeting in plain terms; each case below breaks one rule of it.
GOOD = {
    "name": "Hope Group",
    "weekday": 1,
    "start_time": "19:00",
    "end_time": "20:00",
    "timezone": "America/Los_Angeles",
    "attendance": "in-person",
    "conference_url": "",
    "notes": "Side door.\nRoom 3.",
}
CASES = {
    "time zone": (
        {"timezone": "Mars/Olympus"},
        "“Mars/Olympus” is not a time zone name such as America/Chicago.",
    ),
    "join details": (
        {"attendance": "online"},
        "An online or hybrid meeting needs a join link or a dial-in phone.",
    ),
    "12-hour limit": (
        {"start_time": "08:00", "end_time": "21:00"},
        "A meeting can last at most 12 hours: check the end time.",
    ),
    "end is the start": (
        {"start_time": "19:00", "end_time": "19:00"},
        "The end time must differ from the start time.",
    ),
    "field length": (
        {"name": "x" * 201},
        "Ensure this value has at most 200 characters (it has 201).",
    ),
    "line break in a one-line field": (
        {"name": "Hope\nGroup"},
        "Remove the line break or other control character (U+000A) from this text.",
    ),
    "control character in notes": (
        {"notes": "Ring the bell\x07"},
        "Remove the line break or other control character (U+0007) from this text.",
    ),
}


@pytest.fixture
def hall(make_location):
    return make_location(address="1 Main St", postal_code="97205")


def model_messages(values, hall):
    meeting = Meeting(
        program=Program.objects.get(slug="na"),
        location=hall,
        name=values["name"],
        weekday=values["weekday"],
        start_time=time.fromisoformat(values["start_time"]),
        end_time=time.fromisoformat(values["end_time"]),
        timezone=values["timezone"],
        attendance=values["attendance"],
        conference_url=values["conference_url"],
        notes=values["notes"],
    )
    try:
        meeting.full_clean(exclude=["slug"])
    except ValidationError as error:
        return error.messages
    return []


def admin_messages(values, hall, client):
    data = {
        **{key: values[key] for key in GOOD},
        "program": Program.objects.get(slug="na").pk,
        "slug": "",
        "language": "en",
        "location": hall.pk,
        "is_active": "on",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:groups_meeting_add"), data)
    if response.status_code == 400:
        # Refused before the form, by the middleware every request passes: in the rule's words.
        return response.text.splitlines()
    assert response.status_code == 200, "the admin saved a meeting that breaks a rule"
    form = response.context["adminform"].form
    return [message for messages in form.errors.values() for message in messages]


def suggestion_messages(values, hall):
    data = {
        **{key: values[key] for key in GOOD},
        "program": "na",
        "location_name": hall.name,
        "location_address": hall.address,
        "location_city": hall.city,
        "location_region": hall.region,
        "location_country": "US",
    }
    form = SuggestionForm(data)
    form.is_valid()
    return [message for messages in form.errors.values() for message in messages]


def meeting_guide_text(values, hall):
    item = {
        "slug": "hope",
        "name": values["name"],
        "day": values["weekday"],
        "time": values["start_time"],
        "end_time": values["end_time"],
        "timezone": values["timezone"],
        "notes": values["notes"],
        "location": hall.name,
        "address": hall.address,
        "city": hall.city,
        "state": hall.region,
        "postal_code": hall.postal_code,
        "country": "US",
        "attendance_option": values["attendance"].replace("-", "_"),
    }
    return json.dumps([item])


def bmlt_text(values, hall):
    start = time.fromisoformat(values["start_time"])
    end = time.fromisoformat(values["end_time"])
    minutes = ((end.hour - start.hour) * 60 + end.minute - start.minute) % 1440
    item = {
        "id_bigint": "1",
        "meeting_name": values["name"],
        "weekday_tinyint": str(values["weekday"] + 1),
        "start_time": f"{values['start_time']}:00",
        # BMLT gives a length, not an end: a zero length means "not given" there.
        "duration_time": f"{minutes // 60:02d}:{minutes % 60:02d}:00" if minutes else "24:00:00",
        "time_zone": values["timezone"],
        "comments": values["notes"],
        "venue_type": {"in-person": "1", "online": "2", "hybrid": "3"}[values["attendance"]],
        "location_text": hall.name,
        "location_street": hall.address,
        "location_municipality": hall.city,
        "location_province": hall.region,
        "location_postal_code_1": hall.postal_code,
        "location_nation": "US",
    }
    return json.dumps([item])


def csv_text(values, hall):
    row = {
        "slug": "hope",
        "name": values["name"],
        "day": str(values["weekday"]),
        "time": values["start_time"],
        "end_time": values["end_time"],
        "timezone": values["timezone"],
        "attendance": values["attendance"],
        "notes": values["notes"],
        "location": hall.name,
        "address": hall.address,
        "city": hall.city,
        "state": hall.region,
        "country": "US",
    }
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    return out.getvalue()


IMPORTERS = {"meeting-guide": meeting_guide_text, "bmlt": bmlt_text, "csv": csv_text}


def importer_messages(file_type, values, hall):
    """The reasons an importer gives, without the key each one is prefixed with."""
    reasons = []
    for result in parse(IMPORTERS[file_type](values, hall), file_type):
        if isinstance(result, Rejected):
            reasons += [reason.split(": ", 1)[-1] for reason in result.reasons]
    return reasons


ENTRY_POINTS = ["model", "admin", "suggestion form", *IMPORTERS]


def messages_from(entry_point, values, hall, admin_client):
    if entry_point == "model":
        return model_messages(values, hall)
    if entry_point == "admin":
        return admin_messages(values, hall, admin_client)
    if entry_point == "suggestion form":
        return suggestion_messages(values, hall)
    return importer_messages(entry_point, values, hall)


@pytest.mark.parametrize("entry_point", ENTRY_POINTS)
def test_a_good_listing_passes_everywhere(entry_point, hall, admin_client):
    if entry_point == "admin":
        data_ok = admin_client.post(
            reverse("admin:groups_meeting_add"),
            {
                **GOOD,
                "program": Program.objects.get(slug="na").pk,
                "language": "en",
                "location": hall.pk,
                "is_active": "on",
                "contacts-TOTAL_FORMS": "0",
                "contacts-INITIAL_FORMS": "0",
            },
        )
        assert data_ok.status_code == 302
        assert Meeting.objects.get().notes == GOOD["notes"]  # A line break is fine in notes.
    else:
        assert messages_from(entry_point, GOOD, hall, admin_client) == []


# BMLT gives a meeting's length rather than its end, and a length cannot be zero there.
RULE_CHECKS = [
    (case, entry_point)
    for case in CASES
    for entry_point in ENTRY_POINTS
    if (case, entry_point) != ("end is the start", "bmlt")
]


@pytest.mark.parametrize("case, entry_point", RULE_CHECKS)
def test_every_entry_point_refuses_a_broken_rule_in_the_same_words(
    case, entry_point, hall, admin_client
):
    changes, message = CASES[case]
    assert message in messages_from(entry_point, {**GOOD, **changes}, hall, admin_client)
    assert not Meeting.objects.exists()


def test_a_meeting_past_midnight_is_fine_everywhere(hall, admin_client):
    values = {**GOOD, "start_time": "23:00", "end_time": "01:00"}
    for entry_point in ["model", "suggestion form", *IMPORTERS]:
        assert messages_from(entry_point, values, hall, admin_client) == [], entry_point


def test_the_default_time_zone_of_an_import_follows_the_same_rule(db):
    message = "“Mars/Olympus” is not a time zone name such as America/Chicago."
    form = ImportForm(
        {"program": "na", "url": "https://example.org/feed.json", "timezone": "Mars/Olympus"}
    )
    assert message in form.errors["timezone"]
    with pytest.raises(CommandError, match=message):
        call_command(
            "import_meetings", "feed.json", "--program", "na", "--timezone", "Mars/Olympus"
        )


def test_an_import_source_label_follows_the_text_rule(db):
    message = "Remove the line break or other control character (U+000A) from this text."
    form = ImportForm(
        {"program": "na", "url": "https://example.org/feed.json", "source": "area\nfeed"}
    )
    assert message in form.errors["source"]
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("import_meetings", "feed.json", "--program", "na", "--source", "area\nfeed")
    too_long = "x" * (Meeting._meta.get_field("source").max_length + 1)
    with pytest.raises(CommandError, match="at most 200 characters"):
        call_command("import_meetings", "feed.json", "--program", "na", "--source", too_long)
    form = ImportForm({"program": "na", "url": "https://example.org/feed.json", "source": too_long})
    assert len(form.errors["source"]) == 1 and "at most 200 characters" in form.errors["source"][0]


def test_the_secular_code_is_added_by_the_feed_and_not_kept_as_a_format(tmp_path, db, client):
    feed = tmp_path / "feed.json"
    item = json.loads(meeting_guide_text(GOOD, Location(name="Hall", city="Portland")))[0]
    feed.write_text(json.dumps([{**item, "types": [SECULAR_TYPE, "D"]}]))
    import_meetings(str(feed), program="smart")
    meeting = Meeting.objects.get()
    assert [fmt.code for fmt in meeting.formats.all()] == ["D"]
    (record,) = json.loads(b"".join(client.get(reverse("groups:meetings_json")).streaming_content))
    assert record["types"].count(SECULAR_TYPE) == 1
    # The format filter finds it from the program, as sample data and admin entries alike.
    assert list(Meeting.objects.with_formats([SECULAR_TYPE])) == [meeting]
    assert SECULAR_TYPE not in [code for codes in demo_codes(500) for code in codes]


def demo_codes(count):
    load_demo(count, seed=3)
    return [[fmt.code for fmt in meeting.formats.all()] for meeting in Meeting.objects.samples()]


def test_the_suggestion_form_offers_exactly_what_a_suggestion_may_propose(db):
    offered = set(SuggestionForm().fields) - {"message", "submitter_name", "submitter_email"}
    offered -= {"website"}  # The honeypot.
    assert offered == set(PROPOSED_KEYS) - {"is_active"}
    meeting_fields = set(SuggestionForm(meeting=Meeting(name="x", weekday=1)).fields)
    assert "stopped" in meeting_fields and "program" not in meeting_fields
    request = ChangeRequest(kind="new-meeting", program=Program.objects.first())
    request.proposed = {"slug": "taken-over"}
    with pytest.raises(ValidationError, match="Unknown fields: slug"):
        request.clean()


def test_admin_and_imports_make_slugs_alike(tmp_path, db, make_meeting):
    make_meeting(name="Hope Group", weekday=1)
    assert make_meeting(name="Hope Group", weekday=1).slug == "hope-group-monday-2"
    feed = tmp_path / "feed.json"
    hall = Location(name="Hall", address="1 Main St", city="Portland", region="OR")
    feed.write_text(meeting_guide_text(GOOD, hall))
    import_meetings(str(feed), program="na")
    assert Meeting.objects.get(external_id="hope").slug == "hope-group-monday-3"
    assert rules.unique_slug("Hope Group", 1, lambda slug: False) == "hope-group-monday"


def test_the_stale_age_is_the_same_on_the_page_and_in_admin(client, make_meeting):
    today = date.today()
    fresh = make_meeting(last_verified=today - timedelta(days=365))
    stale = make_meeting(last_verified=today - timedelta(days=366))
    assert list(Meeting.objects.stale()) == [stale]
    assert "Please check before you go" not in client.get(fresh.get_absolute_url()).text
    assert "Please check before you go" in client.get(stale.get_absolute_url()).text


def test_the_default_radius_is_the_same_for_the_form_and_the_search(make_location, make_meeting):
    portland = (45.5234, -122.6762)
    inside = make_meeting(location=make_location(latitude=45.5234 + 24.5 / 111.2))
    make_meeting(location=make_location(latitude=45.5234 + 25.5 / 111.2))
    filterset = MeetingFilter({"lat": portland[0], "lng": portland[1]})
    assert filterset.is_valid() and filterset.form.radius_km == DEFAULT_RADIUS_KM
    assert list(filterset.qs) == [inside]
    assert list(Meeting.objects.search(point=portland)) == [inside]


class Recorder(Geocoder):
    """A network geocoder that finds nothing and remembers what it was asked."""

    def __init__(self):
        super().__init__()
        self.queries = []

    def geocode(self, query, **kwargs):
        self.queries.append(query)


def test_admin_and_imports_ask_a_geocoder_the_same_questions(tmp_path, db):
    hall = Location(
        name="Hall",
        address="1 Main St",
        city="Portland",
        region="OR",
        postal_code="97205",
        country="US",
    )
    by_admin = Recorder()
    locate(hall, by_admin)
    by_import = Recorder()
    feed = tmp_path / "feed.json"
    feed.write_text(meeting_guide_text(GOOD, hall))
    import_meetings(str(feed), program="na", geocoder=by_import)
    assert (
        by_admin.queries
        == by_import.queries
        == [
            "1 Main St, Portland, OR 97205, US",
            "97205",
            "Portland, OR, US",
            "Portland, US",
        ]
    )


def test_the_format_filter_and_the_format_preference_agree(make_meeting):
    newcomers = make_meeting(formats=["BE"])
    make_meeting(formats=["D"])
    must = MeetingFilter({"q": "Portland, OR", "format": ["BE"]})
    assert list(must.qs) == [newcomers]
    nice = MeetingFilter({"q": "Portland, OR", "prefer_format": ["BE"]})
    ranked = list(nice.qs)
    assert ranked[0] == newcomers and ranked[0].formats_matched == 1
    assert ranked[1].formats_matched == 0


@pytest.mark.parametrize(
    ("url", "phone", "shown"),
    [
        ("https://us02web.zoom.us/j/123", "", True),
        ("https://meet.google.com/abc-defg-hij", "", True),
        ("https://video.example.org/room", "", False),
        ("https://video.example.org/room", "+1 646 558 8656", True),
        ("", "555 0100", False),
        ("", "+44 20 7946 0000", True),
    ],
)
def test_apps_show_how_to_join_only_a_known_service_or_a_phone_to_call(url, phone, shown):
    assert rules.joinable_in_apps(Attendance.ONLINE, url, phone) is shown
    # A hybrid meeting keeps its address in the feed: apps list it as one to go to.
    assert rules.joinable_in_apps(Attendance.HYBRID, url, phone)


def test_admin_warns_when_apps_would_hide_an_online_meeting(admin_client, programs):
    from groups.admin.meetings import JOIN_WARNING

    data = {
        "program": programs["na"].pk,
        "name": "Video",
        "weekday": 1,
        "start_time": "19:00",
        "end_time": "20:00",
        "attendance": "online",
        "timezone": "America/Chicago",
        "conference_url": "https://video.example.org/room",
        "language": "en",
        "is_active": "on",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }
    response = admin_client.post("/admin/groups/meeting/add/", data, follow=True)
    assert response.status_code == 200
    assert str(JOIN_WARNING) in [str(message) for message in response.context["messages"]]
    data.update(name="Video 2", conference_phone="+1 646 558 8656")
    response = admin_client.post("/admin/groups/meeting/add/", data, follow=True)
    assert str(JOIN_WARNING) not in [str(message) for message in response.context["messages"]]
    # The list finds the meetings to fix.
    listed = admin_client.get("/admin/groups/meeting/", {"joinable": "no"}).context["cl"]
    assert [meeting.name for meeting in listed.result_list] == ["Video"]
