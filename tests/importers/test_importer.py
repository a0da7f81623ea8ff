"""One import as a whole (groups/importers/importer.py): rejects, dry run, one transaction."""

import pytest
from django.db import connection
from geopy.geocoders.base import Geocoder
from geopy.location import Location as GeoLocation

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


def changed_feed(records):
    """The sample feed with one time changed, one meeting gone and one new place to geocode."""
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
    return records


def test_an_import_interrupted_while_writing_leaves_the_database_as_it_was(
    db, run_import, sample_feed, write_feed, snapshot
):
    records = sample_feed()
    run_import(write_feed(records), label="intergroup")
    before = snapshot()
    seen_midway = []

    def interrupt(execute, sql, params, many, context):
        # The history is written last: by then the meetings have been written.
        if sql.lstrip().upper().startswith("INSERT") and "django_admin_log" in sql:
            seen_midway.append(Meeting.objects.get(external_id="night-owls").is_active)
            raise KeyboardInterrupt  # The operator presses Ctrl-C.
        return execute(sql, params, many, context)

    with pytest.raises(KeyboardInterrupt), connection.execute_wrapper(interrupt):
        run_import(write_feed(changed_feed(records), "v2.json"), label="intergroup")
    assert seen_midway == [False]
    assert snapshot() == before


def test_geocoding_happens_before_the_write_transaction_opens(
    db, run_import, sample_feed, write_feed
):
    records = sample_feed()
    run_import(write_feed(records), label="intergroup")
    # The test itself runs in a transaction: count the import's own atomic blocks beyond it.
    outside = len(connection.atomic_blocks)
    depths = []

    class Watching(Geocoder):
        def geocode(self, query, **kwargs):
            depths.append(len(connection.atomic_blocks) - outside)
            return GeoLocation(query, (46.78, -92.1), {})

    report = run_import(
        write_feed(changed_feed(records), "v2.json"), label="intergroup", geocoder=Watching()
    )
    assert depths and not any(depths)
    assert report.created == 1 and report.deactivated == 1
    assert report.lock_seconds is not None and "Write lock held" in str(report)


@pytest.mark.parametrize("change", ["first import", "every meeting changed"])
def test_the_write_makes_as_many_statements_for_a_hundred_meetings_as_for_ten(
    db, run_import, write_feed, change
):
    """The short write: bulk statements, so the time the write lock is held grows with the rows
    written, never with one statement a meeting."""

    def feed(count, name):
        return [
            {"name": f"{name} {n}", "slug": f"m-{n}", "day": n % 7, "time": "19:00",
             "timezone": "America/Chicago", "location": f"Hall {count}", "address": "1 Main St",
             "city": "Duluth", "state": "MN", "postal_code": "55802", "types": ["O", "D"]}
            for n in range(count)
        ]  # fmt: skip

    outside = len(connection.atomic_blocks)
    # The first import ever also makes its system user: not part of what is measured.
    run_import(write_feed(feed(1, "Warm"), "warm.json"), label="warm")

    def statements_in_the_write(count):
        label = f"feed-{count}"
        if change == "every meeting changed":
            run_import(write_feed(feed(count, "Before"), f"{label}.json"), label=label)
        seen = []

        def watch(execute, sql, params, many, context):
            if len(connection.atomic_blocks) > outside:
                seen.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(watch):
            report = run_import(write_feed(feed(count, "After"), f"{label}-2.json"), label=label)
        assert report.created + report.updated == count
        return seen

    ten, hundred = statements_in_the_write(10), statements_in_the_write(100)
    assert len(ten) == len(hundred), (ten, hundred)
