"""Locations in admin (groups/admin/locations.py): meetings, coordinates looked up on save."""

import pytest

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
    data = location_form(name="Church", address="1 Main St", city="Salem", region="OR",
                         postal_code="97301")  # fmt: skip
    response = admin_client.post(admin_url("location_add"), data)
    assert response.status_code == 302
    church = Location.objects.get(name="Church")
    assert church.has_coordinates
    assert abs(church.latitude - 44.9) < 0.2 and abs(church.longitude + 123.0) < 0.2
    assert church.timezone == "America/Los_Angeles"
    assert any("postal code only" in message for message in messages_of(response))


def test_typed_coordinates_are_kept_and_give_the_time_zone(admin_client, admin_url, location_form):
    data = location_form(name="Hall", city="Chicago", region="IL", latitude="41.88",
                         longitude="-87.63")  # fmt: skip
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
