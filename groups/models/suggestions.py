"""Suggestions from the public: a correction or a new meeting, waiting for an editor's review."""

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from groups import rules
from groups.models.fields import LineField, NotesField
from groups.models.meetings import Meeting
from groups.models.places import Location
from groups.models.programs import Program, language_name

# What a public suggestion may propose, as keys of ChangeRequest.proposed: these meeting fields,
# these location fields with a "location_" prefix, and "program" (a Program slug).
PROPOSED_MEETING_FIELDS = [
    "name",
    "weekday",
    "start_time",
    "end_time",
    "attendance",
    "conference_url",
    "conference_phone",
    "language",
    "timezone",
    "notes",
    "is_active",
]
PROPOSED_LOCATION_FIELDS = ["name", "address", "city", "region", "postal_code", "country"]
LOCATION_PREFIX = "location_"
PROPOSED_KEYS = [
    "program",
    *PROPOSED_MEETING_FIELDS,
    *(LOCATION_PREFIX + name for name in PROPOSED_LOCATION_FIELDS),
]


def proposed_field(key):
    """(model, field) a proposal key sets; KeyError for a key a suggestion may not propose."""
    if key.startswith(LOCATION_PREFIX) and key.removeprefix(LOCATION_PREFIX) in (
        PROPOSED_LOCATION_FIELDS
    ):
        return Location, Location._meta.get_field(key.removeprefix(LOCATION_PREFIX))
    if key in PROPOSED_MEETING_FIELDS:
        return Meeting, Meeting._meta.get_field(key)
    raise KeyError(key)


def proposal_errors(proposed):
    """{key: ValidationError} for each proposed value its field would refuse."""
    errors = {}
    for key, value in proposed.items():
        if key == "program":
            if not Program.objects.filter(slug=value).exists():
                errors[key] = ValidationError(
                    _("“%(value)s” is not one of the programs."),
                    code="unknown_program",
                    params={"value": value},
                )
            continue
        try:
            field = proposed_field(key)[1]
        except KeyError:
            continue
        if value in (None, ""):
            continue  # Nothing proposed; approving checks the meeting as a whole.
        try:
            field.clean(value, None)
        except ValidationError as error:
            errors[key] = error
    return errors


class ChangeRequest(models.Model):
    """A suggestion from the public: a correction or a new meeting, waiting for an editor.

    Called a suggestion wherever a person reads it (the forms, admin, the README); the class and
    its table keep the name they were created with, as renaming them would cost a migration.
    """

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction to a meeting")
        NEW_MEETING = "new-meeting", _("New meeting")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="change_requests",
        verbose_name=_("meeting"),
        help_text=_("The meeting to correct; empty for a new meeting (filled once approved)."),
    )
    program = models.ForeignKey(
        Program,
        on_delete=models.CASCADE,
        related_name="change_requests",
        verbose_name=_("program"),
        help_text=_("Whose editors review this."),
    )
    proposed = models.JSONField(
        _("proposed values"),
        default=dict,
        blank=True,
        help_text=_("Only the values the submitter changed. You may fix them before approving."),
    )
    message = NotesField(
        _("submitter's message"),
        blank=True,
        help_text=_("What is wrong, in the submitter's words."),
    )
    submitter_name = LineField(_("submitter name"), max_length=100, blank=True)
    submitter_email = models.EmailField(
        _("submitter email"), blank=True, validators=[rules.validate_single_line]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_change_requests",
        verbose_name=_("reviewer"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    note = NotesField(_("reviewer's note"), blank=True, help_text=_("Seen only by editors."))
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
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
        subject = self.meeting or self.proposed.get("name") or gettext("unnamed meeting")
        # Translators: a suggestion: its kind, then the meeting it is about.
        return gettext("%(kind)s: %(subject)s") % {
            "kind": self.get_kind_display(),
            "subject": subject,
        }

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    def clean(self):
        if not isinstance(self.proposed, dict):
            message = _('Give the values as {"field": value} pairs.')
            raise ValidationError({"proposed": ValidationError(message, code="not_a_dict")})
        unknown = sorted(set(self.proposed) - set(PROPOSED_KEYS))
        if unknown:
            error = ValidationError(
                _("Unknown fields: %(fields)s. Known: %(known)s."),
                code="unknown_fields",
                params={"fields": ", ".join(unknown), "known": ", ".join(sorted(PROPOSED_KEYS))},
            )
            raise ValidationError({"proposed": error})
        errors = proposal_errors(self.proposed)
        if errors:
            raise ValidationError(
                {
                    "proposed": [
                        ValidationError(
                            # Translators: a proposal's key (a code such as "start_time"), then
                            # what is wrong with its value.
                            _("%(key)s: %(message)s"),
                            code="invalid_value",
                            params={"key": key, "message": message},
                        )
                        for key, error in errors.items()
                        for message in error.messages
                    ]
                }
            )

    def recipients(self):
        """Email addresses of the program's editors, or of the superusers when it has none."""
        return self.program.editor_emails()

    def comparison(self):
        """Rows of (label, current, proposed) for every proposed value, as people read them."""
        meeting = self.meeting
        location = meeting.location if meeting else None
        rows = []
        for key, value in self.proposed.items():
            if key == "program":
                current = meeting.program.slug if meeting else ""
                rows.append((Meeting._meta.get_field("program").verbose_name, current, value))
                continue
            try:
                model, field = proposed_field(key)
            except (KeyError, FieldDoesNotExist):
                rows.append((key, "", value))
                continue
            obj = location if model is Location else meeting
            label = field.verbose_name
            if model is Location:
                # Translators: a proposed change to the meeting's location, e.g. "location city".
                label = gettext("location %(field)s") % {"field": field.verbose_name}
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
                raise ValidationError(_("This request was already reviewed."), code="reviewed")
            self.clean()
            proposal = dict(self.proposed)
            if self.kind == self.Kind.CORRECTION:
                meeting = Meeting.objects.select_for_update().get(pk=self.meeting_id)
            else:
                meeting = Meeting(program=self.program, last_verified=timezone.localdate())
            adding = meeting.pk is None
            if "program" in proposal:
                meeting.program = Program.objects.get(slug=proposal.pop("program"))
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
            # The location is shared (or there is none yet): the others keep the old one.
            location = current.copy() if current else Location()
        address_changed = any(
            name in Location.ADDRESS_FIELDS and getattr(location, name) != value
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
            raise ValidationError(_("This request was already reviewed."), code="reviewed")
        self.refresh_from_db()


def _readable(field, value):
    """A stored or proposed value as a reader expects it: a choice's label, a time as 19:00."""
    if value is None or value == "":
        return ""
    try:
        value = field.to_python(value)
    except ValidationError:
        return str(value)
    if field.name == "language":
        return language_name(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if hasattr(value, "strftime") and isinstance(field, models.TimeField):
        return value.strftime("%H:%M")
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return str(value)
