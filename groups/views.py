from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from groups.models import SupportGroup


def home(request):
    programs = SupportGroup.objects.order_by("philosophy", "name")
    return render(request, "groups/home.html", {"programs": programs})


def program(request, slug):
    group = get_object_or_404(SupportGroup, slug=slug)
    return render(request, "groups/program.html", {"program": group})


@never_cache
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})
