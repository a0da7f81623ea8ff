"""The finder on a phone in a hard hour (issue 13), in a real browser at 375 x 812 unless told."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from groups.models import Meeting

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
        ["Open×", "Monday×", "Wednesday×", "Secular preferred×", "Newcomer preferred×"]
    )
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
