"""Two app servers against one PostgreSQL and one Redis hold no state of their own.

Each server is gunicorn as `make serve` starts it, on its own port, sharing this test's database;
the rate limit and the built feed live in the shared cache, so what one server counted or built
the other sees. `.ci/run` runs this with PostgreSQL and REDIS_URL set.
"""

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
from gzip import decompress
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from groups.models import Meeting

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.skipif(
        not (os.environ.get("DATABASE_URL", "").startswith("postgres") and settings.REDIS_URL),
        reason="needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)",
    ),
    # The servers read what this test wrote: it must be committed.
    pytest.mark.usefixtures("committed_vocabulary"),
]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def two_servers():
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    if "DATABASE_REPLICA_URL" in env:
        env["DATABASE_REPLICA_URL"] = url  # This test's database stands in for the replica too.
    env.update(
        DJANGO_SETTINGS_MODULE="directory.settings",
        DATABASE_URL=url,
        REDIS_URL=settings.REDIS_URL,
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    servers = []
    for _ in range(2):
        port = free_port()
        process = subprocess.Popen(
            [gunicorn, "directory.wsgi", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", "2", "--threads", "2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        servers.append((port, process))
    try:
        for port, _ in servers:
            for _ in range(100):
                try:
                    if request(port, "GET", "/health/")[0] == 200:
                        break
                except OSError:
                    time.sleep(0.1)
            else:
                raise AssertionError(f"gunicorn on {port} did not start")
        yield [port for port, _ in servers]
    finally:
        for _, process in servers:
            process.terminate()
            process.wait(timeout=30)


def request(port, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    # Behind one load balancer, every server is asked for the same site.
    connection.request(method, path, body=body, headers={"Host": "localhost", **(headers or {})})
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def test_the_rate_limit_is_counted_once_for_both_servers(two_servers, new_meeting_data):
    cache.clear()
    first, second = two_servers
    status, headers, page = request(first, "GET", "/suggest/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    cookie = re.search(r"(csrftoken=[^;]+)", headers["Set-Cookie"]).group(1)
    form = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    body = urlencode({**new_meeting_data, "csrfmiddlewaretoken": token})
    answers = [request(port, "POST", "/suggest/", body, form)[0] for port in two_servers * 6]
    # Ten suggestions an hour from one client, whichever server takes them.
    assert answers == [302] * 10 + [429] * 2


def test_a_feed_built_by_one_server_is_served_by_the_other(two_servers, make_meeting):
    cache.clear()
    first, second = two_servers
    meeting = make_meeting(name="Clean Start", formats=["O", "BE"])
    gzip = {"Accept-Encoding": "gzip"}
    built = request(first, "GET", "/meetings.json", headers=gzip)
    assert built[0] == 200 and built[1]["Content-Encoding"] == "gzip"
    # Formats leave no stamp on the feed's version: a server building now would list none.
    Meeting.formats.through.objects.all().delete()
    served = request(second, "GET", "/meetings.json", headers=gzip)
    assert served[0] == 200 and served[2] == built[2]
    assert built[1]["ETag"] == served[1]["ETag"]
    # And a change the version does see reaches both.
    meeting.name = "Renamed"
    meeting.save()
    for port in two_servers:
        (record,) = json.loads(decompress(request(port, "GET", "/meetings.json", headers=gzip)[2]))
        assert record["name"] == "Renamed"
