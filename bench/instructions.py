"""Instructions a search costs, counted by valgrind's callgrind: run by bench.search on its
SQLite database at 100,000 meetings when valgrind is installed (Debian's package).

Milliseconds depend on the machine, and one machine's speed wanders within minutes; the count of
instructions a search executes does not (the same count twice, whatever else the machine does),
so it compares code across runs and machines. The bench's 60 searches run twice to warm the
caches, then once counted: callgrind counts only between the two ``callgrind_control`` calls.
The clock is fixed for the run, so the once-a-minute work (schedule.zone_clock) falls the same
way each time.
"""

import gc
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A Tuesday evening in UTC: morning in Asia, midday in the Americas.
FIXED_NOW = datetime(2026, 12, 8, 18, 30, tzinfo=UTC)


def counted_searches():
    """In the process valgrind runs: warm up, then count one round of the bench's searches."""
    import django.utils.timezone

    django.utils.timezone.now = lambda: FIXED_NOW
    import django

    django.setup()
    from django.test import Client

    from bench.search import queries

    client, searches = Client(), queries()
    for _ in range(2):
        for params in searches:
            client.get("/meetings/", params)
    gc.freeze()  # As directory/wsgi.py does in each worker.
    toggle = ["callgrind_control", "--instr"]
    subprocess.run([*toggle, "on", str(os.getpid())], check=True, capture_output=True)
    for params in searches:
        assert client.get("/meetings/", params).status_code == 200
    subprocess.run([*toggle, "off", str(os.getpid())], check=True, capture_output=True)
    print(len(searches))


def instructions_a_search(env):
    """Millions of instructions a search took in a process under callgrind, or None without
    valgrind. ``env`` is the bench's environment for the database to search."""
    if not (shutil.which("valgrind") and shutil.which("callgrind_control")):
        return None
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "callgrind.out"
        run = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={out}",
                sys.executable,
                "-m",
                "bench.instructions",
            ],
            cwd=ROOT,
            env={**env, "BENCH_CALLGRIND_CHILD": "1"},
            check=True,
            capture_output=True,
            text=True,
        )
        searches = int(run.stdout.split()[-1])
        for line in out.read_text().splitlines():
            if line.startswith("totals:"):
                return int(line.split()[1]) / searches / 1e6
    raise RuntimeError("callgrind wrote no totals")


if __name__ == "__main__" and os.environ.get("BENCH_CALLGRIND_CHILD"):
    counted_searches()
