"""Meetings in admin (groups/admin/meetings.py): filters, actions, contacts, query bounds."""

from datetime import date, timedelta

import pytest
from django.contrib.admin.models import CHANGE

from groups.demo import load_demo
from groups.models import Meeting, MeetingContact


def test_changelist_columns_search_and_filters(admin_client, na_and_smart, admin_url):
    response = admin_client.get(admin_url("meeting_changelist"), {"q": "97301"})
    assert "Smart Tuesday" in response.text and "Hope Group" not in response.text
    assert "Salem" in response.text  # The city column.
    for title in ["program", "weekday", "attendance", "active", "verification", "sample data"]:
        assert f"By {title}" in response.text


def test_stale_filter(admin_client, make_meeting, admin_url):
    make_meeting(name="Never Checked")
    make_meeting(name="Checked Long Ago", last_verified=date.today() - timedelta(days=400))
    make_meeting(name="Checked Lately", last_verified=date.today() - timedelta(days=30))
    stale = admin_client.get(admin_url("meeting_changelist"), {"verified": "stale"}).text
    assert "Never Checked" in stale and "Checked Long Ago" in stale
    assert "Checked Lately" not in stale
    current = admin_client.get(admin_url("meeting_changelist"), {"verified": "current"}).text
    assert "Checked Lately" in current and "Never Checked" not in current


def test_actions_verify_deactivate_reactivate_and_record_who(
    editor_client, na_editor, make_meeting, history, admin_url
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


def test_contacts_inline_and_public_contacts(admin_client, make_meeting, admin_url, meeting_form):
    meeting = make_meeting()
    data = meeting_form(meeting)
    data.update(
        {
            "contacts-TOTAL_FORMS": "2",
            "contacts-0-name": "Secretary",
            "contacts-0-email": "sec@example.org",
            "contacts-0-is_public": "on",
            "contacts-1-name": "Treasurer",
            "contacts-1-phone": "555-0100",
        }
    )
    response = admin_client.post(admin_url("meeting_change", meeting.pk), data)
    assert response.status_code == 302
    assert [c.name for c in meeting.contacts.all()] == ["Secretary", "Treasurer"]
    assert [c.name for c in meeting.contacts.public()] == ["Secretary"]
    assert MeetingContact.objects.public().count() == 1


def test_admin_edit_is_attributed(
    admin_client, admin_user, make_meeting, history, admin_url, meeting_form
):
    meeting = make_meeting()
    admin_client.post(
        admin_url("meeting_change", meeting.pk), meeting_form(meeting, name="Renamed")
    )
    entry = history(meeting).get()
    assert (entry.user, entry.action_flag) == (admin_user, CHANGE)
    assert "Name" in entry.get_change_message()


@pytest.fixture
def thousand_meetings(db):
    load_demo(1000, seed=1)
    return Meeting.objects.select_related("location").filter(location__isnull=False).first()


@pytest.mark.parametrize("who", ["superuser", "editor"])
def test_admin_pages_have_bounded_queries_at_1000_meetings(
    client,
    admin_user,
    make_editor,
    thousand_meetings,
    django_assert_max_num_queries,
    admin_url,
    who,
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


def test_an_online_meeting_cannot_have_room_formats(
    admin_client, make_meeting, admin_url, meeting_form
):
    from groups.models import Format

    meeting = make_meeting(attendance="online")
    codes = {fmt.code: fmt.pk for fmt in Format.objects.filter(code__in=["X", "CAN", "D"])}
    data = meeting_form(meeting, formats=[codes["X"], codes["CAN"], codes["D"]])
    response = admin_client.post(admin_url("meeting_change", meeting.pk), data)
    assert response.status_code == 200
    assert "A meeting held only online has no room: remove Wheelchair Access, Candlelight" in (
        response.text
    )
    data["formats"] = [codes["D"]]
    assert admin_client.post(admin_url("meeting_change", meeting.pk), data).status_code == 302


def test_a_meeting_joins_a_group_of_its_own_program_only(
    editor_client, make_meeting, admin_url, meeting_form, programs
):
    from groups.models import Group

    meeting = make_meeting()
    ours = Group.objects.create(program=programs["na"], name="Clean Start Group")
    theirs = Group.objects.create(program=programs["smart"], name="Smart Friends")
    url = admin_url("meeting_change", meeting.pk)
    response = editor_client.post(url, meeting_form(meeting, group=theirs.pk))
    assert response.status_code == 200  # Not even a choice for an NA editor.
    assert editor_client.post(url, meeting_form(meeting, group=ours.pk)).status_code == 302
    meeting.refresh_from_db()
    assert meeting.group == ours


def test_a_superuser_cannot_put_a_meeting_in_another_programs_group(
    admin_client, make_meeting, admin_url, meeting_form, programs
):
    from groups.models import Group

    meeting = make_meeting()
    theirs = Group.objects.create(program=programs["smart"], name="Smart Friends")
    response = admin_client.post(
        admin_url("meeting_change", meeting.pk), meeting_form(meeting, group=theirs.pk)
    )
    assert "The group belongs to another program." in response.text
