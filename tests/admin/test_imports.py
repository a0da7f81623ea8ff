"""The admin import page (groups/admin/imports.py): preview, import, rejects, superusers only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from groups.models import Meeting


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def upload(data_dir):
    """A file of tests/data as the admin import form receives it."""

    def file(name):
        return SimpleUploadedFile(name, (data_dir / name).read_bytes())

    return file


def test_admin_import_previews_then_imports(superuser_client, history, upload):
    url = reverse("import_meetings")
    assert f'href="{url}"' in superuser_client.get(reverse("admin:index")).content.decode()
    assert superuser_client.get(url).status_code == 200
    form = {"program": "na", "action": "preview"}
    page = superuser_client.post(url, {**form, "file": upload("bmlt.json")}).content.decode()
    assert "Preview: nothing was saved" in page and "created 3" in page
    assert not Meeting.objects.exists()
    form["action"] = "import"
    page = superuser_client.post(url, {**form, "file": upload("bmlt.json")}).content.decode()
    assert "Imported" in page and "created 3" in page
    assert set(Meeting.objects.values_list("source", flat=True)) == {"upload:bmlt.json"}
    entry = history(Meeting.objects.get(external_id="1201")).get()
    assert entry.user.username == "root"


def test_admin_import_shows_rejects(superuser_client, upload):
    page = superuser_client.post(
        reverse("import_meetings"),
        {"program": "na", "action": "import", "file": upload("meeting-guide-malformed.json")},
    ).content.decode()
    assert "Nothing was saved" in page
    assert "day 9 is not a number" in page
    assert not Meeting.objects.exists()


def test_admin_import_from_a_url(superuser_client, feed_server):
    url = f"{feed_server}/csv-sample.csv"
    page = superuser_client.post(
        reverse("import_meetings"), {"program": "sos", "url": url, "action": "import"}
    ).content.decode()
    assert "created 3" in page
    assert set(Meeting.objects.values_list("source", flat=True)) == {url}


def test_admin_import_is_for_superusers_only(client, django_user_model, upload):
    url = reverse("import_meetings")
    assert client.get(url).status_code == 302  # To the login page.
    staff = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    client.force_login(staff)
    assert url not in client.get(reverse("admin:index")).content.decode()
    response = client.post(url, {"program": "na", "action": "import", "file": upload("bmlt.json")})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not Meeting.objects.exists()
