from django.utils.functional import SimpleLazyObject

from groups.links import page_in_languages
from groups.models import Meeting


def site(request):
    return {
        # Shown on every page: while any invented meeting exists, nobody may take it for a real
        # one. Lazy, the QuerySet as well as its query, so a view that already knows (the
        # results page) spares both.
        "sample_data": SimpleLazyObject(lambda: Meeting.objects.samples().exists()),
        # The language switch and the hreflang links: this page in each language.
        "translations": SimpleLazyObject(lambda: page_in_languages(request)),
    }
