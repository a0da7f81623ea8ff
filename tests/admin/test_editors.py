"""Program editors in admin (groups/admin/editors.py): their own programs' listings only."""

from django.contrib.admin.models import ADDITION
from django.urls import reverse

from groups.models import Location, Meeting


def test_editor_lists_only_their_programs_meetings(editor_client, na_and_smart, admin_url):
    response = editor_client.get(admin_url("meeting_changelist"))
    assert response.status_code == 200
    assert "Hope Group" in response.text
    assert "Smart Tuesday" not in response.text


def test_editor_is_refused_another_programs_meeting_by_its_url(
    editor_client, na_and_smart, admin_url, messages_of, meeting_form
):
    _, smart = na_and_smart
    response = editor_client.get(admin_url("meeting_change", smart.pk))
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    assert any("doesn’t exist" in message for message in messages_of(response))
    # Posting to it changes nothing either.
    editor_client.post(admin_url("meeting_change", smart.pk), meeting_form(smart, name="Taken"))
    smart.refresh_from_db()
    assert smart.name == "Smart Tuesday"


def test_editor_is_refused_another_programs_location_and_history(
    editor_client, na_and_smart, admin_url
):
    na, smart = na_and_smart
    assert editor_client.get(admin_url("location_change", na.location_id)).status_code == 200
    assert editor_client.get(admin_url("location_change", smart.location_id)).status_code == 302
    assert editor_client.get(admin_url("meeting_history", smart.pk)).status_code == 302


def test_editor_choices_are_limited_to_their_programs(
    editor_client, na_and_smart, programs, admin_url, meeting_form
):
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
    editor_client, make_editor, client, make_location, na_and_smart, admin_url, location_form
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
    editor_client, na_and_smart, programs, history, admin_url, meeting_form
):
    na, _ = na_and_smart
    data = meeting_form(na, name="Evening Hope", slug="", timezone="")
    response = editor_client.post(admin_url("meeting_add"), data)
    assert response.status_code == 302
    added = Meeting.objects.get(name="Evening Hope")
    assert added.slug and added.timezone == na.location.timezone  # Both filled in for them.
    assert history(added).get().action_flag == ADDITION


def test_superuser_sees_every_program(admin_client, na_and_smart, admin_url):
    text = admin_client.get(admin_url("meeting_changelist")).text
    assert "Hope Group" in text and "Smart Tuesday" in text
    assert admin_client.get(admin_url("meeting_change", na_and_smart[1].pk)).status_code == 200


def test_staff_without_programs_sees_nothing(client, django_user_model, na_and_smart, admin_url):
    user = django_user_model.objects.create_user("helper", password="x", is_staff=True)
    client.force_login(user)
    assert client.get(admin_url("meeting_changelist")).status_code == 403
    assert "Meetings" not in client.get(reverse("admin:index")).text


def test_editors_cannot_delete(editor_client, na_and_smart, admin_url):
    na, _ = na_and_smart
    response = editor_client.get(admin_url("meeting_changelist"))
    assert "delete_selected" not in response.text
    assert (
        editor_client.post(admin_url("meeting_delete", na.pk), {"post": "yes"}).status_code == 403
    )
    assert Meeting.objects.filter(pk=na.pk).exists()
