"""Suggestions sent all at once: ``make bench-suggestions`` (or ``python -m bench.suggestions``).

Serves the site with gunicorn as ``make serve`` does (2 workers of 2 threads, the embedded SQLite
database, debug off), then sends 50 new-meeting suggestions at once over 8 connections from one
client, and prints how many were taken against the limit of 10 an hour. It runs once with the
database cache (the default) and once more with Redis when REDIS_URL is set.
"""

import os
import re
import sqlite3
import tempfile
import threading
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from bench.served import Client, Gunicorn, manage, production_env

SUGGESTIONS, CONNECTIONS = 50, 8
FORM = {
    "program": "smart",
    "name": "Salem SMART",
    "weekday": "3",
    "start_time": "18:30",
    "end_time": "20:00",
    "attendance": "in-person",
    "location_name": "Library",
    "location_address": "585 Liberty St SE",
    "location_city": "Salem",
    "location_region": "OR",
    "location_country": "US",
}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def send(port, count, start, statuses):
    """Open a connection, fetch the form's token, then send ``count`` suggestions back to back."""
    client = Client(port)
    status, _, page = client.get("/suggest/")
    assert status == 200, status
    body = urlencode({**FORM, "csrfmiddlewaretoken": TOKEN.search(page).group(1)})
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    start.wait()
    for _ in range(count):
        try:
            statuses.append(client.request("POST", "/suggest/", body, headers)[0])
        except OSError as error:
            statuses.append(type(error).__name__)


def run(label, **settings):
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "directory.sqlite3"
        env = production_env(folder, f"sqlite:///{database}", **settings)
        for command in [("collectstatic", "--noinput", "-v0"), ("migrate", "-v0")]:
            manage(env, *command)
        manage(env, "createcachetable")
        with Gunicorn(env, Path(folder) / "gunicorn.log") as server:
            start, statuses = threading.Barrier(CONNECTIONS), []
            shares = [
                SUGGESTIONS // CONNECTIONS + (n < SUGGESTIONS % CONNECTIONS)
                for n in range(CONNECTIONS)
            ]
            threads = [
                threading.Thread(target=send, args=(server.port, share, start, statuses))
                for share in shares
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        with sqlite3.connect(database) as connection:
            saved = connection.execute("SELECT COUNT(*) FROM groups_changerequest").fetchone()[0]
    answers = ", ".join(f"{status}: {n}" for status, n in sorted(Counter(statuses).items()))
    print(
        f"{label}: {saved} of {SUGGESTIONS} taken against a limit of 10 "
        f"({CONNECTIONS} connections; answers {answers})"
    )


def main():
    run("database cache")
    if os.environ.get("REDIS_URL"):
        run("redis", REDIS_URL=os.environ["REDIS_URL"])


if __name__ == "__main__":
    main()
