"""One import as a whole (groups/importers/importer.py): rejects, dry run, one transaction."""

import pytest
from geopy.geocoders.base import Geocoder

from groups.importers import ImportRejected
from groups.models import Location, Meeting


def test_skip_invalid_imports_the_rest_and_lists_the_rejects(db, run_import):
    report = run_import("meeting-guide-malformed.json", skip_invalid=True)
    assert report.counts == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "deactivated": 0,
        "rejected": 4,
    }
    assert list(Meeting.objects.values_list("external_id", flat=True)) == ["good-morning"]
    assert 'record 2 (slug "weekday-nine"): day 9' in str(report)


def test_a_duplicate_id_is_rejected(db, run_import, sample_feed, write_feed):
    records = sample_feed()
    records.append(dict(records[0], name="Copy"))
    with pytest.raises(ImportRejected) as rejected:
        run_import(write_feed(records))
    assert rejected.value.report.rejected[0].reasons == [
        'repeats the id of record 1 (slug "clean-start")'
    ]
    assert not Meeting.objects.exists()


def test_a_dry_run_reports_and_saves_nothing(db, run_import):
    report = run_import("meeting-guide.json", dry_run=True)
    assert report.created == 6
    assert "Dry run: nothing was saved." in str(report)
    assert not Meeting.objects.exists() and not Location.objects.exists()


def test_an_import_interrupted_midway_leaves_the_database_as_it_was(
    db, run_import, sample_feed, write_feed, snapshot
):
    records = sample_feed()
    run_import(write_feed(records), label="intergroup")
    before = snapshot()
    records[0]["time"] = "19:15"
    del records[2]  # night-owls vanishes
    records.append(
        {
            "name": "Far Away",
            "slug": "far",
            "day": 2,
            "time": "06:30",
            "city": "Duluth",
            "state": "MN",
            "address": "1 Main St",
        }
    )
    seen_midway = []

    class Interrupting(Geocoder):
        def geocode(self, query, **kwargs):
            # By now the import has begun writing: the vanished meeting is deactivated.
            seen_midway.append(Meeting.objects.get(external_id="night-owls").is_active)
            raise KeyboardInterrupt  # The operator presses Ctrl-C.

    with pytest.raises(KeyboardInterrupt):
        run_import(write_feed(records, "v2.json"), label="intergroup", geocoder=Interrupting())
    assert seen_midway == [False]
    assert snapshot() == before
