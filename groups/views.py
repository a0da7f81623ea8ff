import math
from dataclasses import dataclass

from django.db import DatabaseError, connection
from django.db.models import Count, Window
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from groups.filters import MeetingFilter
from groups.models import Meeting, SupportGroup

PAGE_SIZE = 20
MAX_PAGE = 5000


@dataclass
class Page:
    """One page of results; the total comes from the same query as the rows."""

    rows: list
    number: int
    total: int
    per_page: int = PAGE_SIZE

    @property
    def pages(self):
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_previous(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.pages

    @property
    def first_index(self):
        return (self.number - 1) * self.per_page + 1 if self.rows else 0

    @property
    def last_index(self):
        return self.first_index + len(self.rows) - 1 if self.rows else 0


def paginate(queryset, number):
    try:
        number = min(MAX_PAGE, max(1, int(number)))
    except (TypeError, ValueError):
        number = 1

    def rows_for(page_number):
        start = (page_number - 1) * PAGE_SIZE
        counted = queryset.annotate(total_count=Window(Count("pk")))
        return list(counted[start : start + PAGE_SIZE])

    rows = rows_for(number)
    if rows:
        return Page(rows, number, rows[0].total_count)
    if number == 1:
        return Page([], 1, 0)
    # Past the last page: show the last one rather than nothing.
    total = queryset.count()
    number = max(1, math.ceil(total / PAGE_SIZE))
    return Page(rows_for(number) if total else [], number, total)


def search_queryset():
    return Meeting.objects.active().select_related("group", "location").prefetch_related("formats")


@require_safe
def home(request):
    programs = SupportGroup.objects.order_by("philosophy", "name")
    return render(request, "groups/home.html", {"programs": programs, "filter": MeetingFilter()})


@require_safe
def meeting_list(request):
    filterset = MeetingFilter(request.GET or None, queryset=search_queryset())
    page, status = None, 200
    if filterset.is_bound:
        if filterset.is_valid():
            page = paginate(filterset.qs, request.GET.get("page"))
            page.rows = [filterset.describe(meeting) for meeting in page.rows]
        else:
            status = 400
    return render(
        request, "groups/meeting_list.html", {"filter": filterset, "page": page}, status=status
    )


@require_safe
def meeting_detail(request, slug):
    meeting = get_object_or_404(
        Meeting.objects.select_related("group", "location").prefetch_related("formats"), slug=slug
    )
    return render(request, "groups/meeting_detail.html", {"meeting": meeting})


@require_safe
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
