"""The finder on a phone in a hard hour (issue 13), in a real browser at 375 x 812 unless told."""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from groups.models import Location, Meeting, Place
from groups.text import normalize

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
# A search with a preference, a format and two days chosen: the most a visitor folds away.
BUSY_SEARCH = (
    reverse("groups:meeting_list")
    + "?q=Portland%2C+OR&prefer_philosophy=secular&prefer_format=BE&format=O&day=1&day=3"
)


@pytest.fixture
def with_samples(site):
    """The site's meetings and one sample, so every page carries the sample notice."""
    sample = Meeting.objects.get(pk=site["na"].pk)
    sample.pk, sample.slug, sample.name, sample.is_sample = None, "", "Invented (sample)", True
    sample.save()
    return site


@pytest.mark.parametrize(
    ("viewport", "most"), [(PHONE, 600), (DESKTOP, 450)], ids=["phone", "desktop"]
)
@pytest.mark.parametrize("script", [True, False], ids=["script", "no-script"])
def test_the_first_result_is_in_view_at_once(
    browser, live_server, with_samples, viewport, most, script
):
    context = browser.new_context(viewport=viewport, java_script_enabled=script)
    page = context.new_page()
    page.goto(live_server.url + BUSY_SEARCH)
    expect(page.locator(".sample-notice")).to_be_visible()
    first = page.locator(".result-list .result").first
    expect(first).to_be_visible()
    assert first.bounding_box()["y"] <= most
    # The search reads as one line of chips, and the form is one tap away.
    chips = page.locator(".chips .chip")
    expect(chips).to_have_text(
        ["Within 25 km", "Open×", "Monday×", "Wednesday×", "Secular preferred×",
         "Newcomer preferred×"]
    )  # fmt: skip
    expect(page.get_by_label("Where are you?")).to_be_hidden()
    page.get_by_text("Change search").click()
    expect(page.get_by_label("Where are you?")).to_have_value("Portland, OR")
    context.close()


def test_a_chip_removes_just_its_choice(page, live_server, with_samples):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + BUSY_SEARCH)
    page.get_by_role("link", name="Remove “Monday”").click()
    query = parse_qs(urlsplit(page.url).query)
    assert query["day"] == ["3"] and query["format"] == ["O"] and query["q"] == ["Portland, OR"]
    expect(page.get_by_role("link", name="Remove “Monday”")).to_have_count(0)


def test_one_tap_choices_are_plain_links(browser, live_server, with_samples):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + reverse("groups:meeting_list") + "?q=Portland%2C+OR")
    quick = page.get_by_role("navigation", name="Quick choices")
    expect(quick.get_by_role("link")).to_have_text(
        ["Today", "Tomorrow", "Starting within 2 hours", "Online now"]
    )
    quick.get_by_role("link", name="Starting within 2 hours").click()
    assert parse_qs(urlsplit(page.url).query) == {"q": ["Portland, OR"], "soon": ["2"]}
    expect(quick.get_by_role("link", name="Starting within 2 hours")).to_have_attribute(
        "aria-current", "true"
    )
    quick.get_by_role("link", name="Online now").click()
    query = parse_qs(urlsplit(page.url).query)
    assert query["attendance"] == ["online"] and query["soon"] == ["1"]
    context.close()


@pytest.fixture
def places(site):
    """A small gazetteer: towns that start alike, and a ZIP code.

    (The live server's database may still hold the whole gazetteer the session loaded.)"""
    Place.objects.all().delete()
    towns = [
        ("Portland", "OR", "US", 45.52345, -122.67621, 652503, "America/Los_Angeles"),
        ("Portland", "ME", "US", 43.66, -70.26, 66595, "America/New_York"),
        ("Porto", "17", "PT", 41.15, -8.61, 249633, "Europe/Lisbon"),
        ("Porterville", "CA", "US", 36.07, -119.02, 59599, "America/Los_Angeles"),
    ]
    Place.objects.bulk_create(
        [
            Place(
                name=name,
                search_name=normalize(name),
                region=region,
                country=country,
                latitude=latitude,
                longitude=longitude,
                population=population,
                timezone=zone,
            )
            for name, region, country, latitude, longitude, population, zone in towns
        ]
        + [
            Place(
                name="Portland",
                search_name="portland",
                kind=Place.Kind.POSTAL,
                postal_code="97201",
                region="OR",
                country="US",
                latitude=45.51,
                longitude=-122.69,
                timezone="America/Los_Angeles",
            )
        ]
    )
    return site


def test_place_suggestions_by_keyboard(page, live_server, places, watch):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + reverse("groups:home"))
    box = page.get_by_role("combobox", name="Where are you?")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press_sequentially("port", delay=50)
    listbox = page.get_by_role("listbox", name="Suggested places")
    expect(listbox).to_be_visible()
    # Largest first.
    expect(listbox.get_by_role("option")).to_have_text(
        ["Portland, OR, US", "Porto, Porto, PT", "Portland, ME, US", "Porterville, CA, US"]
    )
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(box).to_have_attribute("aria-controls", listbox.get_attribute("id"))
    expect(page.get_by_role("status").filter(has_text="4 places suggested")).to_have_count(1)

    box.press("ArrowDown")
    box.press("ArrowDown")
    second = listbox.get_by_role("option", name="Porto, Porto, PT")
    expect(second).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", second.get_attribute("id"))
    box.press("ArrowUp")
    box.press("ArrowUp")  # past the first: round to the last
    expect(listbox.get_by_role("option", name="Porterville, CA, US")).to_have_attribute(
        "aria-selected", "true"
    )
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("port")  # Escape closed the list and kept the text

    box.press("ArrowDown")  # opens the list again on the first place
    expect(listbox).to_be_visible()
    box.press("Enter")  # picks, and does not submit
    expect(box).to_have_value("Portland, OR, US")
    expect(listbox).to_be_hidden()
    assert urlsplit(page.url).path == reverse("groups:home")
    box.press("Enter")  # with the list closed, Enter searches
    expect(page.locator(".result-list")).to_be_visible()
    assert parse_qs(urlsplit(page.url).query)["q"] == ["Portland, OR, US"]

    page.goto(live_server.url + reverse("groups:home"))
    box.press_sequentially("972", delay=50)
    expect(listbox.get_by_role("option")).to_have_text(["97201 Portland, OR, US"])
    box.press("ArrowDown")
    box.press("Enter")
    expect(box).to_have_value("97201")
    assert (watch.failed, watch.errors) == ([], [])


def test_without_script_an_unknown_place_offers_did_you_mean(browser, live_server, places):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + reverse("groups:home"))
    page.get_by_label("Where are you?").fill("Portlnd")
    page.get_by_role("button", name="Find meetings").click()
    expect(page.get_by_text("We could not find “Portlnd”")).to_be_visible()
    page.get_by_role("link", name="Portland, OR, US").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meetings near Portland, OR, US")
    expect(page.locator(".result-list .result").first).to_be_visible()
    context.close()


def test_share_copies_the_link_where_the_browser_cannot_share(browser, live_server, site):
    context = browser.new_context(viewport=PHONE, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    url = live_server.url + site["na"].get_absolute_url()
    page.goto(url)
    assert page.evaluate("typeof navigator.share") == "undefined"  # Chromium on Linux
    page.get_by_role("button", name="Share this meeting").click()
    expect(page.get_by_role("status").filter(has_text="Link copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == url
    context.close()


def test_share_opens_the_share_sheet_where_the_browser_has_one(page, live_server, site):
    # Stand in for the phone's share sheet, which desktop Chromium on Linux does not have.
    page.add_init_script(
        "navigator.share = (data) => { window.shared = data; return Promise.resolve(); }"
    )
    page.set_viewport_size(PHONE)
    url = live_server.url + reverse("groups:meeting_list") + "?q=Portland%2C+OR"
    page.goto(url)
    page.get_by_role("button", name="Share this list").click()
    assert page.evaluate("window.shared") == {"title": page.title(), "url": url}
    page.goto(live_server.url + site["na"].get_absolute_url())
    page.get_by_role("button", name="Share this meeting").click()
    assert page.evaluate("window.shared.title") == "Hope Group"


def test_icons_and_manifest_for_a_phones_home_screen(page, live_server, site, watch):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + reverse("groups:home"))
    expect(page.locator("h1")).to_be_visible()
    manifest = page.evaluate(
        "fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())"
    )
    assert manifest["theme_color"] == "#0b5cad" and len(manifest["icons"]) >= 3
    for path in ["/favicon.ico", *(icon["src"] for icon in manifest["icons"])]:
        response = page.request.get(live_server.url + path)
        assert response.status == 200, path
    assert (watch.failed, watch.errors) == ([], [])


def every_public_page(site):
    """Each kind of public page, with its states that look different: results, an empty search
    that shows what is near instead, a place we could not find, the suggestion forms."""
    meeting_list = reverse("groups:meeting_list")
    return {
        "home": reverse("groups:home"),
        "results": BUSY_SEARCH,
        "results, nothing near": meeting_list + "?q=Portland%2C+OR&program=dra&radius=1",
        "unknown place": meeting_list + "?q=Portlnd",
        "find a meeting": meeting_list,
        "meeting": site["na"].get_absolute_url(),
        "online meeting": site["online"].get_absolute_url(),
        "program": reverse("groups:program", args=["smart"]),
        "choosing": reverse("groups:choosing"),
        "suggest a meeting": reverse("groups:suggest_meeting"),
        "report a problem": reverse("groups:suggest_change", args=[site["na"].slug]),
        "thanks": reverse("groups:suggest_thanks"),
        "group": site["na"].group.get_absolute_url(),
        "venue": site["na"].location.get_absolute_url(),
    }


def serious_violations(page):
    results = Axe().run(page)
    return [
        (violation["id"], [node["target"] for node in violation["nodes"]])
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize(
    "name",
    [
        "home",
        "results",
        "results, nothing near",
        "unknown place",
        "find a meeting",
        "meeting",
        "online meeting",
        "program",
        "choosing",
        "suggest a meeting",
        "report a problem",
        "thanks",
        "group",
        "venue",
    ],
)
@pytest.mark.parametrize("language", ["en", "es"])
def test_axe_finds_nothing_serious_in_either_scheme_at_either_width_nor_sideways_scroll(
    browser, live_server, with_samples, name, language
):
    prefix = "" if language == "en" else f"/{language}"
    url = live_server.url + prefix + every_public_page(with_samples)[name]
    found = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        for width in (320, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(url)
            if violations := serious_violations(page):
                found[(scheme, width)] = violations
            sideways = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if sideways > 0:
                found[(scheme, width)] = f"scrolls {sideways} px sideways"
        context.close()
    assert found == {}


def test_axe_finds_nothing_serious_with_the_suggestions_open(browser, live_server, places):
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport=PHONE, color_scheme=scheme)
        page = context.new_page()
        page.goto(live_server.url + reverse("groups:home"))
        page.get_by_role("combobox", name="Where are you?").press_sequentially("port", delay=30)
        expect(page.get_by_role("listbox")).to_be_visible()
        page.keyboard.press("ArrowDown")
        assert serious_violations(page) == []
        context.close()


def test_the_dark_scheme_follows_the_device(browser, live_server, site):
    colours = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport=PHONE, color_scheme=scheme)
        page = context.new_page()
        page.goto(live_server.url + BUSY_SEARCH)
        colours[scheme] = tuple(
            page.evaluate(
                "(() => { const root = getComputedStyle(document.documentElement);"
                " return [root.backgroundColor, root.color]; })()"
            )
        )
        context.close()
    assert colours == {
        "light": ("rgb(255, 255, 255)", "rgb(27, 31, 36)"),
        "dark": ("rgb(18, 21, 25)", "rgb(232, 235, 239)"),
    }


def focus_by_tab(page, target, most=80):
    """Press Tab until ``target`` (a locator) has the focus, as a keyboard user would."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


def test_search_results_meeting_and_calendar_by_keyboard_alone(page, live_server, site):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + reverse("groups:home"))
    focus_by_tab(page, page.get_by_label("Where are you?"))
    page.keyboard.type("Portland, OR")
    page.keyboard.press("Enter")  # no suggestion chosen: Enter searches
    expect(page.get_by_role("heading", level=1)).to_contain_text("Meetings near Portland")

    first = page.locator(".result-list .result a").first
    focus_by_tab(page, first)
    name = first.inner_text()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(name)

    calendar = page.get_by_role("link", name="Add to my calendar")
    focus_by_tab(page, calendar)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".ics")
    assert "BEGIN:VCALENDAR" in Path(download.value.path()).read_text()


def test_the_results_map_shows_each_result_the_place_and_the_radius(
    page, live_server, site, watch, settings
):
    # Any image stands in for a tile: what matters is where the browser is sent for it.
    tile = "/static/vendor/leaflet/images/layers.png"
    settings.MAP_TILE_URL = live_server.url + tile + "?z={z}&x={x}&y={y}"
    settings.MAP_TILE_ATTRIBUTION = "Test tiles"
    near = Location.objects.create(
        name="Library",
        city="Portland",
        latitude=45.53,
        longitude=-122.66,
        timezone=site["na"].timezone,
    )
    Meeting.objects.filter(pk=site["smart"].pk).update(location=near)
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + reverse("groups:meeting_list") + "?q=Portland%2C+OR&radius=5")
    results = page.locator(".result-list")
    expect(results.locator(".result")).to_have_count(3)
    map_button = page.get_by_role("button", name="Map", exact=True)
    expect(map_button).to_have_attribute("aria-pressed", "false")
    map_button.click()
    expect(map_button).to_have_attribute("aria-pressed", "true")
    expect(results).to_be_hidden()
    area = page.get_by_role("region", name="Map of these meetings")
    expect(area).to_be_visible()
    # Two venues: the hall of two meetings and the library; the searched place and its radius.
    expect(area.locator(".leaflet-marker-icon")).to_have_count(3)
    expect(area.locator("path.leaflet-interactive")).to_have_count(2)
    expect(area.locator(".leaflet-control-attribution")).to_contain_text("Test tiles")
    area.get_by_role("button", name="Tools for Change").click()
    popup_link = area.locator(".leaflet-popup-content a")
    expect(popup_link).to_have_text("Tools for Change")
    popup_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tools for Change")
    page.go_back()
    page.get_by_role("button", name="List", exact=True).click()
    expect(results).to_be_visible()
    assert (watch.failed, watch.errors) == ([], [])
    assert [url for url in watch.requests if not url.startswith(live_server.url + "/")] == []
    assert any(tile + "?z=" in url for url in watch.requests)


def test_no_map_and_no_outside_request_without_a_tile_server(page, live_server, site, watch):
    page.goto(live_server.url + reverse("groups:meeting_list") + "?q=Portland%2C+OR")
    expect(page.locator(".result-list .result").first).to_be_visible()
    expect(page.get_by_role("button", name="Map")).to_have_count(0)
    assert not [url for url in watch.requests if "leaflet" in url]
    assert [url for url in watch.requests if not url.startswith(live_server.url + "/")] == []


def test_the_language_switch_keeps_the_search(page, live_server, with_samples):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + BUSY_SEARCH)
    english_chips = page.locator(".chips .chip").count()
    page.get_by_role("link", name="Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    assert urlsplit(page.url).path == "/es/meetings/"
    assert parse_qs(urlsplit(page.url).query) == parse_qs(urlsplit(BUSY_SEARCH).query)
    # The same search, told in Spanish: as many choices, the same meetings, Spanish words.
    expect(page.locator(".chips .chip")).to_have_count(english_chips)
    expect(page.locator(".chips a.chip").first).to_have_text("Abierta×")
    expect(page.locator(".result-list .result")).not_to_have_count(0)
    expect(page.get_by_text("Cambiar la búsqueda")).to_be_visible()
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert parse_qs(urlsplit(page.url).query) == parse_qs(urlsplit(BUSY_SEARCH).query)
    expect(page.locator(".chips a.chip").first).to_have_text("Open×")
