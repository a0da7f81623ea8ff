"""The public suggestion form (groups/forms.py)."""

from groups.forms import SuggestionForm


def test_correction_proposes_only_what_changed(meeting, correction_data):
    form = SuggestionForm(
        correction_data(meeting, start_time="19:30", weekday="2"), meeting=meeting
    )
    assert form.is_valid(), form.errors
    assert form.proposal() == {"weekday": 2, "start_time": "19:30"}


def test_correction_needs_a_change_or_a_message(meeting, correction_data):
    form = SuggestionForm(correction_data(meeting), meeting=meeting)
    assert not form.is_valid()
    assert form.has_error("__all__", "no_change")
    form = SuggestionForm(correction_data(meeting, message="Room changed."), meeting=meeting)
    assert form.is_valid() and form.proposal() == {}


def test_stopped_meeting_is_proposed_inactive(meeting, correction_data):
    form = SuggestionForm(correction_data(meeting, stopped="on"), meeting=meeting)
    assert form.is_valid() and form.proposal() == {"is_active": False}


def test_new_meeting_form_checks_place_and_join_details(db, new_meeting_data):
    data = {**new_meeting_data, "location_name": "", "location_address": ""}
    assert SuggestionForm(data).has_error("location_city", "needs_place")
    data = {**new_meeting_data, "attendance": "online"}
    form = SuggestionForm(data)
    assert form.has_error("conference_url", "online_needs_url_or_phone")
    assert form.has_error("timezone")


def test_length_limits(meeting, correction_data):
    form = SuggestionForm(correction_data(meeting, message="x" * 2001), meeting=meeting)
    assert form.has_error("message", "max_length")
