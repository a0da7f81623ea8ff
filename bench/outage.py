"""Database outage drill: ``make bench-outage`` (or ``python -m bench.outage``).

Starts a private, throwaway PostgreSQL cluster (initdb and pg_ctl, run as the ``postgres`` user
when this runs as root, on a free port between 8100 and 8199 in a temporary folder: the shared
server is never touched), loads the gazetteer and sample meetings into it, and serves the site
with gunicorn as ``make serve`` does, debug off. Eight clients search without pause; after a few
seconds the cluster is stopped for 10 s, then started again. It prints the answers' status codes
before, during and after the stop, whether every answer during it was a 503 with Retry-After,
whether the site recovered by itself, and what the outage left in the server's log.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from bench.served import Client, Gunicorn, free_port, manage, production_env

BEFORE_SECONDS, OUTAGE_SECONDS, AFTER_SECONDS = 5, 10, 15
CLIENTS = 8
MEETINGS = 2_000
SEARCHES = ["Portland, OR", "Chicago, IL", "Boston", "Denver", "London, GB", "97201", "Seattle"]


def postgres_bin():
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        sys.exit("PostgreSQL's server programs (initdb, pg_ctl) are not installed.")
    return found[-1].parent


class Cluster:
    """A private PostgreSQL cluster in ``folder``, listening on 127.0.0.1:``port`` only."""

    def __init__(self, folder, port):
        self.home = Path(folder) / "cluster"
        self.data, self.port = self.home / "data", port
        self.bin = postgres_bin()
        # PostgreSQL refuses to run as root: the cluster then belongs to the postgres user.
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def run(self, tool, *args, check=True):
        subprocess.run(
            [*self.as_owner, str(self.bin / tool), *args],
            check=check,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def create(self):
        self.home.mkdir()
        if self.as_owner:
            os.chmod(self.home.parent, 0o755)  # noqa: S103 - postgres must reach its folder.
            shutil.chown(self.home, "postgres", "postgres")
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync")
        self.start()
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "directory")

    def start(self):
        options = f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.home / "server.log")
        self.run("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "start")

    def stop(self, check=True):
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=check)

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/directory"


def search_load(port, stop, answers):
    """Search without pause until ``stop`` is set, recording (sent at, status, Retry-After)."""
    client, turn = Client(port), 0
    while not stop.is_set():
        place = SEARCHES[turn % len(SEARCHES)].replace(" ", "+").replace(",", "%2C")
        turn += 1
        sent = time.monotonic()
        try:
            status, headers, _ = client.get(f"/meetings/?q={place}")
            answers.append((sent, status, headers.get("Retry-After")))
        except OSError as error:
            answers.append((sent, type(error).__name__, None))


def main():
    folder = tempfile.mkdtemp(prefix="outage-")
    try:
        cluster = Cluster(folder, free_port())
        print(f"private PostgreSQL cluster on 127.0.0.1:{cluster.port}")
        cluster.create()
        try:
            drill(folder, cluster)
        finally:
            cluster.stop(check=False)  # Already stopped if the drill failed during the outage.
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def drill(folder, cluster):
    env = production_env(folder, cluster.url)
    for command in [
        ("collectstatic", "--noinput", "-v0"),
        ("migrate", "-v0"),
        ("createcachetable",),
        ("load_gazetteer", "-v0"),
        ("load_demo", "--meetings", str(MEETINGS), "--seed", "1"),
    ]:
        manage(env, *command)
    with Gunicorn(env, Path(folder) / "gunicorn.log") as server:
        print(f"gunicorn on 127.0.0.1:{server.port}, {CLIENTS} clients searching")
        stop, answers = threading.Event(), []
        clients = [
            threading.Thread(target=search_load, args=(server.port, stop, answers))
            for _ in range(CLIENTS)
        ]
        for thread in clients:
            thread.start()
        time.sleep(BEFORE_SECONDS)
        stopped = time.monotonic()
        cluster.stop()
        print(f"PostgreSQL stopped for {OUTAGE_SECONDS} s")
        time.sleep(OUTAGE_SECONDS)
        cluster.start()
        restarted = time.monotonic()
        time.sleep(AFTER_SECONDS)
        stop.set()
        for thread in clients:
            thread.join()
        log = server.log_text()
    report(answers, stopped, restarted, log)


def report(answers, stopped, restarted, log):
    phases = {"before": Counter(), "during": Counter(), "after": Counter()}
    retry_after_missing = 0
    for at, status, retry_after in answers:
        phase = "before" if at < stopped else "during" if at < restarted else "after"
        phases[phase][status] += 1
        if status == 503 and retry_after != "30":
            retry_after_missing += 1
    print("\nanswers by status, by when each search was sent:")
    for phase, counts in phases.items():
        listed = ", ".join(f"{status}: {n}" for status, n in sorted(counts.items(), key=str))
        print(f"  {phase:6} {listed}")
    after = [(at, status) for at, status, _ in answers if at >= restarted]
    first_ok = min((at for at, status in after if status == 200), default=None)
    last_seconds = [status for at, status in after if at >= restarted + AFTER_SECONDS - 5]
    recovered = bool(last_seconds) and set(last_seconds) == {200}
    print(f"every 503 carried Retry-After: 30: {'yes' if retry_after_missing == 0 else 'no'}")
    if first_ok is not None:
        print(f"first 200 after the start: {first_ok - restarted:.1f} s")
    print(f"recovered by itself (only 200s in the last 5 s): {'yes' if recovered else 'no'}")
    outage_lines = log.count("Database unavailable, answered 503")
    print(
        f"server log: {len(log.encode()):,} bytes, {outage_lines:,} outage lines, "
        f"{log.count('Traceback')} tracebacks"
    )


if __name__ == "__main__":
    main()
