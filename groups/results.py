"""A page of search results, each a small card of plain strings built for the template, and
what an empty page offers instead."""

import heapq
import math
from dataclasses import dataclass
from itertools import islice
from zoneinfo import ZoneInfo

from django.db.models import Count, Min, Window
from django.utils.formats import number_format
from django.utils.translation import pgettext_lazy

from groups import rules, schedule
from groups.geocoding import region_label
from groups.links import path_for
from groups.models import Meeting
from groups.models.programs import format_name
from groups.search.geometry import KM_PER_MILE, MAX_RADIUS_KM, radius_in_km
from groups.search.ranking import Sort
from groups.search.timing import ONLINE_HOURS
from groups.vocabulary import JOINABLE_ONLINE, PROGRAMS, Attendance, Philosophy

PAGE_SIZE = 20
# What a result card shows, read as plain values: a model instance for the meeting, its program
# and its place cost more than the query that found them.
CARD_VALUES = [
    "id",
    "name",
    "slug",
    "weekday",
    "start_time",
    "end_time",
    "timezone",
    "attendance",
    "language",
    "is_sample",
    "program__short_name",
    "program__philosophy",
    "location__name",
    "location__city",
    "location__region",
    "location__country",
    "location__latitude",
    "location__longitude",
]
# What ranking.merge_key compares.
MERGED_BY = ["distance_km", "minutes_until"]
MAX_PAGE = 5000
# Short phrases for why a result ranks where it does; other formats give their own name.
FORMAT_REASONS = {
    "BE": pgettext_lazy("reason", "newcomers welcome"),
    "W": pgettext_lazy("reason", "women"),
    "M": pgettext_lazy("reason", "men"),
    "Y": pgettext_lazy("reason", "young people"),
    "X": pgettext_lazy("reason", "wheelchair access"),
    "LGBTQ": pgettext_lazy("reason", "LGBTQ"),
}
ONLINE_REASON = pgettext_lazy("reason", "online")
# Each language's catalog names itself here: "en español".
LANGUAGE_REASON = pgettext_lazy("reason: held in the language of these pages", "in English")


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


def paginate(parts, number, rows, merge_key, carry=(), annotations=None):
    """Page ``number`` of a search's results, each meeting a dict of CARD_VALUES and the
    annotations named in ``carry``: ``parts`` are the search's SearchParts, each in its order
    (search_parts), ``merge_key`` says how they merge (ranking.merge_key: None when one follows
    the other), and ``annotations`` are added to each part's query.

    A part read whole gives its page's share of rows, with its total, in one query. A part read
    by keys (SearchPart.by_keys) is ordered on them alone (the primary key, the total, what the
    merge compares and ``carry``), and then the page's meetings are read by primary key from
    ``rows``, the QuerySet they come from: sorting keys rather than whole rows is what keeps a
    search among thousands of online meetings fast. Parts that interleave are all read by keys.
    """
    try:
        number = min(MAX_PAGE, max(1, int(number)))
    except (TypeError, ValueError):
        number = 1
    names = list(dict.fromkeys(["pk", "total_count", *MERGED_BY, *carry]))
    # A part that is none() (nothing to look for) lacks the search's annotations: nothing to read.
    parts = [part for part in parts if not part.meetings.query.is_empty()]

    def counted(meetings):
        return meetings.annotate(total_count=Window(Count("pk")), **(annotations or {}))

    def total_of(meetings, found, start, stop, total_count):
        """The part's total: on its rows when some were read, else counted apart (always
        right: the page past the last one is found by it)."""
        if found:
            return total_count(found[0])
        return meetings.count() if start or stop <= start else 0

    def keys_of(meetings, start, stop):
        """The part's keys [start:stop] and its total."""
        keys = counted(meetings).values_list(*names, named=True)
        found = list(keys[start:stop]) if stop > start else []
        return found, total_of(meetings, found, start, stop, lambda key: key.total_count)

    def share_of(part, start, stop):
        """The part's meetings [start:stop] and its total."""
        if part.by_keys:
            keys, total = keys_of(part.meetings, start, stop)
            return rows_by_key(rows, keys, carry), total
        read = counted(part.meetings).values(*CARD_VALUES, *carry, "total_count")
        found = list(read[start:stop]) if stop > start else []
        return found, total_of(part.meetings, found, start, stop, lambda row: row["total_count"])

    def rows_for(page_number):
        start = (page_number - 1) * PAGE_SIZE
        end = start + PAGE_SIZE
        page, total = [], 0
        if merge_key is None or len(parts) == 1:  # One after the other: this page's share.
            for part in parts:
                offset = max(0, start - total)
                found, part_total = share_of(part, offset, offset + PAGE_SIZE - len(page))
                page += found
                total += part_total
            return page, total
        # Interleaved: the page's rows are among the first `end` of each part.
        found = []
        for part in parts:
            part_keys, part_total = keys_of(part.meetings, 0, end)
            found.append(part_keys)
            total += part_total
        keys = list(islice(heapq.merge(*found, key=merge_key), start, end))
        return rows_by_key(rows, keys, carry), total

    page, total = rows_for(number)
    if page:
        return Page(page, number, total)
    if number == 1:
        return Page([], 1, 0)
    # Past the last page: show the last one rather than nothing.
    number = max(1, math.ceil(total / PAGE_SIZE))
    return Page(rows_for(number)[0] if total else [], number, total)


def rows_by_key(rows, keys, carry=()):
    """The meetings of ``rows`` (a QuerySet) whose primary keys ``keys`` hold (named tuples, as
    values_list(named=True) gives), as dicts of CARD_VALUES in the order of ``keys``, each with
    the values of the keys' fields named in ``carry``."""
    read = rows.order_by().filter(pk__in=[key.pk for key in keys]).values(*CARD_VALUES)
    meetings = {meeting["id"]: meeting for meeting in read}
    found = []
    for key in keys:
        # A meeting made inactive since its key was read is left out, not an error.
        if meeting := meetings.get(key.pk):
            meeting.update((name, getattr(key, name)) for name in carry)
            found.append(meeting)
    return found


def next_occurrence(row, now):
    """The next occurrence of the meeting in a row of CARD_VALUES, as Meeting.next_occurrence."""
    return schedule.next_occurrence(
        row["weekday"], row["start_time"], row["end_time"], ZoneInfo(row["timezone"]), now
    )


def in_unit(km, unit):
    """A distance in kilometres, in the unit the person chose ("km" or "mi")."""
    return km / KM_PER_MILE if unit == "mi" else km


def format_distance(km, unit):
    """'3.2 km' under ten, whole beyond: '41 km', '3,010 km' ('3,2 km', '3.010 km' in Spanish)."""
    distance = in_unit(km, unit)
    places = 1 if distance < 10 else 0
    return f"{number_format(round(distance, places), places, force_grouping=True)} {unit}"


def format_radius(km, unit):
    """A radius as people write it: '25 km', '2.5 mi' ('2,5 mi' in Spanish)."""
    radius = round(in_unit(km, unit), 1)
    return f"{number_format(radius, 0 if radius == int(radius) else 1)} {unit}"


@dataclass(frozen=True)
class Result:
    """What one result card shows: plain strings render several times faster than models."""

    name: str
    url: str
    is_sample: bool
    program: str
    philosophy: str
    philosophy_label: str
    attendance_label: str
    when_text: str
    in_progress: bool
    searcher_time: str
    where: str
    reasons: str
    # For the map of results: the venue's coordinates, or "" for a meeting held only online.
    latitude: str = ""
    longitude: str = ""


class ResultCards:
    """Builds the Result of each meeting a search found, for one search form and moment."""

    def __init__(self, form, now):
        self.form = form
        self.now = now
        self.preferred_language = form.preferred_language
        # Each label translated once a page rather than once a card.
        self.philosophy_labels = {value: str(label) for value, label in Philosophy.choices}
        self.attendance_labels = {value: str(label) for value, label in Attendance.choices}
        self.online_reason = str(ONLINE_REASON)

    def cards(self, meetings):
        """The cards of ``meetings`` (rows of CARD_VALUES and distance_km); which of the
        preferred formats each has, read for all in one query (of codes: the names are the
        listed ones)."""
        held = {}  # Meeting key: the preferred format codes it has.
        if preferred := self.form.cleaned_data.get("prefer_format"):
            links = Meeting.formats.through.objects.filter(
                meeting__in=[meeting["id"] for meeting in meetings], format__code__in=preferred
            )
            for meeting_id, code in links.values_list("meeting_id", "format__code"):
                held.setdefault(meeting_id, set()).add(code)
        return [self.card(meeting, held.get(meeting["id"], set())) for meeting in meetings]

    def card(self, meeting, preferred_held):
        data = self.form.cleaned_data
        occurrence = next_occurrence(meeting, self.now)
        is_online = meeting["attendance"] in JOINABLE_ONLINE
        distance = ""
        if meeting.get("distance_km") is not None:
            distance = format_distance(meeting["distance_km"], self.form.distance_unit)
        zone = self.form.searcher_zone
        searcher_time, clash = "", False
        if is_online and zone and zone.key != meeting["timezone"]:
            theirs = occurrence.start.astimezone(zone)
            clash = schedule.names_clash(theirs, occurrence.start)
            searcher_time = schedule.format_moment(theirs, with_offset=clash)
        philosophy = meeting["program__philosophy"]
        philosophy_label = self.philosophy_labels[philosophy]
        reasons = [distance or (self.online_reason if is_online else "")]
        if data.get("prefer_philosophy") or not data.get("philosophy"):
            reasons.append(philosophy_label.lower())
        if preferred := data.get("prefer_format"):
            # None about a room on a video call.
            held = preferred_held - set(rules.room_codes(meeting["attendance"], preferred_held))
            reasons.extend(  # In the order the person listed them, each once.
                FORMAT_REASONS.get(code, format_name(code).lower())
                for code in dict.fromkeys(preferred)
                if code in held
            )
        if self.preferred_language and meeting["language"] == self.preferred_language:
            reasons.append(LANGUAGE_REASON)
        reasons.append(schedule.describe_start(occurrence, self.now))
        region = region_label(meeting["location__country"], meeting["location__region"])
        where = ", ".join(
            part for part in (meeting["location__name"], meeting["location__city"], region) if part
        )
        latitude = longitude = ""
        if meeting["location__latitude"] is not None and meeting["location__longitude"] is not None:
            latitude = f"{meeting['location__latitude']:.5f}"
            longitude = f"{meeting['location__longitude']:.5f}"
        return Result(
            name=meeting["name"],
            url=path_for("groups:meeting", meeting["slug"]),
            is_sample=meeting["is_sample"],
            program=meeting["program__short_name"],
            philosophy=philosophy,
            philosophy_label=philosophy_label,
            attendance_label=self.attendance_labels[meeting["attendance"]],
            when_text=schedule.format_span(occurrence, with_offset=clash),
            in_progress=occurrence.in_progress,
            searcher_time=searcher_time,
            where=where,
            reasons=" · ".join(str(reason) for reason in reasons if reason),
            latitude=latitude,
            longitude=longitude,
        )


def wait(minutes):
    """How long until a start, in the largest whole unit: ("now", 0), ("minutes", 40),
    ("hours", 3) or ("days", 2)."""
    if minutes <= 0:
        return ("now", 0)
    if minutes < 60:
        return ("minutes", minutes)
    if minutes < 24 * 60:
        return ("hours", round(minutes / 60))
    return ("days", round(minutes / (24 * 60)))


@dataclass(frozen=True)
class Others:
    """Meetings of another philosophy within the radius, for a search narrowed by philosophy or
    program: how many, and how near the nearest is."""

    philosophy: str
    same_philosophy: bool
    count: int
    nearest: str


@dataclass
class DeadEnd:
    """What an empty results page offers instead, each part explained in a sentence.

    ``nearest``: the meetings nearest the place that fit every choice, whatever the distance (at
    any time, when a day, time or "starting within" was chosen: ``at_any_time``); ``online``:
    the online meetings of the same programs that start soonest; ``others``: what the other
    philosophy (or the other programs) offer within the radius, and ``others_none`` when a
    philosophy or program was chosen and the others have nothing there either.
    """

    searched_nearby: bool
    radius: str
    program: str
    philosophy: str
    other_choices: bool
    at_any_time: bool
    nearest: list
    nearest_distance: str
    widen_to: int | None
    online: list
    online_wait: tuple
    others: list
    others_none: bool

    @classmethod
    def build(cls, filterset, cards):
        form, data = filterset.form, filterset.form.cleaned_data
        unit = form.distance_unit
        programs = data.get("program") or []
        philosophies = chosen_philosophies(data)
        at_any_time = chooses_time(data)
        nearest = nearest_anywhere(filterset, at_any_time=at_any_time)
        widen_to = None
        if nearest and nearest[0]["distance_km"] > form.radius_km:
            # A radius in the person's unit that takes in the nearest meeting, if one may ask it.
            widen_to = max(1, math.ceil(in_unit(nearest[0]["distance_km"], unit)))
            if radius_in_km(widen_to, unit) > MAX_RADIUS_KM:
                widen_to = None
        online = next_online(filterset)
        nearby = others_nearby(filterset)
        others = [
            Others(
                philosophy=philosophy,
                same_philosophy=philosophy in philosophies,
                count=count,
                nearest=format_distance(nearest_km, unit),
            )
            for philosophy, (count, nearest_km) in sorted(nearby.items())
        ]
        return cls(
            searched_nearby=searches_nearby(filterset),
            radius=format_radius(form.radius_km, unit),
            program=PROGRAMS[programs[0]][1] if len(programs) == 1 else "",
            philosophy=data.get("philosophy") or "",
            other_choices=narrows_beyond_program(data) or len(programs) > 1,
            at_any_time=at_any_time,
            nearest=cards.cards(nearest),
            nearest_distance=format_distance(nearest[0]["distance_km"], unit) if nearest else "",
            widen_to=widen_to,
            online=cards.cards(online),
            online_wait=first_start(online, filterset.now),
            others=others,
            others_none=searches_nearby(filterset) and bool(philosophies) and not nearby,
        )


def first_start(meetings, now):
    """How long until the first of ``meetings`` (rows of CARD_VALUES) starts, as wait() says it,
    counted as their cards count it: ("now", 0) when one is in progress. () for none."""
    if not meetings:
        return ()
    occurrences = [next_occurrence(meeting, now) for meeting in meetings]
    if any(occurrence.in_progress for occurrence in occurrences):
        return wait(0)
    soonest = min(occurrence.start for occurrence in occurrences)
    return wait(max(1, schedule.minutes(soonest - now)))


# Never a dead end: what an empty results page offers instead, for the search's FilterSet. Each
# is a query of its own, made only when the page is empty.


def searches_nearby(filterset):
    """Whether the search looks for meetings held around a place."""
    return filterset.form.point is not None and filterset.form.wants_local


def nearest_anywhere(filterset, limit=5, at_any_time=False):
    """The meetings nearest the place that fit every choice, however far (nearest first), as rows
    of CARD_VALUES and distance_km; with ``at_any_time``, every choice but the day, time and
    "starting within"."""
    if not searches_nearby(filterset):
        return []
    form = filterset.form
    skip = ("day", "time") if at_any_time else ()
    return filterset.narrowed(filterset.queryset, skip=skip).nearest(
        form.point,
        beyond_km=form.radius_km,
        limit=limit,
        soon_hours=None if at_any_time else form.soon_hours,
        now=filterset.now,
        values=CARD_VALUES,
    )


def next_online(filterset, limit=3):
    """The online meetings of the programs chosen that start soonest, on any day, as rows of
    CARD_VALUES and distance_km.

    Looked for in the coming day first, as the results list them (ranges of an index), then in
    the whole week, which reads every online meeting, only when few start sooner.
    """
    queryset = filterset.narrowed(filterset.queryset, skip=("attendance", "day", "time"))
    for hours in (ONLINE_HOURS, None):
        found = queryset.search(
            include_local=False,
            include_online=True,
            online_hours=hours,
            sort=Sort.SOONEST,
            now=filterset.now,
        )
        # Their keys first, from the online index alone (as the results page reads them), then
        # the few rows: sorting whole rows read thousands of them from the table.
        keys = list(found.values_list("pk", "distance_km", named=True)[:limit])
        if len(keys) >= limit or hours is None:
            return rows_by_key(filterset.queryset, keys, carry=("distance_km",))


def chosen_philosophies(data):
    """The philosophies the chosen philosophy or programs narrow the search to, if any."""
    if data.get("philosophy"):
        return {data["philosophy"]}
    return {PROGRAMS[slug][2] for slug in data.get("program") or []}


def others_nearby(filterset):
    """Meetings within the radius that other programs offer: {philosophy: (count, nearest km)},
    for a search narrowed by philosophy or program."""
    if not searches_nearby(filterset):
        return {}
    form, data = filterset.form, filterset.form.cleaned_data
    queryset = filterset.narrowed(filterset.queryset, skip=("philosophy", "program"))
    if data.get("philosophy"):
        queryset = queryset.exclude(program__philosophy=data["philosophy"])
    elif data.get("program"):
        queryset = queryset.exclude(program__slug__in=data["program"])
    else:
        return {}
    found = queryset.near(form.point, form.radius_km, soon_hours=form.soon_hours, now=filterset.now)
    rows = (
        found.order_by()
        .values("program__philosophy")
        .annotate(count=Count("pk"), nearest_km=Min("distance_km"))
    )
    return {row["program__philosophy"]: (row["count"], row["nearest_km"]) for row in rows}


def chooses_time(data):
    """Whether a day, a time of day or "starting within" narrows the search."""
    return bool(data.get("day") or data.get("time")) or data.get("soon") is not None


def narrows_beyond_program(data):
    """Whether a choice other than the program or philosophy narrows the search."""
    chosen = [data.get(name) for name in ("text", "attendance", "format", "language")]
    return any(chosen) or chooses_time(data)
