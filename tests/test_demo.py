"""Sample data (groups/demo.py): repeatable, realistic, and never touching real meetings."""

import re

from groups.demo import load_demo
from groups.models import Attendance, Meeting


def snapshot():
    return [
        (
            m.slug,
            m.name,
            m.program.slug,
            m.weekday,
            m.start_time,
            m.attendance,
            m.timezone,
            m.location and (m.location.latitude, m.location.longitude),
            tuple(sorted(f.code for f in m.formats.all())),
        )
        for m in Meeting.objects.select_related("program", "location")
        .prefetch_related("formats")
        .order_by("slug")
    ]


def test_same_seed_same_data_other_seed_other_data(db):
    load_demo(300, seed=11)
    first = snapshot()
    load_demo(300, seed=11)
    assert snapshot() == first
    load_demo(300, seed=12)
    assert snapshot() != first
    assert Meeting.objects.count() == 300


def test_demo_is_marked_realistic_and_spread(db):
    load_demo(2000, seed=5)
    meetings = Meeting.objects.select_related("program", "location")
    assert all(m.is_sample and m.name.endswith("(sample)") for m in meetings)
    by_program = {
        slug: meetings.filter(program__slug=slug).count()
        for slug in ("na", "dra", "sos", "smart", "lifering")
    }
    assert all(by_program.values())
    assert by_program["na"] > 5 * by_program["dra"]
    online = meetings.filter(attendance=Attendance.ONLINE).count()
    hybrid = meetings.filter(attendance=Attendance.HYBRID).count()
    assert 0.05 < online / 2000 < 0.4 and 0.02 < hybrid / 2000 < 0.3
    assert meetings.values("timezone").distinct().count() > 5
    assert meetings.values("weekday").distinct().count() == 7
    assert meetings.values("start_time").distinct().count() > 8
    assert all(".invalid/" in m.conference_url for m in meetings.online())
    for m in meetings[:200]:
        m.full_clean()


def test_reload_replaces_samples_but_never_real_meetings(make_meeting):
    real = make_meeting()
    load_demo(50, seed=1)
    load_demo(20, seed=2)
    assert Meeting.objects.filter(is_sample=True).count() == 20
    assert Meeting.objects.filter(pk=real.pk).exists()


def test_at_the_make_run_count_every_large_city_has_meetings_nearby(db):
    from pathlib import Path

    from groups.models import Place

    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text()
    count = int(re.search(r"^DEMO_MEETINGS \?= (\d+)$", makefile, re.M).group(1))
    load_demo(count, seed=1)  # what `make run` loads
    cities = Place.objects.filter(kind=Place.Kind.CITY).order_by("-population")
    largest = [*cities.filter(country="US")[:50], *cities[:20]]
    nearby = {
        place.label: Meeting.objects.active()
        .search(point=(place.latitude, place.longitude), radius_km=25)
        .count()
        for place in largest
    }
    assert len(nearby) == 70 and "Chicago, IL, US" in nearby and "Shanghai, Shanghai, CN" in nearby
    assert {label: n for label, n in nearby.items() if n < 5} == {}
