import pytest

from groups.models import Meeting


@pytest.fixture
def search(portland):
    """Run the search QuerySet over active meetings, from Portland unless told another point."""

    def run(**kwargs):
        kwargs.setdefault("point", portland)
        return list(Meeting.objects.active().search(**kwargs))

    return run
