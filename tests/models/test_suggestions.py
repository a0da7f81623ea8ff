"""ChangeRequest (groups/models/suggestions.py) applied directly, without admin."""

from groups.geocoding import locate
from groups.models import ChangeRequest


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


def test_a_copy_of_a_shared_sample_venue_stays_marked_as_sample(admin_user, make_meeting):
    first = make_meeting(name="First", is_sample=True)
    first.location.is_sample = True
    first.location.directions = "Side door."
    first.location.save()
    make_meeting(name="Second", location=first.location, is_sample=True)
    request = ChangeRequest.objects.create(
        kind=ChangeRequest.Kind.CORRECTION,
        meeting=first,
        program=first.program,
        proposed={"location_name": "Annex"},
    )
    request.approve(admin_user)
    first.refresh_from_db()
    assert first.location.name == "Annex" and first.location.is_sample
    assert first.location.directions == "Side door."
