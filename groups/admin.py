"""Admin: the curation tool for volunteers who keep the listings current.

Program editors. A staff user listed among a program's editors may view, add and change that
program's meetings, and the locations those meetings use, plus locations they added themselves
that no meeting uses yet (a venue they are about to fill). Every queryset, foreign-key choice,
autocomplete and inline is limited the same way, so another program's listing is not found even
by its URL. Being an editor is the permission: no Django model permissions need granting. Only
superusers see everything, change programs and formats, and delete (volunteers deactivate
instead, so nothing is lost by a wrong click).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import user_passes_test
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import BigIntegerField, Exists, OuterRef, Q
from django.db.models.functions import Cast
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from geopy.exc import GeopyError

from groups import schedule
from groups.geocoding import Precision, fill_time_zone, locate
from groups.history import record_changes
from groups.importers import (
    FORMAT_NAMES,
    MAX_SOURCE_BYTES,
    ImportRejected,
    SourceError,
    decode,
    import_meetings,
)
from groups.models import (
    ADDRESS_FIELDS,
    ChangeRequest,
    Format,
    Location,
    Meeting,
    MeetingContact,
    Place,
    SupportGroup,
)
from groups.vocabulary import PROGRAMS


def editor_program_ids(request):
    """Ids of the programs the user edits, or None for a superuser, who edits them all."""
    user = request.user
    if user.is_active and user.is_superuser:
        return None
    if not hasattr(request, "_editor_program_ids"):
        ids = []
        if user.is_active and user.is_staff:
            ids = list(user.edited_programs.values_list("pk", flat=True))
        request._editor_program_ids = ids
    return request._editor_program_ids


def is_editor(request):
    ids = editor_program_ids(request)
    return ids is None or bool(ids)


def editable_meetings(request, queryset=None):
    queryset = Meeting.objects.all() if queryset is None else queryset
    ids = editor_program_ids(request)
    return queryset if ids is None else queryset.filter(group__in=ids)


def editable_locations(request, queryset=None):
    """Locations the user's programs meet at, and unused ones the user added."""
    queryset = Location.objects.all() if queryset is None else queryset
    ids = editor_program_ids(request)
    if ids is None:
        return queryset
    used = Meeting.objects.filter(group__in=ids, location__isnull=False).values("location_id")
    added_by_user = (
        LogEntry.objects.filter(
            user=request.user,
            action_flag=ADDITION,
            content_type=ContentType.objects.get_for_model(Location),
        )
        .annotate(location_id=Cast("object_id", BigIntegerField()))
        .values("location_id")
    )
    unused = ~Exists(Meeting.objects.filter(location=OuterRef("pk")))
    return queryset.filter(Q(pk__in=used) | (Q(pk__in=added_by_user) & unused))


class EditorPermissions:
    """A program's editors may view, add and change; only superusers delete."""

    def has_module_permission(self, request):
        return is_editor(request)

    def has_view_permission(self, request, obj=None):
        return is_editor(request)

    def has_add_permission(self, request, *args):
        return is_editor(request)

    def has_change_permission(self, request, obj=None):
        return is_editor(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


@admin.register(SupportGroup)
class SupportGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "slug", "philosophy", "website"]
    list_filter = ["philosophy"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["short_name"]}
    filter_horizontal = ["editors"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "editors":
            # Only staff can sign in to admin; an editor must be one.
            kwargs["queryset"] = db_field.related_model.objects.filter(is_staff=True)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Format)
class FormatAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "category", "is_meeting_guide", "description"]
    list_filter = ["category", "is_meeting_guide"]
    search_fields = ["code", "name", "name_es", "description"]


class StaleFilter(admin.SimpleListFilter):
    title = "verification"
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [
            ("stale", "Not verified in 12 months, or never"),
            ("current", "Verified in the last 12 months"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "stale":
            return queryset.stale()
        if self.value() == "current":
            return queryset.exclude(pk__in=queryset.stale().values("pk"))
        return queryset


class MeetingInline(EditorPermissions, admin.TabularInline):
    """The meetings held at a location, each linking to its own page."""

    model = Meeting
    fields = ["name", "group", "weekday", "start_time", "attendance", "is_active"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    verbose_name_plural = "meetings here"

    def get_queryset(self, request):
        return editable_meetings(request, super().get_queryset(request)).select_related("group")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # Meetings are edited on their own page.

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Location)
class LocationAdmin(EditorPermissions, admin.ModelAdmin):
    list_display = ["name", "address", "city", "region", "postal_code", "country",
                    "has_coordinates", "timezone", "is_sample"]  # fmt: skip
    list_filter = ["country", "is_sample"]
    search_fields = ["name", "address", "city", "postal_code"]
    inlines = [MeetingInline]
    actions = ["geocode_selected"]
    fieldsets = [
        (None, {"fields": ["name", "address", "city", "region", "postal_code", "country"]}),
        (
            "Map position",
            {
                "fields": [("latitude", "longitude"), "timezone"],
                "description": "Leave the coordinates empty and they are looked up from the "
                "address when you save. Type them (from any map) to place the venue exactly.",
            },
        ),
        (None, {"fields": ["directions", "is_sample"]}),
    ]

    def get_queryset(self, request):
        # Also what the location autocomplete searches: another program's venues stay hidden.
        return editable_locations(request, super().get_queryset(request))

    def get_search_results(self, request, queryset, search_term):
        # The autocomplete passes get_queryset's result here; keep that limit whoever calls.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if editor_program_ids(request) is not None:
            queryset = editable_locations(request, queryset)
        return queryset, may_have_duplicates

    @admin.display(boolean=True, description="on the map")
    def has_coordinates(self, location):
        return location.has_coordinates

    def save_model(self, request, obj, form, change):
        self.place_on_map(request, obj, form, change)
        super().save_model(request, obj, form, change)

    def place_on_map(self, request, location, form, change):
        """Look up coordinates the editor did not give; never stop the save for a failure."""
        address_changed = not change or any(name in form.changed_data for name in ADDRESS_FIELDS)
        typed = {"latitude", "longitude"} & set(form.changed_data)
        needs_lookup = not location.has_coordinates or (address_changed and not typed)
        if not needs_lookup:
            fill_time_zone(location)
            return
        old = (location.latitude, location.longitude)
        if "timezone" not in form.changed_data and location.has_coordinates:
            location.timezone = ""  # The zone belonged to the old coordinates.
        location.latitude = location.longitude = None
        try:
            precision = locate(location)
        except GeopyError as error:
            precision, problem = None, f"the address lookup failed ({error.__class__.__name__})"
        else:
            problem = "the address was not found"
        if precision is None:
            location.latitude, location.longitude = old
            fill_time_zone(location)
            messages.warning(
                request,
                f"“{location}” was saved, but {problem}. Please enter its latitude and "
                "longitude (from any map) so the meeting shows up in searches near it.",
            )
        elif precision != Precision.ADDRESS:
            messages.info(
                request,
                f"“{location}” was placed by its {precision} only. Check the position, or "
                "type exact coordinates.",
            )

    @admin.action(description="Look up coordinates for the selected locations")
    def geocode_selected(self, request, queryset):
        located, missed = [], []
        for location in queryset:
            if location.has_coordinates:
                if fill_time_zone(location):
                    location.save(update_fields=["timezone", "updated"])
                continue
            try:
                precision = locate(location)
            except GeopyError as error:
                self.message_user(
                    request,
                    f"The address lookup failed ({error.__class__.__name__}); stopped after "
                    f"{len(located)} found. Try again later.",
                    messages.WARNING,
                )
                break
            if precision is None:
                missed.append(location)
                continue
            location.save(update_fields=["latitude", "longitude", "timezone", "updated"])
            located.append(location)
        record_changes(request.user, located, "Looked up coordinates from the address.")
        if located:
            self.message_user(request, f"Placed {len(located)} location(s) on the map.")
        if missed:
            names = ", ".join(str(location) for location in missed[:10])
            self.message_user(
                request, f"Not found, enter coordinates by hand: {names}.", messages.WARNING
            )


class MeetingContactInline(EditorPermissions, admin.TabularInline):
    model = MeetingContact
    extra = 0
    verbose_name_plural = "contacts (for editors; shown publicly only when ticked)"

    def has_delete_permission(self, request, obj=None):
        # A contact is not a listing: editors remove people who step down.
        return is_editor(request)


def https_formfield(db_field, **kwargs):
    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return db_field.formfield(**kwargs)


class MeetingAdminForm(forms.ModelForm):
    class Meta:
        model = Meeting
        formfield_callback = https_formfield
        fields = ["group", "name", "slug", "weekday", "start_time", "end_time", "timezone",
                  "language", "formats", "notes", "attendance", "location", "conference_url",
                  "conference_url_notes", "conference_phone", "conference_phone_notes",
                  "is_active", "last_verified", "is_sample", "source", "external_id"]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = "The web address; made from the name when left empty."
        self.fields["timezone"].required = False

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
                        "Give the time zone, such as America/Chicago: the location has none.",
                        code="needs_time_zone",
                    ),
                )
        return data


@admin.register(Meeting)
class MeetingAdmin(EditorPermissions, admin.ModelAdmin):
    form = MeetingAdminForm
    # Volunteers paste links without a scheme; today's links are https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "group", "weekday", "start_time", "attendance", "location__city",
                    "is_active", "last_verified", "is_sample"]  # fmt: skip
    list_filter = [("group", admin.RelatedOnlyFieldListFilter), "weekday", "attendance",
                   "is_active", StaleFilter, "is_sample"]  # fmt: skip
    list_select_related = ["group", "location"]
    list_per_page = 50
    search_fields = ["name", "slug", "location__city", "location__postal_code"]
    autocomplete_fields = ["location"]
    filter_horizontal = ["formats"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created", "updated"]
    inlines = [MeetingContactInline]
    actions = ["mark_verified", "deactivate", "reactivate"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "group",
                    "name",
                    "slug",
                    ("weekday", "start_time", "end_time"),
                    "timezone",
                    "language",
                    "formats",
                    "notes",
                ],  # fmt: skip
            },
        ),
        (
            "Where",
            {
                "fields": ["attendance", "location"],
                "description": "In-person and hybrid meetings need a location: type to find "
                "one, or add it with the + button. Online-only meetings leave it empty.",
            },
        ),
        (
            "Joining online",
            {
                "fields": [
                    ("conference_url", "conference_url_notes"),
                    ("conference_phone", "conference_phone_notes"),
                ],  # fmt: skip
                "description": "For online and hybrid meetings: a join link, a dial-in phone, "
                "or both.",
            },
        ),
        (
            "Keeping it current",
            {
                "fields": ["is_active", "last_verified", "is_sample"],
                "description": "Set “last verified” whenever someone confirms the meeting "
                "still runs as listed; meetings unverified for a year are marked stale.",
            },
        ),
        (
            "Import",
            {
                "fields": ["source", "external_id", "created", "updated"],
                "classes": ["collapse"],
                "description": "Filled by imports from other meeting lists.",
            },
        ),
    ]

    def get_queryset(self, request):
        return editable_meetings(request, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "group":
            ids = editor_program_ids(request)
            if ids is not None:
                kwargs["queryset"] = SupportGroup.objects.filter(pk__in=ids)
        elif db_field.name == "location":
            kwargs["queryset"] = editable_locations(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _update(self, request, queryset, message, **values):
        meetings = list(queryset)
        queryset.model.objects.filter(pk__in=[m.pk for m in meetings]).update(
            updated=timezone.now(), **values
        )
        record_changes(request.user, meetings, message)
        return len(meetings)

    @admin.action(description="Mark the selected meetings verified today")
    def mark_verified(self, request, queryset):
        today = timezone.localdate()
        count = self._update(request, queryset, f"Verified on {today}.", last_verified=today)
        self.message_user(request, f"Marked {count} meeting(s) verified today.")

    @admin.action(description="Deactivate the selected meetings (hide them; nothing is deleted)")
    def deactivate(self, request, queryset):
        count = self._update(request, queryset, "Deactivated.", is_active=False)
        self.message_user(request, f"Deactivated {count} meeting(s).")

    @admin.action(description="Reactivate the selected meetings")
    def reactivate(self, request, queryset):
        count = self._update(request, queryset, "Reactivated.", is_active=True)
        self.message_user(request, f"Reactivated {count} meeting(s).")


@admin.register(ChangeRequest)
class ChangeRequestAdmin(EditorPermissions, admin.ModelAdmin):
    list_display = ["created", "kind", "subject", "group", "status", "submitter_name", "reviewer"]
    list_filter = ["status", "kind", ("group", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["group", "meeting", "reviewer"]
    search_fields = ["meeting__name", "message", "submitter_name", "submitter_email"]
    actions = ["approve_selected", "reject_selected"]
    fields = ["kind", "meeting_link", "group", "comparison_table", "proposed", "message",
              "submitter_name", "submitter_email", "created", "status", "reviewer",
              "reviewed_at", "note"]  # fmt: skip
    readonly_fields = ["kind", "meeting_link", "group", "comparison_table", "message",
                       "submitter_name", "submitter_email", "created", "status", "reviewer",
                       "reviewed_at"]  # fmt: skip
    change_form_template = "admin/groups/changerequest/change_form.html"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        ids = editor_program_ids(request)
        return queryset if ids is None else queryset.filter(group__in=ids)

    def has_add_permission(self, request):
        return False  # Requests come from the public pages.

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_pending:
            return False  # A reviewed request is a record.
        return super().has_change_permission(request, obj)

    @admin.display(description="about")
    def subject(self, request_):
        return request_.meeting or request_.proposed.get("name") or "—"

    @admin.display(description="meeting")
    def meeting_link(self, request_):
        if request_.meeting is None:
            return "— (a new meeting)"
        url = reverse("admin:groups_meeting_change", args=[request_.meeting.pk])
        return format_html('<a href="{}">{}</a>', url, request_.meeting)

    @admin.display(description="proposed changes")
    def comparison_table(self, request_):
        rows = request_.comparison()
        if not rows:
            return "No values proposed: see the message."
        body = format_html_join(
            "",
            '<tr><th scope="row">{}</th><td>{}</td><td><strong>{}</strong></td></tr>',
            ((label, current or "—", proposed or "—") for label, current, proposed in rows),
        )
        return format_html(
            '<table class="change-comparison"><thead><tr><th scope="col">field</th>'
            '<th scope="col">now</th><th scope="col">proposed</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            body,
        )

    def response_change(self, request, obj):
        if "_approve" in request.POST or "_reject" in request.POST:
            if "_approve" in request.POST:
                self.approve(request, obj)
            else:
                self.reject(request, obj)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def approve(self, request, change_request):
        """Approve one request, telling the reviewer what happened; True when applied."""
        ids = editor_program_ids(request)
        target = change_request.proposed.get("program")
        editable = SupportGroup.objects.filter(slug=target, pk__in=ids or [])
        if ids is not None and target and not editable.exists():
            self.message_user(
                request,
                f"{change_request} was not applied: it moves the meeting to a program you "
                "do not edit. Ask that program's editors or an administrator.",
                messages.ERROR,
            )
            return False
        problems = []

        def locate_quietly(location):
            try:
                if locate(location) is None:
                    problems.append(f"“{location}” was not found on the map")
            except GeopyError as error:
                problems.append(f"the address lookup failed ({error.__class__.__name__})")

        try:
            meeting = change_request.approve(request.user, locate=locate_quietly)
        except ValidationError as error:
            self.message_user(
                request,
                f"{change_request} was not applied: {'; '.join(error.messages)} Fix the "
                "proposed values and approve again.",
                messages.ERROR,
            )
            return False
        self.message_user(request, f"Applied: {change_request}.")
        for problem in problems:
            self.message_user(
                request,
                f"For “{meeting}”, {problem}: enter the location's coordinates by hand.",
                messages.WARNING,
            )
        return True

    def reject(self, request, change_request):
        try:
            change_request.reject(request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return False
        self.message_user(request, f"Rejected: {change_request}.")
        return True

    @admin.action(description="Approve and apply the selected requests")
    def approve_selected(self, request, queryset):
        for change_request in queryset.filter(status=ChangeRequest.Status.PENDING):
            self.approve(request, change_request)

    @admin.action(description="Reject the selected requests")
    def reject_selected(self, request, queryset):
        for change_request in queryset.filter(status=ChangeRequest.Status.PENDING):
            self.reject(request, change_request)


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "postal_code", "region", "country", "population", "timezone", "kind"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "postal_code"]
    readonly_fields = ["search_name"]


# Importing meetings (superusers only): the same code as `manage.py import_meetings`, with the
# report shown on the page. Routed in directory/urls.py as admin/groups/import/.


class ImportForm(forms.Form):
    program = forms.ChoiceField(choices=[(slug, name) for slug, (name, _, _) in PROGRAMS.items()])
    file = forms.FileField(required=False, help_text="A Meeting Guide JSON, BMLT JSON or CSV file.")
    url = forms.URLField(
        label="or feed URL", required=False, assume_scheme="https", help_text="An http(s) address."
    )
    format = forms.ChoiceField(
        choices=[("", "Detect from the file")] + [(name, name) for name in FORMAT_NAMES],
        required=False,
    )
    source = forms.CharField(
        label="source label",
        max_length=200,
        required=False,
        help_text="Recorded on each meeting to match it next time. Default: the URL, or "
        "“upload:” and the file name. Keep it the same for every import of one list.",
    )
    timezone = forms.CharField(
        label="default time zone",
        max_length=64,
        required=False,
        help_text="For meetings whose record and place give none, e.g. America/Chicago.",
    )
    skip_invalid = forms.BooleanField(
        required=False, help_text="Import the valid records and list the rejected ones."
    )

    def clean_timezone(self):
        zone = self.cleaned_data["timezone"].strip()
        if zone and zone not in schedule.zone_names():
            raise forms.ValidationError("Not a time zone name such as America/Chicago.")
        return zone

    def clean(self):
        data = super().clean()
        if bool(data.get("file")) == bool(data.get("url")):
            raise forms.ValidationError("Upload a file or give a URL (one of the two).")
        upload = data.get("file")
        if upload and upload.size > MAX_SOURCE_BYTES:
            raise forms.ValidationError("The file is too large.")
        return data

    def run(self, user, dry_run):
        data = self.cleaned_data
        options = {
            "program": data["program"],
            "format_name": data["format"],
            "default_timezone": data["timezone"],
            "skip_invalid": data["skip_invalid"],
            "dry_run": dry_run,
            "user": user,
        }
        upload = data["file"]
        if upload:
            label = data["source"] or f"upload:{upload.name}"
            text = decode(upload.read())
            return import_meetings(label, text=text, name=upload.name, label=label, **options)
        return import_meetings(data["url"], label=data["source"], **options)


@staff_member_required
@user_passes_test(lambda user: user.is_superuser, login_url="admin:login")
def import_meetings_view(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    report = error = None
    if request.method == "POST" and form.is_valid():
        try:
            report = form.run(request.user, dry_run=request.POST.get("action") != "import")
        except SourceError as problem:
            error = str(problem)
        except ImportRejected as rejected:
            report, error = rejected.report, str(rejected)
    context = {
        **admin.site.each_context(request),
        "title": "Import meetings",
        "form": form,
        "report": report,
        "error": error,
    }
    return render(request, "admin/groups/import.html", context)
