"""Public pages in a real browser: search, geolocation, privacy, accessibility, small screens."""

from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from groups.models import Meeting

pytestmark = pytest.mark.browser

RESULTS = reverse("groups:meeting_list") + "?q=Portland%2C+OR"


def public_pages(site):
    return {
        "home": reverse("groups:home"),
        "results": RESULTS,
        "meeting": site["na"].get_absolute_url(),
        "online meeting": site["online"].get_absolute_url(),
        "program": reverse("groups:program", args=["smart"]),
        "choosing": reverse("groups:choosing"),
        "group": site["na"].group.get_absolute_url(),
        "venue": site["na"].location.get_absolute_url(),
    }


def test_type_a_place_filter_and_open_a_meeting(page, live_server, site):
    page.goto(live_server.url + reverse("groups:home"))
    page.get_by_label("Where are you?").fill("Portland, OR")
    page.get_by_role("button", name="Find meetings").click()

    results = page.locator(".result-list")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Portland")
    expect(results.get_by_role("link", name="Hope Group")).to_be_visible()
    expect(results.get_by_role("link", name="Tools for Change")).to_be_visible()

    page.get_by_text("Change search").click()
    page.get_by_text("More choices").click()
    page.get_by_label("Philosophy", exact=True).select_option("secular")
    page.get_by_role("button", name="Apply").click()
    expect(results.get_by_role("link", name="Tools for Change")).to_be_visible()
    expect(results.get_by_role("link", name="Hope Group")).to_have_count(0)
    assert parse_qs(urlsplit(page.url).query)["philosophy"] == ["secular"]
    expect(page.get_by_role("link", name="Remove “Secular only”")).to_be_visible()

    results.get_by_role("link", name="Tools for Change").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tools for Change")
    expect(page.locator(".schedule")).to_contain_text("Every Wednesday, 19:00–20:00")
    expect(page.get_by_role("link", name="Directions on OpenStreetMap")).to_be_visible()


def test_use_my_location_sends_only_two_decimals(browser, live_server, site):
    context = browser.new_context(
        geolocation={"latitude": 45.523456, "longitude": -122.676789},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.goto(live_server.url + reverse("groups:home"))
    with page.expect_navigation():
        page.get_by_role("button", name="Use my location").click()
    query = parse_qs(urlsplit(page.url).query)
    assert (query["lat"], query["lng"]) == (["45.52"], ["-122.68"])
    assert "q" not in query
    expect(page.locator(".result-list").get_by_role("link", name="Hope Group")).to_be_visible()
    context.close()


def test_no_console_errors_and_no_request_leaves_the_site(page, live_server, site, watch):
    for url in public_pages(site).values():
        page.goto(live_server.url + url)
        expect(page.locator("h1")).to_be_visible()
    assert (watch.failed, watch.errors) == ([], [])
    assert watch.requests, "the pages made no requests at all"
    assert [url for url in watch.requests if not url.startswith(live_server.url + "/")] == []


def test_the_map_loads_tiles_and_marker_from_the_configured_server_only(
    page, live_server, site, watch, settings
):
    # Any image stands in for a tile: what matters is where the browser is sent for it.
    tile = "/static/vendor/leaflet/images/layers.png"
    settings.MAP_TILE_URL = live_server.url + tile + "?z={z}&x={x}&y={y}"
    settings.MAP_TILE_ATTRIBUTION = "Test tiles"
    page.goto(live_server.url + site["na"].get_absolute_url())
    expect(page.locator(".leaflet-marker-icon")).to_be_visible()
    expect(page.locator("img.leaflet-tile-loaded").first).to_be_visible()
    expect(page.locator(".leaflet-control-attribution")).to_contain_text("Test tiles")
    assert (watch.failed, watch.errors) == ([], [])
    assert any(tile + "?z=16" in url for url in watch.requests)
    assert [url for url in watch.requests if not url.startswith(live_server.url + "/")] == []


@pytest.mark.parametrize("width", [320, 375])
@pytest.mark.parametrize("name", ["results", "meeting", "choosing", "group", "venue"])
def test_small_screens_do_not_scroll_sideways(page, live_server, site, width, name):
    page.set_viewport_size({"width": width, "height": 812})
    page.goto(live_server.url + public_pages(site)[name])
    expect(page.locator("h1")).to_be_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_print_button_appears_with_script(page, live_server, site):
    page.goto(live_server.url + RESULTS)
    expect(page.get_by_role("button", name="Print this list")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".search-form")).to_be_hidden()
    expect(page.locator(".result-list")).to_be_visible()


def test_online_meeting_shows_the_visitors_own_time(browser, live_server, site):
    context = browser.new_context(timezone_id="Europe/London")
    page = context.new_page()
    meeting = site["online"]
    page.goto(live_server.url + meeting.get_absolute_url())
    start = meeting.next_occurrence().start.astimezone(ZoneInfo("Europe/London"))
    your_time = page.locator(".your-time")
    expect(your_time).to_contain_text("In your time zone:")
    expect(your_time).to_contain_text(start.strftime("%A"))
    expect(your_time).to_contain_text(start.strftime("%H:%M"))
    context.close()


def test_admin_works_under_the_content_security_policy(
    page, live_server, site, watch, django_user_model
):
    django_user_model.objects.create_superuser("root", "root@example.org", "a-long-passphrase-9")
    Meeting.objects.filter(pk=site["online"].pk).update(is_sample=True)  # Shows the notice.
    refused = []  # Answers of 400 and over: the sign-in's redirect is not one.
    page.on("response", lambda response: response.status >= 400 and refused.append(response.url))
    response = page.goto(live_server.url + reverse("admin:login"))
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill("a-long-passphrase-9")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    expect(page.locator(".sample-notice")).to_be_visible()
    meeting = site["na"]
    for url in [
        reverse("admin:groups_meeting_changelist") + "?program__id__exact=1",
        reverse("admin:groups_meeting_change", args=[meeting.pk]),
        reverse("admin:groups_meeting_add"),
        reverse("admin:groups_location_change", args=[meeting.location_id]),
    ]:
        page.goto(live_server.url + url)
        expect(page.locator("#content h1, #content h2").first).to_be_visible()
    # Scripted widgets ran: the two-box format chooser and the location search.
    page.goto(live_server.url + reverse("admin:groups_meeting_change", args=[meeting.pk]))
    expect(page.locator("#id_formats_from")).to_be_visible()
    page.locator("#id_location + .select2 .select2-selection").click()
    expect(page.locator(".select2-results__option").first).to_contain_text("Community Hall")
    # The site has no icon: the browser's own guess at one is the only thing not found.
    assert [url for url in refused if not url.endswith("/favicon.ico")] == []
    assert [error for error in watch.errors if "404 (Not Found)" not in error] == []
