"""Meetings, their states, and the people who can answer for them."""

import zoneinfo
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from groups import rules, schedule, text
from groups.models.fields import LineField, NotesField
from groups.models.named_groups import Group
from groups.models.places import Location
from groups.models.programs import Format, Program
from groups.search.queryset import SearchQuerySet
from groups.vocabulary import JOINABLE_ONLINE, LANGUAGES, Attendance, Weekday

# A listing nobody has confirmed for a year may have moved or stopped.
STALE_AFTER_DAYS = 365


class MeetingQuerySet(SearchQuerySet):
    """States of meetings; ``search()`` and its steps come from SearchQuerySet."""

    def active(self):
        return self.filter(is_active=True)

    def online(self):
        """Meetings someone can join from anywhere: online or hybrid."""
        return self.filter(attendance__in=JOINABLE_ONLINE)

    def samples(self):
        return self.filter(is_sample=True)

    def refresh_search_text(self):
        """Store each meeting's search text anew (after its venue or group was renamed); return
        how many changed."""
        changed = []
        for meeting in self.select_related("location", "group").only(
            "name", "notes", "search_text", "location__name", "group__name"
        ):
            before = meeting.search_text
            meeting.search_text = meeting.listing_search_text()
            if meeting.search_text != before:
                changed.append(meeting)
        self.model.objects.bulk_update(changed, ["search_text"], batch_size=2000)
        return len(changed)

    def stale(self, today=None):
        """Meetings nobody has confirmed for STALE_AFTER_DAYS, or ever."""
        cutoff = (today or date.today()) - timedelta(days=STALE_AFTER_DAYS)
        return self.filter(Q(last_verified__isnull=True) | Q(last_verified__lt=cutoff))


class Meeting(models.Model):
    """One weekly meeting of a program, at a location, online, or both."""

    # Set by fill_derived_fields(); bulk_update callers must list them.
    DERIVED_FIELDS = ("week_minute", "duration", "utc_week_minute", "std_offset", "search_text")

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("program")
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        related_name="meetings",
        null=True,
        blank=True,
        verbose_name=_("location"),
        help_text=_("Empty for meetings held only online."),
    )
    group = models.ForeignKey(
        Group,
        on_delete=models.SET_NULL,
        related_name="meetings",
        null=True,
        blank=True,
        verbose_name=_("group"),
        help_text=_("The named home group that holds this meeting, if it has one."),
    )
    name = LineField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(
        _("start time"), help_text=_("Local time where the meeting is held.")
    )
    end_time = models.TimeField(
        _("end time"),
        null=True,
        blank=True,
        help_text=_("Local time. Earlier than the start means the meeting runs past midnight."),
    )
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[rules.validate_time_zone],
        help_text=_(
            "The location's time zone; for online meetings, the zone the host keeps time in."
        ),
    )
    attendance = models.CharField(
        _("attendance"), max_length=20, choices=Attendance.choices, default=Attendance.IN_PERSON
    )
    conference_url = models.URLField(
        _("join link"),
        max_length=500,
        blank=True,
        validators=[rules.validate_single_line],
        help_text=_("Zoom, Meet or other video link."),
    )
    conference_url_notes = LineField(
        _("join link notes"), max_length=300, blank=True, help_text=_("Meeting ID, passcode.")
    )
    conference_phone = LineField(_("dial-in phone"), max_length=60, blank=True)
    conference_phone_notes = LineField(_("dial-in notes"), max_length=300, blank=True)
    formats = models.ManyToManyField(
        Format, blank=True, related_name="meetings", verbose_name=_("formats")
    )
    # The names here are the stored choices' English ones; admin's form shows them in the
    # reader's language (groups.admin.meetings).
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=[(code, names[0]) for code, names in LANGUAGES.items()],
        default="en",
    )
    notes = NotesField(_("notes"), blank=True)
    is_active = models.BooleanField(
        pgettext_lazy("meeting state", "active"),
        default=True,
        help_text=_("Untick when the meeting stops; nothing is deleted."),
    )
    last_verified = models.DateField(
        _("last verified"),
        null=True,
        blank=True,
        help_text=_("When someone last confirmed this meeting still runs."),
    )
    is_sample = models.BooleanField(
        _("sample data"),
        default=False,
        help_text=_("Invented for demonstration; not a real meeting."),
    )
    source = LineField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("Where an imported meeting came from."),
    )
    external_id = LineField(
        _("external id"),
        max_length=200,
        blank=True,
        help_text=_("The meeting's id in its source."),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    # Derived from weekday, start and end so time windows are integer arithmetic in SQL.
    week_minute = models.PositiveSmallIntegerField(_("week minute"), editable=False, default=0)
    duration = models.PositiveSmallIntegerField(_("duration"), editable=False, default=60)
    # The start as a UTC week minute at the zone's standard offset, and that offset: see
    # groups.search.timing.
    utc_week_minute = models.PositiveSmallIntegerField(
        _("utc week minute"), editable=False, default=0
    )
    std_offset = models.SmallIntegerField(_("std offset"), editable=False, default=0)
    # What a keyword search reads (groups.text): name, venue and notes, normalized.
    search_text = models.TextField(_("search text"), editable=False, blank=True, default="")

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["weekday", "start_time", "name"]
        indexes = [
            # Cover the search's query for the time zones of all online meetings.
            models.Index(
                fields=["attendance", "timezone", "std_offset", "duration"],
                name="meeting_attendance_zone",
            ),
            # Online meetings starting soon: ranges of stored UTC start minutes. The index holds
            # all the search reads of them (search_parts), their key included, so their rows stay
            # unread (an index-only scan on PostgreSQL).
            models.Index(
                fields=["attendance", "utc_week_minute", "is_active", "duration", "timezone", "id"],
                name="meeting_online_soon",
            ),
            # Only the samples: "are there any?" (asked on every page) is then one step, even
            # when there are none among many real meetings.
            models.Index(
                fields=["is_sample"], condition=Q(is_sample=True), name="meeting_sample_only"
            ),
            # The feed's version is the newest change: an index answers it at once.
            models.Index(fields=["updated"], name="meeting_updated"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="meeting_weekday_range"
            ),
            models.CheckConstraint(
                condition=Q(attendance__in=Attendance.values), name="meeting_attendance_valid"
            ),
            # The database's copy of rules.check_join.
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
        try:
            rules.check_join(self.attendance, self.conference_url, self.conference_phone)
        except ValidationError as error:
            errors["conference_url"] = error
        if self.attendance != Attendance.ONLINE and self.location_id is None:
            errors["location"] = ValidationError(
                _("An in-person or hybrid meeting needs a location."), code="needs_location"
            )
        try:
            rules.check_times(self.start_time, self.end_time)
        except ValidationError as error:
            errors["end_time"] = error
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
        self.search_text = self.listing_search_text()

    def listing_search_text(self):
        """The words a keyword search finds this meeting by: its name, its venue's and its
        group's, its notes.

        A part added here must also refresh the meetings when that part changes, as
        Location.save and Group.save do for their names.
        """
        venue = self.location.name if self.location is not None else ""
        group = self.group.name if self.group is not None else ""
        return text.search_text(self.name, venue, group, self.notes)

    def unique_slug(self):
        others = Meeting.objects.exclude(pk=self.pk)
        return rules.unique_slug(
            self.name, self.weekday, lambda slug: others.filter(slug=slug).exists()
        )

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def is_online(self):
        return self.attendance in JOINABLE_ONLINE

    @property
    def venue(self):
        """Where people go to attend: the location, unless the meeting is held only online (then
        its location, if any, is only the town its organisers are in)."""
        return None if self.attendance == Attendance.ONLINE else self.location

    def fitting_formats(self):
        """The meeting's formats, without those about a room when it meets only online."""
        formats = list(self.formats.all())
        dropped = set(rules.room_codes(self.attendance, [fmt.code for fmt in formats]))
        return [fmt for fmt in formats if fmt.code not in dropped]

    def next_occurrence(self, now=None):
        return schedule.next_occurrence(
            self.weekday, self.start_time, self.end_time, self.zone, now or timezone.now()
        )

    def verified_age_days(self, today=None):
        if self.last_verified is None:
            return None
        return ((today or date.today()) - self.last_verified).days

    def is_stale(self, today=None):
        """Whether nobody has confirmed the listing for STALE_AFTER_DAYS, or ever."""
        age = self.verified_age_days(today)
        return age is None or age > STALE_AFTER_DAYS


class MeetingContactQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)


class MeetingContact(models.Model):
    """Someone who can answer questions about a meeting: a secretary, a host, an intergroup."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("meeting")
    )
    name = LineField(
        _("name"), max_length=100, help_text=_("First name or role is enough: “Secretary”.")
    )
    email = models.EmailField(_("email"), blank=True, validators=[rules.validate_single_line])
    phone = LineField(_("phone"), max_length=40, blank=True)
    is_public = models.BooleanField(
        _("show on the meeting page"),
        default=False,
        help_text=_(
            "Leave unticked to keep this contact for editors only. Tick only with the "
            "person's agreement."
        ),
    )

    objects = MeetingContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting contact")
        verbose_name_plural = _("meeting contacts")
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
            raise ValidationError(_("Give an email address or a phone number."), code="no_contact")
