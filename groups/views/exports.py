"""Meeting data out: the Meeting Guide feed, a CSV of search results, and calendars."""

import csv

from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition, require_safe

from groups import calendars, feeds
from groups.filters import MeetingFilter
from groups.models import Meeting
from groups.vocabulary import PROGRAMS

FEED_MAX_AGE = 300
MAX_CSV_ROWS = 10000
# A list calendar is for someone's own planning, not a dump of the directory.
MAX_CALENDAR_EVENTS = 100


def search_queryset():
    """Active meetings with everything an export of search results writes."""
    return (
        Meeting.objects.active().select_related("program", "location").prefetch_related("formats")
    )


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
    feed = feeds.meeting_guide_feed(feeds.feed_queryset(programs), request.build_absolute_uri)
    response = JsonResponse(list(feed), safe=False, json_dumps_params={"ensure_ascii": False})
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


def ics_response(calendar, filename):
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def meeting_ics(request, slug):
    meeting = get_object_or_404(Meeting.objects.select_related("program", "location"), slug=slug)
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
