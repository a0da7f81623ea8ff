"""Fixtures for the import tests: import a file of tests/data, write a feed, compare rows."""

import json
from pathlib import Path

import pytest

from groups.importers import import_meetings
from groups.models import Location, Meeting


@pytest.fixture
def run_import(db, data_dir):
    """Import a file (a name in tests/data, or a path) for a program, NA unless told."""

    def run(name, program="na", **options):
        path = name if isinstance(name, Path) else data_dir / name
        return import_meetings(str(path), program=program, **options)

    return run


@pytest.fixture
def sample_feed(data_dir):
    """A fresh copy of the records of tests/data/meeting-guide.json, to change at will."""

    def records():
        return json.loads((data_dir / "meeting-guide.json").read_text())

    return records


@pytest.fixture
def write_feed(tmp_path):
    """Write records as a Meeting Guide feed in a temporary folder; return its path."""

    def write(records, name="feed.json"):
        path = tmp_path / name
        path.write_text(json.dumps(records))
        return path

    return write


@pytest.fixture
def snapshot(db):
    """Every row an import could touch, to compare the database before and after."""

    def rows():
        return (
            list(Meeting.objects.order_by("pk").values()),
            list(Location.objects.order_by("pk").values()),
            list(Meeting.formats.through.objects.order_by("pk").values_list()),
        )

    return rows


@pytest.fixture
def codes():
    """The codes of a meeting's formats, sorted."""

    def of(meeting):
        return sorted(fmt.code for fmt in meeting.formats.all())

    return of
