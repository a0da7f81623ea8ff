"""A page of search results, each a small card of plain strings built for the template."""

import math
from dataclasses import dataclass

from django.db.models import Count, Window
from django.urls import reverse

from groups import schedule
from groups.search.geometry import KM_PER_MILE

PAGE_SIZE = 20
MAX_PAGE = 5000
# Short phrases for why a result ranks where it does.
FORMAT_REASONS = {
    "BE": "newcomers welcome",
    "W": "women",
    "M": "men",
    "Y": "young people",
    "X": "wheelchair access",
    "LGBTQ": "LGBTQ",
}
SLUG_MARK = "slug-mark"


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


class ResultCards:
    """Builds the Result of each meeting a search found, for one search form and moment."""

    def __init__(self, form, now):
        self.form = form
        self.now = now
        # reverse() once per page, not per card: slugs need no quoting in a path.
        self.meeting_url = reverse("groups:meeting", args=[SLUG_MARK])

    def card(self, meeting):
        data = self.form.cleaned_data
        occurrence = meeting.next_occurrence(self.now)
        program = meeting.program
        distance = ""
        if getattr(meeting, "distance_km", None) is not None:
            unit = self.form.distance_unit
            factor = 1 / KM_PER_MILE if unit == "mi" else 1
            distance = f"{meeting.distance_km * factor:.1f} {unit}"
        zone = self.form.searcher_zone
        searcher_time = ""
        if meeting.is_online and zone and zone.key != meeting.timezone:
            searcher_time = schedule.format_moment(occurrence.start.astimezone(zone))
        reasons = [distance or ("online" if meeting.is_online else "")]
        if data.get("prefer_philosophy") or not data.get("philosophy"):
            reasons.append(program.get_philosophy_display().lower())
        if preferred := set(data.get("prefer_format") or []):
            for fmt in meeting.formats.all():
                if fmt.code in preferred:
                    reasons.append(FORMAT_REASONS.get(fmt.code, fmt.name.lower()))
        reasons.append(schedule.describe_start(occurrence, self.now))
        location = meeting.location
        where = ""
        if location is not None:
            where = ", ".join(
                part for part in (location.name, location.city, location.region_label) if part
            )
        return Result(
            name=meeting.name,
            url=self.meeting_url.replace(SLUG_MARK, meeting.slug),
            is_sample=meeting.is_sample,
            program=program.short_name,
            philosophy=program.philosophy,
            philosophy_label=program.get_philosophy_display(),
            attendance_label=meeting.get_attendance_display(),
            when_text=schedule.format_span(occurrence),
            in_progress=meeting.in_progress,
            searcher_time=searcher_time,
            where=where,
            reasons=" · ".join(reason for reason in reasons if reason),
        )
