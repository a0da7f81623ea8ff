"""Admin for sources that keep themselves current (superusers only: a source fetches the URL it
is given). The run history is on each source's page; "check now" runs the selected sources."""

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from groups.admin.editors import is_superuser
from groups.admin.fields import HTTPS_LINKS
from groups.importers.sync import sync_source
from groups.models import Source, SourceRun


class SuperuserOnly:
    def has_module_permission(self, request):
        return is_superuser(request.user)

    def has_view_permission(self, request, obj=None):
        return is_superuser(request.user)

    def has_add_permission(self, request, obj=None):
        return is_superuser(request.user)

    def has_change_permission(self, request, obj=None):
        return is_superuser(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_superuser(request.user)


class SourceRunInline(SuperuserOnly, admin.TabularInline):
    model = SourceRun
    fields = ["started", "status", "created", "updated", "deactivated", "rejected", "report"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name_plural = _("runs, newest first")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Source)
class SourceAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = [
        "label",
        "program",
        "file_type",
        "every_hours",
        "enabled",
        "last_checked",
        "last_status",
    ]
    list_filter = ["program", "enabled", "file_type"]
    list_select_related = ["program"]
    search_fields = ["label", "url"]
    readonly_fields = ["last_checked", "etag", "last_modified"]
    formfield_overrides = HTTPS_LINKS
    fields = [
        "label",
        "url",
        "file_type",
        "program",
        "default_timezone",
        "every_hours",
        "enabled",
        "last_checked",
        "etag",
        "last_modified",
    ]
    inlines = [SourceRunInline]
    actions = ["check_now", "confirm_held"]

    @admin.display(description=_("last run"))
    def last_status(self, source):
        run = source.last_run
        return run.get_status_display() if run else gettext("never run")

    def _run(self, request, queryset, confirm):
        for source in queryset.select_related("program"):
            run = sync_source(source, confirm=confirm)
            # Translators: a source's label, then how its run ended ("Nothing changed").
            message = gettext("%(source)s: %(status)s.")
            self.message_user(
                request, message % {"source": source, "status": run.get_status_display()}
            )

    @admin.action(description=_("Check now: fetch and import the selected sources"))
    def check_now(self, request, queryset):
        self._run(request, queryset, confirm=False)

    @admin.action(
        description=_("Confirm the held deactivation: import the selected sources as they are")
    )
    def confirm_held(self, request, queryset):
        self._run(request, queryset, confirm=True)
