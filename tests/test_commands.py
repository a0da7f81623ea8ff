"""Management commands (groups/management/commands/)."""

import io
import json

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


def test_import_meetings_holds_a_mass_deactivation_until_confirmed(db, tmp_path):
    def feed(count):
        records = [
            {
                "name": f"M {n}",
                "slug": f"m-{n}",
                "day": 1,
                "time": "19:00",
                "timezone": "America/Chicago",
                "conference_url": f"https://zoom.us/j/{n}",
            }
            for n in range(count)
        ]
        path = tmp_path / f"feed-{count}.json"
        path.write_text(json.dumps(records))
        return str(path)

    call_command("import_meetings", feed(40), "--program", "na", "--source", "area")
    with pytest.raises(CommandError, match="would deactivate 30 of the source's 40"):
        call_command("import_meetings", feed(10), "--program", "na", "--source", "area")
    assert Meeting.objects.filter(is_active=True).count() == 40
    call_command("import_meetings", feed(10), "--program", "na", "--source", "area", "--confirm")
    assert Meeting.objects.filter(is_active=True).count() == 10
