"""Meeting data out: the Meeting Guide feed, a CSV of search results, and calendars."""

import hashlib

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext
from django.views.decorators.http import condition, require_safe

from groups import calendars, feeds, prebuilt
from groups.databases import reads_from_replica
from groups.filters import MeetingFilter
from groups.models import Meeting
from groups.vocabulary import PROGRAMS

FEED_MAX_AGE = 300
MAX_CSV_ROWS = 10000
CSV_KEEP_SECONDS = 120
# A list calendar is for someone's own planning, not a dump of the directory.
MAX_CALENDAR_EVENTS = 100


def search_queryset():
    """Active meetings with everything an export of search results writes."""
    return (
        Meeting.objects.active().select_related("program", "location").prefetch_related("formats")
    )


def feed_programs(request):
    return sorted(set(request.GET.getlist("program")))


def cached_feed_version(request, programs):
    # condition() asks for the ETag and the date separately; one lookup answers both.
    if not hasattr(request, "feed_version"):
        request.feed_version = feeds.feed_version(programs)
    return request.feed_version


@reads_from_replica
@require_safe
def meetings_json(request):
    programs = feed_programs(request)
    unknown = set(programs) - set(PROGRAMS)
    if unknown:
        return HttpResponseBadRequest(
            f"Unknown program {', '.join(sorted(unknown))}; use {', '.join(PROGRAMS)}.",
            content_type="text/plain; charset=utf-8",
        )
    response = meeting_guide_feed(request, programs)
    # A public, read-only feed: apps such as TSML UI fetch it from other sites' pages.
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=FEED_MAX_AGE)
    return response


@condition(
    etag_func=lambda request, programs: cached_feed_version(request, programs)[0],
    last_modified_func=lambda request, programs: cached_feed_version(request, programs)[1],
)
def meeting_guide_feed(request, programs):
    """The feed, built once per version of the data and site address (groups.prebuilt)."""
    etag, _ = cached_feed_version(request, programs)
    site = request.build_absolute_uri("/")
    key = "feed:" + hashlib.sha256(f"{etag}|{site}".encode()).hexdigest()
    data = prebuilt.gzipped(
        key,
        lambda: feeds.meeting_guide_json(feeds.feed_queryset(programs), request.build_absolute_uri),
    )
    return prebuilt.response(request, data, "application/json")


@reads_from_replica
@require_safe
def meetings_csv(request):
    # Bound even without parameters, as on the results page: no search means no rows.
    filterset = MeetingFilter(request.GET, queryset=search_queryset().filter(is_sample=False))
    if not filterset.is_valid():
        return HttpResponseBadRequest(
            gettext("These search choices are not valid."),
            content_type="text/plain; charset=utf-8",
        )
    # The same search gives the same rows until the data changes or the minute turns (what is
    # "soon" moves with the clock).
    etag, _ = feeds.feed_version()
    minute = filterset.now.replace(second=0, microsecond=0).isoformat()
    asked = request.build_absolute_uri()
    key = "csv:" + hashlib.sha256(f"{etag}|{minute}|{asked}".encode()).hexdigest()
    data = prebuilt.gzipped(
        key,
        lambda: feeds.csv_text(filterset.qs[:MAX_CSV_ROWS], request.build_absolute_uri),
        keep_seconds=CSV_KEEP_SECONDS,
        keep_locally=False,
    )
    response = prebuilt.response(request, data, "text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="meetings.csv"'
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


@reads_from_replica
@require_safe
def meetings_ics(request):
    # Bound even without parameters, so an empty query gives an empty calendar, not every meeting.
    filterset = MeetingFilter(request.GET, queryset=search_queryset())
    if not filterset.is_valid():
        return HttpResponseBadRequest(
            gettext("These search choices are not valid."),
            content_type="text/plain; charset=utf-8",
        )
    calendar = calendars.calendar_for(
        filterset.qs[:MAX_CALENDAR_EVENTS],
        lambda m: request.build_absolute_uri(m.get_absolute_url()),
        domain=request.get_host(),
        now=filterset.now,
    )
    return ics_response(calendar, "meetings.ics")
