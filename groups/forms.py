import zoneinfo

from django import forms

from groups import schedule
from groups.geocoding import search_geocoder, zone_at
from groups.models import (
    KM_PER_MILE,
    TIME_ZONE_CHOICES,
    Attendance,
    ChangeRequest,
    SupportGroup,
    Weekday,
)
from groups.vocabulary import FORMATS

MAX_RADIUS_KM = 500
# The formats offered as boxes to tick; any other known code still works in a URL.
FEATURED_FORMATS = ["O", "C", "BE", "D", "SP", "ST", "LIT", "MED", "DD", "W", "M", "LGBTQ", "Y",
                    "X", "ASL"]  # fmt: skip
FEATURED_CHOICES = [(term.code, term.name) for term in FORMATS if term.code in FEATURED_FORMATS]


def radius_in_km(radius, unit):
    """A search radius in kilometres, from the number and unit ("km" or "mi") people chose."""
    return float(radius) * (KM_PER_MILE if unit == "mi" else 1)


class MeetingSearchForm(forms.Form):
    """The search form: resolves where the person is, and checks that the numbers make sense.

    After validation, ``place`` is the geopy location searched near (or None), ``other_places``
    the other readings of an ambiguous name, and ``searcher_zone`` the time zone to show online
    meetings in.
    """

    place = None
    other_places = ()
    searcher_zone = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("format", "prefer_format"):
            if name in self.fields:
                self._feature_formats(name)

    def _feature_formats(self, name):
        chosen = set(self.data.getlist(name)) if hasattr(self.data, "getlist") else set()
        choices = FEATURED_CHOICES
        if chosen - set(FEATURED_FORMATS):
            choices = [(code, label) for code, label in self.fields[name].choices
                       if code in FEATURED_FORMATS or code in chosen]  # fmt: skip
        self.fields[name].widget = forms.CheckboxSelectMultiple(choices=choices)

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
        if radius_in_km(radius, unit) > MAX_RADIUS_KM:
            limit = (
                f"{MAX_RADIUS_KM} km" if unit == "km" else f"{MAX_RADIUS_KM / KM_PER_MILE:.0f} mi"
            )
            self.add_error(
                "radius",
                forms.ValidationError(
                    "Choose a distance of at most %(limit)s.",
                    code="radius_too_large",
                    params={"limit": limit},
                ),
            )

    def _resolve_place(self, data):
        latitude, longitude, query = data.get("lat"), data.get("lng"), data.get("q")
        if (latitude is None) != (longitude is None):
            raise forms.ValidationError(
                "Send both latitude and longitude, or type a place instead.", code="half_point"
            )
        if latitude is not None:
            point = (float(latitude), float(longitude))
            self.place = PointPlace(point, zone_at(*point))
        elif query:
            candidates = search_geocoder().geocode(query, exactly_one=False)
            if not candidates:
                self.add_error(
                    "q",
                    forms.ValidationError(
                        "We could not find “%(query)s”. Try a town and state such as "
                        "“Portland, OR”, or a ZIP code.",
                        code="unknown_place",
                        params={"query": query},
                    ),
                )
                return
            self.place = candidates[0]
            self.other_places = [c for c in candidates[1:] if c.address != self.place.address]
        browser_zone = data.get("tz")
        if browser_zone and browser_zone not in schedule.zone_names():
            browser_zone = None  # A zone the browser named that we do not know: use the place's.
        zone = browser_zone or (self.place and self.place.raw.get("timezone")) or None
        self.searcher_zone = zoneinfo.ZoneInfo(zone) if zone else None

    @property
    def point(self):
        return (self.place.latitude, self.place.longitude) if self.place else None


class PointPlace:
    """Coordinates the browser sent, shaped like a geopy location."""

    def __init__(self, point, zone_name):
        self.latitude, self.longitude = point
        self.address = "your location"
        self.raw = {"timezone": zone_name or ""}


class SuggestionForm(forms.Form):
    """A public correction to a meeting, or a new meeting, for editors to review.

    Given ``meeting``, the fields start from its current values and only what the visitor changes
    is proposed; without one, the form describes a new meeting. ``website`` is a honeypot: people
    never see it, form-filling robots fill it, and such submissions are thanked and dropped.
    """

    program = forms.ChoiceField(label="Program")
    name = forms.CharField(label="Meeting name", max_length=200)
    weekday = forms.TypedChoiceField(label="Day", choices=Weekday.choices, coerce=int)
    start_time = forms.TimeField(label="Starts at", help_text="Local time, such as 19:00.")
    end_time = forms.TimeField(label="Ends at", required=False)
    attendance = forms.ChoiceField(label="How people attend", choices=Attendance.choices)
    location_name = forms.CharField(label="Venue", max_length=200, required=False)
    location_address = forms.CharField(label="Street address", max_length=200, required=False)
    location_city = forms.CharField(label="City or town", max_length=100, required=False)
    location_region = forms.CharField(label="State or region", max_length=100, required=False)
    location_postal_code = forms.CharField(label="Postal code", max_length=20, required=False)
    location_country = forms.CharField(
        label="Country",
        max_length=2,
        min_length=2,
        required=False,
        help_text="Two-letter code such as US, CA or GB.",
    )
    conference_url = forms.URLField(
        label="Join link", max_length=500, required=False, assume_scheme="https"
    )
    conference_phone = forms.CharField(label="Dial-in phone", max_length=60, required=False)
    timezone = forms.ChoiceField(
        label="Time zone",
        choices=[("", "—")] + TIME_ZONE_CHOICES,
        required=False,
        help_text="For online meetings: the time zone the start time is in.",
    )
    notes = forms.CharField(label="Notes", max_length=1000, required=False, widget=forms.Textarea)
    stopped = forms.BooleanField(label="This meeting no longer meets", required=False)
    message = forms.CharField(
        label="Anything else we should know?",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
    )
    submitter_name = forms.CharField(label="Your name (optional)", max_length=100, required=False)
    submitter_email = forms.EmailField(
        label="Your email (optional)",
        max_length=254,
        required=False,
        help_text="Only if you are happy for an editor to write back. It is never published.",
    )
    website = forms.CharField(label="Leave this empty", required=False, max_length=200)

    MEETING_KEYS = ["name", "weekday", "start_time", "end_time", "attendance", "conference_url",
                    "conference_phone", "timezone", "notes"]  # fmt: skip
    LOCATION_KEYS = ["location_name", "location_address", "location_city", "location_region",
                     "location_postal_code", "location_country"]  # fmt: skip

    def __init__(self, *args, meeting=None, **kwargs):
        self.meeting = meeting
        if meeting is not None:
            kwargs.setdefault("initial", self.current_values(meeting))
        super().__init__(*args, **kwargs)
        if meeting is None:
            del self.fields["stopped"]
            self.fields["program"].choices = [("", "—")] + [
                (group.slug, group.name) for group in SupportGroup.objects.order_by("name")
            ]
            self.fields["location_country"].initial = "US"
        else:
            del self.fields["program"]
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    @staticmethod
    def current_values(meeting):
        values = {key: getattr(meeting, key) for key in SuggestionForm.MEETING_KEYS}
        location = meeting.location
        for key in SuggestionForm.LOCATION_KEYS:
            values[key] = getattr(location, key.removeprefix("location_")) if location else ""
        values["stopped"] = not meeting.is_active
        return values

    @property
    def is_spam(self):
        return bool(self.cleaned_data.get("website"))

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        attendance = data.get("attendance")
        if attendance != Attendance.ONLINE and not (
            data.get("location_city")
            and (data.get("location_name") or data.get("location_address"))
        ):
            self.add_error(
                "location_city",
                forms.ValidationError(
                    "Give the venue or street address and the city, so people can find it.",
                    code="needs_place",
                ),
            )
        if attendance != Attendance.IN_PERSON and not (
            data.get("conference_url") or data.get("conference_phone")
        ):
            self.add_error(
                "conference_url",
                forms.ValidationError(
                    "Give a join link or a dial-in phone for an online meeting.",
                    code="needs_join",
                ),
            )
        if self.meeting is None and attendance == Attendance.ONLINE and not data.get("timezone"):
            self.add_error(
                "timezone",
                forms.ValidationError("Choose the time zone of the start time.", code="needs_zone"),
            )
        if self.meeting is not None and not self.proposal() and not data.get("message"):
            raise forms.ValidationError(
                "Change a value above or tell us in the message what is wrong.", code="no_change"
            )
        return data

    def proposal(self):
        """The proposed values as JSON-ready data: for a correction, only those changed."""
        data = self.cleaned_data
        keys = self.MEETING_KEYS + self.LOCATION_KEYS
        if self.meeting is None:
            keys = ["program"] + keys
            chosen = [key for key in keys if data.get(key) not in (None, "")]
        else:
            chosen = [key for key in keys + ["stopped"] if key in self.changed_data]
        proposal = {}
        for key in chosen:
            value = data[key]
            if key == "stopped":
                key, value = "is_active", not value
            elif key == "location_country":
                value = value.upper()
            elif hasattr(value, "strftime"):
                value = value.strftime("%H:%M")
            proposal[key] = value
        return proposal

    def save(self):
        """Queue the suggestion for review; nothing in the listings changes."""
        data = self.cleaned_data
        meeting = self.meeting
        return ChangeRequest.objects.create(
            kind=ChangeRequest.Kind.NEW_MEETING
            if meeting is None
            else ChangeRequest.Kind.CORRECTION,
            meeting=meeting,
            group=meeting.group if meeting else SupportGroup.objects.get(slug=data["program"]),
            proposed=self.proposal(),
            message=data.get("message", ""),
            submitter_name=data.get("submitter_name", ""),
            submitter_email=data.get("submitter_email", ""),
        )
