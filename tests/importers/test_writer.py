"""Writing an import (groups/importers/writer.py): matching, updating, geocoding, history."""

from datetime import time

import pytest
from geopy.exc import GeocoderUnavailable
from geopy.geocoders.base import Geocoder
from geopy.location import Location as GeoLocation

from groups.models import Location, Meeting


class Unavailable(Geocoder):
    """A network geocoder that is down."""

    def geocode(self, query, **kwargs):
        raise GeocoderUnavailable("service unavailable")


class FixedPlace(Geocoder):
    """A network geocoder that answers every query with one point and no time zone."""

    def __init__(self, point):
        super().__init__()
        self.point = point
        self.queries = []

    def geocode(self, query, **kwargs):
        self.queries.append(query)
        return GeoLocation(query, self.point, {})


def test_missing_coordinates_are_geocoded_and_the_zone_found(db, run_import):
    report = run_import("meeting-guide.json")
    noon = Meeting.objects.filter(external_id="noon-recovery:1").get()
    # The gazetteer's centroid of ZIP code 97204, downtown Portland.
    assert noon.location.latitude == pytest.approx(45.518, abs=0.01)
    assert noon.location.longitude == pytest.approx(-122.674, abs=0.01)
    assert noon.timezone == noon.location.timezone == "America/Los_Angeles"
    springfield = Meeting.objects.get(external_id="42")
    assert springfield.location.latitude == pytest.approx(39.80, abs=0.05)
    assert springfield.timezone == "America/Chicago"
    assert report.geocoded == 2 and report.not_geocoded == []


def test_a_network_geocoder_gets_the_full_address(db, run_import):
    geocoder = FixedPlace((45.5, -122.6))
    run_import("meeting-guide.json", geocoder=geocoder)
    assert "400 SW Main St, Portland, OR 97204, US" in geocoder.queries
    assert Meeting.objects.get(external_id="noon-recovery:1").location.latitude == 45.5


def test_a_geocoder_failure_keeps_the_place_without_coordinates(db, run_import):
    report = run_import(
        "meeting-guide.json", geocoder=Unavailable(), default_timezone="America/Chicago"
    )
    assert report.counts["created"] == 6
    noon = Meeting.objects.get(external_id="noon-recovery:1")
    assert noon.location.latitude is None and noon.location.address == "400 SW Main St"
    assert noon.timezone == "America/Chicago"
    assert len(report.not_geocoded) == 2
    assert "noon-recovery" in report.not_geocoded[0]
    assert "service unavailable" in report.not_geocoded[0]


def test_reimporting_the_same_feed_changes_nothing(db, run_import, snapshot):
    run_import("meeting-guide.json")
    before = snapshot()
    report = run_import("meeting-guide.json")
    assert report.counts == {
        "created": 0,
        "updated": 0,
        "unchanged": 6,
        "deactivated": 0,
        "rejected": 0,
    }
    assert snapshot() == before


def test_a_changed_feed_updates_only_what_changed_and_deactivates_what_vanished(
    db, run_import, sample_feed, write_feed, codes
):
    records = sample_feed()
    first = run_import(write_feed(records), label="intergroup")
    assert first.created == 6
    untouched = Meeting.objects.get(external_id="42")
    records[0]["time"] = "19:15"
    records[0]["types"] = ["O", "D", "S", "XYZ", "BE"]
    del records[2]  # night-owls
    records.append(
        {
            "name": "New Dawn",
            "slug": "new-dawn",
            "day": 2,
            "time": "06:30",
            "timezone": "America/Los_Angeles",
            "city": "Portland",
            "state": "OR",
            "address": "1 Main St",
            "latitude": 45.5,
            "longitude": -122.6,
        }
    )

    report = run_import(write_feed(records, "changed.json"), label="intergroup")

    assert report.counts == {
        "created": 1,
        "updated": 1,
        "unchanged": 4,
        "deactivated": 1,
        "rejected": 0,
    }
    changed = Meeting.objects.get(external_id="clean-start")
    assert changed.start_time == time(19, 15)
    assert codes(changed) == ["BE", "D", "O"]
    gone = Meeting.objects.get(external_id="night-owls")
    assert gone.is_active is False  # Deactivated, not deleted.
    assert Meeting.objects.get(external_id="42").updated == untouched.updated
    assert Meeting.objects.filter(source="intergroup").count() == 7


def test_every_change_is_in_the_meetings_admin_history(
    db, history, run_import, sample_feed, write_feed
):
    records = sample_feed()
    run_import(write_feed(records), label="intergroup")
    records[0]["time"] = "19:15"
    records[0]["types"].append("BE")
    del records[2]
    run_import(write_feed(records, "v2.json"), label="intergroup")

    def messages(external_id):
        entries = history(Meeting.objects.get(external_id=external_id))
        return [(entry.user.username, entry.change_message) for entry in reversed(entries)]

    assert messages("clean-start") == [
        ("importer", "Import from intergroup: added."),
        ("importer", "Import from intergroup: changed start_time, formats."),
    ]
    assert messages("night-owls")[-1] == (
        "importer",
        "Import from intergroup: no longer listed by the source: deactivated.",
    )
    assert messages("42") == [("importer", "Import from intergroup: added.")]


def test_a_meeting_back_in_the_feed_is_active_again(db, run_import, sample_feed, write_feed):
    records = sample_feed()
    run_import(write_feed(records), label="intergroup")
    run_import(write_feed(records[:2], "fewer.json"), label="intergroup")
    assert not Meeting.objects.get(external_id="night-owls").is_active
    report = run_import(write_feed(records, "again.json"), label="intergroup")
    assert report.updated == 2 and report.deactivated == 0
    assert Meeting.objects.get(external_id="night-owls").is_active


def test_other_sources_are_left_alone(db, make_meeting, run_import, sample_feed, write_feed):
    hand_made = make_meeting(name="Entered by hand")
    run_import(write_feed(sample_feed()), label="one")
    run_import(write_feed(sample_feed()[:1], "two.json"), label="two")
    assert Meeting.objects.filter(source="one", is_active=True).count() == 6
    assert Meeting.objects.get(pk=hand_made.pk).is_active


def test_a_record_gone_bad_does_not_deactivate_its_meeting(db, run_import, sample_feed, write_feed):
    records = sample_feed()
    run_import(write_feed(records), label="intergroup")
    records[1]["time"] = "noon"  # noon-recovery, on three days
    report = run_import(write_feed(records, "bad.json"), label="intergroup", skip_invalid=True)
    assert report.deactivated == 0 and len(report.rejected) == 1
    assert (
        Meeting.objects.filter(external_id__startswith="noon-recovery", is_active=True).count() == 3
    )


def test_places_are_shared_rather_than_duplicated(db, make_location, run_import):
    hall = make_location(
        name="Trinity Hall",
        address="1820 Broadway",
        city="Denver",
        region="CO",
        postal_code="80202",
        latitude=39.74,
        longitude=-104.99,
        timezone="America/Denver",
    )
    run_import("bmlt.json", file_type="bmlt")
    assert Meeting.objects.get(external_id="1201").location == hall
    assert Location.objects.count() == 2  # Trinity Hall and the new Grace Church.


def test_named_groups_are_read_and_shared(db, run_import, sample_feed, write_feed, programs):
    from groups.models import Group

    records = sample_feed()
    for record in records[:2]:
        record.update(group="Clean Start Group", group_notes="Business meeting first Monday.")
    report = run_import(write_feed(records), label="intergroup")
    group = Group.objects.get()
    assert (group.program, group.name) == (programs["na"], "Clean Start Group")
    assert group.notes == "Business meeting first Monday."
    assert report.groups_created == 1
    assert group.meetings.count() == Meeting.objects.filter(group__isnull=False).count() >= 2
    records[0]["group_notes"] = "Business meeting last Monday."
    report = run_import(write_feed(records, "v2.json"), label="intergroup")
    group.refresh_from_db()
    assert group.notes == "Business meeting last Monday." and report.groups_created == 0


def test_room_codes_are_dropped_from_online_meetings_and_reported(
    db, run_import, write_feed, codes
):
    record = {
        "name": "Online Candle",
        "slug": "online-candle",
        "day": 1,
        "time": "20:00",
        "timezone": "America/Chicago",
        "conference_url": "https://zoom.us/j/1",
        "types": ["X", "CAN", "D"],
    }
    report = run_import(write_feed([record]))
    meeting = Meeting.objects.get()
    assert meeting.attendance == "online" and codes(meeting) == ["D"]
    assert "In-person codes dropped from online-only meetings: CAN (1), X (1)" in str(report)


def test_imported_meetings_can_be_found_by_keyword(db, run_import):
    run_import("meeting-guide.json")
    found = Meeting.objects.matching("st mark's church clean")
    assert [meeting.external_id for meeting in found] == ["clean-start"]


def test_online_meetings_apps_cannot_join_are_named_in_the_report(db, run_import, write_feed):
    base = {"day": 1, "time": "20:00", "timezone": "America/Chicago"}
    records = [
        {
            **base,
            "name": "Own Server",
            "slug": "own",
            "conference_url": "https://talk.example.org/1",
        },
        {**base, "name": "Zoom", "slug": "zoom", "conference_url": "https://zoom.us/j/1"},
        {  # Hybrid: apps list it at its address.
            **base,
            "name": "Hall and Own Server",
            "slug": "hall",
            "conference_url": "https://talk.example.org/3",
            "address": "1 Main Street",
            "city": "Chicago",
            "state": "IL",
            "latitude": 41.88,
            "longitude": -87.63,
        },
        {
            **base,
            "name": "Phone",
            "slug": "phone",
            "conference_url": "https://talk.example.org/2",
            "conference_phone": "+16465588656",
        },
    ]
    report = run_import(write_feed(records))
    assert Meeting.objects.count() == 4  # A warning, not a refusal.
    assert len(report.not_joinable_in_apps) == 1 and "own" in report.not_joinable_in_apps[0]
    assert "1 online meeting that TSML UI will show as inactive" in str(report)


def test_many_new_places_and_groups_each_reach_their_own_meeting(db, run_import, write_feed):
    # New places and groups are inserted many to a statement: each key read back must land on
    # the meeting that named that place and group, across every statement.
    records = [
        {
            "name": f"Meeting {n}",
            "slug": f"meeting-{n}",
            "day": n % 7,
            "time": "19:00",
            "group": f"Group {n}",
            "location": f"Hall {n}",
            "address": f"{n} Main Street",
            "city": "Denver",
            "state": "CO",
            "postal_code": "80202",
            "country": "US",
            "latitude": 39.7 + n / 10_000,
            "longitude": -104.9,
            "timezone": "America/Denver",
        }
        for n in range(1, 1201)
    ]
    report = run_import(write_feed(records))
    assert report.created == 1200 and report.groups_created == 1200
    rows = Meeting.objects.values_list("name", "location__name", "group__name")
    assert sorted(rows) == sorted(
        (f"Meeting {n}", f"Hall {n}", f"Group {n}") for n in range(1, 1201)
    )
