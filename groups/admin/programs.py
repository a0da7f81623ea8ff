"""Admin for the programs and the format vocabulary (superusers only)."""

from django.contrib import admin
from django.db import models

from groups.models import Format, Program


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
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
