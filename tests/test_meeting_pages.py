import json
import logging
import re
from datetime import UTC, date, datetime, time, timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from dateutil.rrule import rrulestr
from django.urls import reverse
from icalendar import Calendar

from groups import calendars
from groups.models import Attendance, Location, Meeting
from groups.views import exports


def page_text(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD script on the page"
    return json.loads(match.group(1))


def parse_calendar(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


# The meeting page


def test_meeting_page_shows_program_schedule_place_and_formats(client, make_meeting, make_location):
    location = make_location(
        name="St. Mark's Hall",
        address="1 Main St",
        postal_code="97205",
        directions="Side door on Oak Street, basement room 3.",
    )
    meeting = make_meeting(location=location, formats=["O", "X"], language="es")
    html = page_text(client, meeting.get_absolute_url())

    assert "Narcotics Anonymous" in html and "philosophy-twelve-step" in html
    assert "Every <strong>Monday</strong>, 19:00–20:00" in html
    assert "Next meeting:" in html or "In progress now" in html
    assert "1 Main St" in html and "St. Mark&#x27;s Hall" in html
    assert "Side door on Oak Street, basement room 3." in html
    assert "https://www.openstreetmap.org/directions?to=45.52340%2C-122.67620" in html
    assert 'href="geo:45.52340,-122.67620"' in html
    assert "Spanish" in html
    for fmt in meeting.formats.all():
        assert fmt.name in html and fmt.description in html
    assert reverse("groups:meeting_ics", args=[meeting.slug]) in html
    assert "twelve steps" in html  # the philosophy explained in words


def test_online_meeting_page_shows_join_link_and_phone_with_notes(client, make_meeting):
    meeting = make_meeting(
        attendance=Attendance.ONLINE,
        conference_url="https://zoom.example.org/j/123",
        conference_url_notes="Meeting ID 123, passcode hope",
        conference_phone="+1 555 010 2000",
        conference_phone_notes="Press # twice",
    )
    html = page_text(client, meeting.get_absolute_url())
    assert 'href="https://zoom.example.org/j/123"' in html
    assert "Meeting ID 123, passcode hope" in html
    assert 'href="tel:+15550102000"' in html and "Press # twice" in html
    assert "openstreetmap.org/directions" not in html  # nowhere to walk to


def test_hybrid_meeting_page_has_both_the_address_and_the_join_link(client, make_meeting):
    meeting = make_meeting(attendance=Attendance.HYBRID)
    html = page_text(client, meeting.get_absolute_url())
    assert "openstreetmap.org/directions" in html
    assert 'href="https://meet.example.org/hope"' in html


@pytest.mark.parametrize(
    ("days_ago", "expected", "cautioned"),
    [
        (95, "Verified 3 months ago.", False),
        (0, "Verified today.", False),
        (400, "last confirmed 1 year ago, more than a year ago", True),
        (None, "Nobody has confirmed this listing yet.", True),
    ],
)
def test_meeting_page_says_when_it_was_verified(
    client, make_meeting, days_ago, expected, cautioned
):
    verified = None if days_ago is None else date.today() - timedelta(days=days_ago)
    meeting = make_meeting(last_verified=verified)
    html = page_text(client, meeting.get_absolute_url()).replace("\xa0", " ")
    assert expected in html
    assert ("Please check before you go." in html) is cautioned


def test_meeting_page_links_to_report_a_problem(client, make_meeting):
    meeting = make_meeting()
    html = page_text(client, meeting.get_absolute_url())
    url = reverse("groups:suggest_change", args=[meeting.slug])
    assert f'<a href="{url}">Report a problem with this listing</a>' in html


def test_only_public_contacts_are_shown(client, make_meeting):
    meeting = make_meeting()
    meeting.contacts.create(name="Secretary", phone="555 0100", is_public=True)
    meeting.contacts.create(name="Private Pat", email="pat@example.org")
    html = page_text(client, meeting.get_absolute_url())
    assert "Secretary" in html and 'href="tel:5550100"' in html
    assert "Private Pat" not in html and "pat@example.org" not in html


def test_unknown_meeting_is_404(client, db):
    assert client.get(reverse("groups:meeting", args=["no-such-meeting"])).status_code == 404


# JSON-LD


def test_meeting_page_carries_a_weekly_schema_org_event(client, make_meeting):
    meeting = make_meeting(weekday=3, start_time=time(18, 30), end_time=time(20, 0))
    event = json_ld(page_text(client, meeting.get_absolute_url()))
    assert event["@context"] == "https://schema.org" and event["@type"] == "Event"
    assert event["name"] == "Hope Group"
    assert event["eventSchedule"] == {
        "@type": "Schedule",
        "byDay": "https://schema.org/Wednesday",
        "startTime": "18:30",
        "endTime": "20:00",
        "repeatFrequency": "P1W",
        "scheduleTimezone": "America/Los_Angeles",
    }
    assert event["location"]["address"]["addressLocality"] == "Portland"
    assert event["location"]["geo"]["latitude"] == pytest.approx(45.5234)
    start = datetime.fromisoformat(event["startDate"])
    assert start.strftime("%A %H:%M") == "Wednesday 18:30"


def test_hybrid_event_has_a_place_and_a_virtual_location(client, make_meeting):
    meeting = make_meeting(attendance=Attendance.HYBRID)
    event = json_ld(page_text(client, meeting.get_absolute_url()))
    assert event["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert [place["@type"] for place in event["location"]] == ["Place", "VirtualLocation"]


def test_json_ld_cannot_close_its_script_element(client, make_meeting):
    meeting = make_meeting(name="</script><script>alert(1)</script>")
    html = page_text(client, meeting.get_absolute_url())
    assert "<script>alert(1)" not in html
    assert json_ld(html)["name"] == "</script><script>alert(1)</script>"


# Calendars


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


def test_calendar_keeps_wall_clock_time_across_daylight_saving(make_meeting):
    meeting = make_meeting(weekday=0, start_time=time(19, 0), end_time=time(20, 0))
    # Sunday 2 March 2025, before the United States moves its clocks on 9 March.
    now = datetime(2025, 3, 2, 12, 0, tzinfo=UTC)
    calendar = Calendar.from_ical(
        calendars.calendar_for([meeting], lambda m: "https://x.test/", "x.test", now).to_ical()
    )
    [event] = calendar.walk("VEVENT")
    start = event["DTSTART"].dt
    assert (start.date(), start.utcoffset()) == (date(2025, 3, 2), timedelta(hours=-8))
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=start)
    second = rule[1]
    assert second.date() == date(2025, 3, 9) and second.strftime("%H:%M") == "19:00"
    assert second.utcoffset() == timedelta(hours=-7)


def test_calendar_starts_on_the_local_day_for_meetings_past_midnight_utc(make_meeting):
    meeting = make_meeting(weekday=6, start_time=time(23, 30), end_time=time(0, 30))
    now = datetime(2025, 7, 1, tzinfo=UTC)
    ical = calendars.calendar_for([meeting], lambda m: "https://x.test/", "x.test", now).to_ical()
    assert b"DTSTART;TZID=America/Los_Angeles:20250705T233000" in ical
    assert b"DTEND;TZID=America/Los_Angeles:20250706T003000" in ical


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
    html = page_text(client, reverse("groups:meeting_list") + "?q=Portland%2C+OR&program=na")
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


# Program pages and the guide


@pytest.mark.parametrize("slug", ["na", "dra", "sos", "smart", "lifering"])
def test_program_page_explains_the_approach_and_links_into_search(client, programs, slug):
    program = programs[slug]
    html = page_text(client, reverse("groups:program", args=[slug]))
    assert program.name in html
    assert program.approach.split(".")[0] in html
    assert program.first_meeting.split(".")[0] in html
    assert f"philosophy-{program.philosophy}" in html
    assert f'<input type="hidden" name="program" value="{slug}">' in html
    assert f"?program={slug}&amp;attendance=online" in html
    assert ("higher power" in html) and (
        ("twelve-step program" in html) == (program.philosophy == "twelve-step")
    )


def test_program_page_counts_its_active_meetings(client, make_meeting, programs):
    make_meeting(program=programs["smart"])
    make_meeting(program=programs["smart"], attendance=Attendance.ONLINE)
    make_meeting(program=programs["smart"], is_active=False)
    html = page_text(client, reverse("groups:program", args=["smart"]))
    short_name = programs["smart"].short_name
    assert f"lists 2 active {short_name} meetings" in html and "(1 listed)" in html


def test_choosing_page_covers_the_factors_peer_support_and_questions(client, db):
    html = page_text(client, reverse("groups:choosing"))
    for heading in [
        "Where and when it meets",
        "The people in the group",
        "Who leads the meeting",
        "How it feels",
        "How meetings are run",
        "What the group believes",
        "Extra help",
        "Try a few",
        "Peer support groups",
        "Professional counselling",
        "Common questions",
        "Do I have to talk?",
    ]:
        assert heading in html
    assert html.count('class="philosophy philosophy-') == 5


def test_header_links_to_search_programs_and_the_guide(client, db):
    html = page_text(client, reverse("groups:choosing"))
    assert f'href="{reverse("groups:choosing")}" aria-current="page"' in html
    assert f'href="{reverse("groups:meeting_list")}"' in html


# Privacy: nothing on a public page asks another host for anything


class ResourceCollector(HTMLParser):
    """Collect every URL a browser would fetch by itself: scripts, styles, images, frames."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "audio", "video") and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])
        if attrs.get("srcset"):
            self.urls.extend(part.split()[0] for part in attrs["srcset"].split(","))


def fetched_urls(html):
    collector = ResourceCollector()
    collector.feed(html)
    return collector.urls


def public_pages(meeting):
    return [
        reverse("groups:home"),
        reverse("groups:meeting_list") + "?q=Portland%2C+OR",
        meeting.get_absolute_url(),
        reverse("groups:program", args=["na"]),
        reverse("groups:choosing"),
    ]


def test_no_public_page_fetches_from_another_host(client, make_meeting, settings):
    settings.MAP_TILE_URL = ""
    meeting = make_meeting()
    for url in public_pages(meeting):
        html = page_text(client, url)
        resources = fetched_urls(html)
        assert any("/static/css/site.css" in r for r in resources)
        for resource in resources:
            assert urlsplit(resource).netloc in ("", "testserver"), (url, resource)
        assert "leaflet" not in html and 'id="meeting-map"' not in html


def test_map_appears_only_with_a_tile_url(client, make_meeting, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© Example contributors"
    meeting = make_meeting()
    html = page_text(client, meeting.get_absolute_url())
    assert 'id="meeting-map"' in html
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in html
    assert any("vendor/leaflet/leaflet.js" in url for url in fetched_urls(html))
    online = make_meeting(name="Online", attendance=Attendance.ONLINE)
    assert "leaflet" not in page_text(client, online.get_absolute_url())


def test_meeting_without_coordinates_gets_an_address_search_link(client, make_meeting):
    location = Location.objects.create(
        name="Library",
        address="5 Elm St",
        city="Salem",
        region="OR",
        timezone="America/Los_Angeles",
    )
    meeting = make_meeting(location=location)
    html = page_text(client, meeting.get_absolute_url())
    assert "openstreetmap.org/search?query=5%20Elm%20St%2C%20Salem%2C%20OR%2C%20US" in html
    assert "geo:" not in html
    assert Meeting.objects.count() == 1


def test_searched_places_are_not_logged(client, make_meeting, caplog):
    make_meeting()
    caplog.set_level(logging.DEBUG)
    client.get(reverse("groups:meeting_list"), {"q": "Portland, OR"})
    client.get(reverse("groups:meeting_list"), {"q": "Nowhereville"})
    client.get(reverse("groups:meetings_ics"), {"q": "Portland, OR"})
    assert "Portland" not in caplog.text and "Nowhereville" not in caplog.text


def test_more_choices_open_only_when_one_is_in_use(client, make_meeting):
    make_meeting()
    url = reverse("groups:meeting_list")
    closed = page_text(client, url + "?q=Portland%2C+OR")
    assert '<details class="more-filters">' in closed
    opened = page_text(client, url + "?q=Portland%2C+OR&philosophy=secular")
    assert '<details class="more-filters" open>' in opened


def test_online_meeting_page_carries_its_start_for_the_visitors_clock(client, make_meeting):
    meeting = make_meeting(attendance=Attendance.ONLINE)
    html = page_text(client, meeting.get_absolute_url())
    start = re.search(r'data-your-time="([^"]+)" data-zone="America/New_York"', html).group(1)
    assert datetime.fromisoformat(start) == meeting.next_occurrence().start
