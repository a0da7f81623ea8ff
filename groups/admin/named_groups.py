"""Admin for named groups: the home groups that hold meetings."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from groups.admin.editors import EditorPermissions, limit_to_editor
from groups.admin.fields import HTTPS_LINKS
from groups.models import Group, Meeting, Program


class GroupMeetingInline(EditorPermissions, admin.TabularInline):
    """The group's meetings, each linking to its own page."""

    model = Meeting
    fields = ["name", "weekday", "start_time", "attendance", "location", "is_active"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    verbose_name_plural = _("the group's meetings (add a meeting to the group on its own page)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("location")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Group)
class GroupAdmin(EditorPermissions, admin.ModelAdmin):
    list_display = ["name", "program", "contact_is_public", "is_sample"]
    list_filter = [("program", admin.RelatedOnlyFieldListFilter), "is_sample"]
    list_select_related = ["program"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["updated"]
    formfield_overrides = HTTPS_LINKS
    inlines = [GroupMeetingInline]
    fieldsets = [
        (None, {"fields": ["program", "name", "slug", "notes"]}),
        (
            pgettext_lazy("fieldset heading: how to reach a group", "Contact"),
            {
                "fields": ["website", "email", "phone", "contact_is_public"],
                "description": _("Private unless “show website, e-mail and phone” is ticked."),
            },
        ),
        (None, {"fields": ["is_sample", "updated"]}),
    ]

    def get_queryset(self, request):
        # Also what the group autocomplete on a meeting searches.
        return limit_to_editor(request, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "program":
            kwargs["queryset"] = limit_to_editor(request, Program.objects.all(), "pk")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
