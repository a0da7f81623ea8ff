"""groups/feeds.py directly; the feed and CSV by their URLs: tests/views/test_exports.py."""

from datetime import UTC, datetime

from groups.feeds import feed_queryset
from groups.models import Meeting


def test_feed_queryset_matches_the_feed(feed_meetings):
    assert set(feed_queryset(["na"])) == {feed_meetings["na"]}
    assert Meeting.objects.count() == 4
    assert datetime.now(UTC) >= feed_meetings["na"].updated
