"""Public pages through the client (groups/views/pages.py): home, results, meetings, guides."""

import json
import logging
import re
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.db import connection
from django.urls import reverse
from django.views.defaults import server_error
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groups import schedule
from groups.models import Attendance, Location, Meeting


def page_text(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD script on the page"
    return json.loads(match.group(1))


# Home and health


def test_home_names_the_five_programs_with_philosophy(client, db):
    page = client.get(reverse("groups:home")).content.decode()
    for name in [
        "Narcotics Anonymous",
        "Dual Recovery Anonymous",
        "Secular Organizations for Sobriety",
        "SMART Recovery",
        "LifeRing Secular Recovery",
    ]:
        assert name in page
    assert page.count('class="philosophy philosophy-twelve-step"') == 2
    assert page.count('class="philosophy philosophy-secular"') == 3


def test_home_page_carries_the_search_form(client, db):
    page = client.get(reverse("groups:home")).content.decode()
    assert 'action="/meetings/"' in page and 'method="get"' in page and 'name="q"' in page


def test_health_up(client, db):
    response = client.get(reverse("groups:health"))
    assert response.status_code == 200 and response.json()["database"] == "up"


def test_health_down_answers_503(client, database_down):
    response = client.get(reverse("groups:health"))
    assert response.status_code == 503 and response.json()["database"] == "down"


# Search results


def test_results_page_shows_count_distance_reasons_and_time(
    client, meeting_at, programs, portland, north_of
):
    near = meeting_at(
        north_of(portland, 5), program=programs["smart"], formats=["BE"], name="Near Group"
    )
    response = client.get(
        reverse("groups:meeting_list"),
        {"q": "Portland, OR", "unit": "mi", "prefer_philosophy": "secular", "prefer_format": "BE"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 meeting" in page and f'href="{near.get_absolute_url()}">Near Group' in page
    assert "3.1 mi · secular · newcomers welcome · " in page
    # Shown on the meeting's own wall clock, with its zone's abbreviation.
    assert f"Monday 19:00–20:00 {near.next_occurrence().start.tzname()}" in page


def test_reasons_name_the_preferred_formats_each_meeting_has_but_no_room_online(
    client, meeting_at, make_meeting, portland
):
    meeting_at(portland, formats=["BE", "D", "X"], name="Room")
    # Stored before the rule that an online meeting has no wheelchair access: never shown.
    make_meeting(
        attendance=Attendance.ONLINE, formats=["D", "X"], name="Call", **in_two_hours("UTC")
    )
    params = {
        "q": "Portland, OR",
        "attendance": ["in-person", "online"],
        "prefer_format": ["X", "D", "W", "D"],  # Sent twice, named once.
    }
    page = client.get(reverse("groups:meeting_list"), params).content.decode()
    reasons = dict(re.findall(r'">(Room|Call)</a>.*?<p class="result-why">([^<]*)</p>', page, re.S))
    assert " · wheelchair access · discussion · " in reasons["Room"]
    assert reasons["Room"].count("discussion") == 1
    assert " · twelve-step · discussion · " in reasons["Call"]
    assert "wheelchair" not in reasons["Call"]
    assert "women" not in page
    spanish = client.get("/es" + reverse("groups:meeting_list"), params).content.decode()
    assert " · discusión · " in spanish


def test_result_cards_escape_what_curators_typed(client, make_meeting, make_location, portland):
    venue = make_location(latitude=portland[0], longitude=portland[1], name="<i>Hall</i> & Co")
    make_meeting(location=venue, name='<b>Hope</b> "Unity"')
    page = page_text(client, reverse("groups:meeting_list") + "?q=Portland%2C+OR")
    assert "&lt;b&gt;Hope&lt;/b&gt; &quot;Unity&quot;</a>" in page
    assert "<p>&lt;i&gt;Hall&lt;/i&gt; &amp; Co, " in page
    assert "<b>Hope" not in page and "<i>Hall" not in page


def test_the_more_choices_show_what_each_search_chose_though_their_markup_is_kept(
    client, meeting_at, portland
):
    meeting_at(portland)
    url = reverse("groups:meeting_list")
    searches = [
        {"sort": "distance", "day": ["1", "3"]},
        {"sort": "soonest"},
        {"day": ["3", "1"], "sort": "distance", "q": "Salem, OR"},
        {"sort": "distance", "soon": "abc"},  # An error: its own rendering, never kept.
        {"sort": "distance"},
    ]
    for choices in searches * 2:
        query = urlencode({"q": "Portland, OR", **choices}, True)
        html = client.get(url + "?" + query).content.decode()
        chosen_sort = re.findall(r'<option value="(\w+)" selected>', html)
        days = re.findall(r'name="day" value="(\d)" checked', html)
        assert chosen_sort == [choices["sort"]]
        assert sorted(days) == sorted(choices.get("day", []))
        soon = re.search(r'<input type="number" name="soon"([^>]*)>', html).group(1)
        assert ('value="abc"' in soon) == ("soon" in choices)


def in_two_hours(zone_name):
    """(weekday, start time) two hours from now on the zone's wall clock."""
    later = datetime.now(zoneinfo.ZoneInfo(zone_name)) + timedelta(hours=2)
    return {"weekday": schedule.sunday_weekday(later), "start_time": time(later.hour, 0)}


def test_online_results_show_the_searchers_time(client, make_meeting):
    make_meeting(
        attendance=Attendance.ONLINE,
        timezone="Europe/London",
        name="London Online",
        **in_two_hours("Europe/London"),
    )
    page = client.get(
        reverse("groups:meeting_list"), {"q": "Portland, OR", "attendance": "online"}
    ).content.decode()
    assert "London Online" in page and "Your time:" in page
    assert datetime.now(zoneinfo.ZoneInfo("America/Los_Angeles")).tzname() in page


@pytest.mark.parametrize("sort", ["distance", "soonest"])
def test_pagination_keeps_every_parameter_and_costs_constant_queries(
    client, meeting_at, django_assert_max_num_queries, portland, north_of, sort
):
    for n in range(45):
        meeting_at(north_of(portland, 1 + n / 10), formats=["BE", "D"])
    url = reverse("groups:meeting_list")
    params = {"q": "Portland, OR", "format": "BE", "sort": sort, "unit": "km"}
    # The names listed (three, once a minute), the place, then the page of local meetings in
    # one query, with its total (whatever the order: read whole, not by keys then rows).
    with django_assert_max_num_queries(5) as queries:
        first = client.get(url, params).content.decode()
    read = [query for query in queries.captured_queries if '"groups_meeting"."id"' in query["sql"]]
    assert len(read) == 1
    assert "45 meetings" in first and first.count('class="result"') == 20
    assert "page=2" in first and "format=BE" in first and f"sort={sort}" in first
    with django_assert_max_num_queries(5):
        last = client.get(url, {**params, "page": "3"}).content.decode()
    assert last.count('class="result"') == 5
    beyond = client.get(url, {**params, "page": "999999"})
    assert beyond.status_code == 200 and beyond.content.decode().count('class="result"') == 5


def hour_from(start):
    """The schedule of an hour-long meeting in UTC whose weekly occurrence starts at ``start``."""
    return {
        "weekday": schedule.sunday_weekday(start),
        "start_time": start.time(),
        "end_time": (start + timedelta(hours=1)).time(),
        "timezone": "UTC",
    }


def result_names(page):
    """The names on a results page's cards, in order."""
    return re.findall(r'<li class="result".*?<h3><a href="[^"]+">([^<]+)</a>', page, re.S)


@pytest.mark.parametrize("sort", ["best", "distance", "soonest"])
def test_local_and_online_results_come_in_the_search_order_on_every_page(
    client, meeting_at, make_meeting, portland, north_of, sort
):
    # The page reads local and online meetings in separate queries and merges them: the
    # result must be the one search's order, page after page.
    start = datetime.now(UTC).replace(second=0, microsecond=0)
    for n in range(23):
        meeting_at(
            north_of(portland, 0.5 + (n * 7) % 20),
            name=f"Local {n}",
            **hour_from(start + timedelta(minutes=41 * n + 7)),
        )
        make_meeting(
            name=f"Online {n}",
            attendance=Attendance.ONLINE,
            **hour_from(start + timedelta(minutes=37 * n - 20)),
        )
    expected = [
        meeting.name
        for meeting in Meeting.objects.active().search(
            point=portland, include_online=True, online_hours=24, sort=sort
        )
    ]
    assert len(expected) == 46
    params = {"q": "Portland, OR", "attendance": ["in-person", "online"], "sort": sort}
    shown = []
    for number in (1, 2, 3):
        response = client.get(reverse("groups:meeting_list"), {**params, "page": number})
        page = response.content.decode()
        assert "46 meetings" in page
        shown += result_names(page)
    assert shown == expected
    # Past the end: the last page, counted across both parts.
    beyond = client.get(reverse("groups:meeting_list"), {**params, "page": 99}).content.decode()
    assert "46 meetings" in beyond and beyond.count('class="result"') == 6


def test_online_results_alone_come_in_the_search_order_on_every_page(
    client, make_meeting, django_assert_max_num_queries
):
    # Online meetings alone are sorted by their keys, then the page's rows are read by key:
    # the order must still be the one search's, page after page, at a constant cost.
    start = datetime.now(UTC).replace(second=0, microsecond=0)
    for n in range(60):
        make_meeting(
            name=f"Online {n}",
            attendance=Attendance.ONLINE if n % 5 else Attendance.HYBRID,
            **hour_from(start + timedelta(minutes=23 * n - 20)),
        )
    expected = [
        meeting.name
        for meeting in Meeting.objects.active().search(
            include_local=False, include_online=True, online_hours=24
        )
    ]
    assert len(expected) == 48  # The hybrid ones are held in a place too: not online alone.
    shown = []
    for number in (1, 2, 3):
        # The names listed (three, once a minute), the page's keys, then its meetings.
        with django_assert_max_num_queries(6):
            page = client.get(
                reverse("groups:meeting_list"), {"attendance": "online", "page": number}
            ).content.decode()
        assert "48 meetings" in page
        shown += result_names(page)
    assert shown == expected


def test_unknown_place_is_a_message_not_an_empty_list(client, db):
    response = client.get(reverse("groups:meeting_list"), {"q": "Atlantis, ZZ"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "We could not find" in page and "No meetings found" not in page


def test_did_you_mean_links_search_the_other_places(client, db):
    page = client.get(reverse("groups:meeting_list"), {"q": "Springfield"}).content.decode()
    assert "Did you mean" in page and "q=Springfield%2C+IL%2C+US" in page


PARAMETERS = [
    "q",
    "lat",
    "lng",
    "radius",
    "unit",
    "philosophy",
    "program",
    "attendance",
    "format",
    "language",
    "day",
    "time",
    "soon",
    "prefer_philosophy",
    "prefer_format",
    "sort",
    "page",
    "tz",
    "text",
]


NASTY = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "-1",
            "0",
            "1e309",
            "NaN",
            "inf",
            "999999",
            "45.5",
            "-122.6",
            "' OR 1=1 --",
            "<script>alert(1)</script>",
            "x" * 10_000,
            "na",
            "online",
            "secular",
        ]
    ),
    st.integers(-(10**12), 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(params=st.dictionaries(st.sampled_from(PARAMETERS), st.lists(NASTY, min_size=1, max_size=3)))
def test_fuzzed_parameters_never_break_the_page(client, meeting_at, portland, params):
    if not Meeting.objects.exists():
        meeting_at(portland)
    response = client.get(reverse("groups:meeting_list"), params)
    assert response.status_code in (200, 400)
    assert b"These listings are samples" not in response.content or Meeting.objects.samples()


def test_typed_places_never_leave_the_site_nor_stay_in_the_cache(client, db, settings):
    # Even with a network geocoder configured for volunteers' addresses, a visitor's search is
    # answered by the offline gazetteer: the unreachable domain below is never asked.
    settings.GEOCODER = "nominatim"
    settings.GEOCODER_DOMAIN = "127.0.0.1:9"

    response = client.get(reverse("groups:meeting_list"), {"q": "Portland, OR"})
    assert response.status_code == 200 and "Meetings near Portland, OR" in response.content.decode()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_cache")
        assert cursor.fetchone()[0] == 0


def test_form_keeps_the_choices_made_and_forgets_them_after(client, db):
    url = reverse("groups:meeting_list")
    chosen = client.get(url, {"q": "Portland, OR", "day": ["1", "3"], "sort": "distance"})
    page = chosen.content.decode()
    assert 'value="1" checked' in page and 'value="3" checked' in page
    # A format not offered as a box still shows, ticked, once it is chosen by URL.
    assert 'value="BT"' not in page
    by_url = client.get(url, {"q": "Portland, OR", "format": "BT"}).content.decode()
    assert 'value="BT" checked' in by_url
    assert (
        '<option value="distance" selected>' in page
        and '<details class="more-filters" open>' in page
    )
    # As the untouched form submits it: empty fields and the default order.
    plain = client.get(url, {"q": "Portland, OR", "day": "", "sort": "best"}).content.decode()
    assert "checked" not in plain and '<details class="more-filters">' in plain


def test_results_page_shows_the_sample_notice_only_while_samples_exist(
    client, meeting_at, portland
):
    from groups.demo import load_demo

    meeting_at(portland, name="Real Group")
    url = reverse("groups:meeting_list")
    notice = "These listings are samples, not real meetings."
    assert notice not in client.get(url, {"q": "Portland, OR"}).content.decode()
    load_demo(30, seed=3)  # somewhere in the world, maybe not near Portland
    assert notice in client.get(url, {"q": "Portland, OR"}).content.decode()
    assert notice in client.get(url, {"q": "Atlantis, ZZ"}).content.decode()


def test_more_choices_open_only_when_one_is_in_use(client, make_meeting):
    make_meeting()
    url = reverse("groups:meeting_list")
    closed = page_text(client, url + "?q=Portland%2C+OR")
    assert '<details class="more-filters">' in closed
    opened = page_text(client, url + "?q=Portland%2C+OR&philosophy=secular")
    assert '<details class="more-filters" open>' in opened


def test_results_page_links_to_its_csv(client, feed_meetings):
    params = {"q": "Portland, OR", "program": "na"}
    page = client.get(reverse("groups:meeting_list"), params).content.decode()
    assert f'href="{reverse("groups:meetings_csv")}?q=Portland%2C+OR&amp;program=na"' in page


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
    assert 'href="https://zoom.us/j/4155550100"' in html


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


def test_unknown_meeting_is_404_in_the_sites_style(client, db):
    response = client.get(reverse("groups:meeting", args=["no-such-meeting"]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "<h1>We could not find that page</h1>" in page
    assert 'class="site-header"' in page and "call or text 988" in page
    assert f'href="{reverse("groups:meeting_list")}"' in page


def test_server_error_page_is_in_the_sites_style_and_needs_no_database(rf):
    # No db fixture: a query while rendering would fail this test.
    response = server_error(rf.get("/meetings/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "<h1>Something went wrong on our side</h1>" in page
    assert 'class="site-header"' in page and "call or text 988" in page


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


def test_online_meeting_page_carries_its_start_for_the_visitors_clock(client, make_meeting):
    meeting = make_meeting(attendance=Attendance.ONLINE)
    html = page_text(client, meeting.get_absolute_url())
    start = re.search(r'data-your-time="([^"]+)" data-zone="America/New_York"', html).group(1)
    assert datetime.fromisoformat(start) == meeting.next_occurrence().start


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


def test_searched_places_are_not_logged(client, make_meeting, caplog):
    make_meeting()
    caplog.set_level(logging.DEBUG)
    client.get(reverse("groups:meeting_list"), {"q": "Portland, OR"})
    client.get(reverse("groups:meeting_list"), {"q": "Nowhereville"})
    client.get(reverse("groups:meetings_ics"), {"q": "Portland, OR"})
    assert "Portland" not in caplog.text and "Nowhereville" not in caplog.text


# Named groups and venues


def test_a_group_page_lists_only_its_active_meetings(client, make_meeting, programs):
    from groups.models import Group

    group = Group.objects.create(
        program=programs["na"], name="Clean Start Group", notes="Est. 1990"
    )
    monday = make_meeting(name="Clean Start Monday", group=group, weekday=1)
    make_meeting(name="Clean Start Friday", group=group, weekday=5)
    make_meeting(name="Stopped", group=group, is_active=False)
    make_meeting(name="Another Group's Meeting")
    response = client.get(reverse("groups:group", args=[group.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Clean Start Monday") < page.index("Clean Start Friday")
    assert "Stopped" not in page and "Another Group" not in page and "Est. 1990" in page
    meeting_page = client.get(monday.get_absolute_url()).content.decode()
    assert f'href="{group.get_absolute_url()}"' in meeting_page


def test_a_group_contact_stays_private_unless_ticked(client, programs):
    from groups.models import Group

    group = Group.objects.create(
        program=programs["na"], name="Quiet Group", email="secretary@example.org"
    )
    url = reverse("groups:group", args=[group.slug])
    assert "secretary@example.org" not in client.get(url).content.decode()
    group.contact_is_public = True
    group.save()
    assert "secretary@example.org" in client.get(url).content.decode()


def test_a_venue_page_lists_the_meetings_held_there(client, make_meeting, make_location):
    hall = make_location(name="Trinity Hall", region="40", country="JP", city="Kita")
    here = make_meeting(name="Held Here", location=hall)
    make_meeting(name="Online From Here", location=hall, attendance="online")
    response = client.get(reverse("groups:location", args=[hall.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Held Here" in page and "Online From Here" not in page
    assert "Kita, Tokyo" in page and ", 40" not in page
    assert (
        f'href="{hall.get_absolute_url()}"' in client.get(here.get_absolute_url()).content.decode()
    )


def test_an_online_meeting_page_tells_of_no_room(client, make_meeting, make_location):
    hall = make_location(name="Secret Room", directions="Knock twice.")
    meeting = make_meeting(attendance="online", location=hall, formats=["X", "D"])
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "wheelchair" not in page.lower()
    assert "Knock twice" not in page and "Secret Room" not in page
    assert "Hosted from Portland, OR" in page
    assert "Discussion" in page


def test_result_cards_name_the_region(client, make_meeting, make_location):
    kita = make_location(
        name="Kita Hall",
        city="Kita",
        region="40",
        country="JP",
        latitude=35.7528,
        longitude=139.7336,
        timezone="Asia/Tokyo",
    )
    make_meeting(name="Tokyo Hope", location=kita)
    page = client.get(reverse("groups:meeting_list"), {"lat": "35.75", "lng": "139.73"}).text
    assert "Kita Hall, Kita, Tokyo" in page and "Kita, 40" not in page


# Keyword search


def test_keyword_finds_meetings_by_name_venue_or_notes_ignoring_case_and_accents(
    client, meeting_at, make_meeting, make_location, portland
):
    url = reverse("groups:meeting_list")
    meeting_at(portland, name="Clean Start")
    make_meeting(name="Hope Group", location=make_location(name="Salón Esperanza"))
    meeting_at(portland, name="Serenity", notes="Next to the café.")
    assert "Clean Start" in page_text(client, url + "?q=Portland%2C+OR&text=CLEAN+start")
    venue = page_text(client, url + "?q=Portland%2C+OR&text=salon+ESPERANZA")
    assert "1 meeting" in venue and "Hope Group" in venue
    notes = page_text(client, url + "?text=Cafe")
    assert "1 meeting" in notes and "Serenity" in notes
    none = page_text(client, url + "?q=Portland%2C+OR&text=clean+serenity")
    assert "Clean Start" not in none and "Serenity</a>" not in none


def test_keyword_works_in_the_csv_too(client, meeting_at, portland):
    meeting_at(portland, name="Clean Start")
    meeting_at(portland, name="Hope Group")
    response = client.get(reverse("groups:meetings_csv"), {"q": "Portland, OR", "text": "clean"})
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert len(rows) == 2 and "Clean Start" in rows[1]


# Never a dead end


def empty_state(client, params):
    response = client.get(reverse("groups:meeting_list"), params)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="empty-state"' in html
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()), html


def test_nothing_near_shows_the_nearest_the_next_online_and_the_other_philosophy(
    client, meeting_at, make_meeting, programs, portland, north_of
):
    far = meeting_at(north_of(portland, 41), program=programs["smart"], name="Far SMART")
    meeting_at(north_of(portland, 3), program=programs["na"], name="Near NA")
    meeting_at(north_of(portland, 8), program=programs["dra"], name="Near DRA")
    online = make_meeting(
        program=programs["lifering"],
        attendance=Attendance.ONLINE,
        timezone="Europe/London",
        name="LifeRing Online",
        **in_two_hours("Europe/London"),
    )
    text, html = empty_state(client, {"q": "Portland, OR", "philosophy": "secular"})
    assert "No secular meeting within 25 km. The nearest is 41 km away." in text
    assert re.search(r"The next online meeting like this starts in about [12] hours?\.", text)
    assert "2 twelve-step meetings are within 25 km; the nearest is 3.0 km away." in text
    assert f'href="{far.get_absolute_url()}"' in html and "41 km · " in text
    assert f'href="{online.get_absolute_url()}"' in html
    assert "Near NA" not in text  # counted, not listed: it is not what was asked for
    assert "?q=Portland%2C+OR&amp;philosophy=twelve-step" in html
    assert "?q=Portland%2C+OR&amp;philosophy=secular&amp;radius=41" in html


def test_nothing_of_a_program_near_names_the_program_and_its_kin(
    client, meeting_at, programs, portland, north_of
):
    meeting_at(north_of(portland, 5), program=programs["lifering"], name="LifeRing Near")
    meeting_at(north_of(portland, 900), program=programs["smart"], name="SMART Far")
    text, html = empty_state(client, {"q": "Portland, OR", "program": "smart", "day": "1"})
    assert "No SMART meeting within 25 km fits all your choices." in text
    assert "At other times, the nearest is 900 km away." in text and "SMART Far" in text
    assert "One meeting of another secular program is within 25 km, 5.0 km away." in text
    nearest = html.split("Nearest, at any time")[1].split("</section>")[0]
    assert "radius=" not in nearest and "Search at any time" in nearest


def test_the_nearest_five_whatever_the_distance_in_the_chosen_unit(
    client, meeting_at, portland, north_of
):
    for km in (600, 100, 3000, 200, 50, 1500, 4400):
        meeting_at(north_of(portland, km), name=f"At {km} km")
    text, html = empty_state(client, {"q": "Portland, OR", "radius": "10", "unit": "mi"})
    assert "No meeting within 10 mi. The nearest is 31 mi away." in text
    listed = re.findall(r">At (\d+) km<", html)
    assert listed == ["50", "100", "200", "600", "1500"]
    assert "radius=32" in html and "Search within 32 mi" in text


def test_the_nearest_name_the_preferred_format_in_one_query_for_all(
    client, meeting_at, portland, north_of, django_assert_max_num_queries
):
    for km in (100, 200, 300, 400, 500):
        meeting_at(north_of(portland, km), name=f"At {km} km", formats=["BE"])
    params = {"q": "Portland, OR", "radius": "10", "prefer_format": "BE"}
    empty_state(client, params)  # The names listed are read once a minute: not counted.
    # The place, the page, the nearest (each try of a wider radius), the next online meetings,
    # and the formats of all the cards together: not one query a card.
    with django_assert_max_num_queries(8):
        _, html = empty_state(client, params)
    assert len(re.findall(r">At \d+ km<", html)) == 5
    assert html.count("newcomers welcome") == 5


def test_an_empty_page_says_where_nothing_is_listed_yet(client, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        text, _ = empty_state(client, {"q": "Portland, OR", "program": "sos"})
    assert "No SOS meeting within 25 km. No meeting like this is listed anywhere yet." in text
    assert "Include online meetings" in text


# Results first: the search as chips, and one-tap choices


def test_the_search_folds_into_chips_each_removing_just_its_choice(client, meeting_at, portland):
    meeting_at(portland, formats=["O"], weekday=2)
    params = "q=Portland%2C+OR&radius=10&unit=mi&day=2&day=4&format=O&prefer_philosophy=secular"
    html = page_text(client, reverse("groups:meeting_list") + "?" + params + "&page=1")
    chips = re.findall(r'<a class="chip" href="\?([^"]*)" aria-label="Remove “([^”]*)”">', html)
    removed = {label: parse_qs(query.replace("&amp;", "&")) for query, label in chips}
    assert list(removed) == ["Within 10 mi", "Open", "Tuesday", "Thursday", "Secular preferred"]
    asked = parse_qs(params)
    for label, name, value in [
        ("Open", "format", "O"),
        ("Tuesday", "day", "2"),
        ("Secular preferred", "prefer_philosophy", "secular"),
    ]:
        expected = {**asked, name: [v for v in asked[name] if v != value]}
        assert removed[label] == {key: values for key, values in expected.items() if values}
    rest = {key: values for key, values in asked.items() if key not in ("radius", "unit")}
    assert removed["Within 10 mi"] == rest
    assert '<details class="change-search">' in html and "<summary>Change search</summary>" in html
    # The whole form is still there for changing the search, with script off too.
    assert 'name="q" id="id_q" value="Portland, OR"' in html


def test_one_tap_choices_are_plain_links_in_the_searchers_days(client, meeting_at, portland):
    meeting_at(portland)
    url = reverse("groups:meeting_list")
    html = page_text(client, url + "?q=Portland%2C+OR&tz=Asia%2FTokyo&soon=5")
    quick = re.findall(r'<li><a href="\?([^"]*)"( aria-current="true")?>([^<]*)</a></li>', html)
    links = {
        label: (parse_qs(query.replace("&amp;", "&")), bool(current))
        for query, current, label in quick
    }
    today = schedule.sunday_weekday(datetime.now(zoneinfo.ZoneInfo("Asia/Tokyo")))
    in_tokyo = {"q": ["Portland, OR"], "tz": ["Asia/Tokyo"]}
    assert links["Today"] == ({**in_tokyo, "day": [str(today)]}, False)
    assert links["Tomorrow"][0]["day"] == [str((today + 1) % 7)]
    assert links["Starting within 2 hours"][0]["soon"] == ["2"]
    assert links["Online now"][0] == {**in_tokyo, "attendance": ["online"], "soon": ["1"]}
    assert 'aria-label="Remove “Starting within 5 hours”"' in html
    half = page_text(client, url + "?q=Portland%2C+OR&soon=2.50")
    assert 'aria-label="Remove “Starting within 2.5 hours”"' in half
    chosen = page_text(client, url + "?q=Portland%2C+OR&soon=2")
    current = '<a href="?q=Portland%2C+OR&amp;soon=2" aria-current="true">Starting within 2 hours'
    assert current in chosen


def test_home_offers_online_meetings_now(client, db):
    html = page_text(client, reverse("groups:home"))
    online_now = reverse("groups:meeting_list") + "?attendance=online&amp;soon=1"
    assert f'href="{online_now}">Online now' in html


# Place suggestions


def test_place_suggestions_answer_json_from_the_gazetteer(client, db):
    response = client.get(reverse("groups:place_suggestions"), {"q": "portl"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    places = response.json()["places"]
    assert len(places) == 8
    assert places[0] == {"label": "Portland, OR, US", "value": "Portland, OR, US"}
    assert response["Cache-Control"] == "private, max-age=300"
    zips = client.get(reverse("groups:place_suggestions"), {"q": "97201"}).json()["places"]
    assert zips == [{"label": "97201 Portland, OR, US", "value": "97201"}]
    assert client.get(reverse("groups:place_suggestions")).json() == {"places": []}
    assert client.post(reverse("groups:place_suggestions"), {"q": "port"}).status_code == 405


def test_place_suggestions_are_neither_logged_nor_kept(client, db, caplog):
    caplog.set_level(logging.DEBUG)
    client.get(reverse("groups:place_suggestions"), {"q": "Portlan"})
    client.get(reverse("groups:meeting_list"), {"q": "Portlnd"})
    assert "Portlan" not in caplog.text and "Portlnd" not in caplog.text
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_cache")
        assert cursor.fetchone()[0] == 0


def test_an_unknown_place_offers_did_you_mean(client, db):
    response = client.get(reverse("groups:meeting_list"), {"q": "Portlnd", "day": "2"})
    html = response.content.decode()
    assert response.status_code == 400 and "We could not find “Portlnd”" in html
    assert '<details class="did-you-mean" open>' in html
    assert 'href="?q=Portland%2C+OR%2C+US&amp;day=2">Portland, OR, US</a>' in html


def test_a_typed_place_wins_over_the_coordinates_of_my_location(client, meeting_at, portland):
    meeting_at(portland, name="Portland Group")
    # The form of a search near "your location" keeps lat and lng; then someone types a town.
    html = page_text(client, reverse("groups:meeting_list") + "?q=Portland%2C+OR&lat=51.5&lng=0")
    assert "Meetings near Portland, OR" in html and "Portland Group" in html


# Share and keep: icons and the web app manifest


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/favicon.ico", "image/x-icon"),
        ("/favicon.svg", "image/svg+xml"),
        ("/apple-touch-icon.png", "image/png"),
        ("/manifest.webmanifest", "application/manifest+json"),
    ],
)
def test_icons_and_manifest_are_served_at_the_root(client, db, path, content_type):
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"].startswith(content_type)


def test_the_manifest_names_the_site_its_colour_and_icons_that_exist(client, db):
    response = client.get("/manifest.webmanifest")
    manifest = json.loads(response.content)
    assert manifest["name"] == "Meeting Finder" and manifest["start_url"] == "/"
    assert manifest["lang"] == "en"
    # Added from the Spanish pages, the app is Spanish and opens at the Spanish home page.
    spanish = json.loads(client.get("/es/manifest.webmanifest").content)
    assert spanish["name"] == "Buscador de reuniones" and spanish["start_url"] == "/es/"
    assert spanish["lang"] == "es" and spanish["icons"] == manifest["icons"]
    assert '<link rel="manifest" href="/es/manifest.webmanifest">' in page_text(client, "/es/")
    assert manifest["theme_color"] == "#0b5cad" and manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_every_page_links_its_icons_manifest_and_theme_colour(client, make_meeting):
    for url in public_pages(make_meeting()):
        html = page_text(client, url)
        assert '<link rel="icon" href="/favicon.ico"' in html
        assert '<link rel="icon" href="/favicon.svg" type="image/svg+xml">' in html
        assert '<link rel="manifest" href="/manifest.webmanifest">' in html
        assert '<meta name="theme-color" content="#0b5cad"' in html


def test_meeting_pages_and_result_lists_offer_to_share(client, meeting_at, portland):
    meeting = meeting_at(portland)
    html = page_text(client, meeting.get_absolute_url())
    assert 'data-share="Hope Group"' in html and ">Share this meeting</button>" in html
    results = page_text(client, reverse("groups:meeting_list") + "?q=Portland%2C+OR")
    assert ">Share this list</button>" in results


# Light: a results page stays small


def test_a_results_page_stays_under_25_kb(client, db, settings):
    from groups.demo import load_demo

    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    load_demo(5000, seed=1)  # what `make run` shows: sample names, notice and badges
    busy = "&radius=50&prefer_philosophy=secular&prefer_format=BE&prefer_format=W&language=en"
    # What the form itself sends: every field, most of them empty.
    submitted = (
        "&text=&lat=&lng=&tz=&radius=50&unit=km&philosophy=&time=&soon=&language="
        "&prefer_philosophy=&sort=best&day=1&day=3&day=5&attendance=in-person&attendance=hybrid"
    )
    for path in ["/meetings/", "/es/meetings/"]:
        for query in [
            "?q=Shanghai",
            "?q=New+York" + busy,
            "?q=Los+Angeles&attendance=online",
            "?q=New+York" + submitted,
        ]:
            html = page_text(client, path + query)
            assert html.count('<li class="result"') == 20, query
            assert len(html.encode()) < 25_000, (path + query, len(html.encode()))
            # No link carries the empty fields on: chips, one-tap choices, pages, exports.
            assert not re.search(r"[?&;](text|lat|philosophy|soon)=[&\"]", html), query


def test_a_meeting_page_stays_under_15_kb(client, db, settings):
    from groups.demo import load_demo

    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    load_demo(500, seed=1)  # With the sample notice, badges and the map.
    hybrid = Meeting.objects.filter(attendance=Attendance.HYBRID).first()
    for meeting in [Meeting.objects.first(), hybrid]:
        for language in ["", "/es"]:
            html = page_text(client, language + meeting.get_absolute_url())
            assert len(html.encode()) < 15_000, (meeting.slug, language, len(html.encode()))


def test_no_link_to_a_radius_the_form_would_refuse(client, meeting_at, portland, north_of):
    meeting_at(north_of(portland, 499.5), name="Far")
    # 499.5 km is 310.4 mi: 311 mi would be past the 500 km limit.
    text, html = empty_state(client, {"q": "Portland, OR", "unit": "mi"})
    assert "The nearest is 310 mi away." in text and "Far" in text
    assert "Search within" not in text


def test_an_online_only_search_says_so_and_every_one_tap_choice_shows(client, make_meeting):
    make_meeting(attendance=Attendance.ONLINE, timezone="Etc/UTC", weekday=0)
    html = page_text(
        client, reverse("groups:meeting_list") + "?q=Chicago&attendance=online&soon=168"
    )
    assert '<h1 class="results-title">Online meetings</h1>' in html
    quick = html.split('class="quick-choices"')[1].split("</nav>")[0]
    assert [label for label in re.findall(r">([^<>]+)</a>", quick)] == [
        "Today",
        "Tomorrow",
        "Starting within 2 hours",
        "Online now",
    ]


def test_the_default_radius_is_said_but_not_removable(client, meeting_at, portland):
    meeting_at(portland)
    html = page_text(client, reverse("groups:meeting_list") + "?q=Portland%2C+OR")
    assert '<li><span class="chip">Within 25 km</span></li>' in html
    html = page_text(client, reverse("groups:meeting_list") + "?q=Portland%2C+OR&radius=10")
    assert "Within 25 km" not in html and 'aria-label="Remove “Within 10 km”"' in html


def online_at(make_meeting, name, start, minutes=60):
    """An online meeting, in UTC, whose week's occurrence starts at ``start``."""
    return make_meeting(
        attendance=Attendance.ONLINE,
        timezone="Etc/UTC",
        name=name,
        weekday=schedule.sunday_weekday(start),
        start_time=start.time().replace(second=0, microsecond=0),
        end_time=(start + timedelta(minutes=minutes)).time().replace(second=0, microsecond=0),
    )


def test_a_dead_end_says_an_online_meeting_is_in_progress_when_one_is(client, make_meeting):
    """The sentence follows the meetings listed, counted as their cards count."""
    now = datetime.now(UTC)
    online_at(make_meeting, "Running", now - timedelta(minutes=30), minutes=120)
    online_at(make_meeting, "Soon", now + timedelta(minutes=20))
    text, _ = empty_state(client, {"q": "Portland, OR"})
    assert "An online meeting like this is in progress now." in text
    assert "Running" in text and "Soon" in text


def test_a_time_window_with_nothing_near_offers_the_nearest_at_any_time(
    client, meeting_at, portland, north_of
):
    meeting_at(north_of(portland, 3), name="Later Near", weekday=3, start_time=time(19, 0))
    meeting_at(north_of(portland, 800), name="Far Soon", weekday=1, start_time=time(19, 0))
    text, html = empty_state(client, {"q": "Portland, OR", "day": "1"})
    assert "At other times, the nearest is 3.0 km away." in text
    nearest = html.split("Nearest, at any time")[1].split("</section>")[0]
    assert nearest.index("Later Near") < nearest.index("Far Soon")
    assert "day=" not in re.search(r'href="([^"]*)">Search at any time', nearest).group(1)


def test_a_dead_end_says_when_the_other_philosophy_has_nothing_near_either(
    client, meeting_at, programs, portland, north_of
):
    meeting_at(north_of(portland, 300), program=programs["na"], name="Far NA")
    text, _ = empty_state(client, {"q": "Portland, OR", "philosophy": "secular"})
    assert "No twelve-step meeting is within 25 km either." in text
    meeting_at(north_of(portland, 3), program=programs["na"], name="Near NA")
    text, _ = empty_state(client, {"q": "Portland, OR", "philosophy": "secular"})
    assert "either" not in text and "One twelve-step meeting is within 25 km" in text
