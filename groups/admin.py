from django.contrib import admin

from groups.models import Format, Location, Meeting, Place, SupportGroup


@admin.register(SupportGroup)
class SupportGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "slug", "philosophy", "website"]
    list_filter = ["philosophy"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["short_name"]}


@admin.register(Format)
class FormatAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "category", "is_meeting_guide", "description"]
    list_filter = ["category", "is_meeting_guide"]
    search_fields = ["code", "name", "name_es", "description"]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "address", "city", "region", "postal_code", "country", "timezone",
                    "is_sample"]  # fmt: skip
    list_filter = ["country", "is_sample"]
    search_fields = ["name", "address", "city", "postal_code"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["name", "group", "weekday", "start_time", "attendance", "location",
                    "is_active", "last_verified", "is_sample"]  # fmt: skip
    list_filter = ["group", "weekday", "attendance", "is_active", "is_sample"]
    list_select_related = ["group", "location"]
    search_fields = ["name", "slug", "location__city", "location__postal_code"]
    autocomplete_fields = ["location"]
    filter_horizontal = ["formats"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "postal_code", "region", "country", "population", "timezone", "kind"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "postal_code"]
    readonly_fields = ["search_name"]
