"""Admin for locations (where meetings are held) and the gazetteer's places."""

from django.contrib import admin, messages
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from geopy.exc import GeopyError

from groups.admin.editors import (
    EditorPermissions,
    changeable_locations,
    editable_locations,
    editor_program_ids,
    limit_to_editor,
    may_change_location,
    other_programs,
)
from groups.geocoding import Precision, fill_time_zone, locate
from groups.history import ADDITION, record_change, record_changes
from groups.models import Location, Meeting, Place


class MeetingInline(EditorPermissions, admin.TabularInline):
    """The meetings held at a location, each linking to its own page."""

    model = Meeting
    fields = ["name", "program", "weekday", "start_time", "attendance", "is_active"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    verbose_name_plural = _("meetings here")

    def get_queryset(self, request):
        return limit_to_editor(request, super().get_queryset(request)).select_related("program")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # Meetings are edited on their own page.

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Location)
class LocationAdmin(EditorPermissions, admin.ModelAdmin):
    list_display = [
        "name",
        "address",
        "city",
        "region",
        "postal_code",
        "country",
        "has_coordinates",
        "timezone",
        "is_sample",
    ]
    list_filter = ["country", "is_sample"]
    search_fields = ["name", "address", "city", "postal_code"]
    inlines = [MeetingInline]
    actions = ["geocode_selected"]
    fieldsets = [
        (None, {"fields": ["name", "address", "city", "region", "postal_code", "country"]}),
        (
            _("Map position"),
            {
                "fields": [("latitude", "longitude"), "timezone"],
                "description": _(
                    "Leave the coordinates empty and they are looked up from the "
                    "address when you save. Type them (from any map) to place the venue exactly."
                ),
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

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        # A venue other programs meet at is theirs too: changing it would move their meetings.
        return obj is None or may_change_location(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and not may_change_location(request, obj):
            context["other_programs"] = [program.name for program in other_programs(request, obj)]
            context["copy_url"] = reverse("admin:groups_location_copy", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        copy = self.admin_site.admin_view(require_POST(self.copy_view))
        urls = [path("<int:object_id>/copy/", copy, name="groups_location_copy")]
        return urls + super().get_urls()

    def copy_view(self, request, object_id):
        """Move the user's meetings here to a copy of the location, which they may then change."""
        location = self.get_object(request, object_id)
        moved = list(limit_to_editor(request, location.meetings.all())) if location else []
        if not moved:
            raise Http404(gettext("No meeting of yours is held at this location."))
        # The history messages (the admin log) stay in English: they are a record, kept as written.
        with transaction.atomic():
            copy = location.copy()
            copy.save()
            Meeting.objects.filter(pk__in=[m.pk for m in moved]).update(
                location=copy, updated=timezone.now()
            )
            record_change(
                request.user, copy, f"Copied from “{location}” (#{location.pk}).", action=ADDITION
            )
            record_changes(
                request.user, moved, f"Moved to #{copy.pk}, a copy of “{location}” to change."
            )
        message = ngettext(
            "This is a copy of “%(location)s” for your %(count)d meeting there. Change it "
            "here: the other programs' meetings keep the original.",
            "This is a copy of “%(location)s” for your %(count)d meetings there. Change it "
            "here: the other programs' meetings keep the original.",
            len(moved),
        )
        self.message_user(request, message % {"location": location, "count": len(moved)})
        return HttpResponseRedirect(reverse("admin:groups_location_change", args=[copy.pk]))

    @admin.display(boolean=True, description=_("on the map"))
    def has_coordinates(self, location):
        return location.has_coordinates

    def save_model(self, request, obj, form, change):
        self.place_on_map(request, obj, form, change)
        super().save_model(request, obj, form, change)

    def place_on_map(self, request, location, form, change):
        """Look up coordinates the editor did not give; never stop the save for a failure."""
        address_changed = not change or any(
            name in form.changed_data for name in Location.ADDRESS_FIELDS
        )
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
            precision = None
            # Translators: %(error)s is the name of the lookup's error, e.g. GeocoderTimedOut.
            message = gettext(
                "“%(location)s” was saved, but the address lookup failed (%(error)s). Please "
                "enter its latitude and longitude (from any map) so the meeting shows up in "
                "searches near it."
            )
            params = {"location": location, "error": error.__class__.__name__}
        else:
            message = gettext(
                "“%(location)s” was saved, but the address was not found. Please enter its "
                "latitude and longitude (from any map) so the meeting shows up in searches "
                "near it."
            )
            params = {"location": location}
        if precision is None:
            location.latitude, location.longitude = old
            fill_time_zone(location)
            messages.warning(request, message % params)
        elif precision == Precision.POSTAL_CODE:
            message = gettext(
                "“%(location)s” was placed by its postal code only. Check the position, or "
                "type exact coordinates."
            )
            messages.info(request, message % {"location": location})
        elif precision != Precision.ADDRESS:
            message = gettext(
                "“%(location)s” was placed by its city only. Check the position, or type "
                "exact coordinates."
            )
            messages.info(request, message % {"location": location})

    @admin.action(description=_("Look up coordinates for the selected locations"))
    def geocode_selected(self, request, queryset):
        shared = queryset.count() - changeable_locations(request, queryset).count()
        if shared:
            message = ngettext(
                "Left %(count)d location alone that other programs also meet at: make a copy "
                "for your meetings from the location's page to change it.",
                "Left %(count)d locations alone that other programs also meet at: make a copy "
                "for your meetings from the location's page to change it.",
                shared,
            )
            self.message_user(request, message % {"count": shared}, messages.WARNING)
        queryset = changeable_locations(request, queryset)
        located, missed = [], []
        for location in queryset:
            if location.has_coordinates:
                if fill_time_zone(location):
                    location.save(update_fields=["timezone", "updated"])
                continue
            try:
                precision = locate(location)
            except GeopyError as error:
                # Translators: %(error)s names the lookup's error; %(count)d counts the
                # locations found before it.
                message = ngettext(
                    "The address lookup failed (%(error)s); stopped after %(count)d found. "
                    "Try again later.",
                    "The address lookup failed (%(error)s); stopped after %(count)d found. "
                    "Try again later.",
                    len(located),
                )
                params = {"error": error.__class__.__name__, "count": len(located)}
                self.message_user(request, message % params, messages.WARNING)
                break
            if precision is None:
                missed.append(location)
                continue
            location.save(update_fields=["latitude", "longitude", "timezone", "updated"])
            located.append(location)
        record_changes(request.user, located, "Looked up coordinates from the address.")
        if located:
            message = ngettext(
                "Placed %(count)d location on the map.",
                "Placed %(count)d locations on the map.",
                len(located),
            )
            self.message_user(request, message % {"count": len(located)})
        if missed:
            names = ", ".join(str(location) for location in missed[:10])
            message = gettext("Not found, enter coordinates by hand: %(names)s.")
            self.message_user(request, message % {"names": names}, messages.WARNING)


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "postal_code", "region", "country", "population", "timezone", "kind"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "postal_code"]
    readonly_fields = ["search_name"]
