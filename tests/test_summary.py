"""What a search asked for, in words (groups/summary.py): chips that each take away one choice,
and one-tap choices that keep the rest of the search."""

from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
from django.http import QueryDict
from django.utils import translation

from groups import summary
from groups.filters import MeetingFilter
from groups.views.pages import results_queryset

PORTLAND = "lat=45.5234&lng=-122.6762"
# A Monday, 11:00 in Portland: today is Monday, tomorrow Tuesday.
MONDAY = datetime(2026, 6, 1, 18, 0, tzinfo=UTC)


def searched(query):
    filterset = MeetingFilter(QueryDict(query), queryset=results_queryset(), now=MONDAY)
    assert filterset.is_valid(), filterset.errors
    return filterset


def parameters(link):
    return parse_qs(link.url.lstrip("?"))


@pytest.mark.django_db
def test_each_chip_takes_away_its_own_choice_and_keeps_the_rest():
    filterset = searched(f"{PORTLAND}&day=1&day=3&philosophy=secular&radius=10&page=2")
    chips = {chip.label: chip for chip in summary.chips(filterset)}
    assert list(chips) == ["Within 10 km", "Secular only", "Monday", "Wednesday"]
    monday = parameters(chips["Monday"])
    assert monday["day"] == ["3"] and monday["philosophy"] == ["secular"]
    assert "page" not in monday  # A new search starts on its first page.
    assert "radius" not in parameters(chips["Within 10 km"])


@pytest.mark.django_db
def test_the_default_radius_is_a_chip_with_nothing_to_take_away():
    (chip,) = summary.chips(searched(PORTLAND))
    assert (chip.label, chip.url) == ("Within 25 km", "")
    # No place searched: no radius to speak of.
    assert [chip.label for chip in summary.chips(searched("attendance=online"))] == ["Online"]


@pytest.mark.django_db
def test_one_tap_choices_keep_the_search_and_know_which_one_is_shown():
    choices = summary.quick_choices(searched(f"{PORTLAND}&day=1&philosophy=secular"))
    today, tomorrow, soon, online_now = choices
    assert (today.label, today.current) == ("Today", True)
    assert parameters(tomorrow)["day"] == ["2"] and parameters(tomorrow)["philosophy"] == [
        "secular"
    ]
    assert parameters(soon)["soon"] == ["2"] and "day" not in parameters(soon)
    assert parameters(online_now)["attendance"] == ["online"] and not online_now.current
    shown = summary.quick_choices(searched(parameters_to_query(online_now)))
    assert shown[3].current


def parameters_to_query(link):
    return link.url.lstrip("?")


@pytest.mark.django_db
def test_spanish_pages_get_one_tap_for_meetings_in_spanish():
    with translation.override("es"):
        choices = summary.quick_choices(searched(PORTLAND))
    assert choices[-1].label == "Solo reuniones en español"
    assert parameters(choices[-1])["language"] == ["es"]
    assert len(summary.quick_choices(searched(PORTLAND))) == 4  # None on the English pages.


@pytest.mark.parametrize(
    ("hours", "english", "spanish"),
    [("1", "Starting within 1 hour", "En 1 hora o menos"),
     ("2", "Starting within 2 hours", "En las próximas 2 horas"),
     ("1.5", "Starting within 1.5 hours", "En las próximas 1,5 horas")],
)  # fmt: skip
def test_starting_within_reads_in_each_language(hours, english, spanish):
    with translation.override("en"):
        assert summary.starting_within(Decimal(hours)) == english
    with translation.override("es"):
        assert summary.starting_within(Decimal(hours)) == spanish
