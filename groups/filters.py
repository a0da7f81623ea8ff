"""The meeting search: parameters, filtering and what each result says about itself."""

from functools import cache

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from groups import schedule
from groups.forms import MAX_RADIUS_KM, MeetingSearchForm, radius_in_km
from groups.geocoding import MAX_QUERY_LENGTH
from groups.models import KM_PER_MILE, Attendance, Meeting, Philosophy, Sort, Weekday
from groups.vocabulary import FORMATS, LANGUAGES, PROGRAMS

DEFAULT_RADIUS_KM = 25
# Online meetings run all week all over the world: list those in progress or starting within a
# day, unless the person picked days or a "starting within" window of their own.
ONLINE_HOURS = 24
UNITS = [("km", "km"), ("mi", "miles")]
TIMES_OF_DAY = {
    # (label, start minute inclusive, end minute exclusive); night wraps past midnight.
    "morning": ("Morning (4:00–12:00)", 4 * 60, 12 * 60),
    "afternoon": ("Afternoon (12:00–17:00)", 12 * 60, 17 * 60),
    "evening": ("Evening (17:00–21:00)", 17 * 60, 21 * 60),
    "night": ("Night (21:00–4:00)", 21 * 60, 4 * 60),
}
PROGRAM_CHOICES = [(slug, name) for slug, (name, _, _) in PROGRAMS.items()]
# The long format list is given as a callable: Django deep-copies a list for every form it builds.
_FORMAT_CHOICES = [(term.code, term.name) for term in FORMATS]
_LANGUAGE_CHOICES = [(code, name) for code, (name, _, _) in LANGUAGES.items()]


def format_choices():
    return _FORMAT_CHOICES


# The parameters under "More choices" on the form.
MORE_CHOICES = ["attendance", "philosophy", "program", "day", "time", "soon", "language", "format",
                "prefer_philosophy", "prefer_format", "sort"]  # fmt: skip
SLUG_MARK = "slug-mark"
# What the form sends when nobody changed a choice.
DEFAULTS = {"sort": Sort.BEST}
# Short phrases for why a result ranks where it does.
FORMAT_REASONS = {"BE": "newcomers welcome", "W": "women", "M": "men", "Y": "young people",
                  "X": "wheelchair access", "LGBTQ": "LGBTQ"}  # fmt: skip


class MeetingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Where are you?",
        method="resolved_by_form",
        max_length=MAX_QUERY_LENGTH,
        help_text="A town, “Portland, OR”, or a ZIP code.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "address-level2"}),
    )
    lat = django_filters.NumberFilter(
        method="resolved_by_form", min_value=-90, max_value=90, widget=forms.HiddenInput
    )
    lng = django_filters.NumberFilter(
        method="resolved_by_form", min_value=-180, max_value=180, widget=forms.HiddenInput
    )
    tz = django_filters.CharFilter(
        method="resolved_by_form", max_length=64, widget=forms.HiddenInput
    )
    radius = django_filters.NumberFilter(
        label="Within", method="resolved_by_form", min_value=0.5, max_digits=6, decimal_places=2
    )
    unit = django_filters.ChoiceFilter(
        label="Unit", choices=UNITS, method="resolved_by_form", empty_label=None
    )
    philosophy = django_filters.ChoiceFilter(
        label="Philosophy",
        field_name="group__philosophy",
        choices=Philosophy.choices,
        empty_label="Any",
    )
    program = django_filters.MultipleChoiceFilter(
        label="Program",
        field_name="group__slug",
        choices=PROGRAM_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    attendance = django_filters.MultipleChoiceFilter(
        label="How to attend", choices=Attendance.choices, widget=forms.CheckboxSelectMultiple
    )
    format = django_filters.MultipleChoiceFilter(
        label="Must have", choices=format_choices, method="filter_formats"
    )
    language = django_filters.ChoiceFilter(
        label="Language", choices=_LANGUAGE_CHOICES, empty_label="Any"
    )
    day = django_filters.MultipleChoiceFilter(
        label="Day",
        field_name="weekday",
        choices=Weekday.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    time = django_filters.ChoiceFilter(
        label="Time of day",
        choices=[(key, label) for key, (label, _, _) in TIMES_OF_DAY.items()],
        method="filter_time_of_day",
        empty_label="Any",
    )
    soon = django_filters.NumberFilter(
        label="Starting within (hours)",
        method="resolved_by_form",
        min_value=0,
        max_value=168,
        max_digits=5,
        decimal_places=2,
    )
    prefer_philosophy = django_filters.ChoiceFilter(
        label="I prefer",
        choices=Philosophy.choices,
        method="resolved_by_form",
        empty_label="No preference",
    )
    prefer_format = django_filters.MultipleChoiceFilter(
        label="Nice to have", choices=format_choices, method="resolved_by_form"
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by", choices=Sort.choices, method="resolved_by_form", empty_label=None
    )

    class Meta:
        model = Meeting
        fields = []
        form = MeetingSearchForm

    def __init__(self, data=None, *args, now=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.now = now or timezone.now()

    def get_form_class(self):
        return type(self).shared_form_class()

    @classmethod
    @cache
    def shared_form_class(cls):
        """Build the form class once; django-filter would build its fields anew per request."""
        fields = {name: filter_.field for name, filter_ in cls.base_filters.items()}
        return type(f"{cls.__name__}Form", (cls._meta.form,), fields)

    def resolved_by_form(self, queryset, name, value):
        # Place, radius, time window, preferences and sort feed MeetingQuerySet.search below.
        return queryset

    def filter_formats(self, queryset, name, codes):
        for code in codes:
            through = Meeting.formats.through.objects.filter(
                meeting=OuterRef("pk"), format__code=code
            )
            queryset = queryset.filter(Exists(through))
        return queryset

    def filter_time_of_day(self, queryset, name, key):
        _, start, end = TIMES_OF_DAY[key]
        low, high = schedule.clock(start), schedule.clock(end)
        if start < end:
            return queryset.filter(start_time__gte=low, start_time__lt=high)
        return queryset.filter(Q(start_time__gte=low) | Q(start_time__lt=high))

    @property
    def distance_unit(self):
        return self.form.cleaned_data.get("unit") or "km"

    @property
    def radius_km(self):
        radius = self.form.cleaned_data.get("radius")
        if radius is None:
            return DEFAULT_RADIUS_KM
        return min(MAX_RADIUS_KM, radius_in_km(radius, self.distance_unit))

    @property
    def wider_radius_km(self):
        """The radius to suggest when nothing matched, or None at the limit."""
        return (
            min(MAX_RADIUS_KM, round(self.radius_km * 2))
            if self.radius_km < MAX_RADIUS_KM
            else None
        )

    @property
    def attendance_with_online(self):
        current = self.form.cleaned_data.get("attendance") or [
            Attendance.IN_PERSON,
            Attendance.HYBRID,
        ]
        return [*current, Attendance.ONLINE] if Attendance.ONLINE not in current else None

    @property
    def more_choices_in_use(self):
        """Whether any choice under "More choices" was sent (valid or not), beyond the defaults."""
        if not self.data:
            return False
        return any(
            self.data.get(name) not in ("", None, DEFAULTS.get(name)) for name in MORE_CHOICES
        )

    @property
    def online_window_note(self):
        """The hours of online meetings listed by default, when that limit applies."""
        data = self.form.cleaned_data
        listed = Attendance.ONLINE in (data.get("attendance") or [])
        return ONLINE_HOURS if listed and not data.get("day") and data.get("soon") is None else None

    @property
    def is_searching(self):
        """True when there is somewhere to search: a place, or online meetings."""
        data = self.form.cleaned_data
        return self.form.point is not None or Attendance.ONLINE in (data.get("attendance") or [])

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        for name, filter_ in self.filters.items():
            if data.get(name) not in (None, "", []):
                queryset = filter_.filter(queryset, data[name])
        if not self.is_searching:
            return queryset.none()
        attendance = set(data.get("attendance") or [])
        soon = data.get("soon")
        if data.get("prefer_format"):
            queryset = queryset.prefetch_related("formats")  # describe() names the ones matched
        return queryset.search(
            point=self.form.point,
            radius_km=self.radius_km,
            include_local=not attendance or bool(attendance - {Attendance.ONLINE}),
            include_online=Attendance.ONLINE in attendance,
            soon_hours=float(soon) if soon is not None else None,
            prefer_philosophy=data.get("prefer_philosophy") or "",
            prefer_formats=data.get("prefer_format") or [],
            sort=data.get("sort") or "",
            online_hours=None if data.get("day") else ONLINE_HOURS,
            now=self.now,
        )

    @cached_property
    def meeting_url(self):
        # reverse() once per page, not per card: slugs need no quoting in a path.
        return reverse("groups:meeting", args=[SLUG_MARK])

    def describe(self, meeting):
        """Attach what a result shows: next occurrence, distance and why it ranks where it does."""
        data = self.form.cleaned_data
        meeting.occurrence = meeting.next_occurrence(self.now)
        meeting.when = schedule.describe_start(meeting.occurrence, self.now)
        meeting.when_text = schedule.format_span(meeting.occurrence)
        meeting.distance = None
        if getattr(meeting, "distance_km", None) is not None:
            factor = 1 / KM_PER_MILE if self.distance_unit == "mi" else 1
            meeting.distance = f"{meeting.distance_km * factor:.1f} {self.distance_unit}"
        zone = self.form.searcher_zone
        meeting.searcher_time = None
        if meeting.is_online and zone and zone.key != meeting.timezone:
            meeting.searcher_time = schedule.format_moment(
                meeting.occurrence.start.astimezone(zone)
            )
        reasons = [meeting.distance or ("online" if meeting.is_online else "")]
        if data.get("prefer_philosophy") or not data.get("philosophy"):
            reasons.append(meeting.group.get_philosophy_display().lower())
        if preferred := set(data.get("prefer_format") or []):
            for fmt in meeting.formats.all():
                if fmt.code in preferred:
                    reasons.append(FORMAT_REASONS.get(fmt.code, fmt.name.lower()))
        reasons.append(meeting.when)
        meeting.reasons = " · ".join(reason for reason in reasons if reason)
        # Plain strings for the result card: a page of twenty renders several times faster.
        meeting.url = self.meeting_url.replace(SLUG_MARK, meeting.slug)
        meeting.philosophy_label = meeting.group.get_philosophy_display()
        meeting.attendance_label = meeting.get_attendance_display()
        location = meeting.location
        meeting.where = location and ", ".join(
            part for part in (location.name, location.city, location.region) if part
        )
        return meeting
