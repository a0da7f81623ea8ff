"""What every request passes through (groups/middleware.py)."""

import logging
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from groups.models import ChangeRequest

# Control characters in a request

REFUSED = "Remove the line break or other control character (U+"


@pytest.fixture
def every_url(make_meeting):
    meeting = make_meeting()
    return [
        reverse("groups:home"),
        reverse("groups:meeting_list"),
        reverse("groups:meetings_json"),
        reverse("groups:meetings_csv"),
        reverse("groups:meetings_ics"),
        reverse("groups:meeting", args=[meeting.slug]),
        reverse("groups:meeting_ics", args=[meeting.slug]),
        reverse("groups:suggest_change", args=[meeting.slug]),
        reverse("groups:program", args=["na"]),
        reverse("groups:suggest_meeting"),
        reverse("groups:choosing"),
        reverse("groups:health"),
        reverse("admin:index"),
        reverse("admin:login"),
        reverse("admin:autocomplete"),
        reverse("admin:groups_meeting_changelist"),
        reverse("admin:groups_location_changelist"),
        reverse("admin:groups_meeting_change", args=[meeting.pk]),
        reverse("import_meetings"),
    ]


@pytest.mark.parametrize("character", ["%00", "%0A", "%0D", "%1B", "%7F"])
def test_a_control_character_in_the_query_string_is_400_on_every_url(
    admin_client, every_url, character
):
    for url in every_url:
        for query in [f"q=a{character}b", f"program={character}", f"{character}=1"]:
            response = admin_client.get(f"{url}?{query}")
            assert response.status_code == 400, (url, query)
            assert response["Content-Type"] == "text/plain; charset=utf-8"
            assert REFUSED in response.text


def test_the_requests_that_broke_on_postgresql_are_400(admin_client, db):
    for url in [
        "/meetings.json?program=%00",
        "/admin/autocomplete/?app_label=groups&model_name=meeting&field_name=location&term=%00",
        "/admin/groups/location/?country__exact=%00",
    ]:
        response = admin_client.get(url)
        assert (response.status_code, REFUSED in response.text) == (400, True), url


def test_a_tab_is_not_a_control_character_here(client, db):
    response = client.get(reverse("groups:meeting_list"), {"q": "Portland,\tOR"})
    assert response.status_code == 200


def test_form_data_with_a_nul_is_400_and_nothing_is_saved(client, programs, new_meeting_data):
    url = reverse("groups:suggest_meeting")
    for field in ["name", "message"]:
        data = urlencode({**new_meeting_data, field: "Hope\x00Group"})
        response = client.post(url, data, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400 and REFUSED in response.text
    multipart = client.post(url, {**new_meeting_data, "name": "Hope\x1bGroup"})
    assert multipart.status_code == 400 and REFUSED in multipart.text
    assert not ChangeRequest.objects.exists()


def test_form_data_may_carry_line_breaks_from_a_text_area(client, programs, new_meeting_data):
    # The middleware lets them through; a one-line field's own rule still refuses them.
    data = {**new_meeting_data, "message": "They moved.\r\nSide door now."}
    assert client.post(reverse("groups:suggest_meeting"), data).status_code == 302
    assert ChangeRequest.objects.get().message == "They moved.\r\nSide door now."
    one_line = client.post(
        reverse("groups:suggest_meeting"), {**new_meeting_data, "name": "Hope\r\nGroup"}
    )
    assert one_line.status_code == 400
    assert "Remove the line break or other control character (U+000D)" in one_line.text


def test_an_uploaded_files_contents_are_not_form_data(admin_client, programs):
    upload = SimpleUploadedFile("meetings.csv", b"name,day\nHope\x00Group,1\n", "text/csv")
    response = admin_client.post(reverse("import_meetings"), {"program": "na", "file": upload})
    assert response.status_code == 200
    assert REFUSED not in response.text


# The database out of reach


@pytest.fixture
def request_log(caplog):
    """Every log record of the request, whichever logger wrote it (django.request propagates
    to no parent in our settings, so it is listened to directly)."""
    request_logger = logging.getLogger("django.request")
    request_logger.addHandler(caplog.handler)
    yield caplog
    request_logger.removeHandler(caplog.handler)


def test_every_page_answers_503_while_the_database_is_unreachable(
    client, database_down, request_log, new_meeting_data, settings
):
    pages = [
        ("get", reverse("groups:home"), {}),
        ("get", reverse("groups:meeting_list"), {"q": "Portland, OR"}),
        ("get", reverse("groups:meeting", args=["hope-group-monday"]), {}),
        ("get", reverse("groups:meetings_json"), {}),
        ("get", reverse("groups:meetings_ics"), {"q": "Portland, OR"}),
        ("post", reverse("groups:suggest_meeting"), new_meeting_data),
        ("get", reverse("admin:groups_meeting_changelist"), {}),
        ("post", reverse("admin:login"), {"username": "jo", "password": "not-this-one"}),
    ]
    # An editor's session, which admin looks up in the database.
    client.cookies[settings.SESSION_COOKIE_NAME] = "k" * 32
    for method, url, data in pages:
        request_log.clear()
        response = getattr(client, method)(url, data)
        assert response.status_code == 503, url
        assert response["Retry-After"] == "30"
        assert "no-store" in response["Cache-Control"]
        page = response.content.decode()
        assert "<h1>The meeting list is out of reach for a moment</h1>" in page
        assert "try again in a minute" in page
        # The crisis line of the footer, and the site's own header and style.
        assert "call or text 988" in page and 'class="site-header"' in page
        assert "/static/css/site.css" in page
        # One line in the log, and no traceback.
        assert len(request_log.records) == 1, request_log.messages
        [record] = request_log.records
        assert record.exc_info is None and record.levelname == "ERROR"
        assert f"answered 503 to {method.upper()} {url}" in record.getMessage()
        assert "OperationalError" in record.getMessage()


# Headers


def policy(header):
    """A Content-Security-Policy header as {directive: [sources]} (its order is not fixed)."""
    return {
        name: sources
        for name, *sources in (part.split() for part in header.split(";") if part.strip())
    }


@pytest.mark.parametrize("url", ["/", "/meetings/?q=Portland%2C+OR", "/admin/login/"])
def test_pages_carry_a_content_security_policy_allowing_only_the_site(client, db, url):
    response = client.get(url)
    directives = policy(response["Content-Security-Policy"])
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"] and directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_only_the_sites_own_geolocation_is_granted(client, db):
    header = client.get("/")["Permissions-Policy"]
    granted = dict(part.strip().split("=") for part in header.split(","))
    assert granted.pop("geolocation") == "(self)"
    assert {"camera", "microphone", "payment", "usb"} <= set(granted)
    assert set(granted.values()) == {"()"}


def test_no_template_carries_inline_script_style_or_handler():
    templates = Path(__file__).resolve().parent.parent / "templates"
    for template in templates.rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert " src=" in tag or 'type="application/ld+json"' in tag, (template, tag)
        assert not re.search(r"\sstyle=", text), template
        assert not re.search(r"\son[a-z]+=", text), template
