from django.utils.functional import SimpleLazyObject

from groups.models import Meeting


def site(request):
    # Shown on every page: while any invented meeting exists, nobody may take it for a real one.
    # Lazy, so a view that already knows (the results page) spares the query.
    return {"sample_data": SimpleLazyObject(Meeting.objects.samples().exists)}
