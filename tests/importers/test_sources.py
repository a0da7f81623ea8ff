"""Reading a source (groups/importers/sources.py): files, URLs, and what cannot be read."""

import pytest

from groups.importers import SourceError, import_meetings
from groups.models import Meeting


def test_unreadable_sources_are_source_errors(db, tmp_path, run_import, write_feed):
    with pytest.raises(SourceError, match="not valid JSON"):
        run_import("meeting-guide-truncated.json")
    with pytest.raises(SourceError, match="Could not read"):
        run_import(tmp_path / "missing.json")
    with pytest.raises(SourceError, match="JSON array"):
        run_import(write_feed({"meetings": []}), file_type="meeting-guide")
    with pytest.raises(SourceError, match="http"):
        import_meetings("file:///etc/passwd", program="na")


def test_a_feed_is_fetched_from_its_url(feed_server, db):
    url = f"{feed_server}/meeting-guide.json"
    report = import_meetings(url, program="na")
    assert report.created == 6
    assert set(Meeting.objects.values_list("source", flat=True)) == {url}
    assert import_meetings(url, program="na").unchanged == 6


def test_a_missing_url_is_a_source_error(feed_server, db):
    with pytest.raises(SourceError, match="404"):
        import_meetings(f"{feed_server}/nothing.json", program="na")
