"""Where meetings are held (Location) and the named places people search by (Place).

One idea, one name: a *location* is a venue a meeting uses, with its address and map position;
a *place* is an entry of the offline gazetteer, a town or a postal code, which searches and
address lookups resolve typed text to.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from groups import rules
from groups.geocoding import country_name, region_label, region_name
from groups.models.fields import LineField, NotesField
from groups.search.geometry import box_condition


class LocationQuerySet(models.QuerySet):
    def in_box(self, south, west, north, east):
        """Locations inside a latitude/longitude box, using the (latitude, longitude) index."""
        return self.filter(box_condition(south, west, north, east))


class Location(models.Model):
    """A place where meetings are held."""

    # What a change to moves the location on the map (its coordinates must be looked up again).
    ADDRESS_FIELDS = ["address", "city", "region", "postal_code", "country"]

    name = LineField(_("venue"), max_length=200, help_text=_("For example: St. Mark's Church."))
    address = LineField(_("street address"), max_length=200, blank=True)
    city = LineField(_("city"), max_length=100)
    region = LineField(
        _("region or state"),
        max_length=100,
        blank=True,
        help_text=_("State or province code: OR, ON."),
    )
    postal_code = LineField(_("postal code"), max_length=20, blank=True)
    country = LineField(
        _("country"), max_length=2, default="US", help_text=_("Two-letter country code.")
    )
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        help_text=_("Leave empty to look it up from the address."),
    )
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[rules.validate_time_zone],
        help_text=_(
            "IANA name such as America/Los_Angeles; filled from the coordinates when empty."
        ),
    )
    directions = NotesField(
        _("finding the room"), blank=True, help_text=_("Entrance, floor, room number, parking.")
    )
    is_sample = models.BooleanField(
        _("sample data"),
        default=False,
        help_text=_("Invented for demonstration; not a real place."),
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = LocationQuerySet.as_manager()

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["city", "name"]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="location_lat_lng"),
            # The feed's version is the newest change: an index answers it at once.
            models.Index(fields=["updated"], name="location_updated"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="location_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="location_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="location_coordinates_paired",
            ),
        ]

    def __str__(self):
        return f"{self.name}, {self.city}"

    def save(self, *args, **kwargs):
        renaming = not self._state.adding
        super().save(*args, **kwargs)
        if renaming:
            # The venue's name is part of the search text of every meeting held here.
            self.meetings.refresh_search_text()

    def get_absolute_url(self):
        return reverse("groups:location", args=[self.pk])

    @property
    def has_coordinates(self):
        return self.latitude is not None and self.longitude is not None

    def copy(self):
        """An unsaved copy (address, map position, directions) for some of the meetings here to
        move to, so that a change to it leaves the others where they are."""
        fields = [f for f in self._meta.concrete_fields if f.name not in ("id", "updated")]
        return Location(**{field.attname: getattr(self, field.attname) for field in fields})

    @property
    def region_label(self):
        """The region as the address shows it: "OR", "Tokyo"; never a GeoNames number."""
        return region_label(self.country, self.region)

    @property
    def regions(self):
        """Readable names from broad to narrow: country, state or province, city."""
        names = [country_name(self.country), region_name(self.country, self.region), self.city]
        return [name for name in names if name]

    @property
    def area(self):
        """The town, without the street: "Portland, OR, US"."""
        return ", ".join(part for part in (self.city, self.region_label, self.country) if part)

    @property
    def formatted_address(self):
        region_postal = " ".join(part for part in (self.region_label, self.postal_code) if part)
        parts = [self.address, self.city, region_postal, self.country]
        return ", ".join(part for part in parts if part)


class Place(models.Model):
    """A named place from the offline gazetteer: a city or a postal code centroid."""

    class Kind(models.TextChoices):
        CITY = "city", _("City")
        POSTAL = "postal", _("Postal code")

    name = models.CharField(_("name"), max_length=200)
    search_name = models.CharField(
        _("search name"),
        max_length=200,
        db_index=True,
        editable=False,
        help_text=_("Lower-case, unaccented name."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CITY)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True, db_index=True)
    region = models.CharField(
        _("region"), max_length=20, blank=True, help_text=_("State or region code.")
    )
    country = models.CharField(_("country"), max_length=2)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    population = models.PositiveIntegerField(_("population"), default=0)
    timezone = models.CharField(_("timezone"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["-population", "name"]
        indexes = [
            # A time zone's biggest cities: the area an online meeting's feed record names.
            models.Index(fields=["timezone", "kind", "-population"], name="place_zone_population")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90), name="place_latitude_range"
            ),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180, longitude__lte=180), name="place_longitude_range"
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self):
        # GeoNames numbers the regions of most countries; a number means nothing to a reader.
        region = region_label(self.country, self.region)
        where = ", ".join(part for part in (region, self.country) if part)
        name = f"{self.postal_code} {self.name}" if self.postal_code else self.name
        return f"{name}, {where}" if where else name
