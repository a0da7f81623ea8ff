"""The search QuerySet's own steps (groups/search/queryset.py): online meetings and the planner."""

from groups.models import Attendance


def test_online_meetings_are_never_hidden_by_the_radius(meeting_at, make_meeting, search):
    online = make_meeting(attendance=Attendance.ONLINE, timezone="Asia/Tokyo")
    found = search(radius_km=1, include_online=True)
    assert found == [online] and found[0].distance_km is None
    assert search(point=None, include_local=False, include_online=True) == [online]


def test_planner_statistics_are_refreshed(meeting_at, portland, north_of):
    from django.db import connection

    from groups.search.queryset import refresh_planner_statistics

    for n in range(3):
        meeting_at(north_of(portland, n))
    refresh_planner_statistics()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'groups_meeting'")
            assert cursor.fetchall()
        else:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'groups_meeting'")
            assert cursor.fetchone()[0] >= 3


def test_matching_needs_every_word_in_any_case_or_accent(make_meeting, make_location):
    from groups.models import Meeting

    clean = make_meeting(name="Clean Start", location=make_location(name="Salón Esperanza"))
    make_meeting(name="Fresh Start")
    found = Meeting.objects.matching
    assert list(found("START clean")) == [clean]
    assert list(found("esperanza")) == [clean] and list(found("SALON")) == [clean]
    assert set(found("start")) == set(Meeting.objects.all())
    assert list(found("clean fresh")) == []
    # No words: nothing to narrow by.
    assert found("  ?! ").count() == 2


def test_with_no_point_local_meetings_are_found_anywhere(meeting_at, search, north_of, portland):
    far = meeting_at(north_of(portland, 3000), name="Far Away")
    assert search(point=None) == [far] and search(point=None)[0].distance_km is None
    assert search() == []


def test_nearest_finds_meetings_however_far_nearest_first(meeting_at, make_meeting, north_of):
    from groups.models import Meeting

    start = (-40.0, 20.0)
    far = [meeting_at(north_of(start, km), name=f"{km} km") for km in (9000, 30, 700, 2500)]
    make_meeting(attendance=Attendance.ONLINE)  # no place: never among the nearest
    found = Meeting.objects.nearest(start, beyond_km=25, limit=3)
    assert [m.name for m in found] == ["30 km", "700 km", "2500 km"]
    assert [round(m.distance_km, -1) for m in found] == [30, 700, 2500]
    everything = Meeting.objects.nearest(start, beyond_km=25, limit=5)
    assert {m.pk for m in everything} == {m.pk for m in far}
    assert Meeting.objects.filter(name="none").nearest(start, beyond_km=25) == []


def test_searches_of_one_kind_send_the_same_sql_text(portland):
    # The place and the minute are query parameters, not SQL text: the database keeps the
    # statement compiled (SQLite's statement cache, PostgreSQL's prepared statements).
    from datetime import UTC, datetime

    from django.db import connection

    from groups import schedule
    from groups.models import Meeting

    def compiled(point, now):
        found = Meeting.objects.active().search(point=point, include_online=True, now=now)
        return found.query.get_compiler(connection=connection).as_sql()

    quiet_week = datetime(2026, 6, 16, 18, 7, tzinfo=UTC)
    # Days before Sydney's clocks go back: the SQL holds branches for a coming offset change.
    change_week = datetime(2026, 4, 1, 9, 41, tzinfo=UTC)
    assert not schedule.zone_clock(quiet_week).changes and schedule.zone_clock(change_week).changes
    for now in (quiet_week, change_week):
        first_sql, first_params = compiled(portland, now)
        other_sql, other_params = compiled((41.85, -87.65), now.replace(minute=now.minute + 1))
        assert first_sql == other_sql
        assert first_params != other_params
        assert str(portland[0]) not in first_sql and "41.85" not in first_sql
