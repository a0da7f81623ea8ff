"""Named groups and sources in admin (groups/admin/named_groups.py, sources.py): who sees what."""

from groups.models import Group, Source


def test_editors_see_only_their_programs_groups(editor_client, admin_url, programs, make_meeting):
    ours = Group.objects.create(program=programs["na"], name="Clean Start Group")
    Group.objects.create(program=programs["smart"], name="Smart Friends")
    make_meeting(name="Monday Clean Start", group=ours)
    page = editor_client.get(admin_url("group_changelist")).text
    assert "Clean Start Group" in page and "Smart Friends" not in page
    change = editor_client.get(admin_url("group_change", ours.pk)).text
    assert "Monday Clean Start" in change  # The group's meetings, listed on its page.


def test_sources_are_for_superusers_only(editor_client, admin_client, admin_url, programs):
    source = Source.objects.create(
        label="Area feed", url="https://example.org/meetings.json", program=programs["na"]
    )
    assert editor_client.get(admin_url("source_changelist")).status_code == 403
    assert editor_client.get(admin_url("source_change", source.pk)).status_code == 403
    assert "Area feed" in admin_client.get(admin_url("source_changelist")).text


def test_every_admin_link_typed_without_a_scheme_is_read_as_https(rf, admin_user):
    # Volunteers paste "cleanstart.org"; Django 5 alone would store http://cleanstart.org.
    from django.contrib import admin
    from django.db import models

    request = rf.get("/admin/")
    request.user = admin_user
    checked = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "groups":
            continue
        form = model_admin.get_form(request)
        for field in model._meta.get_fields():
            if isinstance(field, models.URLField) and field.name in form.base_fields:
                cleaned = form.base_fields[field.name].clean("cleanstart.org")
                checked.append((model.__name__, field.name, cleaned))
    assert {name for name, _, _ in checked} >= {"Program", "Meeting", "Group", "Source"}
    assert {cleaned for _, _, cleaned in checked} == {"https://cleanstart.org"}
