import csv
import gzip
import io
import json
from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils.http import http_date
from geopy.distance import great_circle

from groups.feeds import CSV_COLUMNS, feed_queryset
from groups.models import Attendance, Format, Meeting
from groups.vocabulary import FORMATS

DATA = Path(__file__).parent / "data"
# CI checks the project out with the shared material beside it, as ../shared.
SHARED_REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference"


@pytest.fixture
def meetings(make_meeting, make_location, programs):
    hall = make_location(
        name="St. Mark's Church",
        address="1025 NW 21st Ave",
        postal_code="97209",
        directions="Basement, room 4.",
    )
    return {
        "na": make_meeting(
            name="Clean Start",
            location=hall,
            end_time=time(20, 30),
            language="es",
            notes="Enter by the side door.",
            formats=["O", "D"],
        ),
        "smart": make_meeting(
            program=programs["smart"],
            name="SMART Online",
            weekday=6,
            start_time=time(23, 30),
            end_time=time(0, 30),
            attendance=Attendance.ONLINE,
            timezone="America/New_York",
            conference_url="https://zoom.example.org/j/1",
            conference_url_notes="Passcode: hope",
            conference_phone="+16465588656",
            formats=["TOOLS"],
        ),
        "sample": make_meeting(name="Invented (sample)", is_sample=True),
        "inactive": make_meeting(name="Stopped Meeting", is_active=False),
    }


def get_feed(client, **params):
    response = client.get(reverse("groups:meetings_json"), params)
    assert response.status_code == 200
    return response


def test_feed_gives_meeting_guide_fields(client, meetings):
    records = {record["slug"]: record for record in get_feed(client).json()}
    clean_start = meetings["na"]
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
    assert record["group"] == "Narcotics Anonymous"
    assert record["url"] == f"http://testserver/meetings/{clean_start.slug}/"
    assert "conference_url" not in record
    expected = max(clean_start.updated, clean_start.location.updated).astimezone(UTC)
    assert record["updated"] == expected.strftime("%Y-%m-%d %H:%M:%S")
    assert not [key for key in record if key.startswith("contact")]


def test_feed_online_secular_meeting(client, meetings):
    records = {record["slug"]: record for record in get_feed(client).json()}
    record = records[meetings["smart"].slug]
    assert record["types"] == ["EN", "TOOLS", "A"]
    assert (record["day"], record["time"], record["end_time"]) == (6, "23:30", "00:30")
    assert record["conference_url"] == "https://zoom.example.org/j/1"
    assert record["conference_url_notes"] == "Passcode: hope"
    assert record["conference_phone"] == "+16465588656"
    assert record["attendance_option"] == "online"
    assert "address" not in record and "latitude" not in record


def test_feed_leaves_out_samples_and_inactive_meetings(client, meetings):
    names = {record["name"] for record in get_feed(client).json()}
    assert names == {"Clean Start", "SMART Online"}


def test_feed_filters_by_repeatable_program(client, meetings, make_meeting, programs):
    make_meeting(program=programs["sos"], name="SOS Tuesday", weekday=2)
    assert [r["name"] for r in get_feed(client, program="na").json()] == ["Clean Start"]
    both = get_feed(client, program=["smart", "sos"]).json()
    assert sorted(r["name"] for r in both) == ["SMART Online", "SOS Tuesday"]


def test_feed_refuses_an_unknown_program(client, db):
    response = client.get(reverse("groups:meetings_json"), {"program": "aa"})
    assert response.status_code == 400
    assert "aa" in response.content.decode()


def test_feed_answers_304_until_a_meeting_changes(client, meetings):
    first = get_feed(client)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert first["Access-Control-Allow-Origin"] == "*"
    url = reverse("groups:meetings_json")
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    assert client.get(url, headers={"if-modified-since": modified}).status_code == 304

    meeting = meetings["na"]
    meeting.start_time = time(19, 30)
    meeting.save()
    changed = client.get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed["Last-Modified"] == http_date(meeting.updated.timestamp())


def test_feed_changes_when_a_meeting_is_deactivated_or_deleted(client, meetings):
    etag = get_feed(client)["ETag"]
    meetings["smart"].is_active = False
    meetings["smart"].save()
    after_deactivation = get_feed(client)["ETag"]
    assert after_deactivation != etag
    meetings["na"].delete()
    assert get_feed(client)["ETag"] != after_deactivation


def test_feed_is_compressed_for_clients_that_accept_gzip(client, meetings):
    response = client.get(reverse("groups:meetings_json"), headers={"accept-encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    records = json.loads(gzip.decompress(response.content))
    assert {record["name"] for record in records} == {"Clean Start", "SMART Online"}


def test_a_compressed_feed_answers_304_to_its_own_etag(client, meetings):
    url = reverse("groups:meetings_json")
    gzip_headers = {"accept-encoding": "gzip"}
    etag = client.get(url, headers=gzip_headers)["ETag"]
    assert etag.startswith('W/"')  # Compression makes the tag weak; it still matches.
    response = client.get(url, headers={**gzip_headers, "if-none-match": etag})
    assert response.status_code == 304


def test_feed_queries_do_not_grow_with_meetings(
    client, meetings, make_meeting, django_assert_max_num_queries
):
    for n in range(10):
        make_meeting(name=f"Extra {n}", formats=["O", "BE"])
    # Version aggregate, meetings with program and place, their formats.
    with django_assert_max_num_queries(3):
        assert len(get_feed(client).json()) == 12


def spec_type_codes():
    """Adopted and proposed Meeting Guide codes: from ../shared when present, else our copy."""
    adopted = SHARED_REFERENCE / "meeting-guide-types.json"
    if adopted.exists():
        proposed = SHARED_REFERENCE / "meeting-guide-types-proposed.json"
        return set(json.loads(adopted.read_text())) | set(json.loads(proposed.read_text()))
    copy = json.loads((DATA / "meeting-guide-type-codes.json").read_text())
    return set(copy["adopted"]) | set(copy["proposed"])


def test_every_feed_type_code_is_in_the_spec_or_documented_as_ours(client, make_meeting, programs):
    ours = {term.code for term in FORMATS if term.ours}
    every_format = [term.code for term in FORMATS]
    for slug in programs:
        make_meeting(program=programs[slug], name=f"All formats {slug}", formats=every_format)
    for language in ["en", "es", "fr", "pt", "ja"]:
        make_meeting(name=f"In {language}", language=language)
    codes = {code for record in get_feed(client).json() for code in record["types"]}
    assert len(codes) >= len(every_format)
    assert codes - spec_type_codes() <= ours
    # Our own codes never take a code the spec has adopted or proposed.
    assert not ours & spec_type_codes()
    assert Format.objects.filter(code__in=ours, is_meeting_guide=False).count() == len(ours)


@pytest.mark.skipif(
    not SHARED_REFERENCE.exists(),
    reason="../shared/reference is not beside the checkout; the copy in tests/data is used",
)
def test_our_copy_of_the_spec_codes_matches_the_reference():
    copy = json.loads((DATA / "meeting-guide-type-codes.json").read_text())
    adopted = json.loads((SHARED_REFERENCE / "meeting-guide-types.json").read_text())
    assert set(copy["adopted"]) == set(adopted)
    assert "MIT" in copy["licence"][0]


# CSV of search results.


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_csv_gives_the_search_results_in_order(client, meetings, make_meeting, make_location):
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


def test_results_page_links_to_its_csv(client, meetings):
    params = {"q": "Portland, OR", "program": "na"}
    page = client.get(reverse("groups:meeting_list"), params).content.decode()
    assert f'href="{reverse("groups:meetings_csv")}?q=Portland%2C+OR&amp;program=na"' in page


def test_csv_takes_the_filters_of_the_results_page(client, meetings):
    # With a day chosen, online meetings are listed whenever they start that day.
    params = {"attendance": "online", "program": "smart", "day": "6"}
    rows = read_csv(client.get(reverse("groups:meetings_csv"), params))
    assert [row["name"] for row in rows] == ["SMART Online"]
    assert rows[0]["attendance"] == "online" and rows[0]["distance_km"] == ""
    # A dial-in number starts with "+": quoted so a spreadsheet does not read a formula.
    assert rows[0]["conference_phone"] == "'+16465588656"
    none = read_csv(client.get(reverse("groups:meetings_csv"), {**params, "program": "na"}))
    assert none == []


def test_csv_leaves_out_samples(client, meetings):
    rows = read_csv(client.get(reverse("groups:meetings_csv"), {"q": "Portland, OR"}))
    assert [row["name"] for row in rows] == ["Clean Start"]


def test_csv_refuses_invalid_parameters(client, db):
    response = client.get(reverse("groups:meetings_csv"), {"lat": "200", "lng": "0"})
    assert response.status_code == 400


def test_feed_queryset_matches_the_feed(meetings):
    assert set(feed_queryset(["na"])) == {meetings["na"]}
    assert Meeting.objects.count() == 4
    assert datetime.now(UTC) >= meetings["na"].updated
