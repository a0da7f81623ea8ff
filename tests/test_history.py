"""Admin history for changes made outside admin (groups/history.py)."""

from groups.history import SYSTEM_USERNAME, record_change


def test_record_change_without_a_user_uses_the_system_user(make_meeting, history):
    meeting = make_meeting()
    record_change(None, meeting, "Imported from a feed.")
    entry = history(meeting).get()
    assert entry.user.username == SYSTEM_USERNAME
    assert not entry.user.is_active and not entry.user.has_usable_password()
    assert entry.change_message == "Imported from a feed."
