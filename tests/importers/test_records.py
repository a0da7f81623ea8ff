"""Reading a record (groups/importers/records.py): type codes, and why one is refused."""

import pytest

from groups.importers import ImportRejected
from groups.models import Meeting


def test_unknown_type_codes_are_reported_and_kept_in_the_notes(db, run_import):
    report = run_import("meeting-guide.json")
    assert report.unknown_types == {"XYZ": 1}
    assert "XYZ (1)" in str(report)
    notes = Meeting.objects.get(external_id="clean-start").notes
    assert notes.startswith("Enter by the side door.")
    assert "XYZ" in notes


def test_a_malformed_feed_changes_nothing_and_names_each_bad_record(db, run_import, snapshot):
    run_import("meeting-guide.json")
    before = snapshot()
    with pytest.raises(ImportRejected) as rejected:
        run_import("meeting-guide-malformed.json")
    report = rejected.value.report
    reasons = {item.label: item.reasons for item in report.rejected}
    assert reasons == {
        'record 2 (slug "weekday-nine")': ["day 9 is not a number from 0 (Sunday) to 6 (Saturday)"],
        'record 3 (slug "no-name")': ["name is missing", "time '7pm-ish' is not HH:MM"],
        'record 4 (slug "nowhere")': [
            "timezone: “Mars/Olympus” is not a time zone name such as America/Chicago.",
            "no address: an in-person meeting needs at least a city",
        ],
        "record 5": ["is not a JSON object"],
    }
    assert snapshot() == before


def test_control_characters_reject_the_record_in_the_rules_words(
    db, run_import, sample_feed, write_feed
):
    records = sample_feed()[:1]
    records[0]["notes"] = "Side\u0000 door"
    with pytest.raises(ImportRejected) as rejected:
        run_import(write_feed(records))
    assert rejected.value.report.rejected[0].reasons == [
        "notes: Remove the line break or other control character (U+0000) from this text."
    ]
    assert not Meeting.objects.exists()
