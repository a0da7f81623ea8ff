"""Pages for people looking for a meeting: home, search results, meetings, programs, guides."""

import json

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Exists
from django.http import JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils.translation import get_language, gettext, pgettext
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from groups import calendars, schedule, summary
from groups.databases import reads_from_replica
from groups.filters import MeetingFilter
from groups.geocoding import search_geocoder
from groups.links import given, query_string
from groups.models import Attendance, Group, Location, Meeting, Program
from groups.models.programs import language_name
from groups.results import DeadEnd, ResultCards, paginate
from groups.search.ranking import merge_key

SUGGESTIONS_MAX_AGE = 300


def results_queryset():
    """The meetings a search looks through: the active ones."""
    return Meeting.objects.active()


@require_safe
def home(request):
    context = {
        "programs": Program.objects.order_by("philosophy", "name"),
        "filter": MeetingFilter(),
        "online_now": summary.online_now(QueryDict()),
    }
    return render(request, "groups/home.html", context)


@reads_from_replica
@require_safe
def meeting_list(request):
    query = given(request.GET) if request.GET else None
    filterset = MeetingFilter(query, queryset=results_queryset())
    context, status = {"filter": filterset, "page": None, **map_settings()}, 200
    context["query"] = query_string(request.GET)  # For the exports of the results.
    if filterset.is_bound:
        if filterset.is_valid() and filterset.form.is_searching:
            context["chips"] = summary.chips(filterset)
            context["quick_choices"] = summary.quick_choices(filterset)
            # The page's own query also answers whether any sample data exists (for the notice
            # on every page), saving the context processor's query when there are rows.
            samples = Exists(Meeting.objects.samples())
            page = paginate(
                filterset.search_parts(),
                request.GET.get("page"),
                rows=filterset.queryset,
                merge_key=merge_key(filterset.form.sort_order),
                carry=("distance_km", "sample_data"),
                annotations={"sample_data": samples},
            )
            if page.rows:
                context["sample_data"] = page.rows[0]["sample_data"]
            cards = ResultCards(filterset.form, filterset.now)
            page.rows = cards.cards(page.rows)
            context["page"] = page
            if not page.rows:
                context["dead_end"] = DeadEnd.build(filterset, cards)
        elif filterset.errors:
            status = 400
    return render(request, "groups/meeting_list.html", context, status=status)


@require_safe
def meeting_detail(request, slug):
    meeting = get_object_or_404(
        Meeting.objects.select_related("program", "location", "group").prefetch_related("formats"),
        slug=slug,
    )
    now = timezone.now()
    occurrence = meeting.next_occurrence(now)
    event = calendars.schema_event(meeting, occurrence, request.build_absolute_uri())
    context = {
        "meeting": meeting,
        "occurrence": occurrence,
        "when": schedule.describe_start(occurrence, now),
        "weekday_name": schedule.day_name(meeting.weekday),
        "verified_ago": verified_ago(meeting.last_verified, now.date()),
        "verified_stale": meeting.is_stale(now.date()),
        "jsonld": json_for_script(event),
        # Contact people stay private unless a curator ticked them public.
        "contacts": meeting.contacts.public(),
        "formats": meeting.fitting_formats(),
        "language_name": language_name(meeting.language),  # In the reader's language.
        **map_settings(),
    }
    return render(request, "groups/meeting_detail.html", context)


@require_safe
def program(request, slug):
    program = get_object_or_404(Program, slug=slug)
    meetings = program.meetings.active()
    context = {
        "program": program,
        "meeting_count": meetings.count(),
        "online_count": meetings.online().count(),
        "others": Program.objects.exclude(pk=program.pk).order_by("philosophy", "name"),
    }
    return render(request, "groups/program.html", context)


def week_of(meetings):
    """Active meetings in the order of the week, with the program and place a card shows."""
    return (
        meetings.active()
        .select_related("program", "location")
        .order_by("weekday", "start_time", "name")
    )


@require_safe
def group(request, slug):
    group = get_object_or_404(Group.objects.select_related("program"), slug=slug)
    context = {"group": group, "meetings": week_of(group.meetings)}
    return render(request, "groups/group.html", context)


@require_safe
def location(request, pk):
    location = get_object_or_404(Location, pk=pk)
    # Meetings held here: an online-only meeting's place is only its organisers' town.
    meetings = week_of(location.meetings.exclude(attendance=Attendance.ONLINE))
    return render(request, "groups/location.html", {"location": location, "meetings": meetings})


@require_safe
def choosing(request):
    programs = Program.objects.order_by("philosophy", "name")
    return render(request, "groups/choosing.html", {"programs": programs})


@require_safe
def place_suggestions(request):
    """Places whose name starts with what was typed, for the search box's suggestions.

    Read from the offline gazetteer; what was typed is neither logged nor kept on the server.
    The browser may keep an answer a few minutes, for the same letters typed again.
    """
    places = search_geocoder().suggest(request.GET.get("q", ""))
    response = JsonResponse(
        {"places": [{"label": label, "value": value} for label, value in places]}
    )
    patch_cache_control(response, private=True, max_age=SUGGESTIONS_MAX_AGE)
    return response


# Icons of the web app, files at the site's root (static/root/).
APP_ICONS = [
    {"src": "/favicon.svg", "sizes": "any", "type": "image/svg+xml"},
    {"src": "/icon-192.png", "sizes": "192x192", "type": "image/png"},
    {"src": "/icon-512.png", "sizes": "512x512", "type": "image/png"},
    {
        "src": "/icon-maskable-512.png",
        "sizes": "512x512",
        "type": "image/png",
        "purpose": "maskable",
    },
]
MANIFEST_MAX_AGE = 24 * 60 * 60


@require_safe
def manifest(request):
    """The web app manifest in the page's language: the site on a phone's home screen opens at
    the home page of the language it was added in, named in that language."""
    home = reverse("groups:home")
    data = {
        "name": gettext("Meeting Finder"),
        "short_name": pgettext("short name of the app on a home screen", "Meetings"),
        "description": gettext(
            "Find Narcotics Anonymous, Dual Recovery Anonymous, SOS, SMART Recovery and "
            "LifeRing meetings near you or online."
        ),
        "lang": get_language(),
        "start_url": home,
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5cad",
        "icons": APP_ICONS,
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    patch_cache_control(response, public=True, max_age=MANIFEST_MAX_AGE)
    return response


@never_cache
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


def not_found(request, exception):
    """Django's 404 page, with this page's language links leading home (groups.links)."""
    request.not_found = True
    return defaults.page_not_found(request, exception)


def map_settings():
    """A map needs a tile server of the site's own choosing; with none there is no map."""
    return {"map_tile_url": settings.MAP_TILE_URL, "map_attribution": settings.MAP_TILE_ATTRIBUTION}


def verified_ago(verified, today):
    if verified is None:
        return None
    if verified >= today:
        return pgettext("verified", "today")
    # Translators: how long ago, such as "3 months" (Django's own words).
    return gettext("%(time)s ago") % {"time": timesince(verified, today, depth=1)}


def json_for_script(data):
    """JSON safe inside a <script> element: no "</script>" or "<!--" can close it early."""
    text = json.dumps(data, ensure_ascii=False)
    return mark_safe(  # noqa: S308 - every character that could end the element is escaped.
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    )
