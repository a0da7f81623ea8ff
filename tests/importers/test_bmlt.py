"""BMLT search results (groups/importers/bmlt.py), through import_meetings."""

from datetime import time

from groups.models import Attendance, Meeting


def test_bmlt_search_results(db, run_import, codes):
    report = run_import("bmlt.json")  # The format is recognised from the content.
    assert report.file_type == "bmlt"
    assert report.counts == {
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "deactivated": 0,
        "rejected": 0,
    }
    sunday = Meeting.objects.get(external_id="1201")
    assert (sunday.weekday, sunday.start_time, sunday.end_time) == (0, time(19, 30), time(21))
    assert sunday.attendance == Attendance.IN_PERSON
    assert codes(sunday) == ["A", "D", "O", "SP", "X"]  # O, SD, WC, Ag
    assert "XYZ" in sunday.notes and sunday.notes.startswith("Coffee from 7 pm.")
    assert report.unknown_types == {"XYZ": 1}
    assert sunday.location.directions == "Use the north entrance."
    assert (sunday.location.latitude, sunday.location.longitude) == (39.7392, -104.9903)

    saturday = Meeting.objects.get(external_id="1202")
    assert (saturday.weekday, saturday.attendance, saturday.location) == (6, "online", None)
    assert saturday.language == "es" and codes(saturday) == ["C", "JFT"]
    assert saturday.conference_url_notes == "Passcode 1234"
    assert saturday.conference_phone == "+17207072699,,987654321#"

    hybrid = Meeting.objects.get(external_id="1203")
    assert (hybrid.weekday, hybrid.attendance) == (3, Attendance.HYBRID)
    assert codes(hybrid) == ["BE", "ST", "TR"]
    assert hybrid.location.country == "US"  # From "USA".
    assert hybrid.timezone == "America/Denver"  # From the geocoded place.
    assert not Meeting.objects.filter(external_id="1204").exists()  # Unpublished.
