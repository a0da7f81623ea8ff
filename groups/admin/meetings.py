"""Admin for meetings and their contacts: the curation tool for program editors."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from groups import rules
from groups.admin.editors import (
    EditorPermissions,
    editable_locations,
    is_editor,
    limit_to_editor,
)
from groups.admin.fields import HTTPS_LINKS, https_formfield
from groups.history import record_changes
from groups.models import Group, Meeting, MeetingContact, Program
from groups.models.programs import lazy_language_name
from groups.vocabulary import LANGUAGES, Attendance

JOIN_WARNING = _(
    "Saved, but meeting finders that read our feed (TSML UI) may show this online meeting as "
    "inactive: its join link is not on a video service they know (Zoom, Google Meet, Teams, ...) "
    "and it has no dial-in phone of 10 or more digits. Add a phone, or a link on such a service."
)


class StaleFilter(admin.SimpleListFilter):
    title = _("verification")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [
            ("stale", _("Not verified in 12 months, or never")),
            ("current", _("Verified in the last 12 months")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "stale":
            return queryset.stale()
        if self.value() == "current":
            return queryset.exclude(pk__in=queryset.stale().values("pk"))
        return queryset


class JoinableFilter(admin.SimpleListFilter):
    """Online meetings that apps reading our feed show without a way to join (the warning on
    save, rules.joinable_in_apps), so an editor can find them and add a dial-in phone."""

    title = _("joining from other apps")
    parameter_name = "joinable"

    def lookups(self, request, model_admin):
        return [("no", _("Online, with no link or phone other apps can use"))]

    def queryset(self, request, queryset):
        if self.value() != "no":
            return queryset
        online = queryset.filter(attendance=Attendance.ONLINE).values_list(
            "pk", "attendance", "conference_url", "conference_phone"
        )
        hidden = [pk for pk, *join in online if not rules.joinable_in_apps(*join)]
        return queryset.filter(pk__in=hidden)


class MeetingContactInline(EditorPermissions, admin.TabularInline):
    model = MeetingContact
    extra = 0
    verbose_name_plural = _("contacts (for editors; shown publicly only when ticked)")

    def has_delete_permission(self, request, obj=None):
        # A contact is not a listing: editors remove people who step down.
        return is_editor(request)


class MeetingAdminForm(forms.ModelForm):
    class Meta:
        model = Meeting
        # For the class itself; the admin builds its form through formfield_overrides below.
        formfield_callback = https_formfield
        fields = [
            "program",
            "group",
            "name",
            "slug",
            "weekday",
            "start_time",
            "end_time",
            "timezone",
            "language",
            "formats",
            "notes",
            "attendance",
            "location",
            "conference_url",
            "conference_url_notes",
            "conference_phone",
            "conference_phone_notes",
            "is_active",
            "last_verified",
            "is_sample",
            "source",
            "external_id",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("The web address; made from the name when left empty.")
        self.fields["timezone"].required = False
        # The model's choices name the languages in English; show them in the reader's.
        self.fields["language"].choices = [(code, lazy_language_name(code)) for code in LANGUAGES]

    def clean(self):
        data = super().clean()
        location = data.get("location")
        if not data.get("timezone"):
            if location and location.timezone:
                data["timezone"] = location.timezone
            else:
                self.add_error(
                    "timezone",
                    ValidationError(
                        _("Give the time zone, such as America/Chicago: the location has none."),
                        code="needs_time_zone",
                    ),
                )
        try:
            codes = [fmt.code for fmt in data.get("formats") or []]
            rules.check_room_codes(data.get("attendance"), codes)
        except ValidationError as error:
            self.add_error("formats", error)
        group = data.get("group")
        if group and data.get("program") and group.program_id != data["program"].pk:
            self.add_error(
                "group",
                ValidationError(_("The group belongs to another program."), code="group_program"),
            )
        return data


@admin.register(Meeting)
class MeetingAdmin(EditorPermissions, admin.ModelAdmin):
    form = MeetingAdminForm
    formfield_overrides = HTTPS_LINKS
    list_display = [
        "name",
        "program",
        "weekday",
        "start_time",
        "attendance",
        "city",
        "is_active",
        "last_verified",
        "is_sample",
    ]
    list_filter = [
        ("program", admin.RelatedOnlyFieldListFilter),
        "weekday",
        "attendance",
        "is_active",
        StaleFilter,
        JoinableFilter,
        "is_sample",
    ]
    list_select_related = ["program", "location"]
    list_per_page = 50
    search_fields = ["name", "slug", "location__city", "location__postal_code"]
    autocomplete_fields = ["location", "group"]
    filter_horizontal = ["formats"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created", "updated"]
    inlines = [MeetingContactInline]

    @admin.display(description=_("city"), ordering="location__city")
    def city(self, meeting):
        return meeting.location.city if meeting.location else ""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not rules.joinable_in_apps(obj.attendance, obj.conference_url, obj.conference_phone):
            self.message_user(request, JOIN_WARNING, messages.WARNING)

    actions = ["mark_verified", "deactivate", "reactivate"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "program",
                    "group",
                    "name",
                    "slug",
                    ("weekday", "start_time", "end_time"),
                    "timezone",
                    "language",
                    "formats",
                    "notes",
                ],
            },
        ),
        (
            _("Where"),
            {
                "fields": ["attendance", "location"],
                "description": _(
                    "In-person and hybrid meetings need a location: type to find "
                    "one, or add it with the + button. Online-only meetings leave it empty."
                ),
            },
        ),
        (
            _("Joining online"),
            {
                "fields": [
                    ("conference_url", "conference_url_notes"),
                    ("conference_phone", "conference_phone_notes"),
                ],
                "description": _(
                    "For online and hybrid meetings: a join link, a dial-in phone, or both."
                ),
            },
        ),
        (
            _("Keeping it current"),
            {
                "fields": ["is_active", "last_verified", "is_sample"],
                "description": _(
                    "Set “last verified” whenever someone confirms the meeting "
                    "still runs as listed; meetings unverified for a year are marked stale."
                ),
            },
        ),
        (
            # Translators: the heading over the fields an import fills (a noun).
            pgettext_lazy("fieldset heading", "Import"),
            {
                "fields": ["source", "external_id", "created", "updated"],
                "classes": ["collapse"],
                "description": _("Filled by imports from other meeting lists."),
            },
        ),
    ]

    def get_queryset(self, request):
        return limit_to_editor(request, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "program":
            kwargs["queryset"] = limit_to_editor(request, Program.objects.all(), "pk")
        elif db_field.name == "location":
            kwargs["queryset"] = editable_locations(request)
        elif db_field.name == "group":
            kwargs["queryset"] = limit_to_editor(request, Group.objects.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _update(self, request, queryset, message, **values):
        meetings = list(queryset)
        queryset.model.objects.filter(pk__in=[m.pk for m in meetings]).update(
            updated=timezone.now(), **values
        )
        record_changes(request.user, meetings, message)
        return len(meetings)

    # The history messages (the admin log) stay in English: they are a record, kept as written.
    @admin.action(description=_("Mark the selected meetings verified today"))
    def mark_verified(self, request, queryset):
        today = timezone.localdate()
        count = self._update(request, queryset, f"Verified on {today}.", last_verified=today)
        message = ngettext(
            "Marked %(count)d meeting verified today.",
            "Marked %(count)d meetings verified today.",
            count,
        )
        self.message_user(request, message % {"count": count})

    @admin.action(description=_("Deactivate the selected meetings (hide them; nothing is deleted)"))
    def deactivate(self, request, queryset):
        count = self._update(request, queryset, "Deactivated.", is_active=False)
        message = ngettext(
            "Deactivated %(count)d meeting.", "Deactivated %(count)d meetings.", count
        )
        self.message_user(request, message % {"count": count})

    @admin.action(description=_("Reactivate the selected meetings"))
    def reactivate(self, request, queryset):
        count = self._update(request, queryset, "Reactivated.", is_active=True)
        message = ngettext(
            "Reactivated %(count)d meeting.", "Reactivated %(count)d meetings.", count
        )
        self.message_user(request, message % {"count": count})
