"""Playwright against Debian's chromium: Playwright's own browser download cannot work here."""

import os
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path

import pytest

from groups.models import Attendance, Format, Group, Location, Meeting, Place, Program
from groups.text import normalize

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse the ORM.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        reason = f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; CI must run them")
        pytest.skip(reason)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def site(live_server, committed_vocabulary):
    """A few meetings around Portland, OR, served by a live server.

    A live server's database is emptied after every test, taking the programs and formats the
    migrations loaded with it: committed_vocabulary loads them again, and here the one gazetteer
    place needed. (Serialized rollback cannot do this reliably: once Playwright runs, Django may
    hand this thread a fresh connection that never held the serialized data.)
    """
    Place.objects.bulk_create(
        [
            Place(
                name="Portland",
                search_name=normalize("Portland"),
                region="OR",
                country="US",
                latitude=45.52345,
                longitude=-122.67621,
                population=652503,
                timezone="America/Los_Angeles",
            ),
        ]
    )
    hall = Location.objects.create(
        name="Community Hall",
        address="1 Main St",
        city="Portland",
        region="OR",
        postal_code="97205",
        latitude=45.5234,
        longitude=-122.6762,
        timezone="America/Los_Angeles",
        directions="Side door, basement room 3.",
    )
    programs = {group.slug: group for group in Program.objects.all()}
    meetings = {}
    for name, slug, weekday in [
        ("Hope Group", "na", 1),
        ("Tools for Change", "smart", 3),
        ("Sober Circle", "lifering", 5),
    ]:
        meetings[slug] = Meeting.objects.create(
            program=programs[slug],
            name=name,
            weekday=weekday,
            start_time=time(19, 0),
            end_time=time(20, 0),
            location=hall,
            timezone="America/Los_Angeles",
        )
    meetings["na"].formats.set(Format.objects.filter(code__in=["O", "X"]))
    meetings["na"].group = Group.objects.create(program=programs["na"], name="Hope Home Group")
    meetings["na"].save()
    meetings["online"] = Meeting.objects.create(
        program=programs["sos"],
        name="Online Check-in",
        weekday=2,
        start_time=time(12, 0),
        end_time=time(13, 0),
        attendance=Attendance.ONLINE,
        timezone="America/New_York",
        conference_url="https://meet.example.org/sos",
        conference_url_notes="Passcode 1234",
    )
    return meetings


@dataclass
class Watch:
    requests: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    failed: list = field(default_factory=list)


@pytest.fixture
def watch(page):
    """Record every request the page makes and every error its console shows."""
    seen = Watch()
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and seen.errors.append(message.text))
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    page.on("response", lambda response: response.ok or seen.failed.append(response.url))
    return seen
