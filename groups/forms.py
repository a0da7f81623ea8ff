import zoneinfo

from django import forms
from geopy.exc import GeopyError

from groups.geocoding import get_geocoder, zone_at
from groups.models import KM_PER_MILE

MAX_RADIUS_KM = 500
# The formats offered as boxes to tick; any other known code still works in a URL.
FEATURED_FORMATS = ["O", "C", "BE", "D", "SP", "ST", "LIT", "MED", "DD", "W", "M", "LGBTQ", "Y",
                    "X", "ASL"]  # fmt: skip


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
        field = self.fields[name]
        chosen = set(self.data.getlist(name)) if hasattr(self.data, "getlist") else set()
        field.widget = forms.CheckboxSelectMultiple(
            choices=[
                (code, label)
                for code, label in field.choices
                if code in FEATURED_FORMATS or code in chosen
            ]
        )

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
        radius_km = float(radius) * (KM_PER_MILE if unit == "mi" else 1)
        if radius_km > MAX_RADIUS_KM:
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
            try:
                candidates = get_geocoder().geocode(query, exactly_one=False) or []
            except GeopyError:
                self.add_error(
                    "q",
                    forms.ValidationError(
                        "Place lookup is not working right now. Try again, or use your location.",
                        code="geocoder_unavailable",
                    ),
                )
                return
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
            self.place, self.other_places = candidates[0], candidates[1:]
        browser_zone = data.get("tz")
        if browser_zone and browser_zone not in zoneinfo.available_timezones():
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
