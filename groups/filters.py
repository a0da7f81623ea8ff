"""The meeting search's parameters: a django-filter FilterSet and the form it validates with.

Two kinds of parameter:

- Filters narrow the meetings and nothing else: keyword, philosophy, program, attendance,
  formats, language, day and time of day. Each is a django-filter filter.
- The place, radius, "starting within", preferences and sort are plain fields of the form. They
  feed one call, ``MeetingQuerySet.search``, because distance, time windows and the "best" order
  are built from shared expressions in one query (see groups.search); split into filters of their
  own they would each have to rebuild what the others made.
"""

import copy
import zoneinfo
from functools import cache, lru_cache
from urllib.parse import urlencode

import django_filters
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from geopy.location import Location as GeoLocation

from groups import rules
from groups.geocoding import MAX_QUERY_LENGTH, search_geocoder, zone_at
from groups.models import Attendance, Meeting, Philosophy, Weekday
from groups.models.programs import (
    languages_in_use,
    lazy_format_name,
    lazy_language_name,
    lazy_program_name,
    listed_version,
)
from groups.search import geometry, timing
from groups.search.queryset import SearchPart
from groups.search.ranking import Sort, chosen_or_default
from groups.text import search_words
from groups.vocabulary import FORMATS, LANGUAGES, PROGRAMS

UNITS = [("km", pgettext_lazy("unit", "km")), ("mi", pgettext_lazy("unit", "miles"))]
MAX_KEYWORD_LENGTH = 100
# Names in the visitor's language, as curators keep them (groups.models.programs).
PROGRAM_CHOICES = [(slug, lazy_program_name(slug)) for slug in PROGRAMS]
# The long format list is given as a callable: Django deep-copies a list for every form it builds.
_FORMAT_CHOICES = [(term.code, lazy_format_name(term.code)) for term in FORMATS]
_LANGUAGE_CHOICES = [(code, lazy_language_name(code)) for code in LANGUAGES]
# The formats offered as boxes to tick; any other known code still works in a URL.
FEATURED_FORMATS = [
    "O",
    "C",
    "BE",
    "D",
    "SP",
    "ST",
    "LIT",
    "MED",
    "DD",
    "W",
    "M",
    "LGBTQ",
    "Y",
    "X",
    "ASL",
]
# The parameters under "More choices" on the form, and what it sends when nobody changed them.
MORE_CHOICES = [
    "attendance",
    "philosophy",
    "program",
    "day",
    "time",
    "soon",
    "language",
    "format",
    "prefer_philosophy",
    "prefer_format",
    "sort",
]
DEFAULTS = {"sort": Sort.BEST}


def format_choices():
    return _FORMAT_CHOICES


# The widgets of the form's lists of choices, made once per list offered rather than once per
# search (making one normalized all its choices again): they hold their choices and nothing of
# a search (the form's inputs are written out by the template, not by the widgets).
FEATURED_SET = frozenset(FEATURED_FORMATS)
FORMAT_CODES = frozenset(code for code, _ in _FORMAT_CHOICES)
LANGUAGE_CODES = frozenset(LANGUAGES)
ANY_LANGUAGE = pgettext_lazy("no choice made", "Any")


@lru_cache(maxsize=64)
def featured_formats_widget(others):
    """Boxes for the featured formats and ``others`` (known codes chosen in a URL)."""
    shown = FEATURED_SET | set(others)
    choices = [(code, label) for code, label in _FORMAT_CHOICES if code in shown]
    return forms.CheckboxSelectMultiple(choices=choices)


@lru_cache(maxsize=64)
def language_widget(offered):
    """A list of the ``offered`` languages, after "Any"."""
    choices = [(code, label) for code, label in _LANGUAGE_CHOICES if code in offered]
    return forms.Select(choices=[("", ANY_LANGUAGE), *choices])


class MeetingSearchForm(forms.Form):
    """Where the person is and how to rank: resolved and checked, ready for the search call.

    After validation, ``place`` is the geopy location searched near (or None), ``other_places``
    the other readings of an ambiguous name, ``near_misses`` the places a name we could not find
    may have meant, and ``searcher_zone`` the time zone to show online meetings in.
    """

    q = forms.CharField(
        label=_("Where are you?"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text=_("A town, “Portland, OR”, or a ZIP code."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "address-level2"}),
    )
    lat = forms.DecimalField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.DecimalField(
        required=False, min_value=-180, max_value=180, widget=forms.HiddenInput
    )
    tz = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    radius = forms.DecimalField(
        label=_("Within"), required=False, min_value=0.5, max_digits=6, decimal_places=2
    )
    unit = forms.ChoiceField(label=_("Unit"), choices=UNITS, required=False)
    soon = forms.DecimalField(
        label=_("Starting within (hours)"),
        required=False,
        min_value=0,
        max_value=168,
        max_digits=5,
        decimal_places=2,
    )
    prefer_philosophy = forms.ChoiceField(
        label=_("I prefer"),
        choices=[("", _("No preference")), *Philosophy.choices],
        required=False,
    )
    prefer_format = forms.MultipleChoiceField(
        label=_("Nice to have"), choices=format_choices, required=False
    )
    sort = forms.ChoiceField(label=_("Sort by"), choices=Sort.choices, required=False)

    place = None
    other_places = ()
    near_misses = ()
    searcher_zone = None
    default_radius_km = geometry.DEFAULT_RADIUS_KM

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("format", "prefer_format"):
            if name in self.fields:
                self._feature_formats(name)
        if "language" in self.fields:
            self._offer_languages_in_use()

    def _feature_formats(self, name):
        chosen = set(self.data.getlist(name)) if hasattr(self.data, "getlist") else set()
        others = tuple(sorted(code for code in chosen - FEATURED_SET if code in FORMAT_CODES))
        self.fields[name].widget = featured_formats_widget(others)

    def _offer_languages_in_use(self):
        """List the languages meetings are held in (and the one asked for); any other still
        works in a URL."""
        chosen = self.data.get("language") if hasattr(self.data, "get") else None
        offered = frozenset(languages_in_use()) | {chosen}
        self.fields["language"].widget = language_widget(offered & LANGUAGE_CODES)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        self._check_radius(data)
        self._resolve_place(data)
        return data

    def _check_radius(self, data):
        radius = data.get("radius")
        if radius is None:
            return
        unit = data.get("unit") or "km"
        if geometry.radius_in_km(radius, unit) > geometry.MAX_RADIUS_KM:
            most = geometry.MAX_RADIUS_KM
            limit = f"{most} km" if unit == "km" else f"{most / geometry.KM_PER_MILE:.0f} mi"
            self.add_error(
                "radius",
                forms.ValidationError(
                    _("Choose a distance of at most %(limit)s."),
                    code="radius_too_large",
                    params={"limit": limit},
                ),
            )

    def _resolve_place(self, data):
        latitude, longitude, query = data.get("lat"), data.get("lng"), data.get("q")
        if (latitude is None) != (longitude is None):
            raise forms.ValidationError(
                _("Send both latitude and longitude, or type a place instead."), code="half_point"
            )
        # A place typed wins over coordinates: the form of a search near "your location" still
        # carries them when someone types a town instead.
        if query:
            candidates = search_geocoder().geocode(query, exactly_one=False)
            if not candidates:
                self.near_misses = search_geocoder().did_you_mean(query)
                self.add_error(
                    "q",
                    forms.ValidationError(
                        _(
                            "We could not find “%(query)s”. Try a town and state such as "
                            "“Portland, OR”, or a ZIP code."
                        ),
                        code="unknown_place",
                        params={"query": query},
                    ),
                )
                return
            self.place = candidates[0]
            self.other_places = [c for c in candidates[1:] if c.address != self.place.address]
        elif latitude is not None:
            point = (float(latitude), float(longitude))
            place_name = gettext("your location")
            self.place = GeoLocation(place_name, point, {"timezone": zone_at(*point) or ""})
        browser_zone = data.get("tz")
        if browser_zone and not rules.is_time_zone(browser_zone):
            browser_zone = None  # A zone the browser named that we do not know: use the place's.
        zone = browser_zone or (self.place and self.place.raw.get("timezone")) or None
        self.searcher_zone = zoneinfo.ZoneInfo(zone) if zone else None

    @property
    def listed_version(self):
        """Names the programs, formats and languages the choices list (groups.models.programs)."""
        return listed_version()

    @property
    def did_you_mean(self):
        """(label, what to search for) of the places the person may have meant."""
        if self.other_places:
            return [(place.address, place.address) for place in self.other_places]
        return self.near_misses

    @property
    def point(self):
        return (self.place.latitude, self.place.longitude) if self.place else None

    @property
    def distance_unit(self):
        return self.cleaned_data.get("unit") or "km"

    @property
    def radius_km(self):
        radius = self.cleaned_data.get("radius")
        if radius is None:
            return geometry.DEFAULT_RADIUS_KM
        return min(geometry.MAX_RADIUS_KM, geometry.radius_in_km(radius, self.distance_unit))

    @property
    def sort_order(self):
        """The order of the results: the one chosen, else the search's default. (Not
        ``sort``: templates reach the field by that name.)"""
        return chosen_or_default(self.cleaned_data.get("sort"), self.point)

    @property
    def attendance(self):
        return set(self.cleaned_data.get("attendance") or [])

    @property
    def soon_hours(self):
        soon = self.cleaned_data.get("soon")
        return float(soon) if soon is not None else None

    @property
    def online_only(self):
        """Whether only meetings held online are asked for: the place does not bound them."""
        return self.attendance == {Attendance.ONLINE}

    @property
    def wants_local(self):
        """Whether meetings held in a place are asked for (the default), not only online ones."""
        attendance = self.attendance
        return not attendance or bool(attendance - {Attendance.ONLINE})

    @property
    def preferred_language(self):
        """The pages' language when it is not the site's default, for meetings held in it to
        rank a little higher: Spanish pages prefer Spanish meetings. Else ""."""
        language = get_language()
        return language if language != settings.LANGUAGE_CODE and language in LANGUAGES else ""

    @property
    def has_keyword(self):
        return bool(search_words(self.cleaned_data.get("text")))

    @property
    def is_searching(self):
        """True when there is somewhere to search: a place, online meetings, or a keyword
        (which finds meetings anywhere)."""
        return self.point is not None or Attendance.ONLINE in self.attendance or self.has_keyword

    def search_options(self, now):
        """The keyword arguments of MeetingQuerySet.search for what was asked."""
        data = self.cleaned_data
        # With no place, a keyword still finds local meetings, wherever they are.
        somewhere = self.point is not None or self.has_keyword
        return {
            "point": self.point,
            "radius_km": self.radius_km,
            "include_local": somewhere and self.wants_local,
            "include_online": Attendance.ONLINE in self.attendance,
            "soon_hours": self.soon_hours,
            "prefer_philosophy": data.get("prefer_philosophy") or "",
            "prefer_formats": data.get("prefer_format") or [],
            "prefer_language": self.preferred_language,
            "sort": data.get("sort") or "",
            "online_hours": None if data.get("day") else timing.ONLINE_HOURS,
            "now": now,
        }


class ShallowCopied(dict):
    """Filters or form fields that each search copies without copying their choices again.

    Django and django-filter deep-copy every declared field and filter for each form, so that
    one request's changes cannot leak into the next; here that copied dozens of choice lists and
    widgets per search, a tenth of its time. A search changes none of them in place (it replaces
    a widget, on its own copy of the field), so a shallow copy of each keeps that promise.
    """

    def __deepcopy__(self, memo):
        copies = {}
        for name, item in self.items():
            copies[name] = clone = copy.copy(item)
            if getattr(item, "method", None):
                clone.method = item.method  # Binds the method to the copy, not the original.
        return copies


class MeetingFilter(django_filters.FilterSet):
    # The choices of several values test the meeting's own columns or its one program, so no
    # meeting can match twice: ``distinct=False`` spares the search a SELECT DISTINCT, which
    # sorted every candidate row once more (a fifth of an online search's time).
    text = django_filters.CharFilter(
        label=_("Meeting or group name"),
        method="filter_text",
        max_length=MAX_KEYWORD_LENGTH,
        help_text=_("Optional: a name, a venue, or a word from the notes."),
    )
    philosophy = django_filters.ChoiceFilter(
        label=_("Philosophy"),
        field_name="program__philosophy",
        choices=Philosophy.choices,
        empty_label=pgettext_lazy("no choice made", "Any"),
    )
    program = django_filters.MultipleChoiceFilter(
        label=_("Program"),
        field_name="program__slug",
        choices=PROGRAM_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    attendance = django_filters.MultipleChoiceFilter(
        label=_("How to attend"),
        choices=Attendance.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    format = django_filters.MultipleChoiceFilter(
        label=_("Must have"), choices=format_choices, method="filter_formats"
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"),
        choices=_LANGUAGE_CHOICES,
        empty_label=ANY_LANGUAGE,
    )
    day = django_filters.MultipleChoiceFilter(
        label=_("Day"),
        field_name="weekday",
        choices=Weekday.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    time = django_filters.ChoiceFilter(
        label=_("Time of day"),
        choices=[(key, label) for key, (label, *_minutes) in timing.TIMES_OF_DAY.items()],
        method="filter_time_of_day",
        empty_label=pgettext_lazy("no choice made", "Any"),
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
        form_class = type(f"{cls.__name__}Form", (cls._meta.form,), fields)
        form_class.base_fields = ShallowCopied(form_class.base_fields)
        return form_class

    def filter_text(self, queryset, name, value):
        return queryset.matching(value)

    def filter_formats(self, queryset, name, codes):
        return queryset.with_formats(codes)

    def filter_time_of_day(self, queryset, name, key):
        return queryset.filter(timing.time_of_day_condition(key))

    def filter_queryset(self, queryset):
        """Narrow by the filters, then place, time and rank in the one search call.

        The form also carries the search call's own fields, which are not filters, so the loop
        walks the filters rather than the cleaned data (each filter passes an empty value by).
        """
        if not self.form.is_searching:
            return queryset.none()
        queryset = self.narrowed(queryset)
        return queryset.search(**self.form.search_options(self.now))

    def search_parts(self):
        """The search as its parts, for meetings held in a place and for those held only
        online (MeetingQuerySet.search_parts), for a page of results."""
        if not self.form.is_searching:
            return [SearchPart(self.queryset.none(), by_keys=False)]
        queryset = self.narrowed(self.queryset)
        return queryset.search_parts(**self.form.search_options(self.now))

    def narrowed(self, queryset, *, skip=()):
        """The queryset narrowed by every filter but those named in ``skip``."""
        data = self.form.cleaned_data
        for name, filter_ in self.filters.items():
            if name not in skip:
                queryset = filter_.filter(queryset, data.get(name))
        return queryset

    # What the results page says about the search.

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
    def more_choices_key(self):
        """The choices under "More choices" as sent: their markup depends on nothing else (but
        the language and the names listed), so search_form.html keeps it under this key."""
        sent = (
            (name, value) for name in MORE_CHOICES for value in self.data.getlist(name) if value
        )
        return urlencode(sorted(sent))

    @property
    def online_window_note(self):
        """The hours of online meetings listed by default, when that limit applies."""
        data = self.form.cleaned_data
        listed = Attendance.ONLINE in self.form.attendance
        if listed and not data.get("day") and data.get("soon") is None:
            return timing.ONLINE_HOURS
        return None


MeetingFilter.base_filters = ShallowCopied(MeetingFilter.base_filters)
