"""Throughput benchmark: ``make bench`` (or ``python -m bench.load``).

Serves the site with gunicorn exactly as ``make serve`` starts it (2 workers, 2 threads each, debug
off) over a fresh database holding 100,000 meetings (PostgreSQL when DATABASE_URL names a server,
else SQLite), then loads it from this machine over loopback, one endpoint at a time for a bounded
time: ``/health/``, ``/choosing/``, a mix of 20 realistic searches in rotation, and the Meeting
Guide feed. It prints requests a second, median and 99th-percentile latency, errors and the CPU a
request costs (gunicorn's processes and PostgreSQL's) for each, how long the feed's first build
took (timed alone, before the rest), the search mix as a share of ``/choosing/`` (by requests a
second, and by CPU a request), and each worker's resident memory after the run. A line where
one worker took all the connections while the other idled is measured again (up to three
tries), and the lopsided tries are printed below the table.

The load comes from ``wrk`` (Debian's package) when it is installed, else from a small Python
client with the same number of connections. The sample meetings are marked real in this
throwaway database only, so the feed has something to list.
"""

import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from shutil import which
from urllib.parse import urlencode

from bench.search import ROOT, fresh_postgres, print_python_speed, queries

MEETINGS = int(os.environ.get("BENCH_LOAD_MEETINGS", "100000"))
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "10"))
CONNECTIONS = 16
HOST, PORT = "127.0.0.1", int(os.environ.get("BENCH_LOAD_PORT", "8765"))
# A feed request moves megabytes: a few connections show its cost without starving the rest.
FEED_CONNECTIONS = 4
SOAK_SEARCHES = int(os.environ.get("BENCH_LOAD_SOAK", "10000"))


def search_mix():
    """20 searches in rotation: places, radii, philosophy, formats, days, soon, online."""
    return ["/meetings/?" + urlencode(params, doseq=True) for params in queries()[::3]]


def prepare(env):
    """Migrate, load the gazetteer and the meetings, and collect static files."""
    manage = [sys.executable, "manage.py"]
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["createcachetable"],
        ["load_gazetteer"],
        ["load_demo", "--meetings", str(MEETINGS), "--seed", "1"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run(manage + command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    # Then fresh planner statistics, as after any bulk change (without them PostgreSQL would
    # still think every meeting a sample, and look through all of them on every page).
    mark_real = (
        "from groups.models import Meeting, Location;"
        "from groups.search.queryset import refresh_planner_statistics;"
        "Meeting.objects.update(is_sample=False); Location.objects.update(is_sample=False);"
        "refresh_planner_statistics()"
    )
    subprocess.run(
        manage + ["shell", "-c", mark_real],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def serve(env):
    """gunicorn as `make serve` runs it; returns the process once it answers."""
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    process = subprocess.Popen(
        [
            gunicorn,
            "directory.wsgi",
            "--bind",
            f"{HOST}:{PORT}",
            "--workers",
            "2",
            "--threads",
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection(HOST, PORT, timeout=2)
            connection.request("GET", "/health/")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def with_wrk(paths, connections, headers):
    """(requests a second, p50 ms, p99 ms, errors) measured by wrk over the paths in rotation."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("paths = " + json.dumps(paths).replace("[", "{").replace("]", "}") + "\n")
        script.write(
            "i = 0\nrequest = function()\n  i = i % #paths + 1\n"
            "  return wrk.format('GET', paths[i])\nend\n"
        )
    command = ["wrk", "-t2", f"-c{connections}", f"-d{SECONDS}s", "--latency", "-s", script.name]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        command + [f"http://{HOST}:{PORT}"], capture_output=True, text=True, check=True
    ).stdout
    os.unlink(script.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    if not latency:
        raise SystemExit(f"wrk measured nothing:\n{output}")
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    return rate, wrk_ms(latency["50"]), wrk_ms(latency["99"]), errors


def wrk_ms(text):
    number, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def with_python(paths, connections, headers):
    """The same measurement from Python threads, each on one kept-alive connection."""
    latencies, errors, lock = [], [0], threading.Lock()
    stop = time.monotonic() + SECONDS

    def client(offset):
        connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
        index = offset
        while time.monotonic() < stop:
            path = paths[index % len(paths)]
            index += 1
            began = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                connection.close()
                connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
                ok = False
            with lock:
                latencies.append((time.perf_counter() - began) * 1000)
                errors[0] += not ok

    threads = [threading.Thread(target=client, args=(n,)) for n in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    return len(latencies) / elapsed, statistics.median(ordered), p99, errors[0]


def soak(paths, total):
    """Send ``total`` requests over the paths in rotation from CONNECTIONS threads; errors seen."""
    counter, errors, lock = iter(range(total)), [0], threading.Lock()

    def client():
        connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            try:
                connection.request("GET", paths[index % len(paths)])
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                connection.close()
                connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
                ok = False
            if not ok:
                with lock:
                    errors[0] += 1

    threads = [threading.Thread(target=client) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors[0]


def cold_build_seconds(path):
    """Seconds one request takes while the export at ``path`` is built (none built yet)."""
    started = time.monotonic()
    connection = http.client.HTTPConnection(HOST, PORT, timeout=600)
    connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        raise SystemExit(f"{path} answered {response.status}")
    return time.monotonic() - started


def cpu_seconds(master):
    """CPU seconds used so far by gunicorn (master and workers), by the database server's
    processes (PostgreSQL's, when it runs on this machine) and by each worker, in one reading of
    /proc: (app, database, {worker process id: seconds}).

    Requests a second swing from run to run with how wrk's kept-alive connections happen to
    land on the two workers (one may serve most of them while the other idles); the CPU a
    request costs does not, and the workers' own figures show which way a run went.
    """
    app = database = 0.0
    workers = {}
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes().split(b"\0")[0]
        except (OSError, IndexError):
            continue
        pid, parent = int(stat.parent.name), int(fields[1])
        used = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        if parent == master.pid:
            workers[pid] = used
        if pid == master.pid or parent == master.pid:
            app += used
        elif command.startswith(b"postgres"):
            database += used
    return app, database, workers


def resident_mb(master):
    """Resident memory of each gunicorn worker (children of the master), in MB."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master.pid}$", text, re.MULTILINE):
            sizes.append(int(re.search(r"^VmRSS:\s+(\d+)", text, re.MULTILINE).group(1)) / 1024)
    return sorted(sizes)


# A line measured while one worker idled is measured again, up to this many times in all.
TRIES = 3


@dataclass
class Line:
    """One endpoint's measured run: requests a second, latency, errors, the CPU a request cost
    (gunicorn's, the database's, in ms) and how busy each worker was (cores)."""

    rate: float
    p50: float
    p99: float
    errors: int
    app: float
    database: float
    busy: list

    @property
    def lopsided(self):
        """One worker did the work while the other idled: wrk opens its connections at once,
        and a gthread worker accepts every connection it sees, so the first worker to wake can
        take them all and keep them (its keep-alive connections stay with it)."""
        return max(self.busy) > 0.5 and min(self.busy) < 0.25 * max(self.busy)

    @property
    def busy_text(self):
        """How busy each worker was, as the table and the note on a lopsided try show it."""
        return " / ".join(f"{share:.2f}" for share in self.busy)


def measured_line(server, measure, paths, connections, headers):
    # Let both workers go idle, so that each is as ready as the other to accept the
    # connections wrk opens at once.
    time.sleep(1)
    *before, workers_before = cpu_seconds(server)
    rate, p50, p99, errors = measure(paths, connections, headers)
    *after, workers_after = cpu_seconds(server)
    app, database = (
        (spent - earlier) * 1000 / (rate * SECONDS)
        for spent, earlier in zip(after, before, strict=True)
    )
    busy = [
        (used - workers_before.get(pid, 0.0)) / SECONDS
        for pid, used in sorted(workers_after.items())
    ]
    return Line(rate, p50, p99, errors, app, database, busy)


def main():
    measure = with_wrk if which("wrk") else with_python
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "directory.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "benchmark-only-not-a-secret-0123456789-abcdefghijklmnopqrstuv",
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_STATIC_ROOT": f"{folder}/static",
        }
        if os.environ.get("DATABASE_URL", "").startswith("postgres"):
            env["DATABASE_URL"] = fresh_postgres(os.environ["DATABASE_URL"])
        else:
            env["DATABASE_URL"] = f"sqlite:///{folder}/load.sqlite3"
        started = time.monotonic()
        prepare(env)
        print(f"Loaded {MEETINGS:,} meetings in {time.monotonic() - started:.0f} s.")
        server = serve(env)
        try:
            gzip = {"Accept-Encoding": "gzip"}
            runs = [
                ("/health/", ["/health/"], CONNECTIONS, {}),
                ("/choosing/", ["/choosing/"], CONNECTIONS, gzip),
                ("search mix (20)", search_mix(), CONNECTIONS, gzip),
                ("/meetings.json", ["/meetings.json"], FEED_CONNECTIONS, gzip),
            ]
            database = "postgresql" if "postgres" in env["DATABASE_URL"] else "sqlite"
            print(
                f"\n{database}, {MEETINGS:,} meetings, {SECONDS} s per line, "
                f"{'wrk' if measure is with_wrk else 'Python client'}:"
            )
            print(
                "| what | connections | req/s | p50 ms | p99 ms | errors "
                "| CPU ms a request (app + database) | cores each worker used |"
            )
            print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
            rates, costs = {}, {}
            # A feed version is built once (then kept): time that first build on its own, then
            # what every later request costs.
            cold = cold_build_seconds("/meetings.json")
            lopsided = []
            for label, paths, connections, headers in runs:
                measure(paths, connections, headers)  # Warm every worker's caches first.
                for attempt in range(1, TRIES + 1):
                    line = measured_line(server, measure, paths, connections, headers)
                    if not line.lopsided or attempt == TRIES:
                        break
                    lopsided.append((label, line))
                rates[label], costs[label] = line.rate, line.app + line.database
                print(
                    f"| {label} | {connections} | {line.rate:,.0f} | {line.p50:.1f} "
                    f"| {line.p99:.1f} | {line.errors} "
                    f"| {line.app + line.database:.1f} ({line.app:.1f} + {line.database:.1f}) "
                    f"| {line.busy_text} |"
                )
                sys.stdout.flush()
            for label, line in lopsided:
                print(
                    f"Measured again: {label}, where one worker took the connections and the "
                    f"other idled ({line.busy_text}), "
                    f"{line.rate:,.0f} req/s, {line.errors} errors."
                )
            print(f"\nThe feed's first build, before any of the above: {cold:.1f} s.")
            share = rates["search mix (20)"] / rates["/choosing/"]
            print(f"\nSearch mix: {share:.0%} of /choosing/'s requests a second (target 30 %).")
            by_cpu = costs["/choosing/"] / costs["search mix (20)"]
            print(
                f"By CPU a request costs, a search is {by_cpu:.0%} of a /choosing/ page: the share "
                "the search mix would reach with the load spread evenly over the workers."
            )
            errors = soak(search_mix(), SOAK_SEARCHES)
            print(
                f"Worker resident memory after {SOAK_SEARCHES:,} more searches ({errors} errors): "
                + ", ".join(f"{size:.0f} MB" for size in resident_mb(server))
                + " (target under 150 MB each)."
            )
            print_python_speed()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
