"""Signing in to admin under attack: failed attempts lock a username and address pair (axes)."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

PASSWORD = "correct-horse-battery-staple"
WRONG = "not-the-password-1234"
LOCKED_OUT = "Signing in is paused"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("jo", password=PASSWORD, is_staff=True)


@pytest.fixture
def sign_in(client):
    """Post the admin sign-in form as a client at ``address``; the response."""

    def post(username, password, address="203.0.113.5", **extra):
        client.logout()
        data = {"username": username, "password": password, "next": "/admin/"}
        return client.post(reverse("admin:login"), data, REMOTE_ADDR=address, **extra)

    return post


def signed_in(response):
    return response.status_code == 302 and response.url == "/admin/"


def test_five_failures_lock_the_username_and_address_pair(editor, sign_in, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    answers = [sign_in("jo", WRONG).status_code for _ in range(5)]
    assert answers == [200, 200, 200, 200, 429]
    # Locked: even the right password is refused, with a plain page.
    response = sign_in("jo", PASSWORD)
    assert response.status_code == 429
    assert LOCKED_OUT in response.text and "15 minutes" in response.text
    assert PASSWORD not in response.text
    # The same user from elsewhere, and another user from here, are not locked.
    assert signed_in(sign_in("jo", PASSWORD, address="198.51.100.7"))
    other = type(editor).objects.create_user("sam", password=PASSWORD, is_staff=True)
    assert signed_in(sign_in(other.username, PASSWORD))


def test_the_lock_ends_after_the_cool_off(editor, sign_in):
    for _ in range(5):
        sign_in("jo", WRONG)
    assert sign_in("jo", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert signed_in(sign_in("jo", PASSWORD))


def test_a_superuser_unlocks_in_admin(editor, sign_in, client, admin_user):
    for _ in range(5):
        sign_in("jo", WRONG)
    assert sign_in("jo", PASSWORD).status_code == 429
    client.force_login(admin_user)
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert "jo" in client.get(changelist).text
    attempt = AccessAttempt.objects.get(username="jo")
    response = client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert response.status_code == 302 and not AccessAttempt.objects.exists()
    assert signed_in(sign_in("jo", PASSWORD))


def test_behind_the_proxy_the_forwarded_address_is_locked(editor, sign_in, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    proxy = {"address": "10.0.0.2", "secure": True, "HTTP_X_FORWARDED_PROTO": "https"}
    for _ in range(5):
        sign_in("jo", WRONG, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5", **proxy)
    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"
    assert sign_in("jo", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy).status_code == 429
    # Another client behind the same proxy is not locked out.
    assert signed_in(sign_in("jo", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy))


def test_each_failure_and_the_lockout_are_logged_without_the_password(editor, sign_in, caplog):
    caplog.set_level(logging.INFO, logger="axes")
    for _ in range(5):
        sign_in("jo", WRONG)
    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 6, lines
    assert sum("login failure by" in line for line in lines) == 5
    assert sum("Locking out" in line for line in lines) == 1
    assert all('username: "jo"' in line for line in lines)
    assert not any(WRONG in record.getMessage() for record in caplog.records)
    assert not any("203.0.113.5" in record.getMessage() for record in caplog.records)
