import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-long-random-test-value-that-is-not-used-anywhere-0123456789",
    "DJANGO_ALLOWED_HOSTS": "meetings.example.org, www.meetings.example.org",
}


def run(code, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "directory.settings"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )


READ = (
    "import json; from django.conf import settings as s; "
    "print(json.dumps({'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS, "
    "'engine': s.DATABASES['default']['ENGINE'], 'name': str(s.DATABASES['default']['NAME']), "
    "'max_age': s.DATABASES['default']['CONN_MAX_AGE'], "
    "'health': s.DATABASES['default']['CONN_HEALTH_CHECKS'], 'geocoder': s.GEOCODER}))"
)


def test_defaults_are_debug_and_embedded_sqlite():
    result = run(READ)
    values = json.loads(result.stdout)
    assert values["debug"] is True
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(ROOT / "var" / "directory.sqlite3")
    assert values["health"] is True and values["max_age"] > 0


def test_environment_is_read():
    result = run(
        READ,
        DATABASE_URL="postgres://u:p@db.example.org:5433/meetings",
        GEOCODER="nominatim",
        **PRODUCTION,
    )
    values = json.loads(result.stdout)
    assert values["debug"] is False
    assert values["hosts"] == ["meetings.example.org", "www.meetings.example.org"]
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "meetings" and values["geocoder"] == "nominatim"


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_secrets(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = run(READ, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and missing in result.stderr


def test_deploy_check_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}, **PRODUCTION},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr and "no issues" in result.stdout


def test_reading_the_settings_creates_no_folder(tmp_path):
    database_folder = tmp_path / "not-yet" / "database"
    static_root = tmp_path / "not-yet-either" / "static"
    result = run(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['NAME']); print(s.STATIC_ROOT)",
        DATABASE_URL=f"sqlite:///{database_folder}/directory.sqlite3",
        DJANGO_STATIC_ROOT=str(static_root),
    )
    assert result.returncode == 0, result.stderr
    # The settings read both places, and made neither.
    assert result.stdout.split() == [str(database_folder / "directory.sqlite3"), str(static_root)]
    assert not database_folder.exists() and not static_root.exists()
    assert list(tmp_path.iterdir()) == []


POLICY = (
    "import json; from django.conf import settings as s; "
    "print(json.dumps({'img': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'], "
    "'preload': s.SECURE_HSTS_PRELOAD, 'hsts': s.SECURE_HSTS_SECONDS}))"
)


def test_the_tile_server_is_allowed_images_only_when_configured():
    assert json.loads(run(POLICY).stdout)["img"] == ["'self'", "data:"]
    tiles = run(POLICY, MAP_TILE_URL="https://{s}.tiles.example.org:8443/{z}/{x}/{y}.png")
    assert json.loads(tiles.stdout)["img"] == [
        "'self'",
        "data:",
        "https://*.tiles.example.org:8443",
    ]


def test_hsts_stays_on_in_production_and_preload_is_opt_in():
    production = json.loads(run(POLICY, **PRODUCTION).stdout)
    assert production["hsts"] == 31536000 and production["preload"] is False
    opted_in = json.loads(run(POLICY, DJANGO_HSTS_PRELOAD="true", **PRODUCTION).stdout)
    assert opted_in["preload"] is True


MAIL = (
    "import django; django.setup(); from django.conf import settings as s; "
    "from django.core.mail import send_mail; print(s.EMAIL_BACKEND); "
    "send_mail('Suggestion to review', 'From jo@example.org: the hall moved.', None, "
    "['editor@example.org'])"
)


def test_production_without_a_mail_server_says_mail_is_off_once_and_sends_nothing():
    result = run(MAIL, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.mail.backends.dummy.EmailBackend"
    assert result.stderr.count("Mail is off") == 1
    assert "jo@example.org" not in result.stdout + result.stderr


def test_a_configured_mail_backend_is_used_and_mail_is_not_said_to_be_off():
    backend = "django.core.mail.backends.locmem.EmailBackend"
    result = run(MAIL, DJANGO_EMAIL_BACKEND=backend, **PRODUCTION)
    assert result.stdout.strip() == backend and "Mail is off" not in result.stderr


def test_production_cookies_are_host_only_and_https_only():
    code = (
        "import json; from django.conf import settings as s; print(json.dumps(["
        "s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_DOMAIN, s.SESSION_COOKIE_PATH]))"
    )
    assert json.loads(run(code, **PRODUCTION).stdout) == [
        "__Host-sessionid",
        "__Host-csrftoken",
        True,
        True,
        True,
        None,
        "/",
    ]
    # Development over plain HTTP keeps the plain names (a __Host- cookie needs HTTPS).
    assert json.loads(run(code).stdout)[:2] == ["sessionid", "csrftoken"]


def test_passwords_are_at_least_twelve_characters(db):
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Qx7!mLp2#vR")
    validate_password("Qx7!mLp2#vRz")


def test_sqlite_readers_never_wait_for_a_writer(tmp_path, django_db_blocker):
    """While an import holds SQLite's write lock, searches still read (the last committed data)."""
    from django.db.backends.sqlite3.base import DatabaseWrapper
    from django.db.utils import ConnectionHandler

    code = "import json; from django.conf import settings as s; print(json.dumps(s.DATABASES))"
    configured = json.loads(run(code, DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3").stdout)
    settings = ConnectionHandler().configure_settings(configured)["default"]
    writer, reader = DatabaseWrapper(settings, "writer"), DatabaseWrapper(settings, "reader")
    with django_db_blocker.unblock():
        read_during_a_write(writer, reader)


def read_during_a_write(writer, reader):
    try:
        with writer.cursor() as cursor:
            cursor.execute("CREATE TABLE listing (name TEXT)")
            cursor.execute("INSERT INTO listing VALUES ('before')")
        writer.set_autocommit(False)  # Opens BEGIN IMMEDIATE: the write lock.
        with writer.cursor() as cursor:
            cursor.execute("INSERT INTO listing VALUES ('during')")
        with reader.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] >= 5000  # A second writer waits instead of failing.
            cursor.execute("SELECT name FROM listing")
            assert cursor.fetchall() == [("before",)]
        writer.commit()
    finally:
        writer.close()
        reader.close()


STATIC_CHECK = """
import json
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import Client
call_command("collectstatic", interactive=False, verbosity=0)
from django.contrib.staticfiles.storage import staticfiles_storage as storage
names = ["css/site.css", "css/print.css", "js/search.js", "js/places.js", "js/map.js"]
hashed = {name: storage.url(name) for name in names}
root = settings.STATIC_ROOT
sizes = {name: len(open(f"{root}/{storage.stored_name(name)}.gz", "rb").read()) for name in names}
response = Client().get(hashed["css/site.css"])
print(json.dumps({"hashed": hashed, "gzipped": sizes, "status": response.status_code,
                  "cache": response.headers.get("Cache-Control", "")}))
"""


def test_css_and_scripts_are_small_and_kept_a_year_under_hashed_names(tmp_path):
    """In production: every style and script a page may load, compressed, comes to at most
    20 KB, and each is served under a name that changes with its content, cached for a year."""
    result = run(
        STATIC_CHECK,
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        DJANGO_SECURE_SSL_REDIRECT="false",
        **{**PRODUCTION, "DJANGO_ALLOWED_HOSTS": "testserver"},
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.splitlines()[-1])
    assert sum(found["gzipped"].values()) <= 20_000, found["gzipped"]
    for name, url in found["hashed"].items():
        stem = name.rsplit(".", 1)[0]
        assert re.fullmatch(rf"/static/{stem}\.[0-9a-f]{{12}}\.(css|js)", url), url
    assert found["status"] == 200
    max_age = int(re.search(r"max-age=(\d+)", found["cache"]).group(1))
    assert max_age >= 365 * 24 * 3600 and "immutable" in found["cache"]


def test_postgresql_prepares_statements_unless_told_not_to():
    read = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps(s.DATABASES['default']['OPTIONS']))"
    )
    url = "postgres://u:p@db.example.org:5433/meetings"
    options = json.loads(run(read, DATABASE_URL=url).stdout)
    assert options["server_side_binding"] is True and options["prepare_threshold"] == 5
    # Behind a pooler that cannot keep prepared statements.
    options = json.loads(run(read, DATABASE_URL=url, DATABASE_PREPARED_STATEMENTS="false").stdout)
    assert "server_side_binding" not in options and "prepare_threshold" not in options
    assert options["connect_timeout"] == 5
