from django.utils.functional import SimpleLazyObject

from groups.links import page_in_languages
from groups.models import Meeting


def site(request):
    return {
        # Shown on every page: while any invented meeting exists, nobody may take it for a real
        # one. Lazy, so a view that already knows (the results page) spares the query.
        "sample_data": SimpleLazyObject(Meeting.objects.samples().exists),
        # The language switch and the hreflang links: this page in each language.
        "translations": SimpleLazyObject(lambda: page_in_languages(request)),
    }
