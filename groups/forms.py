"""The public suggestion form: a correction to a meeting, or a new meeting, for editors to review.

Its fields are those a suggestion may propose (groups.models.suggestions.PROPOSED_KEYS); their
lengths come from the model fields, and every value is judged by the same rules as in admin and
imports (groups.rules and the models' validators).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from groups import rules
from groups.models import Attendance, ChangeRequest, Location, Meeting, Program, Weekday
from groups.models.programs import lazy_language_name
from groups.models.suggestions import (
    LOCATION_PREFIX,
    PROPOSED_LOCATION_FIELDS,
    PROPOSED_MEETING_FIELDS,
    proposal_errors,
)
from groups.vocabulary import LANGUAGES


class TimeZoneField(forms.ChoiceField):
    """A list of zone names; a name not on it is refused in the time zone rule's own words."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validators", [rules.validate_time_zone])
        super().__init__(choices=[("", "—"), *rules.TIME_ZONE_CHOICES], **kwargs)

    def valid_value(self, value):
        return True  # rules.validate_time_zone decides, with its message.


def model_text(model, name, label, **kwargs):
    """A form field for a model's text field, with the model's length."""
    return model._meta.get_field(name).formfield(label=label, **kwargs)


class SuggestionForm(forms.Form):
    """A public correction to a meeting, or a new meeting, for editors to review.

    Given ``meeting``, the fields start from its current values and only what the visitor changes
    is proposed; without one, the form describes a new meeting. ``website`` is a honeypot: people
    never see it, form-filling robots fill it, and such submissions are thanked and dropped.
    """

    program = forms.ChoiceField(label=_("Program"))
    name = model_text(Meeting, "name", _("Meeting name"))
    weekday = forms.TypedChoiceField(label=_("Day"), choices=Weekday.choices, coerce=int)
    start_time = forms.TimeField(label=_("Starts at"), help_text=_("Local time, such as 19:00."))
    end_time = forms.TimeField(label=_("Ends at"), required=False)
    attendance = forms.ChoiceField(label=_("How people attend"), choices=Attendance.choices)
    location_name = model_text(Location, "name", _("Venue"), required=False)
    location_address = model_text(Location, "address", _("Street address"), required=False)
    location_city = model_text(Location, "city", _("City or town"), required=False)
    location_region = model_text(Location, "region", _("State or region"), required=False)
    location_postal_code = model_text(Location, "postal_code", _("Postal code"), required=False)
    location_country = model_text(
        Location,
        "country",
        _("Country"),
        min_length=2,
        required=False,
        help_text=_("Two-letter code such as US, CA or GB."),
    )
    conference_url = model_text(
        Meeting, "conference_url", _("Join link"), required=False, assume_scheme="https"
    )
    conference_phone = model_text(Meeting, "conference_phone", _("Dial-in phone"), required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[(code, lazy_language_name(code)) for code in LANGUAGES],
        initial="en",
        required=False,
    )
    timezone = TimeZoneField(
        label=_("Time zone"),
        required=False,
        help_text=_("For online meetings: the time zone the start time is in."),
    )
    notes = forms.CharField(
        label=_("Notes"), max_length=1000, required=False, widget=forms.Textarea
    )
    stopped = forms.BooleanField(label=_("This meeting no longer meets"), required=False)
    message = model_text(
        ChangeRequest,
        "message",
        _("Anything else we should know?"),
        max_length=2000,
        required=False,
        help_text="",
    )
    submitter_name = model_text(
        ChangeRequest, "submitter_name", _("Your name (optional)"), required=False
    )
    submitter_email = forms.EmailField(
        label=_("Your email (optional)"),
        max_length=254,
        required=False,
        help_text=_("Only if you are happy for an editor to write back. It is never published."),
    )
    website = forms.CharField(label=_("Leave this empty"), required=False, max_length=200)

    # The proposal keys these fields fill ("stopped" proposes is_active).
    MEETING_KEYS = [name for name in PROPOSED_MEETING_FIELDS if name != "is_active"]
    LOCATION_KEYS = [LOCATION_PREFIX + name for name in PROPOSED_LOCATION_FIELDS]

    def __init__(self, *args, meeting=None, **kwargs):
        self.meeting = meeting
        if meeting is not None:
            kwargs.setdefault("initial", self.current_values(meeting))
        super().__init__(*args, **kwargs)
        if meeting is None:
            del self.fields["stopped"]
            self.fields["program"].choices = [("", "—")] + [
                (program.slug, program.name) for program in Program.objects.order_by("name")
            ]
            self.fields["location_country"].initial = "US"
        else:
            del self.fields["program"]
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    @classmethod
    def current_values(cls, meeting):
        values = {key: getattr(meeting, key) for key in cls.MEETING_KEYS}
        location = meeting.location
        for key in cls.LOCATION_KEYS:
            values[key] = getattr(location, key.removeprefix(LOCATION_PREFIX)) if location else ""
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
                    _("Give the venue or street address and the city, so people can find it."),
                    code="needs_place",
                ),
            )
        for field, check in [
            (
                "conference_url",
                lambda: rules.check_join(
                    attendance, data.get("conference_url"), data.get("conference_phone")
                ),
            ),
            ("end_time", lambda: rules.check_times(data.get("start_time"), data.get("end_time"))),
        ]:
            try:
                check()
            except ValidationError as error:
                self.add_error(field, error)
        if self.meeting is None and attendance == Attendance.ONLINE and not data.get("timezone"):
            self.add_error(
                "timezone",
                forms.ValidationError(
                    _("Choose the time zone of the start time."), code="needs_zone"
                ),
            )
        for key, error in proposal_errors(self.proposal()).items():
            self.add_error("stopped" if key == "is_active" else key, error)
        if self.meeting is not None and not self.proposal() and not data.get("message"):
            raise forms.ValidationError(
                _("Change a value above or tell us in the message what is wrong."), code="no_change"
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
            kind=ChangeRequest.Kind.CORRECTION if meeting else ChangeRequest.Kind.NEW_MEETING,
            meeting=meeting,
            program=meeting.program if meeting else Program.objects.get(slug=data["program"]),
            proposed=self.proposal(),
            message=data.get("message", ""),
            submitter_name=data.get("submitter_name", ""),
            submitter_email=data.get("submitter_email", ""),
        )
