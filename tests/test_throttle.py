"""Who a client is and how often it may act (groups/throttle.py), on the configured shared cache.

`.ci/run` runs this module again with REDIS_URL set, so each test holds for the database cache
and for Redis.
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from groups import throttle

LIMIT, WINDOW = 10, 3600
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def client_request(rf):
    def make(address="203.0.113.9", **extra):
        return rf.post("/suggest/", REMOTE_ADDR=address, **extra)

    return make


def test_the_limit_holds_one_by_one(db, client_request):
    request = client_request()
    answers = [throttle.over_limit(request, "test", LIMIT, WINDOW) for _ in range(LIMIT + 5)]
    assert answers == [False] * LIMIT + [True] * 5
    # Another client has its own count.
    assert throttle.over_limit(client_request("198.51.100.2"), "test", LIMIT, WINDOW) is False


# Eight processes, as gunicorn workers are, each counting six requests from one client once all
# are ready. The database cache is used as the site uses it: for SQLite a file (the in-memory
# test database cannot be shared between processes), for PostgreSQL the test database.
RACER = """
import json, sys
import django
django.setup()
from django.test import RequestFactory
from groups.throttle import over_limit
request = RequestFactory().post("/suggest/", REMOTE_ADDR="203.0.113.9")
print("ready", flush=True)
sys.stdin.readline()
print(json.dumps([over_limit(request, sys.argv[1], 10, 3600) for _ in range(6)]), flush=True)
"""


@pytest.fixture
def racing_env(tmp_path, transactional_db):
    """The environment of a process sharing this test run's cache: its own table, or Redis."""
    table = f"throttle_race_{uuid.uuid4().hex[:8]}"
    if connection.vendor == "sqlite":
        url = f"sqlite:///{tmp_path / 'race.sqlite3'}"
    else:
        db = connection.settings_dict
        url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="directory.settings", DATABASE_URL=url, DJANGO_CACHE_LOCATION=table
    )
    subprocess.run([sys.executable, "manage.py", "createcachetable"], cwd=ROOT, env=env, check=True)
    yield env
    if connection.vendor != "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


def test_the_limit_holds_when_processes_race(racing_env):
    scope = f"race-{uuid.uuid4().hex}"
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, scope],
            cwd=ROOT,
            env=racing_env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    for racer in racers:
        assert racer.stdout.readline().strip() == "ready"
    for racer in racers:
        racer.stdin.write("go\n")
        racer.stdin.flush()
    answers = []
    for racer in racers:
        out, _ = racer.communicate(timeout=120)
        assert racer.returncode == 0
        answers += json.loads(out)
    assert len(answers) == 48
    assert answers.count(False) == LIMIT


def test_a_new_window_starts_a_new_count(db, client_request, monkeypatch):
    request = client_request()
    now = 1_800_000_000.0
    monkeypatch.setattr(throttle.time, "time", lambda: now)
    for _ in range(LIMIT):
        assert throttle.over_limit(request, "window", LIMIT, WINDOW) is False
    assert throttle.over_limit(request, "window", LIMIT, WINDOW) is True
    now += WINDOW
    assert throttle.over_limit(request, "window", LIMIT, WINDOW) is False


def test_behind_the_proxy_the_address_it_appended_is_the_client(rf, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 2.2.2.2")
    assert throttle.client_address(request) == "2.2.2.2"
    # Anything but an address there is not taken for one.
    junk = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, <script>")
    assert throttle.client_address(junk) == "10.0.0.1"
    settings.SECURE_PROXY_SSL_HEADER = None
    assert throttle.client_address(request) == "10.0.0.1"


# A cache that cannot count refuses: it never lets requests through unlimited.


def test_an_unreachable_redis_refuses(db, client_request, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/1",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
    }
    with pytest.raises(throttle.CountUnavailable):
        throttle.over_limit(client_request(), "down", LIMIT, WINDOW)


@pytest.mark.django_db(transaction=True)
def test_a_missing_cache_table_refuses(client_request, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "no_such_cache_table",
        },
    }
    with pytest.raises(throttle.CountUnavailable):
        throttle.over_limit(client_request(), "missing", LIMIT, WINDOW)


@pytest.fixture
def cache_refusing_writes(db, settings):
    """The database cache with a table that can be read but refuses every new row.

    Django's database cache answers a failed write with False, as if the key were there already.
    """
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "read_only_cache",
        },
    }
    call_command("createcachetable")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "CREATE TRIGGER refuse_writes BEFORE INSERT ON read_only_cache "
                "BEGIN SELECT RAISE(ABORT, 'read only'); END"
            )
        else:
            cursor.execute(
                "CREATE FUNCTION refuse_writes() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'read only'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER refuse_writes BEFORE INSERT ON read_only_cache "
                "FOR EACH ROW EXECUTE FUNCTION refuse_writes()"
            )


def test_a_cache_that_silently_drops_writes_refuses(client_request, cache_refusing_writes):
    assert cache.add("probe", 1) is False and cache.get("probe") is None
    with pytest.raises(throttle.CountUnavailable):
        throttle.over_limit(client_request(), "read-only", LIMIT, WINDOW)
