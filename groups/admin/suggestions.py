"""Admin for suggestions from the public: compare, fix, approve or reject."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from geopy.exc import GeopyError

from groups.admin.editors import EditorPermissions, editor_program_ids, limit_to_editor
from groups.geocoding import locate
from groups.models import ChangeRequest, Program


@admin.register(ChangeRequest)
class ChangeRequestAdmin(EditorPermissions, admin.ModelAdmin):
    list_display = ["created", "kind", "subject", "program", "status", "submitter_name", "reviewer"]
    list_filter = ["status", "kind", ("program", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["program", "meeting", "reviewer"]
    search_fields = ["meeting__name", "message", "submitter_name", "submitter_email"]
    actions = ["approve_selected", "reject_selected"]
    fields = [
        "kind",
        "meeting_link",
        "program",
        "comparison_table",
        "proposed",
        "message",
        "submitter_name",
        "submitter_email",
        "created",
        "status",
        "reviewer",
        "reviewed_at",
        "note",
    ]
    readonly_fields = [
        "kind",
        "meeting_link",
        "program",
        "comparison_table",
        "message",
        "submitter_name",
        "submitter_email",
        "created",
        "status",
        "reviewer",
        "reviewed_at",
    ]
    change_form_template = "admin/groups/changerequest/change_form.html"

    def get_queryset(self, request):
        return limit_to_editor(request, super().get_queryset(request))

    def has_add_permission(self, request):
        return False  # Requests come from the public pages.

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_pending:
            return False  # A reviewed request is a record.
        return super().has_change_permission(request, obj)

    @admin.display(description=_("about"))
    def subject(self, request_):
        return request_.meeting or request_.proposed.get("name") or "—"

    @admin.display(description=_("meeting"))
    def meeting_link(self, request_):
        if request_.meeting is None:
            return gettext("— (a new meeting)")
        url = reverse("admin:groups_meeting_change", args=[request_.meeting.pk])
        return format_html('<a href="{}">{}</a>', url, request_.meeting)

    @admin.display(description=_("proposed changes"))
    def comparison_table(self, request_):
        rows = request_.comparison()
        if not rows:
            return gettext("No values proposed: see the message.")
        body = format_html_join(
            "",
            '<tr><th scope="row">{}</th><td>{}</td><td><strong>{}</strong></td></tr>',
            ((label, current or "—", proposed or "—") for label, current, proposed in rows),
        )
        return format_html(
            '<table class="change-comparison"><thead><tr><th scope="col">{}</th>'
            '<th scope="col">{}</th><th scope="col">{}</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            # Translators: the headings of the table comparing a meeting's values now with
            # those a visitor proposed.
            gettext("field"),
            gettext("now"),
            gettext("proposed"),
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
        target = change_request.proposed.get("program")
        editable = limit_to_editor(request, Program.objects.filter(slug=target), "pk")
        if editor_program_ids(request) is not None and target and not editable.exists():
            message = gettext(
                "%(request)s was not applied: it moves the meeting to a program you do not "
                "edit. Ask that program's editors or an administrator."
            )
            self.message_user(request, message % {"request": change_request}, messages.ERROR)
            return False
        # What went wrong placing a location on the map: (message, its parameters).
        problems = []

        def locate_quietly(location):
            try:
                if locate(location) is None:
                    message = gettext(
                        "For “%(meeting)s”, “%(location)s” was not found on the map: enter "
                        "the location's coordinates by hand."
                    )
                    problems.append((message, {"location": location}))
            except GeopyError as error:
                # Translators: %(error)s is the name of the lookup's error.
                message = gettext(
                    "For “%(meeting)s”, the address lookup failed (%(error)s): enter the "
                    "location's coordinates by hand."
                )
                problems.append((message, {"error": error.__class__.__name__}))

        try:
            meeting = change_request.approve(request.user, locate=locate_quietly)
        except ValidationError as error:
            # Translators: %(errors)s lists what is wrong, each ending with a full stop.
            message = gettext(
                "%(request)s was not applied: %(errors)s Fix the proposed values and approve again."
            )
            params = {"request": change_request, "errors": "; ".join(error.messages)}
            self.message_user(request, message % params, messages.ERROR)
            return False
        message = gettext("Applied: %(request)s.")
        self.message_user(request, message % {"request": change_request})
        for message, params in problems:
            self.message_user(request, message % {**params, "meeting": meeting}, messages.WARNING)
        return True

    def reject(self, request, change_request):
        try:
            change_request.reject(request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return False
        message = gettext("Rejected: %(request)s.")
        self.message_user(request, message % {"request": change_request})
        return True

    @admin.action(description=_("Approve and apply the selected requests"))
    def approve_selected(self, request, queryset):
        for change_request in queryset.filter(status=ChangeRequest.Status.PENDING):
            self.approve(request, change_request)

    @admin.action(description=_("Reject the selected requests"))
    def reject_selected(self, request, queryset):
        for change_request in queryset.filter(status=ChangeRequest.Status.PENDING):
            self.reject(request, change_request)
