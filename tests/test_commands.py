"""Management commands (groups/management/commands/)."""

import io

import pytest
from django.core.management import CommandError, call_command

from groups.models import Meeting


def test_the_command_prints_the_counts(db, data_dir):
    out = io.StringIO()
    call_command("import_meetings", str(data_dir / "bmlt.json"), "--program", "na", stdout=out)
    assert "created 3, updated 0, unchanged 0, deactivated 0, rejected 0" in out.getvalue()
    call_command("import_meetings", str(data_dir / "bmlt.json"), "--program", "na", stdout=out)
    assert "created 0, updated 0, unchanged 3, deactivated 0, rejected 0" in out.getvalue()


def test_the_command_stops_on_a_malformed_feed(db, data_dir):
    out = io.StringIO()
    with pytest.raises(CommandError, match="--skip-invalid"):
        call_command(
            "import_meetings",
            str(data_dir / "meeting-guide-malformed.json"),
            "--program",
            "na",
            stdout=out,
        )
    assert 'record 2 (slug "weekday-nine")' in out.getvalue()
    assert not Meeting.objects.exists()
    call_command(
        "import_meetings",
        str(data_dir / "meeting-guide-malformed.json"),
        "--program",
        "na",
        "--skip-invalid",
        "--dry-run",
        stdout=out,
    )
    assert "created 1, updated 0, unchanged 0, deactivated 0, rejected 4" in out.getvalue()
    assert not Meeting.objects.exists()


def test_refresh_schedules_mends_stale_stored_offsets(make_meeting):
    from django.core.management import call_command

    meeting = make_meeting(timezone="America/Los_Angeles")
    right = (meeting.utc_week_minute, meeting.std_offset)
    # As if saved under an older tz database that gave the zone another standard offset.
    Meeting.objects.filter(pk=meeting.pk).update(std_offset=-420, utc_week_minute=0)
    call_command("refresh_schedules", verbosity=0)
    meeting.refresh_from_db()
    assert (
        (meeting.utc_week_minute, meeting.std_offset) == right == (1 * 1440 + 19 * 60 + 480, -480)
    )


def test_command_loads_only_when_empty_if_asked(db, capsys):
    call_command("load_demo", meetings=30, seed=1)
    assert Meeting.objects.count() == 30
    call_command("load_demo", meetings=60, seed=1, if_empty=True)
    assert Meeting.objects.count() == 30
