"""Admin for the programs and the format vocabulary (superusers only).

Their texts are kept in every language (groups/translation.py): TranslationAdmin shows a field
for each, "name [en]" beside "name [es]"; one left empty shows in English.
"""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from groups.admin.fields import HTTPS_LINKS
from groups.models import Format, Program


@admin.register(Program)
class ProgramAdmin(TranslationAdmin):
    list_display = ["name", "short_name", "slug", "philosophy", "website"]
    list_filter = ["philosophy"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["short_name"]}
    filter_horizontal = ["editors"]
    formfield_overrides = HTTPS_LINKS

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "editors":
            # Only staff can sign in to admin; an editor must be one.
            kwargs["queryset"] = db_field.related_model.objects.filter(is_staff=True)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Format)
class FormatAdmin(TranslationAdmin):
    list_display = ["code", "name", "category", "is_meeting_guide", "description"]
    list_filter = ["category", "is_meeting_guide"]
    search_fields = ["code", "name_en", "name_es", "description_en", "description_es"]
