import zoneinfo
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from groups import schedule
from groups.vocabulary import CATEGORY_LABELS, LANGUAGES

TIME_ZONE_CHOICES = sorted((name, name) for name in zoneinfo.available_timezones())


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            "%(value)s is not a time zone name such as America/Chicago.",
            code="invalid_time_zone",
            params={"value": value},
        )


class Philosophy(models.TextChoices):
    TWELVE_STEP = "twelve-step", "Twelve-step"
    SECULAR = "secular", "Secular"


class Weekday(models.IntegerChoices):
    # Numbered as the Meeting Guide feed numbers days.
    SUNDAY = 0, "Sunday"
    MONDAY = 1, "Monday"
    TUESDAY = 2, "Tuesday"
    WEDNESDAY = 3, "Wednesday"
    THURSDAY = 4, "Thursday"
    FRIDAY = 5, "Friday"
    SATURDAY = 6, "Saturday"


class Attendance(models.TextChoices):
    IN_PERSON = "in-person", "In person"
    ONLINE = "online", "Online"
    HYBRID = "hybrid", "In person and online"


class SupportGroup(models.Model):
    """One recovery program (fellowship) such as Narcotics Anonymous."""

    name = models.CharField(max_length=100, unique=True)
    short_name = models.CharField(max_length=30)
    slug = models.SlugField(max_length=30, unique=True)
    philosophy = models.CharField(max_length=20, choices=Philosophy.choices)
    approach = models.TextField(help_text="The program's approach, in plain words.")
    first_meeting = models.TextField(blank=True, help_text="What a first meeting is usually like.")
    good_fit = models.TextField(blank=True, help_text="Who tends to find this program a good fit.")
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "program"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("groups:program", args=[self.slug])


class Format(models.Model):
    """A meeting type code from the controlled vocabulary (Meeting Guide codes and our own)."""

    class Category(models.TextChoices):
        ACCESS = "access", CATEGORY_LABELS["access"]
        FORMAT = "format", CATEGORY_LABELS["format"]
        AUDIENCE = "audience", CATEGORY_LABELS["audience"]
        ACCESSIBILITY = "accessibility", CATEGORY_LABELS["accessibility"]
        LANGUAGE = "language", CATEGORY_LABELS["language"]
        OTHER = "other", CATEGORY_LABELS["other"]

    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=60)
    name_es = models.CharField("Spanish name", max_length=60, blank=True)
    description = models.CharField(max_length=200, help_text="What this means, in plain words.")
    category = models.CharField(max_length=20, choices=Category.choices)
    is_meeting_guide = models.BooleanField(
        "Meeting Guide code",
        default=True,
        help_text="Off for codes this directory added itself.",
    )

    class Meta:
        ordering = ["category", "name"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class LocationQuerySet(models.QuerySet):
    def in_box(self, south, west, north, east):
        """Locations inside a latitude/longitude box, using the (latitude, longitude) index."""
        box = Q(latitude__gte=south, latitude__lte=north)
        if west <= east:
            return self.filter(box, longitude__gte=west, longitude__lte=east)
        # The box crosses the antimeridian.
        return self.filter(box).filter(Q(longitude__gte=west) | Q(longitude__lte=east))


class Location(models.Model):
    """A place where meetings are held."""

    name = models.CharField("venue", max_length=200, help_text="For example: St. Mark's Church.")
    address = models.CharField("street address", max_length=200, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField(
        "region or state", max_length=100, blank=True, help_text="State or province code: OR, ON."
    )
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, default="US", help_text="Two-letter country code.")
    latitude = models.FloatField(
        null=True, blank=True, help_text="Leave empty to look it up from the address."
    )
    longitude = models.FloatField(null=True, blank=True)
    timezone = models.CharField(
        "time zone",
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="IANA name such as America/Los_Angeles; filled from the coordinates when empty.",
    )
    directions = models.TextField(
        "finding the room", blank=True, help_text="Entrance, floor, room number, parking."
    )
    is_sample = models.BooleanField(
        "sample data", default=False, help_text="Invented for demonstration; not a real place."
    )
    updated = models.DateTimeField(auto_now=True)

    objects = LocationQuerySet.as_manager()

    class Meta:
        ordering = ["city", "name"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="location_lat_lng")]
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

    @property
    def has_coordinates(self):
        return self.latitude is not None and self.longitude is not None

    @property
    def formatted_address(self):
        region_postal = " ".join(part for part in (self.region, self.postal_code) if part)
        parts = [self.address, self.city, region_postal, self.country]
        return ", ".join(part for part in parts if part)


class MeetingQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def in_person(self):
        """Meetings someone can walk into: in person or hybrid."""
        return self.filter(attendance__in=[Attendance.IN_PERSON, Attendance.HYBRID])

    def online(self):
        """Meetings someone can join from anywhere: online or hybrid."""
        return self.filter(attendance__in=[Attendance.ONLINE, Attendance.HYBRID])

    def samples(self):
        return self.filter(is_sample=True)


class Meeting(models.Model):
    """One weekly meeting of a program, at a place, online, or both."""

    group = models.ForeignKey(
        SupportGroup, on_delete=models.PROTECT, related_name="meetings", verbose_name="program"
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        related_name="meetings",
        null=True,
        blank=True,
        help_text="Empty for meetings held only online.",
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField(help_text="Local time where the meeting is held.")
    end_time = models.TimeField(
        null=True,
        blank=True,
        help_text="Local time. Earlier than the start means the meeting runs past midnight.",
    )
    timezone = models.CharField(
        "time zone",
        max_length=64,
        validators=[validate_time_zone],
        help_text="The location's time zone; for online meetings, the zone the host keeps time in.",
    )
    attendance = models.CharField(
        max_length=20, choices=Attendance.choices, default=Attendance.IN_PERSON
    )
    conference_url = models.URLField(
        "join link", max_length=500, blank=True, help_text="Zoom, Meet or other video link."
    )
    conference_url_notes = models.CharField(
        "join link notes", max_length=300, blank=True, help_text="Meeting ID, passcode."
    )
    conference_phone = models.CharField("dial-in phone", max_length=60, blank=True)
    conference_phone_notes = models.CharField("dial-in notes", max_length=300, blank=True)
    formats = models.ManyToManyField(Format, blank=True, related_name="meetings")
    language = models.CharField(
        max_length=8,
        choices=[(code, name) for code, (name, _, _) in LANGUAGES.items()],
        default="en",
    )
    notes = models.TextField(blank=True)
    is_active = models.BooleanField(
        "active", default=True, help_text="Untick when the meeting stops; nothing is deleted."
    )
    last_verified = models.DateField(
        null=True, blank=True, help_text="When someone last confirmed this meeting still runs."
    )
    is_sample = models.BooleanField(
        "sample data", default=False, help_text="Invented for demonstration; not a real meeting."
    )
    source = models.CharField(
        max_length=200, blank=True, help_text="Where an imported meeting came from."
    )
    external_id = models.CharField(
        max_length=200, blank=True, help_text="The meeting's id in its source."
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    # Derived from weekday, start and end so time windows are integer arithmetic in SQL.
    week_minute = models.PositiveSmallIntegerField(editable=False, default=0)
    duration = models.PositiveSmallIntegerField(editable=False, default=60)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["weekday", "start_time", "name"]
        indexes = [
            models.Index(fields=["attendance", "is_active"], name="meeting_attendance"),
            models.Index(fields=["is_sample"], name="meeting_sample"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="meeting_weekday_range"
            ),
            models.CheckConstraint(
                condition=Q(attendance__in=Attendance.values), name="meeting_attendance_valid"
            ),
            models.CheckConstraint(
                condition=Q(attendance=Attendance.IN_PERSON)
                | ~Q(conference_url="")
                | ~Q(conference_phone=""),
                name="meeting_online_needs_url_or_phone",
            ),
            models.CheckConstraint(
                condition=Q(attendance=Attendance.ONLINE) | Q(location__isnull=False),
                name="meeting_in_person_needs_location",
            ),
            models.CheckConstraint(
                condition=Q(week_minute__lt=schedule.MINUTES_PER_WEEK),
                name="meeting_week_minute_range",
            ),
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="meeting_unique_source_id",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        if not self.slug:
            self.slug = self.unique_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("groups:meeting", args=[self.slug])

    def clean(self):
        errors = {}
        if self.attendance != Attendance.IN_PERSON and not (
            self.conference_url or self.conference_phone
        ):
            errors["conference_url"] = ValidationError(
                "An online or hybrid meeting needs a join link or a dial-in phone.",
                code="online_needs_url_or_phone",
            )
        if self.attendance != Attendance.ONLINE and self.location_id is None:
            errors["location"] = ValidationError(
                "An in-person or hybrid meeting needs a location.", code="needs_location"
            )
        if self.end_time is not None and self.end_time == self.start_time:
            errors["end_time"] = ValidationError(
                "The end time must differ from the start time.", code="zero_length"
            )
        if errors:
            raise ValidationError(errors)

    def fill_derived_fields(self):
        self.week_minute = schedule.week_minute(self.weekday, self.start_time)
        self.duration = schedule.duration_minutes(self.start_time, self.end_time)
        if not self.timezone and self.location_id and self.location.timezone:
            self.timezone = self.location.timezone

    def unique_slug(self):
        base = slugify(f"{self.name} {self.get_weekday_display()}")[:200] or "meeting"
        slug, n = base, 2
        while Meeting.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def is_online(self):
        return self.attendance in (Attendance.ONLINE, Attendance.HYBRID)

    @property
    def is_in_person(self):
        return self.attendance in (Attendance.IN_PERSON, Attendance.HYBRID)

    def next_occurrence(self, now=None):
        return schedule.next_occurrence(
            self.weekday, self.start_time, self.end_time, self.zone, now or timezone.now()
        )

    def verified_age_days(self, today=None):
        if self.last_verified is None:
            return None
        return ((today or date.today()) - self.last_verified).days


class Place(models.Model):
    """A named place from the offline gazetteer: a city or a postal code centroid."""

    class Kind(models.TextChoices):
        CITY = "city", "City"
        POSTAL = "postal", "Postal code"

    name = models.CharField(max_length=200)
    search_name = models.CharField(
        max_length=200, db_index=True, editable=False, help_text="Lower-case, unaccented name."
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CITY)
    postal_code = models.CharField(max_length=20, blank=True, db_index=True)
    region = models.CharField(max_length=20, blank=True, help_text="State or region code.")
    country = models.CharField(max_length=2)
    latitude = models.FloatField()
    longitude = models.FloatField()
    population = models.PositiveIntegerField(default=0)
    timezone = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-population", "name"]
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
        region = "" if self.region.isdigit() else self.region
        where = ", ".join(part for part in (region, self.country) if part)
        name = f"{self.postal_code} {self.name}" if self.postal_code else self.name
        return f"{name}, {where}" if where else name
