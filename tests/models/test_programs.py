"""Programs and formats (groups/models/programs.py) as the migrations load them."""

from groups.models import Format, Philosophy, Program
from groups.vocabulary import FORMATS


def test_the_five_programs_and_their_philosophies(db):
    philosophies = dict(Program.objects.values_list("slug", "philosophy"))
    assert philosophies == {
        "na": Philosophy.TWELVE_STEP,
        "dra": Philosophy.TWELVE_STEP,
        "sos": Philosophy.SECULAR,
        "smart": Philosophy.SECULAR,
        "lifering": Philosophy.SECULAR,
    }
    for group in Program.objects.all():
        assert group.approach and group.website.startswith("https://")


def test_format_vocabulary_loaded_with_categories(db):
    assert Format.objects.count() == len(FORMATS)
    newcomer = Format.objects.get(code="BE")
    assert newcomer.category == Format.Category.AUDIENCE and newcomer.is_meeting_guide
    assert Format.objects.get(code="C").category == Format.Category.ACCESS
    assert Format.objects.get(code="X").category == Format.Category.ACCESSIBILITY
    assert Format.objects.get(code="S").name_es == "Español"
    assert not Format.objects.get(code="BT").is_meeting_guide
