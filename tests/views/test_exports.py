"""Meeting data out through its URLs (groups/views/exports.py): the JSON feed, CSV and calendars."""

import csv
import gzip
import io
import json
import re
from datetime import UTC, time, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import http_date
from geopy.distance import great_circle
from icalendar import Calendar

from groups.feeds import CSV_COLUMNS
from groups.importers import import_meetings
from groups.models import Attendance, Format, Location, Meeting
from groups.views import exports
from groups.vocabulary import FORMATS

# CI checks the project out with the shared material beside it, as ../shared.
SHARED_REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference"


# The Meeting Guide feed


def get_feed(client, **params):
    response = client.get(reverse("groups:meetings_json"), params)
    assert response.status_code == 200
    return response


def records_of(response):
    """The feed's records; a client that takes no gzip gets the feed streamed."""
    return json.loads(b"".join(response.streaming_content))


def test_feed_gives_meeting_guide_fields(client, feed_meetings):
    records = {record["slug"]: record for record in records_of(get_feed(client))}
    clean_start = feed_meetings["na"]
    record = records[clean_start.slug]
    assert {key: record[key] for key in ["name", "day", "time", "end_time", "timezone"]} == {
        "name": "Clean Start",
        "day": 1,
        "time": "19:00",
        "end_time": "20:30",
        "timezone": "America/Los_Angeles",
    }
    assert record["types"] == ["S", "D", "O"]
    assert record["notes"] == "Enter by the side door."
    assert record["location"] == "St. Mark's Church"
    assert record["location_notes"] == "Basement, room 4."
    assert record["formatted_address"] == "1025 NW 21st Ave, Portland, OR 97209, US"
    assert (
        record["address"],
        record["city"],
        record["state"],
        record["postal_code"],
        record["country"],
    ) == ("1025 NW 21st Ave", "Portland", "OR", "97209", "US")
    assert (record["latitude"], record["longitude"]) == (45.5234, -122.6762)
    assert "group" not in record  # No named group: the program is the entity.
    assert record["entity"] == "Narcotics Anonymous"
    assert record["entity_url"] == "https://na.org/"  # The program's own site.
    assert record["feedback_url"] == f"http://testserver/meetings/{clean_start.slug}/suggest/"
    assert record["approximate"] == "no"
    assert record["regions"] == ["United States", "Oregon", "Portland"]
    assert record["url"] == f"http://testserver/meetings/{clean_start.slug}/"
    assert "conference_url" not in record
    expected = max(clean_start.updated, clean_start.location.updated).astimezone(UTC)
    assert record["updated"] == expected.strftime("%Y-%m-%d %H:%M:%S")
    assert not [key for key in record if key.startswith("contact")]


def test_feed_online_secular_meeting(client, feed_meetings):
    records = {record["slug"]: record for record in records_of(get_feed(client))}
    record = records[feed_meetings["smart"].slug]
    # SMART Tools has no Meeting Guide code: TSML UI would drop it without a word, so the notes
    # name it.
    assert record["types"] == ["EN", "A"]
    assert record["notes"].endswith("Formats: SMART Tools.")
    assert (record["day"], record["time"], record["end_time"]) == (6, "23:30", "00:30")
    assert record["conference_url"] == "https://zoom.example.org/j/1"
    assert record["conference_url_notes"] == "Passcode: hope"
    assert record["conference_phone"] == "+16465588656"
    assert record["attendance_option"] == "online"
    assert "address" not in record and "latitude" not in record and "location" not in record
    # Listed by TSML UI only with some address: the city of its time zone, marked approximate.
    assert record["approximate"] == "yes"
    assert record["formatted_address"] == "New York City, NY, US"
    assert record["regions"] == ["United States", "New York", "New York City"]


def test_feed_leaves_out_samples_and_inactive_meetings(client, feed_meetings):
    names = {record["name"] for record in records_of(get_feed(client))}
    assert names == {"Clean Start", "SMART Online"}


def test_feed_filters_by_repeatable_program(client, feed_meetings, make_meeting, programs):
    make_meeting(program=programs["sos"], name="SOS Tuesday", weekday=2)
    assert [r["name"] for r in records_of(get_feed(client, program="na"))] == ["Clean Start"]
    both = records_of(get_feed(client, program=["smart", "sos"]))
    assert sorted(r["name"] for r in both) == ["SMART Online", "SOS Tuesday"]


def test_feed_refuses_an_unknown_program(client, db):
    response = client.get(reverse("groups:meetings_json"), {"program": "aa"})
    assert response.status_code == 400
    assert "aa" in response.content.decode()


def test_feed_answers_304_until_a_meeting_changes(client, feed_meetings):
    first = get_feed(client)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert first["Access-Control-Allow-Origin"] == "*"
    url = reverse("groups:meetings_json")
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    assert client.get(url, headers={"if-modified-since": modified}).status_code == 304

    meeting = feed_meetings["na"]
    meeting.start_time = time(19, 30)
    meeting.save()
    changed = client.get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed["Last-Modified"] == http_date(meeting.updated.timestamp())


def test_feed_changes_when_a_meeting_is_deactivated_or_deleted(client, feed_meetings):
    etag = get_feed(client)["ETag"]
    feed_meetings["smart"].is_active = False
    feed_meetings["smart"].save()
    after_deactivation = get_feed(client)["ETag"]
    assert after_deactivation != etag
    feed_meetings["na"].delete()
    assert get_feed(client)["ETag"] != after_deactivation


def test_a_renamed_program_reaches_the_next_feed(client, feed_meetings, programs):
    assert {record["entity"] for record in records_of(get_feed(client, program="na"))} == {
        programs["na"].name
    }
    programs["na"].name = "Narcotics Anonymous World Services"
    programs["na"].save()
    records = records_of(get_feed(client, program="na"))
    assert [record["entity"] for record in records] == ["Narcotics Anonymous World Services"]


def test_feed_is_compressed_for_clients_that_accept_gzip(client, feed_meetings):
    response = client.get(reverse("groups:meetings_json"), headers={"accept-encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    records = json.loads(gzip.decompress(response.content))
    assert {record["name"] for record in records} == {"Clean Start", "SMART Online"}


def test_a_compressed_feed_answers_304_to_its_own_etag(client, feed_meetings):
    url = reverse("groups:meetings_json")
    gzip_headers = {"accept-encoding": "gzip"}
    etag = client.get(url, headers=gzip_headers)["ETag"]
    assert etag.startswith('W/"')  # Compression makes the tag weak; it still matches.
    response = client.get(url, headers={**gzip_headers, "if-none-match": etag})
    assert response.status_code == 304


def test_feed_queries_do_not_grow_with_meetings(client, feed_meetings, make_meeting):
    def queries_of_a_new_version():
        with CaptureQueriesContext(connection) as queries:
            get_feed(client)
        return len(queries)

    before = queries_of_a_new_version()
    for n in range(10):
        make_meeting(name=f"Extra {n}", formats=["O", "BE"])
    assert queries_of_a_new_version() == before
    assert len(records_of(get_feed(client))) == 12


def test_a_repeat_request_is_served_from_the_built_feed(client, feed_meetings):
    gzip_headers = {"accept-encoding": "gzip"}
    first = client.get(reverse("groups:meetings_json"), headers=gzip_headers)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(reverse("groups:meetings_json"), headers=gzip_headers)
    assert again.content == first.content
    assert not [q for q in queries if "groups_meeting_formats" in q["sql"]]
    feed_meetings["na"].name = "Clean Start Renamed"
    feed_meetings["na"].save()
    changed = client.get(reverse("groups:meetings_json"), headers=gzip_headers)
    names = {record["name"] for record in json.loads(gzip.decompress(changed.content))}
    assert "Clean Start Renamed" in names


def spec_type_codes(data_dir):
    """Adopted and proposed Meeting Guide codes: from ../shared when present, else our copy."""
    adopted = SHARED_REFERENCE / "meeting-guide-types.json"
    if adopted.exists():
        proposed = SHARED_REFERENCE / "meeting-guide-types-proposed.json"
        return set(json.loads(adopted.read_text())) | set(json.loads(proposed.read_text()))
    copy = json.loads((data_dir / "meeting-guide-type-codes.json").read_text())
    return set(copy["adopted"]) | set(copy["proposed"])


def test_every_feed_type_code_is_in_the_spec_or_documented_as_ours(
    client, make_meeting, programs, data_dir
):
    ours = {term.code for term in FORMATS if term.ours}
    every_format = [term.code for term in FORMATS]
    for slug in programs:
        make_meeting(program=programs[slug], name=f"All formats {slug}", formats=every_format)
    for language in ["en", "es", "fr", "pt", "ja"]:
        make_meeting(name=f"In {language}", language=language)
    records = records_of(get_feed(client))
    codes = {code for record in records for code in record["types"]}
    assert len(codes) >= len(every_format) - len(ours)
    # Readers drop codes they do not know: ours go out as their nearest code and by name.
    assert codes <= spec_type_codes(data_dir)
    notes = " ".join(record.get("notes", "") for record in records)
    assert all(term.name in notes for term in FORMATS if term.ours)
    # Our own codes never take a code the spec has adopted or proposed.
    assert not ours & spec_type_codes(data_dir)
    assert Format.objects.filter(code__in=ours, is_meeting_guide=False).count() == len(ours)


@pytest.mark.skipif(
    not SHARED_REFERENCE.exists(),
    reason="../shared/reference is not beside the checkout; the copy in tests/data is used",
)
def test_our_copy_of_the_spec_codes_matches_the_reference(data_dir):
    copy = json.loads((data_dir / "meeting-guide-type-codes.json").read_text())
    adopted = json.loads((SHARED_REFERENCE / "meeting-guide-types.json").read_text())
    assert set(copy["adopted"]) == set(adopted)
    assert "MIT" in copy["licence"][0]


# CSV of search results


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_csv_gives_the_search_results_in_order(client, feed_meetings, make_meeting, make_location):
    far = make_location(name="Far Hall", latitude=45.60, longitude=-122.60)
    make_meeting(name="Far Meeting", location=far)
    params = {"lat": "45.5234", "lng": "-122.6762", "radius": "50", "sort": "distance"}
    page = client.get(reverse("groups:meeting_list"), params).content.decode()
    rows = read_csv(client.get(reverse("groups:meetings_csv"), params))
    assert [row["name"] for row in rows] == ["Clean Start", "Far Meeting"]
    assert page.index("Clean Start") < page.index("Far Meeting")
    first = rows[0]
    assert list(first)[: len(CSV_COLUMNS)] == CSV_COLUMNS
    assert (first["program"], first["day"], first["time"], first["end_time"]) == (
        "na",
        "Monday",
        "19:00",
        "20:30",
    )
    assert first["types"] == "S, D, O" and first["language"] == "es"
    assert first["distance_km"] == "0.00"
    expected = great_circle((45.5234, -122.6762), (45.60, -122.60)).km
    assert float(rows[1]["distance_km"]) == pytest.approx(expected, abs=0.01)


def test_a_spanish_csv_speaks_spanish_and_imports_back(client, feed_meetings, tmp_path):
    params = {"q": "Portland, OR"}
    response = client.get("/es/meetings.csv", params)
    rows = read_csv(response)
    assert list(rows[0])[:5] == ["id", "nombre", "programa", "día", "hora"]
    assert (rows[0]["nombre"], rows[0]["día"], rows[0]["hora"]) == ("Clean Start", "lunes", "19:00")
    # Read back, the Spanish headings and day names mean what the English ones do.
    path = tmp_path / "reuniones.csv"
    path.write_bytes(b"".join(client.get("/es/meetings.csv", params).streaming_content))
    report = import_meetings(str(path), program="na", label="hoja")
    assert report.created == 1 and report.rejected == []
    copy = Meeting.objects.get(source="hoja")
    original = feed_meetings["na"]
    assert (copy.name, copy.weekday, copy.start_time) == (
        original.name,
        original.weekday,
        original.start_time,
    )


def test_csv_takes_the_filters_of_the_results_page(client, feed_meetings):
    # With a day chosen, online meetings are listed whenever they start that day.
    params = {"attendance": "online", "program": "smart", "day": "6"}
    rows = read_csv(client.get(reverse("groups:meetings_csv"), params))
    assert [row["name"] for row in rows] == ["SMART Online"]
    assert rows[0]["attendance"] == "online" and rows[0]["distance_km"] == ""
    # A dial-in number starts with "+": quoted so a spreadsheet does not read a formula.
    assert rows[0]["conference_phone"] == "'+16465588656"
    none = read_csv(client.get(reverse("groups:meetings_csv"), {**params, "program": "na"}))
    assert none == []


def test_csv_leaves_out_samples(client, feed_meetings):
    rows = read_csv(client.get(reverse("groups:meetings_csv"), {"q": "Portland, OR"}))
    assert [row["name"] for row in rows] == ["Clean Start"]


def test_csv_refuses_invalid_parameters(client, db):
    response = client.get(reverse("groups:meetings_csv"), {"lat": "200", "lng": "0"})
    assert response.status_code == 400


# Calendars


def parse_calendar(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def test_meeting_ics_is_a_weekly_event_in_the_meetings_zone(client, make_meeting):
    meeting = make_meeting(weekday=1, start_time=time(19, 0), end_time=time(20, 30))
    calendar = parse_calendar(client.get(reverse("groups:meeting_ics", args=[meeting.slug])))
    [event] = calendar.walk("VEVENT")
    assert event["RRULE"]["FREQ"] == ["WEEKLY"] and event["RRULE"]["BYDAY"] == ["MO"]
    start, end = event["DTSTART"], event["DTEND"]
    assert start.params["TZID"] == "America/Los_Angeles"
    assert start.dt.strftime("%A %H:%M") == "Monday 19:00"
    assert end.dt - start.dt == timedelta(minutes=90)
    assert str(event["SUMMARY"]) == "Hope Group (NA)"
    assert meeting.get_absolute_url() in str(event["URL"])
    assert "Portland" in str(event["LOCATION"])
    [zone] = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "America/Los_Angeles"
    assert {part.name for part in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}


def test_meetings_ics_follows_the_search(client, make_meeting, make_location):
    make_meeting(name="Portland Group")
    far = make_location(
        city="Boston", region="MA", latitude=42.36, longitude=-71.06, timezone="America/New_York"
    )
    make_meeting(name="Boston Group", location=far)
    make_meeting(name="Online Group", attendance=Attendance.ONLINE)

    url = reverse("groups:meetings_ics")
    near = parse_calendar(client.get(url, {"q": "Portland, OR"}))
    assert [str(e["SUMMARY"]) for e in near.walk("VEVENT")] == ["Portland Group (NA)"]
    # Online search looks a day ahead unless days are chosen: choose Monday, the meeting's day.
    online = parse_calendar(client.get(url, {"attendance": "online", "day": "1"}))
    assert [str(e["SUMMARY"]) for e in online.walk("VEVENT")] == ["Online Group (NA)"]
    assert [z["TZID"] for z in near.walk("VTIMEZONE")] == ["America/Los_Angeles"]


def test_results_page_offers_its_meetings_as_a_calendar(client, make_meeting):
    make_meeting()
    response = client.get(reverse("groups:meeting_list") + "?q=Portland%2C+OR&program=na")
    assert response.status_code == 200
    html = response.content.decode()
    href = re.search(r'href="([^"]*)" download>Add these to my calendar', html).group(1)
    calendar = parse_calendar(client.get(href.replace("&amp;", "&")))
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Hope Group (NA)"]


def test_meetings_ics_without_a_search_is_empty_and_bad_choices_are_400(client, make_meeting):
    make_meeting()
    url = reverse("groups:meetings_ics")
    assert parse_calendar(client.get(url)).walk("VEVENT") == []
    assert client.get(url, {"day": "9"}).status_code == 400


def test_meetings_ics_is_capped(client, make_meeting, monkeypatch):
    for n in range(3):
        make_meeting(name=f"Group {n}")
    monkeypatch.setattr(exports, "MAX_CALENDAR_EVENTS", 2)
    calendar = parse_calendar(client.get(reverse("groups:meetings_ics"), {"q": "Portland, OR"}))
    assert len(calendar.walk("VEVENT")) == 2


def test_a_kept_csv_follows_a_change_of_the_data(client, make_meeting):
    meeting = make_meeting(name="Before")
    params = {"q": "Portland, OR"}
    assert [
        row["name"] for row in read_csv(client.get(reverse("groups:meetings_csv"), params))
    ] == ["Before"]
    meeting.name = "After"
    meeting.save()
    assert [
        row["name"] for row in read_csv(client.get(reverse("groups:meetings_csv"), params))
    ] == ["After"]


# Each breaks a content line or starts a new property if written raw; a lone carriage return
# is one calendar apps read as a line end.
STORED_BEFORE_THE_RULE = ["Hope\nGroup", "Hope\rX-INJECTED:1", "Hope\r\nBEGIN:VEVENT"]


@pytest.mark.parametrize("name", STORED_BEFORE_THE_RULE)
def test_a_stored_control_character_cannot_break_or_inject_a_calendar_line(
    client, make_meeting, name
):
    meeting = make_meeting()
    # Stored before the rule refused control characters: .update() skips validation.
    Meeting.objects.filter(pk=meeting.pk).update(name=name)
    Location.objects.filter(pk=meeting.location_id).update(name=name, directions=name)
    response = client.get(reverse("groups:meeting_ics", args=[meeting.slug]))
    assert response.status_code == 200
    # Every line (unfolded) is one known property; no text can end a line or start one.
    unfolded = re.sub(rb"\r\n[ \t]", b"", response.content)
    lines = unfolded.split(b"\r\n")
    assert lines[-1] == b"" and not any(b"\r" in line or b"\n" in line for line in lines)
    assert not any(line.startswith((b"X-INJECTED", b"BEGIN:VEVENT\\")) for line in lines)
    assert lines.count(b"BEGIN:VEVENT") == 1
    calendar = parse_calendar(response)
    words = name.replace("\r\n", "\n").replace("\r", "\n")
    assert b"X-WR-CALNAME:" + words.replace("\n", "\\n").encode() in lines
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == f"{words} (NA)"
    assert "X-INJECTED" not in calendar and "X-INJECTED" not in event
