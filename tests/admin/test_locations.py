"""Locations in admin (groups/admin/locations.py): meetings, coordinates looked up on save."""

import pytest
from django.contrib.admin.models import ADDITION

from groups.models import Location, Meeting


def test_location_page_lists_its_meetings_of_the_editors_programs(
    editor_client, make_meeting, make_location, programs, admin_url
):
    hall = make_location(name="Shared Hall")
    make_meeting(name="Hope Group", location=hall)
    make_meeting(name="Smart Tuesday", location=hall, program=programs["smart"])
    response = editor_client.get(admin_url("location_change", hall.pk))
    assert "Hope Group" in response.text
    assert "Smart Tuesday" not in response.text
    assert admin_url("meeting_change", Meeting.objects.get(name="Hope Group").pk) in response.text


def test_new_location_without_coordinates_is_placed_from_its_address(
    admin_client, admin_url, messages_of, location_form
):
    data = location_form(
        name="Church", address="1 Main St", city="Salem", region="OR", postal_code="97301"
    )
    response = admin_client.post(admin_url("location_add"), data)
    assert response.status_code == 302
    church = Location.objects.get(name="Church")
    assert church.has_coordinates
    assert abs(church.latitude - 44.9) < 0.2 and abs(church.longitude + 123.0) < 0.2
    assert church.timezone == "America/Los_Angeles"
    assert any("postal code only" in message for message in messages_of(response))


def test_typed_coordinates_are_kept_and_give_the_time_zone(admin_client, admin_url, location_form):
    data = location_form(
        name="Hall", city="Chicago", region="IL", latitude="41.88", longitude="-87.63"
    )
    admin_client.post(admin_url("location_add"), data)
    hall = Location.objects.get(name="Hall")
    assert (hall.latitude, hall.longitude) == (41.88, -87.63)
    assert hall.timezone == "America/Chicago"


def test_a_changed_address_moves_the_location(
    admin_client, make_location, admin_url, location_form
):
    hall = make_location(name="Hall")  # Portland, OR
    data = location_form(hall, city="Chicago", region="IL", postal_code="", timezone="")
    admin_client.post(admin_url("location_change", hall.pk), data)
    hall.refresh_from_db()
    assert abs(hall.latitude - 41.85) < 0.2
    assert hall.timezone == "America/Chicago"


def test_an_address_not_found_saves_and_asks_for_coordinates(
    admin_client, admin_url, location_form
):
    data = location_form(name="Nowhere Hall", city="Qwxzy", region="ZZ")
    response = admin_client.post(admin_url("location_add"), data, follow=True)
    hall = Location.objects.get(name="Nowhere Hall")
    assert not hall.has_coordinates
    assert "please enter its latitude and longitude" in response.text.lower()


@pytest.mark.parametrize("mode", ["error", "slow"])
def test_geocoder_failure_never_loses_the_edit(
    admin_client, nominatim, make_location, admin_url, location_form, mode
):
    nominatim.mode = mode
    hall = make_location(name="Hall")  # Portland, with coordinates.
    data = location_form(hall, address="1 Main St", city="Salem", directions="Side door")
    response = admin_client.post(admin_url("location_change", hall.pk), data, follow=True)
    hall.refresh_from_db()
    assert hall.city == "Salem" and hall.directions == "Side door"
    assert "the address lookup failed" in response.text
    assert "please enter its latitude and longitude" in response.text.lower()
    assert nominatim.requests


def test_geocode_action_places_locations_without_coordinates(
    admin_client, make_location, history, admin_url
):
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


# A location shared by meetings of several programs


@pytest.fixture
def shared_hall(make_meeting, make_location, programs):
    """An SOS meeting and five NA meetings at one hall."""
    hall = make_location(name="Shared Hall", address="1 Main St", directions="Side door.")
    make_meeting(name="SOS Thursday", program=programs["sos"], location=hall, weekday=4)
    for weekday in range(5):
        make_meeting(name=f"NA {weekday}", location=hall, weekday=weekday)
    return hall


@pytest.fixture
def sos_client(client, make_editor):
    client.force_login(make_editor("sos"))
    return client


def test_an_editor_cannot_change_a_location_other_programs_meet_at(
    sos_client, shared_hall, admin_url, location_form
):
    url = admin_url("location_change", shared_hall.pk)
    page = sos_client.get(url)
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    assert 'name="directions"' not in page.text
    assert "Narcotics Anonymous also meets here" in page.text
    assert "Copy it for my meetings" in page.text
    response = sos_client.post(url, location_form(shared_hall, directions="Front door."))
    assert response.status_code == 403
    shared_hall.refresh_from_db()
    assert shared_hall.directions == "Side door."


def test_an_editor_of_every_program_there_may_change_it(
    client, make_editor, shared_hall, admin_url, location_form
):
    client.force_login(make_editor("sos", "na"))
    url = admin_url("location_change", shared_hall.pk)
    assert client.get(url).context["has_change_permission"] is True
    response = client.post(url, location_form(shared_hall, directions="Front door."))
    assert response.status_code == 302
    shared_hall.refresh_from_db()
    assert shared_hall.directions == "Front door."


def test_an_editor_gives_their_meetings_a_copy_to_change(
    sos_client, shared_hall, admin_url, history, messages_of, location_form
):
    response = sos_client.post(admin_url("location_copy", shared_hall.pk))
    copy = Location.objects.exclude(pk=shared_hall.pk).get()
    assert response.status_code == 302 and response.url == admin_url("location_change", copy.pk)
    assert any("a copy of" in message for message in messages_of(response))
    same = [
        "name",
        "address",
        "city",
        "region",
        "postal_code",
        "country",
        "latitude",
        "longitude",
        "timezone",
        "directions",
        "is_sample",
    ]
    assert [getattr(copy, f) for f in same] == [getattr(shared_hall, f) for f in same]
    assert [m.name for m in copy.meetings.all()] == ["SOS Thursday"]
    assert shared_hall.meetings.count() == 5
    assert not shared_hall.meetings.filter(program__slug="sos").exists()
    [added] = history(copy)
    assert added.action_flag == ADDITION and added.user.username == "sos-editor"
    moved = copy.meetings.get()
    assert f"#{copy.pk}" in history(moved).get().change_message
    # The copy is theirs to change; the original is as it was.
    response = sos_client.post(
        admin_url("location_change", copy.pk), location_form(copy, directions="Front door.")
    )
    assert response.status_code == 302
    copy.refresh_from_db()
    shared_hall.refresh_from_db()
    assert (copy.directions, shared_hall.directions) == ("Front door.", "Side door.")


def test_copying_is_refused_for_a_location_the_editor_has_no_meeting_at(
    client, make_editor, make_location, make_meeting, admin_url
):
    hall = make_location(name="NA Hall")
    make_meeting(location=hall)
    client.force_login(make_editor("sos"))
    response = client.post(admin_url("location_copy", hall.pk))
    assert response.status_code == 404
    assert Location.objects.count() == 1


def test_the_lookup_action_leaves_a_shared_location_alone(
    sos_client, shared_hall, admin_url, messages_of
):
    Location.objects.filter(pk=shared_hall.pk).update(latitude=None, longitude=None, city="Salem")
    response = sos_client.post(
        admin_url("location_changelist"),
        {"action": "geocode_selected", "_selected_action": [shared_hall.pk]},
    )
    shared_hall.refresh_from_db()
    assert not shared_hall.has_coordinates
    assert any("other programs also meet at" in message for message in messages_of(response))
