"""The search FilterSet (groups/filters.py) given dicts, as the results page passes them."""

from datetime import UTC, datetime, time

import pytest
from django.http import QueryDict

from groups.filters import FEATURED_FORMATS, MeetingFilter
from groups.models import Attendance, Format
from groups.models.programs import forget_listed
from groups.views.exports import search_queryset


def run_filter(data, now=None):
    filterset = MeetingFilter(data, queryset=search_queryset(), now=now)
    assert filterset.is_valid(), filterset.errors
    return list(filterset.qs)


def test_filter_by_program_philosophy_and_attendance(meeting_at, make_meeting, programs, portland):
    na = meeting_at(portland, program=programs["na"])
    smart = meeting_at(
        portland,
        program=programs["smart"],
        attendance=Attendance.HYBRID,
        conference_url="https://meet.example.org/s",
    )
    online = make_meeting(attendance=Attendance.ONLINE, program=programs["lifering"])
    monday_afternoon = datetime(2026, 6, 1, 20, 0, tzinfo=UTC)  # three hours before it starts
    assert set(run_filter({"q": "Portland, OR"})) == {na, smart}
    assert run_filter({"q": "Portland, OR", "philosophy": "secular"}) == [smart]
    assert run_filter({"q": "Portland, OR", "program": ["na"]}) == [na]
    both = {"q": "Portland, OR", "attendance": ["online", "hybrid"]}
    assert set(run_filter(both, now=monday_afternoon)) == {smart, online}
    assert run_filter({"attendance": ["online"]}, now=monday_afternoon) == [online]


def test_online_meetings_listed_for_the_coming_day_unless_asked_for_more(make_meeting):
    online = make_meeting(attendance=Attendance.ONLINE, timezone="America/New_York")
    monday_afternoon = datetime(2026, 6, 1, 20, 0, tzinfo=UTC)  # starts in 3 h (19:00 EDT)
    saturday = datetime(2026, 6, 6, 20, 0, tzinfo=UTC)  # starts in 2 days
    online_only = {"attendance": ["online"]}
    assert run_filter(online_only, now=monday_afternoon) == [online]
    assert run_filter(online_only, now=saturday) == []
    assert run_filter({**online_only, "soon": "72"}, now=saturday) == [online]
    assert run_filter({**online_only, "day": ["1"]}, now=saturday) == [online]


def test_formats_must_all_be_present(meeting_at, portland):
    both = meeting_at(portland, formats=["BE", "W"])
    meeting_at(portland, formats=["BE"])
    assert run_filter({"q": "97201", "format": ["BE", "W"]}) == [both]


def test_a_room_format_never_finds_a_meeting_held_only_online(meeting_at, make_meeting, portland):
    ramp = meeting_at(portland, formats=["X", "O"])
    video = make_meeting(attendance=Attendance.ONLINE, formats=["O"], timezone="America/Chicago")
    video.formats.add(*Format.objects.filter(code="X"))  # Stored before the rule, say.
    monday_afternoon = datetime(2026, 6, 1, 20, 0, tzinfo=UTC)  # 19:00 CDT is 4 h away.
    asked = {"q": "Portland, OR", "attendance": ["in-person", "online"]}
    assert set(run_filter({**asked, "format": ["O"]}, now=monday_afternoon)) == {ramp, video}
    assert run_filter({**asked, "format": ["X"]}, now=monday_afternoon) == [ramp]


def test_language_day_and_time_of_day(meeting_at, portland):
    spanish = meeting_at(portland, language="es", weekday=2, start_time=time(22, 30))
    morning = meeting_at(portland, weekday=2, start_time=time(7, 0))
    late = meeting_at(portland, weekday=5, start_time=time(2, 0))
    assert run_filter({"q": "Portland, OR", "language": "es"}) == [spanish]
    assert set(run_filter({"q": "Portland, OR", "day": ["2"]})) == {spanish, morning}
    assert set(run_filter({"q": "Portland, OR", "time": "night"})) == {spanish, late}
    assert run_filter({"q": "Portland, OR", "time": "morning"}) == [morning]


def test_soon_keeps_meetings_in_progress_or_starting_within_hours(meeting_at, portland):
    now = datetime(2026, 6, 3, 16, 0, tzinfo=UTC)  # Wednesday 09:00 in Portland
    running = meeting_at(portland, weekday=3, start_time=time(8, 30), end_time=time(9, 30))
    in_two = meeting_at(portland, weekday=3, start_time=time(11, 0))
    meeting_at(portland, weekday=3, start_time=time(15, 0))
    assert set(run_filter({"q": "Portland, OR", "soon": "2"}, now=now)) == {running, in_two}


def test_miles_convert_the_radius(meeting_at, portland, north_of):
    at_20_km = meeting_at(north_of(portland, 20))
    assert run_filter({"q": "Portland, OR", "radius": "10", "unit": "mi"}) == []
    assert run_filter({"q": "Portland, OR", "radius": "13", "unit": "mi"}) == [at_20_km]


def test_ambiguous_place_searches_most_populous_and_offers_others(db):
    filterset = MeetingFilter({"q": "Springfield"}, queryset=search_queryset())
    assert filterset.is_valid()
    assert filterset.form.place.raw["region"] == "MO"
    assert {p.raw["region"] for p in filterset.form.other_places} >= {"MA", "IL"}


@pytest.mark.parametrize(
    "data, field",
    [
        ({"q": "Nowhereville, ZZ"}, "q"),
        ({"q": "x" * 10_000}, "q"),
        ({"lat": "95", "lng": "0"}, "lat"),
        ({"lat": "abc", "lng": "0"}, "lat"),
        ({"lat": "45"}, "__all__"),
        ({"q": "Portland, OR", "radius": "-4"}, "radius"),
        ({"q": "Portland, OR", "radius": "600"}, "radius"),
        ({"q": "Portland, OR", "radius": "400", "unit": "mi"}, "radius"),
        ({"q": "Portland, OR", "day": "x"}, "day"),
        ({"q": "Portland, OR", "program": "aa"}, "program"),
        ({"q": "Portland, OR", "format": "NOPE"}, "format"),
        ({"q": "Portland, OR", "soon": "-1"}, "soon"),
        ({"q": "Portland, OR", "sort": "random"}, "sort"),
    ],
)
def test_bad_input_is_named_on_the_form(db, data, field):
    filterset = MeetingFilter(data, queryset=search_queryset())
    assert not filterset.is_valid()
    assert field in filterset.errors


def test_keyword_combines_with_place_and_every_filter(meeting_at, make_meeting, programs, portland):
    clean = meeting_at(portland, name="Clean Start", program=programs["smart"], weekday=2)
    meeting_at(portland, name="Clean Start", program=programs["na"], weekday=2)
    meeting_at(portland, name="Hope", notes="A clean start every week", weekday=4)
    assert len(run_filter({"q": "Portland, OR", "text": "clean start"})) == 3
    assert run_filter({"q": "Portland, OR", "text": "clean", "philosophy": "secular"}) == [clean]
    both = {"q": "Portland, OR", "text": "START", "day": ["2"], "program": ["smart", "sos"]}
    assert run_filter(both) == [clean]
    assert run_filter({"q": "London, GB", "text": "clean start"}) == []


def test_keyword_alone_searches_everywhere_soonest_first(meeting_at, portland, north_of):
    later = meeting_at(north_of(portland, 4000), name="Clean Start North", weekday=3)
    sooner = meeting_at(portland, name="Clean Start", weekday=2)
    meeting_at(portland, name="Hope Group", weekday=2)
    tuesday_noon = datetime(2026, 6, 2, 19, 0, tzinfo=UTC)
    assert run_filter({"text": "clean start"}, now=tuesday_noon) == [sooner, later]
    assert run_filter({"text": "  "}) == []


def test_keyword_that_is_too_long_is_refused(db):
    filterset = MeetingFilter({"text": "x" * 101}, queryset=search_queryset())
    assert not filterset.is_valid() and "text" in filterset.errors


def test_choice_lists_escape_text_as_a_template_would():
    from django import forms
    from django.utils.safestring import mark_safe

    from groups.templatetags.choices import choice_field

    class Form(forms.Form):
        pick = forms.ChoiceField(
            label="Fish & chips",
            choices=[("a", "<b>bold</b>")],
            help_text=mark_safe("See <a href='/choosing/'>the guide</a>."),
        )

    html = choice_field(Form()["pick"])
    assert "Fish &amp; chips" in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "See <a href='/choosing/'>the guide</a>." in html  # Marked safe: kept as it is.


def test_search_choices_follow_the_language_and_a_renamed_program(client, programs):
    # The form's option markup is made once per language and per listing of names.
    params = {"q": "Portland, OR", "day": "1"}  # A choice in use: the choices are written out.
    monday = 'name="day" value="1" checked> '
    assert monday + "Monday</label>" in client.get("/meetings/", params).text
    assert monday + "lunes</label>" in client.get("/es/meetings/", params).text.lower()
    assert monday + "Monday</label>" in client.get("/meetings/", params).text
    smart = programs["smart"]
    smart.name_en = "SMART Recovery Groups"
    smart.save()
    assert "> SMART Recovery Groups</label>" in client.get("/meetings/", params).text


def offered(data, name):
    """The codes the search form lists for ``name`` (its widgets are kept between searches)."""
    widget = MeetingFilter(data, queryset=search_queryset()).form.fields[name].widget
    return [str(code) for code, _ in widget.choices]


def test_the_form_lists_the_languages_in_use_and_the_one_asked_for(make_meeting):
    make_meeting(language="en")
    make_meeting(language="es")
    forget_listed()  # As a minute later: the languages in use are read once a minute.
    assert offered({}, "language") == ["", "en", "es"]
    assert offered({"language": "fr"}, "language") == ["", "en", "es", "fr"]
    assert offered({"language": "no-such-language"}, "language") == ["", "en", "es"]
    assert offered({}, "language") == ["", "en", "es"]  # The French one was that search's own.


def test_the_form_lists_the_featured_formats_and_any_other_asked_for():
    featured = offered({}, "format")
    assert featured == offered({}, "prefer_format")
    assert set(featured) == set(FEATURED_FORMATS) and "GR" not in featured
    with_grapevine = offered(QueryDict("format=GR&format=nonsense"), "format")
    assert set(with_grapevine) == {*FEATURED_FORMATS, "GR"}
    assert offered(QueryDict("prefer_format=GR"), "format") == featured  # Only its own field.
    assert offered({}, "format") == featured
