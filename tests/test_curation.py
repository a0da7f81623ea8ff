"""Curation in admin: program editors, geocoding on save, review of suggestions, attribution."""

import json
import threading
import time as clock
from datetime import date, time, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.admin.models import ADDITION, CHANGE
from django.contrib.messages import get_messages
from django.urls import reverse
from geopy.exc import GeocoderServiceError, GeocoderTimedOut

from groups.demo import load_demo
from groups.geocoding import get_geocoder, locate
from groups.history import SYSTEM_USERNAME, record_change
from groups.models import (
    Attendance,
    ChangeRequest,
    Location,
    Meeting,
    MeetingContact,
)


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


def admin_url(name, *args):
    return reverse(f"admin:groups_{name}", args=args)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def meeting_form(meeting, **changes):
    """The admin change form's POST data for ``meeting``, with ``changes``."""
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


def location_form(location=None, **changes):
    data = {"name": "", "address": "", "city": "", "region": "", "postal_code": "",
            "country": "US", "latitude": "", "longitude": "", "timezone": "", "directions": "",
            "meetings-TOTAL_FORMS": "0", "meetings-INITIAL_FORMS": "0"}  # fmt: skip
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


# Editors per program


def test_editor_lists_only_their_programs_meetings(editor_client, na_and_smart):
    response = editor_client.get(admin_url("meeting_changelist"))
    assert response.status_code == 200
    assert "Hope Group" in response.text
    assert "Smart Tuesday" not in response.text


def test_editor_is_refused_another_programs_meeting_by_its_url(editor_client, na_and_smart):
    _, smart = na_and_smart
    response = editor_client.get(admin_url("meeting_change", smart.pk))
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    assert any("doesn’t exist" in message for message in messages_of(response))
    # Posting to it changes nothing either.
    editor_client.post(admin_url("meeting_change", smart.pk), meeting_form(smart, name="Taken"))
    smart.refresh_from_db()
    assert smart.name == "Smart Tuesday"


def test_editor_is_refused_another_programs_location_and_history(editor_client, na_and_smart):
    na, smart = na_and_smart
    assert editor_client.get(admin_url("location_change", na.location_id)).status_code == 200
    assert editor_client.get(admin_url("location_change", smart.location_id)).status_code == 302
    assert editor_client.get(admin_url("meeting_history", smart.pk)).status_code == 302


def test_editor_choices_are_limited_to_their_programs(editor_client, na_and_smart, programs):
    na, smart = na_and_smart
    response = editor_client.get(admin_url("meeting_change", na.pk))
    group_choices = {
        str(pk) for pk, _ in response.context["adminform"].form.fields["program"].choices
    }
    assert group_choices == {"", str(programs["na"].pk)}
    location_field = response.context["adminform"].form.fields["location"]
    assert list(location_field.queryset) == [na.location]
    # A forged POST with another program or its venue is rejected.
    response = editor_client.post(
        admin_url("meeting_change", na.pk),
        meeting_form(na, program=programs["smart"].pk, location=smart.location_id),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "program" in errors and "location" in errors
    na.refresh_from_db()
    assert na.program == programs["na"] and na.location_id != smart.location_id


def test_location_autocomplete_respects_the_editors_limit(editor_client, na_and_smart):
    na, smart = na_and_smart
    params = {"app_label": "groups", "model_name": "meeting", "field_name": "location"}
    response = editor_client.get(reverse("admin:autocomplete"), {**params, "term": ""})
    ids = {int(row["id"]) for row in response.json()["results"]}
    assert ids == {na.location_id}
    response = editor_client.get(reverse("admin:autocomplete"), {**params, "term": "Salem"})
    assert response.json()["results"] == []


def test_editor_sees_unused_locations_they_added_but_not_others(
    editor_client, make_editor, client, make_location, na_and_smart
):
    response = editor_client.post(
        admin_url("location_add"),
        location_form(name="New Venue", city="Portland", region="OR"),
    )
    assert response.status_code == 302
    mine = Location.objects.get(name="New Venue")
    others = make_location(name="Someone Else's Venue")
    changelist = editor_client.get(admin_url("location_changelist")).text
    assert "New Venue" in changelist
    assert "Someone Else" not in changelist
    assert "Smart Centre" not in changelist
    # The new venue can be chosen for a meeting straight away.
    choices = editor_client.get(admin_url("meeting_add")).context["adminform"].form
    assert set(choices.fields["location"].queryset) == {mine, na_and_smart[0].location}
    assert others not in choices.fields["location"].queryset


def test_editor_adds_a_meeting_for_their_program_only(
    editor_client, na_and_smart, programs, history
):
    na, _ = na_and_smart
    data = meeting_form(na, name="Evening Hope", slug="", timezone="")
    response = editor_client.post(admin_url("meeting_add"), data)
    assert response.status_code == 302
    added = Meeting.objects.get(name="Evening Hope")
    assert added.slug and added.timezone == na.location.timezone  # Both filled in for them.
    assert history(added).get().action_flag == ADDITION


def test_superuser_sees_every_program(admin_client, na_and_smart):
    text = admin_client.get(admin_url("meeting_changelist")).text
    assert "Hope Group" in text and "Smart Tuesday" in text
    assert admin_client.get(admin_url("meeting_change", na_and_smart[1].pk)).status_code == 200


def test_staff_without_programs_sees_nothing(client, django_user_model, na_and_smart):
    user = django_user_model.objects.create_user("helper", password="x", is_staff=True)
    client.force_login(user)
    assert client.get(admin_url("meeting_changelist")).status_code == 403
    assert "Meetings" not in client.get(reverse("admin:index")).text


def test_editors_cannot_delete(editor_client, na_and_smart):
    na, _ = na_and_smart
    response = editor_client.get(admin_url("meeting_changelist"))
    assert "delete_selected" not in response.text
    assert (
        editor_client.post(admin_url("meeting_delete", na.pk), {"post": "yes"}).status_code == 403
    )
    assert Meeting.objects.filter(pk=na.pk).exists()


# The meeting list as a curation tool


def test_changelist_columns_search_and_filters(admin_client, na_and_smart):
    response = admin_client.get(admin_url("meeting_changelist"), {"q": "97301"})
    assert "Smart Tuesday" in response.text and "Hope Group" not in response.text
    assert "Salem" in response.text  # The city column.
    for title in ["program", "weekday", "attendance", "active", "verification", "sample data"]:
        assert f"By {title}" in response.text


def test_stale_filter(admin_client, make_meeting):
    make_meeting(name="Never Checked")
    make_meeting(name="Checked Long Ago", last_verified=date.today() - timedelta(days=400))
    make_meeting(name="Checked Lately", last_verified=date.today() - timedelta(days=30))
    stale = admin_client.get(admin_url("meeting_changelist"), {"verified": "stale"}).text
    assert "Never Checked" in stale and "Checked Long Ago" in stale
    assert "Checked Lately" not in stale
    current = admin_client.get(admin_url("meeting_changelist"), {"verified": "current"}).text
    assert "Checked Lately" in current and "Never Checked" not in current


def test_actions_verify_deactivate_reactivate_and_record_who(
    editor_client, na_editor, make_meeting, history
):
    meetings = [make_meeting(name=f"Group {n}") for n in range(3)]
    ids = [m.pk for m in meetings]
    url = admin_url("meeting_changelist")
    editor_client.post(url, {"action": "mark_verified", "_selected_action": ids[:2]})
    assert set(Meeting.objects.filter(last_verified=date.today()).values_list("pk", flat=True)) == (
        set(ids[:2])
    )
    editor_client.post(url, {"action": "deactivate", "_selected_action": ids})
    assert not Meeting.objects.filter(pk__in=ids, is_active=True).exists()
    editor_client.post(url, {"action": "reactivate", "_selected_action": ids[:1]})
    assert list(Meeting.objects.filter(is_active=True).values_list("pk", flat=True)) == ids[:1]
    entries = history(meetings[0])
    assert [entry.change_message for entry in entries] == [
        "Reactivated.",
        "Deactivated.",
        f"Verified on {date.today()}.",
    ]
    assert all(entry.user == na_editor for entry in entries)


def test_location_page_lists_its_meetings_of_the_editors_programs(
    editor_client, make_meeting, make_location, programs
):
    hall = make_location(name="Shared Hall")
    make_meeting(name="Hope Group", location=hall)
    make_meeting(name="Smart Tuesday", location=hall, program=programs["smart"])
    response = editor_client.get(admin_url("location_change", hall.pk))
    assert "Hope Group" in response.text
    assert "Smart Tuesday" not in response.text
    assert admin_url("meeting_change", Meeting.objects.get(name="Hope Group").pk) in response.text


def test_contacts_inline_and_public_contacts(admin_client, make_meeting):
    meeting = make_meeting()
    data = meeting_form(meeting)
    data.update({
        "contacts-TOTAL_FORMS": "2",
        "contacts-0-name": "Secretary", "contacts-0-email": "sec@example.org",
        "contacts-0-is_public": "on",
        "contacts-1-name": "Treasurer", "contacts-1-phone": "555-0100",
    })  # fmt: skip
    response = admin_client.post(admin_url("meeting_change", meeting.pk), data)
    assert response.status_code == 302
    assert [c.name for c in meeting.contacts.all()] == ["Secretary", "Treasurer"]
    assert [c.name for c in meeting.contacts.public()] == ["Secretary"]
    assert MeetingContact.objects.public().count() == 1


def test_admin_edit_is_attributed(admin_client, admin_user, make_meeting, history):
    meeting = make_meeting()
    admin_client.post(
        admin_url("meeting_change", meeting.pk), meeting_form(meeting, name="Renamed")
    )
    entry = history(meeting).get()
    assert (entry.user, entry.action_flag) == (admin_user, CHANGE)
    assert "Name" in entry.get_change_message()


def test_record_change_without_a_user_uses_the_system_user(make_meeting, history):
    meeting = make_meeting()
    record_change(None, meeting, "Imported from a feed.")
    entry = history(meeting).get()
    assert entry.user.username == SYSTEM_USERNAME
    assert not entry.user.is_active and not entry.user.has_usable_password()
    assert entry.change_message == "Imported from a feed."


# Geocoding on save


def test_new_location_without_coordinates_is_placed_from_its_address(admin_client):
    data = location_form(name="Church", address="1 Main St", city="Salem", region="OR",
                         postal_code="97301")  # fmt: skip
    response = admin_client.post(admin_url("location_add"), data)
    assert response.status_code == 302
    church = Location.objects.get(name="Church")
    assert church.has_coordinates
    assert abs(church.latitude - 44.9) < 0.2 and abs(church.longitude + 123.0) < 0.2
    assert church.timezone == "America/Los_Angeles"
    assert any("postal code only" in message for message in messages_of(response))


def test_typed_coordinates_are_kept_and_give_the_time_zone(admin_client):
    data = location_form(name="Hall", city="Chicago", region="IL", latitude="41.88",
                         longitude="-87.63")  # fmt: skip
    admin_client.post(admin_url("location_add"), data)
    hall = Location.objects.get(name="Hall")
    assert (hall.latitude, hall.longitude) == (41.88, -87.63)
    assert hall.timezone == "America/Chicago"


def test_a_changed_address_moves_the_location(admin_client, make_location):
    hall = make_location(name="Hall")  # Portland, OR
    data = location_form(hall, city="Chicago", region="IL", postal_code="", timezone="")
    admin_client.post(admin_url("location_change", hall.pk), data)
    hall.refresh_from_db()
    assert abs(hall.latitude - 41.85) < 0.2
    assert hall.timezone == "America/Chicago"


def test_an_address_not_found_saves_and_asks_for_coordinates(admin_client):
    data = location_form(name="Nowhere Hall", city="Qwxzy", region="ZZ")
    response = admin_client.post(admin_url("location_add"), data, follow=True)
    hall = Location.objects.get(name="Nowhere Hall")
    assert not hall.has_coordinates
    assert "please enter its latitude and longitude" in response.text.lower()


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


def test_nominatim_answer_places_the_location_and_is_cached(db, nominatim):
    hall = Location(name="Hall", address="1 Main St", city="Salem", region="OR", country="US")
    assert locate(hall) == "street address"
    assert (hall.latitude, hall.longitude) == (44.9429, -123.0351)
    assert hall.timezone == "America/Los_Angeles"
    assert "countrycodes=us" in nominatim.requests[0]
    other = Location(name="Hall", address="1 Main St", city="Salem", region="OR", country="US")
    locate(other)
    assert other.has_coordinates
    assert len(nominatim.requests) == 1  # The second answer came from the cache.


def test_nominatim_error_raises_geopy_error(db, nominatim):
    nominatim.mode = "error"
    with pytest.raises(GeocoderServiceError):
        get_geocoder().geocode("Salem, OR")


@pytest.mark.parametrize("mode", ["error", "slow"])
def test_geocoder_failure_never_loses_the_edit(admin_client, nominatim, make_location, mode):
    nominatim.mode = mode
    hall = make_location(name="Hall")  # Portland, with coordinates.
    data = location_form(hall, address="1 Main St", city="Salem", directions="Side door")
    response = admin_client.post(admin_url("location_change", hall.pk), data, follow=True)
    hall.refresh_from_db()
    assert hall.city == "Salem" and hall.directions == "Side door"
    assert "the address lookup failed" in response.text
    assert "please enter its latitude and longitude" in response.text.lower()
    assert nominatim.requests


def test_slow_geocoder_times_out(db, nominatim):
    nominatim.mode = "slow"
    with pytest.raises(GeocoderTimedOut):
        get_geocoder().geocode("Salem, OR")


def test_geocode_action_places_locations_without_coordinates(admin_client, make_location, history):
    bare = make_location(name="Bare", city="Salem", latitude=None, longitude=None, timezone="")
    placed = make_location(name="Placed", latitude=10.0, longitude=10.0)
    admin_client.post(
        admin_url("location_changelist"),
        {"action": "geocode_selected", "_selected_action": [bare.pk, placed.pk]},
    )
    bare.refresh_from_db()
    placed.refresh_from_db()
    assert bare.has_coordinates and bare.timezone == "America/Los_Angeles"
    assert (placed.latitude, placed.longitude) == (10.0, 10.0)
    assert history(bare).get().change_message == "Looked up coordinates from the address."


# Reviewing suggestions


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


def test_review_page_shows_current_beside_proposed(editor_client, correction):
    response = editor_client.get(admin_url("changerequest_change", correction.pk))
    text = response.text
    assert '<table class="change-comparison">' in text
    assert "<td>19:00</td><td><strong>19:30</strong></td>" in text
    assert "<td>Monday</td><td><strong>Tuesday</strong></td>" in text
    assert "Approve and apply" in text


def test_approving_a_correction_applies_it_and_records_who(
    editor_client, na_editor, correction, history
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
    assert editor_client.get(admin_url("changerequest_change", correction.pk)).context[
        "has_change_permission"
    ] is False  # fmt: skip


def test_approving_moves_only_this_meeting_off_a_shared_venue(admin_user, make_meeting):
    first = make_meeting(name="First")
    second = make_meeting(name="Second", location=first.location)
    request = ChangeRequest.objects.create(
        kind=ChangeRequest.Kind.CORRECTION,
        meeting=first,
        program=first.program,
        proposed={"location_city": "Salem", "location_address": "2 Court St"},
    )
    request.approve(admin_user, locate=locate)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.location != second.location
    assert (first.location.city, second.location.city) == ("Salem", "Portland")
    assert abs(first.location.latitude - 44.94) < 0.2  # Looked up anew, not Portland's.


def test_approving_a_new_meeting_creates_it(admin_client, admin_user, programs, history):
    request = ChangeRequest.objects.create(
        kind=ChangeRequest.Kind.NEW_MEETING,
        program=programs["sos"],
        proposed={
            "program": "sos", "name": "Secular Sunday", "weekday": 0, "start_time": "10:00",
            "attendance": "in-person", "location_name": "Library", "location_city": "Salem",
            "location_region": "OR", "location_country": "US",
        },
    )  # fmt: skip
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


def test_an_invalid_proposal_is_not_applied(admin_client, correction):
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


def test_unknown_proposed_fields_are_refused_in_the_form(admin_client, correction):
    response = admin_client.post(
        admin_url("changerequest_change", correction.pk),
        {"proposed": json.dumps({"is_sample": True}), "_continue": "1"},
    )
    assert response.status_code == 200
    assert "Unknown fields: is_sample" in response.text


def test_editors_cannot_move_a_meeting_to_a_program_they_do_not_edit(editor_client, correction):
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


def test_rejecting_changes_nothing(editor_client, na_editor, correction):
    editor_client.post(
        admin_url("changerequest_change", correction.pk),
        {"proposed": json.dumps(correction.proposed), "note": "Not so.", "_reject": "1"},
    )
    correction.refresh_from_db()
    assert correction.status == ChangeRequest.Status.REJECTED
    assert correction.reviewer == na_editor and correction.note == "Not so."
    assert Meeting.objects.get(pk=correction.meeting_id).weekday == 1


def test_editors_see_only_their_programs_requests(client, make_editor, correction):
    client.force_login(make_editor("smart"))
    assert "Hope Group" not in client.get(admin_url("changerequest_changelist")).text
    assert client.get(admin_url("changerequest_change", correction.pk)).status_code == 302
    client.post(
        admin_url("changerequest_changelist"),
        {"action": "approve_selected", "_selected_action": [correction.pk]},
    )
    correction.refresh_from_db()
    assert correction.is_pending


# Query bounds


@pytest.fixture
def thousand_meetings(db):
    load_demo(1000, seed=1)
    return Meeting.objects.select_related("location").filter(location__isnull=False).first()


@pytest.mark.parametrize("who", ["superuser", "editor"])
def test_admin_pages_have_bounded_queries_at_1000_meetings(
    client, admin_user, make_editor, thousand_meetings, django_assert_max_num_queries, who
):
    meeting = thousand_meetings
    client.force_login(admin_user if who == "superuser" else make_editor(meeting.program.slug))
    pages = [
        admin_url("meeting_changelist"),
        admin_url("meeting_changelist") + "?verified=stale&attendance=hybrid",
        admin_url("meeting_change", meeting.pk),
        admin_url("location_changelist"),
        admin_url("location_change", meeting.location_id),
        admin_url("changerequest_changelist"),
    ]
    for url in pages:
        with django_assert_max_num_queries(12):
            response = client.get(url)
        assert response.status_code == 200, url
