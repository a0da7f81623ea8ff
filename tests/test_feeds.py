"""groups/feeds.py directly; the feed and CSV by their URLs: tests/views/test_exports.py."""

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from jsonschema import Draft7Validator
from referencing import Registry, Resource

from groups.feeds import feed_queryset, feed_version
from groups.models import Attendance, ChangeMark, Format, Group, Location, Meeting
from groups.vocabulary import CONFERENCE_SERVICES as TSML_UI_CONFERENCE_SERVICES
from tests.conftest import DATA


def test_feed_queryset_matches_the_feed(feed_meetings):
    assert set(feed_queryset(["na"])) == {feed_meetings["na"]}
    assert Meeting.objects.count() == 4
    assert datetime.now(UTC) >= feed_meetings["na"].updated


# What readers of the feed need, field by field (TSML UI, the Meeting Guide spec)

SCHEMA = DATA / "spec-schema"
# The schema's address rules are US-only ("123 Main St, Springfield, IL 62701, USA", no accents,
# five-digit postal codes): a valid address anywhere else fails them, so they are set aside.
US_ONLY_RULES = ["formatted_address", "address", "city", "state", "postal_code"]
# The schema wants digits after every , * or #, which refuses the one-tap links the spec's README
# describes ("+16465588656,,123#": a pause, the meeting id, then #). Its README's rule instead:
# digits, a leading + and , * #.
SPEC_PHONE = r"^\+?[0-9,*#]+$"
# Language codes the spec's README adopted after its schema was written.
NEWER_SPEC_TYPES = ["AF", "AR", "BG", "IS", "KA", "MT", "NE", "NL", "SL"]


def feed_validator():
    schemas = {name: json.loads((SCHEMA / name).read_text()) for name in SCHEMA.glob("*.json")}
    schemas = {path.name: data for path, data in schemas.items()}
    meeting = schemas["meeting.schema.json"]
    for key in US_ONLY_RULES:
        del meeting["properties"][key]["pattern"]
    meeting["properties"]["conference_phone"]["pattern"] = SPEC_PHONE
    schemas["meeting-type.schema.json"]["items"]["anyOf"][0]["enum"] += NEWER_SPEC_TYPES
    registry = Registry().with_resources(
        [(data["$id"], Resource.from_contents(data)) for data in schemas.values()]
        + [("https://code4recovery.com/meeting.schema.json", Resource.from_contents(meeting))]
    )
    feed = schemas["feed.schema.json"]
    return Draft7Validator(feed, registry=registry, format_checker=Draft7Validator.FORMAT_CHECKER)


def test_the_feed_validates_against_the_spec_schema(
    client, feed_meetings, make_meeting, make_location, programs, feed_records
):
    tokyo = make_location(
        name="Kita Hall",
        city="Kita",
        region="40",
        country="JP",
        postal_code="114-0001",
        latitude=35.7528,
        longitude=139.7336,
        timezone="Asia/Tokyo",
    )
    make_meeting(name="Tokyo Hope", location=tokyo, formats=["X", "BT"], language="ja")
    group = Group.objects.create(program=programs["na"], name="Clean Start Group", notes="Hi.")
    make_meeting(
        name="Hybrid",
        attendance=Attendance.HYBRID,
        group=group,
        conference_phone="+1 (646) 558-8656,,123#",
    )
    records = feed_records()
    assert len(records) == 4
    errors = [f"{list(e.path)}: {e.message}" for e in feed_validator().iter_errors(records)]
    assert errors == []
    # The checker works: a record as the feed used to write it fails.
    old = {"name": "x", "slug": "x", "conference_phone": "+1 646 558 8656", "latitude": "45.5"}
    assert len(list(feed_validator().iter_errors([old]))) == 2


def feed_record(feed_records, meeting):
    records = feed_records()
    return next(record for record in records if record["slug"] == meeting.slug)


def test_an_online_meeting_keeps_its_organisers_town_without_the_room(
    client, make_meeting, make_location, feed_records
):
    hall = make_location(name="Secret Room", address="1 Main St", directions="Knock twice.")
    meeting = make_meeting(
        attendance=Attendance.ONLINE, location=hall, formats=["X", "CAN", "D", "BA"]
    )
    record = feed_record(feed_records, meeting)
    assert record["approximate"] == "yes"
    assert record["formatted_address"] == "Portland, OR, US"
    assert record["regions"] == ["United States", "Oregon", "Portland"]
    assert not {"location", "address", "location_notes", "latitude"} & set(record)
    # No wheelchair access, candlelight or babysitting in a video call.
    assert record["types"] == ["EN", "D"]


def test_the_feed_speaks_the_spec(client, make_meeting, make_location, programs, feed_records):
    hall = make_location(latitude=45.523456789, longitude=-122.676543219)
    group = Group.objects.create(
        program=programs["na"], name="Clean Start Group", notes="Since 1990."
    )
    meeting = make_meeting(
        location=hall,
        attendance=Attendance.HYBRID,
        group=group,
        conference_phone="+1 646 558-8656,,123#",
        conference_url="",
        notes="",
    )
    record = feed_record(feed_records, meeting)
    assert (record["latitude"], record["longitude"]) == (45.52346, -122.67654)
    assert record["conference_phone"] == "+16465588656,,123#"
    assert (record["group"], record["group_notes"]) == ("Clean Start Group", "Since 1990.")
    assert record["approximate"] == "no"
    assert "notes" not in record and "conference_url" not in record  # Empty: left out.


def test_numeric_region_codes_never_reach_readers(
    client, make_meeting, make_location, feed_records
):
    kita = make_location(
        name="Kita Hall", city="Kita", region="40", country="JP", timezone="Asia/Tokyo"
    )
    record = feed_record(feed_records, make_meeting(location=kita))
    assert record["state"] == "Tokyo"
    assert record["regions"] == ["Japan", "Tokyo", "Kita"]
    assert record["formatted_address"] == "Kita, Tokyo, JP"


def test_the_feed_version_changes_with_a_group(feed_meetings, programs):
    group = Group.objects.create(program=programs["na"], name="Clean Start Group")
    feed_meetings["na"].group = group
    feed_meetings["na"].save()
    before = feed_version()
    group.notes = "Now with a newcomers' table."
    group.save()
    assert feed_version() != before


def test_the_feed_version_counts_no_rows(feed_meetings):
    # A count reads every row: the version is read from indexes alone.
    with CaptureQueriesContext(connection) as queries:
        feed_version()
    assert queries and not [q for q in queries if "COUNT(" in q["sql"].upper()]


def test_a_deletion_moves_the_feed_version_and_its_date(feed_meetings):
    # Every stamp a second back, so that the deletion's own moment is newer.
    Meeting.objects.update(updated=F("updated") - timedelta(seconds=2))
    Location.objects.update(updated=F("updated") - timedelta(seconds=2))
    before, modified = feed_version()
    feed_meetings["na"].delete()
    after, modified_after = feed_version()
    assert after != before
    assert modified_after > modified


def test_one_mark_for_a_deletion_of_many_meetings(feed_meetings):
    marks = ChangeMark.objects.count()
    deleted, _ = Meeting.objects.exclude(pk=feed_meetings["na"].pk).delete()
    assert deleted >= 3
    assert ChangeMark.objects.count() == marks + 1  # One for the delete() call, not per meeting.
    feed_meetings["na"].delete()
    assert ChangeMark.objects.count() == marks + 2


def test_a_deletion_rolled_back_leaves_the_version(feed_meetings):
    before, pk = feed_version(), feed_meetings["na"].pk
    with pytest.raises(RuntimeError), transaction.atomic():
        feed_meetings["na"].delete()
        raise RuntimeError("changed our mind")
    assert Meeting.objects.filter(pk=pk).exists()
    assert feed_version() == before


def test_deleting_a_group_or_editing_a_program_or_format_moves_the_version(feed_meetings, programs):
    group = Group.objects.create(program=programs["na"], name="Clean Start Group")
    versions = [feed_version()]
    group.delete()
    versions.append(feed_version())
    programs["na"].name = "Narcotics Anonymous (renamed)"
    programs["na"].save()
    versions.append(feed_version())
    newcomers = Format.objects.get(code="BE")
    newcomers.save()
    versions.append(feed_version())
    assert len(set(versions)) == len(versions)


def test_groups_of_the_same_name_in_two_programs_stay_apart(
    client, make_meeting, programs, feed_records
):
    hope_na = Group.objects.create(program=programs["na"], name="Hope Group")
    hope_smart = Group.objects.create(program=programs["smart"], name="Hope Group")
    na = make_meeting(group=hope_na)
    smart = make_meeting(group=hope_smart, program=programs["smart"])
    assert feed_record(feed_records, na)["group"] == "Hope Group (NA)"
    assert feed_record(feed_records, smart)["group"] == "Hope Group (SMART Recovery)"
    # A feed of one program still names them apart: the reader may merge feeds.
    records = feed_records(program="smart")
    assert records[0]["group"] == "Hope Group (SMART Recovery)"


def test_every_record_is_one_tsml_ui_lists(
    client, feed_meetings, make_meeting, make_location, feed_records
):
    """TSML UI's loader (src/helpers/load-meeting-data.ts) drops a record without a slug, with a
    slug seen before, with no address at all, or with no time zone; it counts a meeting in person
    unless ``approximate`` is "yes", and online when it has a join link or a dial-in phone."""
    make_meeting(name="Anywhere", attendance=Attendance.ONLINE, timezone="Etc/UTC")
    make_meeting(
        name="Phone Only",
        attendance=Attendance.ONLINE,
        conference_url="",
        conference_phone="+44 20 7946 0000",
        timezone="Europe/London",
    )
    make_meeting(name="Both", attendance=Attendance.HYBRID, location=make_location(city="Salem"))
    records = feed_records()
    assert len(records) == len({record["slug"] for record in records}) == 5
    for record in records:
        assert record["slug"] and record["formatted_address"] and record["timezone"]
        online_only = record["attendance_option"] == "online"
        assert record["approximate"] == ("yes" if online_only else "no")
        if online_only:
            # Online there only with a link to a service it knows, or a phone it can call.
            host = urlsplit(record.get("conference_url", "")).netloc
            dialled = [c for c in record.get("conference_phone", "") if c in "0123456789+,#"]
            assert host.endswith(TSML_UI_CONFERENCE_SERVICES) or len(dialled) >= 10, record
    by_name = {record["name"]: record for record in records}
    assert by_name["Phone Only"]["formatted_address"] == "London, England, GB"
    assert by_name["Anywhere"]["formatted_address"] == "Online"


def test_a_feed_forgetting_places_to_bound_memory_writes_the_same_records(
    feed_meetings, make_meeting, make_location, monkeypatch
):
    from groups import feeds

    for number in range(3):  # Places met again after others, once the kept ones are forgotten.
        hall = make_location(name=f"Hall {number}", address=f"{number} Oak Street")
        make_meeting(name=f"Evening {number}", location=hall)
        make_meeting(name=f"Morning {number}", location=hall, weekday=number)

    def records():
        text = b"".join(
            feeds.meeting_guide_json(feeds.feed_queryset(), lambda path: "https://x.org" + path)
        )
        return json.loads(text)

    kept_all = records()
    monkeypatch.setattr(feeds, "PLACES_KEPT", 1)
    assert records() == kept_all
    assert {record.get("location") for record in kept_all} >= {"Hall 0", "Hall 1", "Hall 2"}


def test_a_records_updated_is_the_latest_change_to_it_its_place_or_its_group(
    feed_meetings, programs, feed_records
):
    meeting = feed_meetings["na"]
    group = Group.objects.create(program=programs["na"], name="Clean Start Group")
    Meeting.objects.filter(pk=meeting.pk).update(group=group)
    later = datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC)
    Group.objects.filter(pk=group.pk).update(updated=later)
    [record] = [record for record in feed_records() if record["slug"] == meeting.slug]
    assert record["updated"] == "2031-05-06 07:08:09"
    type(meeting.location).objects.filter(pk=meeting.location.pk).update(
        updated=later.replace(year=2032)
    )
    [record] = [record for record in feed_records() if record["slug"] == meeting.slug]
    assert record["updated"] == "2032-05-06 07:08:09"
