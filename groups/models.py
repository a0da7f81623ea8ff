import math
import operator
import zoneinfo
from datetime import UTC, date, timedelta
from functools import reduce

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections, models, transaction
from django.db.models import (
    Case,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Abs, ASin, Cos, Power, Sin, Sqrt
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from groups import schedule
from groups.vocabulary import CATEGORY_LABELS, LANGUAGES

EARTH_RADIUS_KM = 6371.009  # The mean radius geopy's great_circle uses.
KM_PER_MILE = 1.609344
# A listing nobody has confirmed for a year is likely out of date.
STALE_AFTER_DAYS = 365

TIME_ZONE_CHOICES = sorted((name, name) for name in schedule.zone_names())


def validate_time_zone(value):
    if value not in schedule.zone_names():
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
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="edited_programs",
        help_text="Staff users who keep this program's meetings current in admin. They see and "
        "change only their programs' meetings and the locations those use.",
    )

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
    @staticmethod
    def box_condition(south, west, north, east, prefix=""):
        """A condition for coordinates inside a latitude/longitude box (degrees)."""
        box = Q(**{f"{prefix}latitude__gte": south, f"{prefix}latitude__lte": north})
        if west <= east:
            return box & Q(**{f"{prefix}longitude__gte": west, f"{prefix}longitude__lte": east})
        # The box crosses the antimeridian.
        return box & (
            Q(**{f"{prefix}longitude__gte": west}) | Q(**{f"{prefix}longitude__lte": east})
        )

    def in_box(self, south, west, north, east):
        """Locations inside a latitude/longitude box, using the (latitude, longitude) index."""
        return self.filter(self.box_condition(south, west, north, east))


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


class Sort(models.TextChoices):
    BEST = "best", "Best match"
    DISTANCE = "distance", "Nearest"
    SOONEST = "soonest", "Soonest"


# How the "best" score trades distance against preferences and time (see MeetingQuerySet.search).
PREFERRED_PHILOSOPHY_FACTOR = 0.5
PREFERRED_FORMAT_FACTORS = {1: 0.6, 2: 0.36, 3: 0.216}
KM_PER_HOUR_UNTIL_START = 0.1


def refresh_planner_statistics(using="default"):
    """Run ANALYZE so the query planner knows the data's shape.

    Searches are fast only when the planner starts from the map box rather than, say, the five
    programs; without statistics SQLite cannot tell. Run after migrations (which may rebuild a
    table and drop its statistics) and after bulk loads.
    """
    with connections[using].cursor() as cursor:
        cursor.execute("ANALYZE")


def bounding_box(latitude, longitude, radius_km):
    """(south, west, north, east) degrees enclosing every point within radius_km."""
    angular = radius_km / EARTH_RADIUS_KM
    south = math.degrees(math.radians(latitude) - angular)
    north = math.degrees(math.radians(latitude) + angular)
    if south <= -90 or north >= 90:
        return max(south, -90.0), -180.0, min(north, 90.0), 180.0
    # The widest longitude span of the circle, at the latitude where it touches its meridians.
    spread = math.degrees(math.asin(min(1.0, math.sin(angular) / math.cos(math.radians(latitude)))))
    west, east = longitude - spread, longitude + spread
    if west < -180:
        west += 360
    if east > 180:
        east -= 360
    return south, west, north, east


def haversine_terms(latitude, longitude, prefix):
    """The haversine term of a row's coordinates against a fixed point, as a SQL expression."""
    to_half_radians = math.pi / 360
    half_dlat = (F(f"{prefix}latitude") - Value(latitude)) * Value(to_half_radians)
    half_dlng = (F(f"{prefix}longitude") - Value(longitude)) * Value(to_half_radians)
    return Power(Sin(half_dlat), 2) + Value(math.cos(math.radians(latitude))) * Cos(
        F(f"{prefix}latitude") * Value(2 * to_half_radians)
    ) * Power(Sin(half_dlng), 2)


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

    def stale(self, today=None):
        """Meetings nobody has confirmed for STALE_AFTER_DAYS, or ever."""
        cutoff = (today or date.today()) - timedelta(days=STALE_AFTER_DAYS)
        return self.filter(Q(last_verified__isnull=True) | Q(last_verified__lt=cutoff))

    def with_minutes_until(self, now=None):
        """Annotate ``minutes_until`` the next start; while in progress, minus the minutes since.

        Each meeting stores its start as a UTC week minute at its zone's standard offset. Most
        zones are on standard time at any moment; for those on summer time the start moves by
        the difference, and a change due in the coming week moves later starts once more. The
        zones in each case come from the tz database (schedule.zone_clock, once a minute), so
        the SQL has one branch per distinct difference or change and none per meeting.
        """
        now = now or timezone.now()
        clock = schedule.zone_clock(now.astimezone(UTC).replace(second=0, microsecond=0))
        ahead = int((now - now.replace(second=0, microsecond=0)).total_seconds() // 60)
        utc_now = now.astimezone(UTC)
        now_minute = schedule.week_minute(schedule.sunday_weekday(utc_now), utc_now)
        week = Value(schedule.MINUTES_PER_WEEK)
        shift_now = Case(
            *[When(timezone__in=names, then=Value(shift)) for shift, names in clock.shifts.items()],
            default=Value(0),
        )
        wall_delta = (F("utc_week_minute") - shift_now - Value(now_minute) + week * 2) % week
        coming_shifts = []
        for (coming, shift), names in clock.changes.items():
            # These zones share a difference now, so their wall-clock delta needs no CASE.
            zone_delta = (F("utc_week_minute") - Value(shift + now_minute) + week * 2) % week
            passed = 0
            for minutes_ahead, change in coming:
                # Past an offset change, a wall-clock time comes `change` minutes sooner. A time
                # the clocks skip counts on the old offset, as zoneinfo reads it.
                skipped = max(change, 0)
                reached = GreaterThanOrEqual(zone_delta, minutes_ahead - ahead + passed + skipped)
                coming_shifts.append(When(Q(timezone__in=names) & Q(reached), then=Value(change)))
                passed += change
        running = F("duration") - Value(1)
        if not coming_shifts:
            # One pass over the delta: a start less than `duration` ago wraps round to minus
            # the minutes since it began, so meetings in progress come out negative. (One that
            # ended this minute is `duration` minutes past its start: next week's comes next.)
            return self.annotate(minutes_until=(wall_delta + running + week) % week - running)
        # An offset change ahead moves the next start, but not one that already began.
        since = (week - wall_delta) % week
        return self.annotate(
            minutes_until=Case(
                When(LessThan(since, F("duration")), then=-since),
                default=wall_delta - Case(*coming_shifts, default=Value(0)),
            )
        )

    def starting_within(self, hours, now=None):
        """Meetings in progress now or starting within ``hours``, each in its own time zone."""
        return self.with_minutes_until(now).filter(minutes_until__lte=int(hours * 60))

    @staticmethod
    def _online_window(now, horizon):
        """Conditions that pick online meetings in progress or starting within ``horizon`` min.

        Each condition is a range of stored UTC start minutes, so an index serves it; the exact
        test (daylight saving included) follows in SQL on the few rows the ranges let through.
        """
        online = Q(attendance=Attendance.ONLINE)
        week = schedule.MINUTES_PER_WEEK
        longest = schedule.LONGEST_MEETING
        if horizon is None or horizon + longest + 120 >= week:
            return [online]
        utc_now = now.astimezone(UTC)
        now_minute = schedule.week_minute(schedule.sunday_weekday(utc_now), utc_now)
        clock = schedule.zone_clock(utc_now.replace(second=0, microsecond=0))
        shifts = {0, *clock.shifts}
        ranges = []
        for shift in sorted(shifts):
            # A margin of an hour either side covers an offset change inside the window.
            start = now_minute + shift - longest - 60
            ranges.append((start, start + longest + horizon + 120))
        merged = []
        for start, end in sorted(ranges):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        terms = []
        for start, end in merged:
            low, high = start % week, end % week
            if low <= high:
                terms.append(online & Q(utc_week_minute__gte=low, utc_week_minute__lte=high))
            else:
                terms.append(online & Q(utc_week_minute__gte=low))
                terms.append(online & Q(utc_week_minute__lte=high))
        return terms

    def search(
        self,
        *,
        point=None,
        radius_km=25.0,
        include_local=True,
        include_online=False,
        soon_hours=None,
        prefer_philosophy="",
        prefer_formats=(),
        sort="",
        online_hours=None,
        now=None,
    ):
        """Find meetings for someone at ``point`` (latitude, longitude), ranked and explained.

        1. Local meetings (in person or hybrid) are first cut to a latitude/longitude box around
           the point, which the (latitude, longitude) index on Location serves, so the cost grows
           with the meetings nearby rather than with all meetings.
        2. Their great-circle distance is the haversine formula, computed in the database with
           Django's math functions (the same on SQLite and PostgreSQL); rows past the radius go.
        3. Online-only meetings have no place: when asked for, they join whatever the radius,
           those in progress or starting within ``online_hours`` (or ``soon_hours``; None
           means the whole week), picked by ranges on their stored UTC start minute.
        4. Each candidate's next start is worked out in its own time zone (with_minutes_until);
           ``soon_hours`` keeps meetings in progress or starting within that many hours.
        5. Preferences are soft: ``philosophy_match`` and ``formats_matched`` count what fits.
        6. The "best" score, in kilometre-equivalents (lower is better), is
              (distance_km + 1) * 0.5 if the philosophy is preferred
                                * 0.6 per preferred format present (up to three)
              + 0.1 km per hour until the meeting starts (or since it began, if running).
           So with a secular preference a secular meeting 5 km away (3.0) beats a twelve-step one
           3 km away (4.0), but one 40 km away (20.5) does not.
        7. Order: "distance" puts local meetings nearest first, then online ones soonest first;
           "soonest" orders everything by how far its start is from now (a meeting that began
           ten minutes ago sits with one starting in ten), nearest first among equals; "best"
           puts local meetings by score, then online ones soonest first.
        """
        now = now or timezone.now()
        sort = sort or (Sort.BEST if point else Sort.SOONEST)
        online_only = Q(attendance=Attendance.ONLINE)
        local = online = None
        if point is not None and include_local:
            latitude, longitude = point
            south, west, north, east = bounding_box(latitude, longitude, radius_km)
            # "Not online-only" rather than "in person or hybrid": a negation cannot use the
            # attendance index, so the planner drives the query from the nearby locations.
            if include_online:
                # Joined with online meetings by OR, the box must be a subquery of its own for
                # each side of the OR to use an index.
                nearby = Location.objects.in_box(south, west, north, east).values("pk")
                local = Q(location__in=nearby) & ~online_only
            else:
                local = Location.objects.box_condition(south, west, north, east, "location__")
                local &= ~online_only
        horizon = None
        if include_online:
            hours = soon_hours if soon_hours is not None else online_hours
            horizon = int(hours * 60) if hours is not None else None
            online = self._online_window(now, horizon)
        wanted = [term for term in (local, *(online or [])) if term is not None]
        if not wanted:
            return self.none()
        queryset = self.filter(reduce(operator.or_, wanted))

        if local is not None:
            # Comparing haversine terms avoids a square root and arcsine per row in the filter.
            within = math.sin(radius_km / (2 * EARTH_RADIUS_KM)) ** 2
            term = haversine_terms(latitude, longitude, "location__")
            if online is not None:
                # Online-only rows have no place: no term, and the radius does not apply.
                term = Case(When(~online_only, then=term), output_field=FloatField())
                queryset = queryset.alias(haversine=term).filter(
                    Q(haversine__lte=within) | Q(haversine__isnull=True)
                )
            else:
                queryset = queryset.alias(haversine=term).filter(haversine__lte=within)
            queryset = queryset.annotate(
                distance_km=Value(2 * EARTH_RADIUS_KM) * ASin(Sqrt(F("haversine")))
            )
        else:
            queryset = queryset.annotate(distance_km=Value(None, output_field=FloatField()))

        queryset = queryset.with_minutes_until(now)
        if soon_hours is not None:
            queryset = queryset.filter(minutes_until__lte=int(soon_hours * 60))
        elif horizon is not None:
            queryset = queryset.filter(~online_only | Q(minutes_until__lte=horizon))

        # Preferences, and the score built from them, cost SQL only when they are asked for.
        philosophy_match = Value(False)
        if prefer_philosophy:
            philosophy_match = Case(
                When(group__philosophy=prefer_philosophy, then=Value(True)), default=Value(False)
            )
        matched = Value(0)
        for code in prefer_formats:
            has_code = Exists(
                Meeting.formats.through.objects.filter(meeting=OuterRef("pk"), format__code=code)
            )
            # Online-only meetings are ranked by time alone: test that first to skip the lookup.
            matched = matched + Case(
                When(online_only, then=Value(0)), When(has_code, then=Value(1)), default=Value(0)
            )
        queryset = queryset.annotate(
            philosophy_match=philosophy_match,
            formats_matched=matched,
            is_online_only=Case(When(online_only, then=Value(1)), default=Value(0)),
        )
        if sort == Sort.DISTANCE:
            order = ["is_online_only", F("distance_km").asc(nulls_last=True), "minutes_until"]
        elif sort == Sort.SOONEST:
            # A meeting that began ten minutes ago is as "soon" as one starting in ten.
            order = [Abs("minutes_until"), F("distance_km").asc(nulls_last=True)]
        else:
            factor = Value(1.0)
            if prefer_philosophy:
                factor = Case(
                    When(philosophy_match=True, then=Value(PREFERRED_PHILOSOPHY_FACTOR)),
                    default=Value(1.0),
                    output_field=FloatField(),
                )
            if prefer_formats:
                most = max(PREFERRED_FORMAT_FACTORS)
                factor = factor * Case(
                    *[When(formats_matched=n, then=Value(f))
                      for n, f in PREFERRED_FORMAT_FACTORS.items()],
                    When(formats_matched__gt=most, then=Value(PREFERRED_FORMAT_FACTORS[most])),
                    default=Value(1.0),
                    output_field=FloatField(),
                )  # fmt: skip
            queryset = queryset.annotate(
                score=(F("distance_km") + Value(1.0)) * factor
                + Abs("minutes_until") * Value(KM_PER_HOUR_UNTIL_START / 60)
            )
            order = ["is_online_only", F("score").asc(nulls_last=True), "minutes_until"]
        return queryset.order_by(*order, "pk")


class Meeting(models.Model):
    """One weekly meeting of a program, at a place, online, or both."""

    # Set by fill_derived_fields(); bulk_update callers must list them.
    DERIVED_FIELDS = ("week_minute", "duration", "utc_week_minute", "std_offset")

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
    # The start as a UTC week minute at the zone's standard offset (also stored): see
    # MeetingQuerySet.with_minutes_until.
    utc_week_minute = models.PositiveSmallIntegerField(editable=False, default=0)
    std_offset = models.SmallIntegerField(editable=False, default=0)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["weekday", "start_time", "name"]
        indexes = [
            # Covers the distinct-time-zone query a search makes over online meetings.
            # Cover the search's query for the time zones of all online meetings.
            models.Index(
                fields=["attendance", "timezone", "std_offset", "duration"],
                name="meeting_attendance_zone",
            ),
            # Online meetings starting soon: ranges of stored UTC start minutes.
            models.Index(fields=["attendance", "utc_week_minute"], name="meeting_online_start"),
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
            models.CheckConstraint(
                condition=Q(duration__gt=0, duration__lte=schedule.LONGEST_MEETING),
                name="meeting_duration_range",
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
        elif (
            self.start_time is not None
            and schedule.duration_minutes(self.start_time, self.end_time) > schedule.LONGEST_MEETING
        ):
            errors["end_time"] = ValidationError(
                "A meeting can last at most 12 hours: check the end time.", code="too_long"
            )
        if errors:
            raise ValidationError(errors)

    def fill_derived_fields(self):
        """Set the fields kept for fast time windows; callers of bulk_create must call this."""
        if not self.timezone and self.location_id and self.location.timezone:
            self.timezone = self.location.timezone
        self.week_minute = schedule.week_minute(self.weekday, self.start_time)
        self.duration = schedule.duration_minutes(self.start_time, self.end_time)
        self.std_offset = schedule.standard_offset(self.timezone)
        self.utc_week_minute = (self.week_minute - self.std_offset) % schedule.MINUTES_PER_WEEK

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
    def in_progress(self):
        """Whether a search found this meeting running now (its minutes_until is not positive)."""
        minutes = getattr(self, "minutes_until", None)
        return minutes is not None and minutes <= 0

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


class MeetingContactQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)


class MeetingContact(models.Model):
    """Someone who can answer questions about a meeting: a secretary, a host, an intergroup."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=100, help_text="First name or role is enough: “Secretary”.")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_public = models.BooleanField(
        "show on the meeting page",
        default=False,
        help_text="Leave unticked to keep this contact for editors only. Tick only with the "
        "person's agreement.",
    )

    objects = MeetingContactQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(email="") | ~Q(phone=""), name="contact_needs_email_or_phone"
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if not self.email and not self.phone:
            raise ValidationError("Give an email address or a phone number.", code="no_contact")


# What a public suggestion may propose, as keys of ChangeRequest.proposed. Location fields carry a
# "location_" prefix; "program" is a SupportGroup slug.
PROPOSED_MEETING_FIELDS = [
    "name", "weekday", "start_time", "end_time", "attendance", "conference_url",
    "conference_phone", "language", "timezone", "notes", "is_active",
]  # fmt: skip
PROPOSED_LOCATION_FIELDS = ["name", "address", "city", "region", "postal_code", "country"]
LOCATION_PREFIX = "location_"
ADDRESS_FIELDS = ["address", "city", "region", "postal_code", "country"]


class ChangeRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=ChangeRequest.Status.PENDING)


class ChangeRequest(models.Model):
    """A correction or a new meeting suggested by the public, waiting for an editor's review."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction to a meeting"
        NEW_MEETING = "new-meeting", "New meeting"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="change_requests",
        help_text="The meeting to correct; empty for a new meeting (filled once approved).",
    )
    group = models.ForeignKey(
        SupportGroup,
        on_delete=models.CASCADE,
        related_name="change_requests",
        verbose_name="program",
        help_text="Whose editors review this.",
    )
    proposed = models.JSONField(
        "proposed values",
        default=dict,
        blank=True,
        help_text="Only the values the submitter changed. You may fix them before approving.",
    )
    message = models.TextField(
        "submitter's message", blank=True, help_text="What is wrong, in the submitter's words."
    )
    submitter_name = models.CharField(max_length=100, blank=True)
    submitter_email = models.EmailField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_change_requests",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField("reviewer's note", blank=True, help_text="Seen only by editors.")
    created = models.DateTimeField(auto_now_add=True)

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["status", "created"], name="changerequest_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="new-meeting") | Q(meeting__isnull=False),
                name="changerequest_correction_needs_meeting",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(reviewed_at__isnull=False),
                name="changerequest_reviewed_has_time",
            ),
        ]

    def __str__(self):
        subject = self.meeting or self.proposed.get("name") or "unnamed meeting"
        return f"{self.get_kind_display()}: {subject}"

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    def clean(self):
        if not isinstance(self.proposed, dict):
            message = 'Give the values as {"field": value} pairs.'
            raise ValidationError({"proposed": ValidationError(message, code="not_a_dict")})
        allowed = {"program", *PROPOSED_MEETING_FIELDS}
        allowed.update(LOCATION_PREFIX + name for name in PROPOSED_LOCATION_FIELDS)
        unknown = sorted(set(self.proposed) - allowed)
        if unknown:
            error = ValidationError(
                "Unknown fields: %(fields)s. Known: %(known)s.",
                code="unknown_fields",
                params={"fields": ", ".join(unknown), "known": ", ".join(sorted(allowed))},
            )
            raise ValidationError({"proposed": error})

    def recipients(self):
        """Email addresses of the program's editors, or of the superusers when it has none."""
        from django.contrib.auth import get_user_model

        users = get_user_model().objects.filter(is_active=True).exclude(email="")
        emails = list(users.filter(edited_programs=self.group_id).values_list("email", flat=True))
        return emails or list(users.filter(is_superuser=True).values_list("email", flat=True))

    def comparison(self):
        """Rows of (label, current, proposed) for every proposed value, as people read them."""
        meeting = self.meeting
        location = meeting.location if meeting else None
        rows = []
        for key, value in self.proposed.items():
            if key == "program":
                current = meeting.group.slug if meeting else ""
                rows.append(("program", current, value))
                continue
            if key.startswith(LOCATION_PREFIX):
                name, model, obj = key.removeprefix(LOCATION_PREFIX), Location, location
            else:
                name, model, obj = key, Meeting, meeting
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                rows.append((key, "", value))
                continue
            label = f"location {field.verbose_name}" if model is Location else field.verbose_name
            current = getattr(obj, field.attname) if obj is not None else ""
            rows.append((label, _readable(field, current), _readable(field, value)))
        return rows

    def approve(self, reviewer, *, note="", locate=None):
        """Apply the proposal in one transaction and record who approved it.

        ``locate(location)`` fills a changed or new location's coordinates and time zone; the
        caller passes it so that a network geocoder stays out of this module. Raises
        ValidationError, leaving everything unchanged, when the result would not be valid.
        """
        from groups.history import ADDITION, CHANGE, record_change

        with transaction.atomic():
            locked = ChangeRequest.objects.select_for_update().get(pk=self.pk)
            if locked.status != self.Status.PENDING:
                raise ValidationError("This request was already reviewed.", code="reviewed")
            self.clean()
            proposal = dict(self.proposed)
            if self.kind == self.Kind.CORRECTION:
                meeting = Meeting.objects.select_for_update().get(pk=self.meeting_id)
            else:
                meeting = Meeting(group=self.group, last_verified=timezone.localdate())
            adding = meeting.pk is None
            if "program" in proposal:
                meeting.group = SupportGroup.objects.get(slug=proposal.pop("program"))
            location_values = {
                key.removeprefix(LOCATION_PREFIX): proposal.pop(key)
                for key in list(proposal)
                if key.startswith(LOCATION_PREFIX)
            }
            location = self._apply_location(meeting, location_values, locate)
            if location is not None:
                meeting.location = location
            for key, value in proposal.items():
                field = Meeting._meta.get_field(key)
                setattr(meeting, field.attname, field.to_python(value))
            if not meeting.timezone and meeting.location and meeting.location.timezone:
                meeting.timezone = meeting.location.timezone
            meeting.full_clean(exclude=["slug"] if not meeting.slug else None)
            meeting.save()
            self.meeting = meeting
            self.status = self.Status.APPROVED
            self.reviewer = reviewer
            self.reviewed_at = timezone.now()
            self.note = note or self.note
            self.save()
            who = self.submitter_name or "a visitor"
            record_change(
                reviewer,
                meeting,
                f"Approved suggestion #{self.pk} from {who}.",
                action=ADDITION if adding else CHANGE,
            )
        return meeting

    def _apply_location(self, meeting, values, locate):
        """Change the meeting's location as proposed, or a new one if others share it."""
        if not values:
            return None
        current = meeting.location if meeting.location_id else None
        if current and not current.meetings.exclude(pk=meeting.pk).exists():
            location = current
        else:
            # The venue is shared (or there is none yet): the others keep the old one.
            location = Location()
            if current:
                for name in PROPOSED_LOCATION_FIELDS + ["directions", "timezone"]:
                    setattr(location, name, getattr(current, name))
                location.latitude, location.longitude = current.latitude, current.longitude
        address_changed = any(
            name in ADDRESS_FIELDS and getattr(location, name) != value
            for name, value in values.items()
        )
        for name, value in values.items():
            setattr(location, name, value)
        if address_changed:
            # Coordinates and zone belonged to the old address.
            location.latitude = location.longitude = None
            location.timezone = ""
        if locate is not None and not location.has_coordinates:
            locate(location)
        location.full_clean()
        location.save()
        return location

    def reject(self, reviewer, *, note=""):
        with transaction.atomic():
            updated = ChangeRequest.objects.filter(pk=self.pk, status=self.Status.PENDING).update(
                status=self.Status.REJECTED,
                reviewer=reviewer,
                reviewed_at=timezone.now(),
                note=note or self.note,
            )
        if not updated:
            raise ValidationError("This request was already reviewed.", code="reviewed")
        self.refresh_from_db()


def _readable(field, value):
    """A stored or proposed value as a reader expects it: a choice's label, a time as 19:00."""
    if value is None or value == "":
        return ""
    try:
        value = field.to_python(value)
    except ValidationError:
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if hasattr(value, "strftime") and isinstance(field, models.TimeField):
        return value.strftime("%H:%M")
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
