"""Search benchmark: ``make bench`` (or ``python -m bench.search``).

For each database (SQLite always; PostgreSQL too when DATABASE_URL names one) it builds a fresh
database, loads the gazetteer and then 1,000, 10,000 and 100,000 sample meetings, and times the
search page through Django's test client over a fixed set of varied searches (places, filters,
sorts), with the /health/ page as the floor of the stack. Debug is off, as in production.
Each database runs in its own process so its settings are its own.
"""

import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.instructions import instructions_a_search

SIZES = (1_000, 10_000, 100_000)
ROUNDS = 3
PLACES = ["Portland, OR", "97201", "Springfield", "London, GB", "New York", "Chicago, IL",
          "Los Angeles", "Houston", "Phoenix", "Philadelphia", "San Antonio", "Seattle",
          "Denver", "Boston", "Atlanta, GA", "Miami", "Toronto", "Paris", "Berlin", "Madrid",
          "Mexico City", "Sao Paulo", "Sydney", "Melbourne", "Dublin", "Manchester", "60601",
          "10001", "94110", "Austin, TX"]  # fmt: skip
VARIANTS = [
    {},
    {"sort": "distance"},
    {"sort": "soonest"},
    {"prefer_philosophy": "secular", "prefer_format": "BE"},
    {"philosophy": "twelve-step", "radius": "10", "unit": "mi"},
    {"program": ["smart", "lifering"], "radius": "50"},
    {"day": ["1", "3"], "time": "evening"},
    {"soon": "6"},
    {"format": ["O"], "sort": "distance", "page": "2"},
    {"attendance": ["in-person", "hybrid", "online"]},
]
ROOT = Path(__file__).resolve().parent.parent


def queries():
    """60 searches: every place with two variants, a fifth of them including online meetings."""
    searches = []
    for index, place in enumerate(PLACES):
        for offset in (0, 5):
            variant = VARIANTS[(index + offset) % len(VARIANTS)]
            searches.append({"q": place, **variant})
    return searches


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def python_speed():
    """Seconds ten million additions in a Python loop take here, the best of three: the same
    work on any machine, printed beside the figures so that runs on machines of different
    speeds (or one machine in a slow spell) can be told apart."""
    best = float("inf")
    for _ in range(3):
        started, total = time.perf_counter(), 0
        for number in range(10_000_000):
            total += number
        best = min(best, time.perf_counter() - started)
    return best


def print_python_speed():
    print(f"This machine's Python speed: ten million additions in {python_speed():.2f} s.")
    sys.stdout.flush()


def run_one_database():
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from groups.demo import load_demo

    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_gazetteer", verbosity=0)
    client = Client()
    searches = queries()
    gc.freeze()  # As directory/wsgi.py does in each worker.
    rows = []
    for size in SIZES:
        started = time.monotonic()
        load_demo(size, seed=1)
        load_seconds = time.monotonic() - started
        for params in searches:  # warm caches
            client.get("/meetings/", params)
        timings, statuses = [], set()
        for _ in range(ROUNDS):
            for params in searches:
                began = time.perf_counter()
                response = client.get("/meetings/", params)
                timings.append((time.perf_counter() - began) * 1000)
                statuses.add(response.status_code)
        health = []
        for _ in range(50):
            began = time.perf_counter()
            client.get("/health/")
            health.append((time.perf_counter() - began) * 1000)
        assert statuses == {200}, statuses
        rows.append((size, load_seconds, timings, health))
    vendor = django.db.connection.vendor
    print(f"\n{vendor}: search page, {len(searches)} searches x {ROUNDS} rounds, ms")
    print("| meetings | search p50 | search p95 | health p50 | p50 / p50 at 1,000 | demo load s |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    base = statistics.median(rows[0][2])
    for size, load_seconds, timings, health in rows:
        p50 = statistics.median(timings)
        p95, health_p50 = percentile(timings, 0.95), statistics.median(health)
        print(
            f"| {size:,} | {p50:.1f} | {p95:.1f} | {health_p50:.2f} | {p50 / base:.2f} "
            f"| {load_seconds:.1f} |"
        )
    sys.stdout.flush()
    if vendor == "sqlite":  # The count is the code's, whichever database: one is enough.
        millions = instructions_a_search(os.environ)
        if millions is None:
            print("Instructions a search: not counted (valgrind is not installed).")
        else:
            print(
                f"Instructions a search at {SIZES[-1]:,} meetings, counted by callgrind over "
                f"one round with the clock fixed: {millions:.1f} million."
            )
        sys.stdout.flush()


def fresh_postgres(url):
    """Point at a new, empty benchmark database on the server DATABASE_URL names."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    name = "directory_bench"
    admin = psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def main():
    if os.environ.get("BENCH_CHILD"):
        run_one_database()
        return
    base_env = {
        **os.environ,
        "BENCH_CHILD": "1",
        "DJANGO_SETTINGS_MODULE": "directory.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "benchmark-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
    }
    targets = []
    print_python_speed()
    with tempfile.TemporaryDirectory() as folder:
        base_env["DJANGO_STATIC_ROOT"] = f"{folder}/static"
        targets.append(f"sqlite:///{folder}/bench.sqlite3")
        if os.environ.get("DATABASE_URL", "").startswith("postgres"):
            targets.append(fresh_postgres(os.environ["DATABASE_URL"]))
        for url in targets:
            subprocess.run(
                [sys.executable, "-m", "bench.search"],
                cwd=ROOT,
                env={**base_env, "DATABASE_URL": url},
                check=True,
            )


if __name__ == "__main__":
    main()
