import csv
import json
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import DatabaseError, connection
from django.db.models import Count, Exists, Window
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.crypto import salted_hmac
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.views.decorators.cache import never_cache
from django.views.decorators.http import condition, require_http_methods, require_safe

from groups import calendars, feeds, schedule
from groups.filters import MeetingFilter
from groups.forms import SuggestionForm
from groups.models import Meeting, SupportGroup
from groups.vocabulary import PROGRAMS

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
    """Active meetings with everything an export of search results writes."""
    return Meeting.objects.active().select_related("group", "location").prefetch_related("formats")


# What a result card shows: fetching only these keeps the sort in the database narrow.
CARD_FIELDS = [
    "name", "slug", "weekday", "start_time", "end_time", "timezone", "attendance", "is_sample",
    "group__short_name", "group__philosophy",
    "location__name", "location__city", "location__region",
]  # fmt: skip


def results_queryset():
    """Active meetings with just what the results page shows."""
    return Meeting.objects.active().select_related("group", "location").only(*CARD_FIELDS)


@require_safe
def home(request):
    programs = SupportGroup.objects.order_by("philosophy", "name")
    return render(request, "groups/home.html", {"programs": programs, "filter": MeetingFilter()})


@require_safe
def meeting_list(request):
    # The result cards name formats only as reasons, which MeetingFilter fetches when asked for.
    filterset = MeetingFilter(request.GET or None, queryset=results_queryset())
    context, status = {"filter": filterset, "page": None}, 200
    if filterset.is_bound:
        if filterset.is_valid():
            # The page's own query also answers whether any sample data exists (for the notice
            # on every page), saving the context processor's query when there are rows.
            results = filterset.qs.annotate(sample_data=Exists(Meeting.objects.samples()))
            page = paginate(results, request.GET.get("page"))
            page.rows = [filterset.describe(meeting) for meeting in page.rows]
            context["page"] = page
            if page.rows:
                context["sample_data"] = page.rows[0].sample_data
        else:
            status = 400
    return render(request, "groups/meeting_list.html", context, status=status)


@require_safe
def meeting_detail(request, slug):
    meeting = get_object_or_404(
        Meeting.objects.select_related("group", "location").prefetch_related("formats"), slug=slug
    )
    now = timezone.now()
    occurrence = meeting.next_occurrence(now)
    age_days = meeting.verified_age_days(now.date())
    event = calendars.schema_event(meeting, occurrence, request.build_absolute_uri())
    context = {
        "meeting": meeting,
        "occurrence": occurrence,
        "when": schedule.describe_start(occurrence, now),
        "verified_ago": verified_ago(meeting.last_verified, now.date()),
        "verified_stale": age_days is None or age_days > STALE_AFTER_DAYS,
        "jsonld": json_for_script(event),
        # Contact people stay private unless a curator ticked them public.
        "contacts": meeting.contacts.public(),
        "map_tile_url": settings.MAP_TILE_URL,
        "map_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
    return render(request, "groups/meeting_detail.html", context)


@require_safe
def program(request, slug):
    group = get_object_or_404(SupportGroup, slug=slug)
    meetings = group.meetings.active()
    context = {
        "program": group,
        "meeting_count": meetings.count(),
        "online_count": meetings.online().count(),
        "others": SupportGroup.objects.exclude(pk=group.pk).order_by("philosophy", "name"),
    }
    return render(request, "groups/program.html", context)


@never_cache
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


# A listing nobody has confirmed for a year may have moved or stopped: say so on its page.
STALE_AFTER_DAYS = 365
# A list calendar is for someone's own planning, not a dump of the directory.
MAX_CALENDAR_EVENTS = 100


def verified_ago(verified, today):
    if verified is None:
        return None
    if verified >= today:
        return "today"
    return f"{timesince(verified, today, depth=1)} ago"


def json_for_script(data):
    """JSON safe inside a <script> element: no "</script>" or "<!--" can close it early."""
    text = json.dumps(data, ensure_ascii=False)
    return mark_safe(  # noqa: S308 - every character that could end the element is escaped.
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    )


def ics_response(calendar, filename):
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def meeting_ics(request, slug):
    meeting = get_object_or_404(Meeting.objects.select_related("group", "location"), slug=slug)
    calendar = calendars.calendar_for(
        [meeting],
        lambda m: request.build_absolute_uri(m.get_absolute_url()),
        domain=request.get_host(),
        now=timezone.now(),
        name=meeting.name,
    )
    return ics_response(calendar, f"{meeting.slug}.ics")


@require_safe
def meetings_ics(request):
    # Bound even without parameters, so an empty query gives an empty calendar, not every meeting.
    filterset = MeetingFilter(request.GET, queryset=search_queryset())
    if not filterset.is_valid():
        return HttpResponseBadRequest("These search choices are not valid.")
    calendar = calendars.calendar_for(
        filterset.qs[:MAX_CALENDAR_EVENTS],
        lambda m: request.build_absolute_uri(m.get_absolute_url()),
        domain=request.get_host(),
        now=filterset.now,
    )
    return ics_response(calendar, "meetings.ics")


@require_safe
def choosing(request):
    programs = SupportGroup.objects.order_by("philosophy", "name")
    return render(request, "groups/choosing.html", {"programs": programs})


# Suggestions from the public. Each client may send this many in a window; the count lives in
# Django's cache, which every gunicorn worker shares (the database cache by default).
SUGGESTIONS_PER_WINDOW = 10
SUGGESTION_WINDOW_SECONDS = 3600

logger = logging.getLogger(__name__)


def client_key(request):
    """A keyed hash standing for the client's address; the address itself is never stored."""
    address = request.META.get("REMOTE_ADDR", "")
    if settings.SECURE_PROXY_SSL_HEADER:
        # Behind our proxy the client is the last address it appended.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        address = forwarded.rsplit(",", 1)[-1].strip() or address
    return salted_hmac("groups.views.client_key", address).hexdigest()


def over_limit(request, scope, limit, window_seconds):
    """Count one more request from this client; True once it has sent more than ``limit``."""
    window = int(time.time() // window_seconds)
    key = f"throttle:{scope}:{client_key(request)}:{window}"
    # get-then-set can let a burst of simultaneous requests slip by one or two; that is fine.
    count = cache.get(key, 0) + 1
    cache.set(key, count, window_seconds)
    return count > limit


def notify_editors(request, change_request):
    recipients = change_request.recipients()
    if not recipients:
        return
    review_url = request.build_absolute_uri(
        reverse("admin:groups_changerequest_change", args=[change_request.pk])
    )
    lines = [f"{change_request} ({change_request.group.short_name})", ""]
    lines += [f"{label}: {current or '-'} -> {proposed or '-'}"
              for label, current, proposed in change_request.comparison()]  # fmt: skip
    if change_request.message:
        lines += ["", "Message:", change_request.message]
    lines += ["", f"Review it: {review_url}"]
    try:
        send_mail(
            f"Suggestion to review: {change_request}",
            "\n".join(lines),
            None,
            recipients,
        )
    except OSError:
        # The suggestion is queued either way; editors also see it in admin.
        logger.exception("Could not email editors about change request %s", change_request.pk)


def suggest(request, meeting=None):
    form = SuggestionForm(request.POST or None, meeting=meeting)
    status = 200
    if request.method == "POST":
        if over_limit(request, "suggest", SUGGESTIONS_PER_WINDOW, SUGGESTION_WINDOW_SECONDS):
            form.add_error(
                None,
                "You have sent many suggestions in a short time. Please try again in an hour.",
            )
            status = 429
        elif form.is_valid():
            if not form.is_spam:
                notify_editors(request, form.save())
            return redirect("groups:suggest_thanks")
        else:
            status = 400
    context = {"form": form, "meeting": meeting}
    return render(request, "groups/suggest.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def suggest_change(request, slug):
    meeting = get_object_or_404(Meeting.objects.select_related("group", "location"), slug=slug)
    return suggest(request, meeting)


@require_http_methods(["GET", "HEAD", "POST"])
def suggest_meeting(request):
    return suggest(request)


@require_safe
def suggest_thanks(request):
    return render(request, "groups/suggest_thanks.html")


# Meeting data out: the Meeting Guide feed and a CSV of search results (see groups/feeds.py).
FEED_MAX_AGE = 300
MAX_CSV_ROWS = 10000


def feed_programs(request):
    return sorted(set(request.GET.getlist("program")))


def cached_feed_version(request):
    # condition() asks for the ETag and the date separately; one aggregate query answers both.
    if not hasattr(request, "feed_version"):
        request.feed_version = feeds.feed_version(feed_programs(request))
    return request.feed_version


@require_safe
@condition(
    etag_func=lambda request: cached_feed_version(request)[0],
    last_modified_func=lambda request: cached_feed_version(request)[1],
)
def meetings_json(request):
    programs = feed_programs(request)
    unknown = set(programs) - set(PROGRAMS)
    if unknown:
        return HttpResponseBadRequest(
            f"Unknown program {', '.join(sorted(unknown))}; use {', '.join(PROGRAMS)}.",
            content_type="text/plain; charset=utf-8",
        )
    records = feeds.meeting_guide_feed(feeds.feed_queryset(programs), request.build_absolute_uri)
    response = JsonResponse(records, safe=False, json_dumps_params={"ensure_ascii": False})
    # A public, read-only feed: apps such as TSML UI fetch it from other sites' pages.
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=FEED_MAX_AGE)
    return response


@require_safe
def meetings_csv(request):
    # Bound even without parameters, as on the results page: no search means no rows.
    filterset = MeetingFilter(request.GET, queryset=search_queryset().filter(is_sample=False))
    if not filterset.is_valid():
        return HttpResponseBadRequest(
            "These search choices are not valid.", content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="meetings.csv"'
    writer = csv.DictWriter(response, fieldnames=feeds.CSV_COLUMNS + feeds.CSV_SEARCH_COLUMNS)
    writer.writeheader()
    for meeting in filterset.qs[:MAX_CSV_ROWS]:
        writer.writerow(feeds.csv_row(meeting, request.build_absolute_uri))
    return response
