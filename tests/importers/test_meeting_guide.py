"""Meeting Guide feeds (groups/importers/meeting_guide.py), through import_meetings."""

from datetime import time

import pytest
from django.urls import reverse

from groups.models import Attendance, Location, Meeting


def test_meeting_guide_import_reads_every_field(db, run_import, codes, data_dir):
    report = run_import("meeting-guide.json")
    assert report.counts == {
        "created": 6,
        "updated": 0,
        "unchanged": 0,
        "deactivated": 0,
        "rejected": 0,
    }
    meeting = Meeting.objects.get(external_id="clean-start")
    assert meeting.source == str(data_dir / "meeting-guide.json")
    assert (meeting.name, meeting.weekday, meeting.start_time, meeting.end_time) == (
        "Clean Start",
        1,
        time(19),
        time(20, 30),
    )
    assert meeting.timezone == "America/Los_Angeles"
    assert meeting.attendance == Attendance.IN_PERSON
    assert meeting.program.slug == "na"
    assert meeting.language == "es"  # The S type code.
    assert codes(meeting) == ["D", "O"]
    location = meeting.location
    assert (
        location.name,
        location.address,
        location.city,
        location.region,
        location.postal_code,
        location.country,
    ) == (
        "St. Mark's Church",
        "1025 NW 21st Ave",
        "Portland",
        "OR",
        "97209",
        "US",
    )
    assert (location.latitude, location.longitude) == (45.5297, -122.6945)
    assert location.directions == "Basement, room 4."
    assert meeting.slug == "clean-start-monday"
    assert meeting.get_absolute_url() == "/meetings/clean-start-monday/"


def test_online_and_hybrid_meetings_are_told_apart_by_conference_and_address(db, run_import):
    run_import("meeting-guide.json")
    online = Meeting.objects.get(external_id="night-owls")
    assert (online.attendance, online.location, online.timezone) == (
        Attendance.ONLINE,
        None,
        "America/New_York",
    )
    assert online.conference_url == "https://zoom.example.org/j/123456789"
    assert online.conference_url_notes == "Passcode: hope"
    assert online.conference_phone == "+16465588656,,123456789#"
    assert online.conference_phone_notes == "Meeting ID 123 456 789"
    assert (online.start_time, online.end_time) == (time(23, 30), time(0, 30))
    hybrid = Meeting.objects.get(external_id="42")
    assert hybrid.attendance == Attendance.HYBRID
    assert hybrid.weekday == 0
    # Read from formatted_address alone.
    assert (
        hybrid.location.address,
        hybrid.location.city,
        hybrid.location.region,
        hybrid.location.postal_code,
        hybrid.location.country,
    ) == (
        "55 Oak Ave",
        "Springfield",
        "IL",
        "62701",
        "US",
    )


def test_a_meeting_on_several_days_becomes_one_meeting_per_day_at_one_place(db, run_import):
    run_import("meeting-guide.json")
    noon = Meeting.objects.filter(external_id__startswith="noon-recovery").order_by("weekday")
    assert [(m.external_id, m.weekday) for m in noon] == [
        ("noon-recovery:1", 1),
        ("noon-recovery:3", 3),
        ("noon-recovery:5", 5),
    ]
    assert len({meeting.location_id for meeting in noon}) == 1
    assert len({meeting.slug for meeting in noon}) == 3


def listing():
    """Every active meeting as the feed can carry it, in a stable order."""
    rows = []
    for m in Meeting.objects.active().select_related("program", "location"):
        place = m.location
        rows.append(
            (
                m.program.slug,
                m.name,
                m.weekday,
                m.start_time,
                m.end_time,
                m.timezone,
                m.attendance,
                m.language,
                m.conference_url,
                m.conference_url_notes,
                m.conference_phone,
                m.conference_phone_notes,
                m.notes,
                tuple(sorted(fmt.code for fmt in m.formats.all())),
                place
                and (
                    place.name,
                    place.address,
                    place.city,
                    place.region,
                    place.postal_code,
                    place.country,
                    place.latitude,
                    place.longitude,
                    place.timezone,
                    place.directions,
                ),
            )
        )
    return sorted(rows, key=repr)


def test_export_then_import_into_an_empty_database_gives_the_same_listings(
    client, make_meeting, make_location, programs, tmp_path, run_import
):
    church = make_location(
        name="Iglesia San José",
        address="12 Calle Ocho",
        city="Miami",
        region="FL",
        postal_code="33135",
        latitude=25.7656,
        longitude=-80.2195,
        timezone="America/New_York",
        directions="Side door, room 2.",
    )
    make_meeting(
        name="Reunión de la Mañana",
        location=church,
        language="es",
        start_time=time(7),
        end_time=time(8, 30),
        formats=["O", "BE", "A"],
        notes="Café gratis.",
        timezone="America/New_York",
    )
    make_meeting(
        name="Late Night",
        location=church,
        weekday=5,
        start_time=time(23),
        end_time=time(0, 30),
        timezone="America/New_York",
        formats=["C", "JFT"],
    )
    make_meeting(
        program=programs["smart"],
        name="SMART Online",
        attendance=Attendance.ONLINE,
        conference_url="https://zoom.example.org/j/9",
        conference_url_notes="ID 9",
        conference_phone="+16465550199",
        conference_phone_notes="Code 9#",
        timezone="America/Chicago",
        formats=["TOOLS", "D"],
    )
    make_meeting(
        program=programs["lifering"],
        name="LifeRing Hybrid",
        weekday=3,
        end_time=None,
        attendance=Attendance.HYBRID,
        formats=["WB"],
        location=make_location(name="Library", address="801 SW 10th Ave", postal_code="97205"),
    )
    make_meeting(
        program=programs["dra"],
        name="DRA Thursday",
        weekday=4,
        formats=["DD", "ST"],
        location=make_location(
            name="Clinic", address="", city="Salem", latitude=44.94, longitude=-123.03
        ),
    )
    make_meeting(name="Invented (sample)", is_sample=True)
    expected = [row for row in listing() if row[1] != "Invented (sample)"]
    locations = Location.objects.exclude(meetings__is_sample=True).count()

    feeds = {}
    for slug in programs:
        response = client.get(reverse("groups:meetings_json"), {"program": slug})
        feeds[slug] = b"".join(response.streaming_content)
    Meeting.objects.all().delete()
    Location.objects.all().delete()
    for slug, content in feeds.items():
        path = tmp_path / f"{slug}.json"
        path.write_bytes(content)
        run_import(path, program=slug)

    assert listing() == expected
    assert Location.objects.count() == locations


@pytest.mark.parametrize("approximate", ["yes", "YES", True])
def test_an_online_meetings_approximate_area_is_not_a_location(
    db, run_import, write_feed, approximate
):
    record = {
        "name": "Online",
        "slug": "online",
        "day": 1,
        "time": "19:00",
        "timezone": "America/Chicago",
        "conference_url": "https://zoom.us/j/1",
        "formatted_address": "Chicago, IL, USA",
        "approximate": approximate,
    }
    run_import(write_feed([record]))
    meeting = Meeting.objects.get()
    assert meeting.attendance == "online" and meeting.location is None
