"""Who may edit what: program editors see and change only their programs' listings.

A staff user listed among a program's editors may view, add and change that program's meetings,
and the locations those meetings use, plus locations they added themselves that no meeting uses
yet (a venue they are about to fill). A location that another program's meetings also use is
read-only to them (a change would move those meetings too): they give their own meetings a copy
of it to change instead. Every queryset, foreign-key choice, autocomplete and inline is limited
the same way, so another program's listing is not found even by its URL. Being an editor is the
permission: no Django model permissions need granting. Only superusers see everything, change
programs and formats, and delete (volunteers deactivate instead, so nothing is lost by a wrong
click).
"""

from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField, Exists, OuterRef, Q
from django.db.models.functions import Cast

from groups.models import Location, Meeting, Program


def is_superuser(user):
    """Whether the user may do everything, here and in what only superusers see."""
    return user.is_active and user.is_superuser


def editor_program_ids(request):
    """Ids of the programs the user edits, or None for a superuser, who edits them all."""
    user = request.user
    if is_superuser(user):
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


def limit_to_editor(request, queryset, program_field="program"):
    """The rows of ``queryset`` whose ``program_field`` is one of the user's programs."""
    ids = editor_program_ids(request)
    return queryset if ids is None else queryset.filter(**{f"{program_field}__in": ids})


def editable_locations(request, queryset=None):
    """Locations the user's programs meet at, and unused ones the user added."""
    queryset = Location.objects.all() if queryset is None else queryset
    if editor_program_ids(request) is None:
        return queryset
    meetings = limit_to_editor(request, Meeting.objects.filter(location__isnull=False))
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
    return queryset.filter(
        Q(pk__in=meetings.values("location_id")) | (Q(pk__in=added_by_user) & unused)
    )


def changeable_locations(request, queryset):
    """The locations of ``queryset`` the user may change: none of their meetings is another
    program's (a superuser may change them all)."""
    ids = editor_program_ids(request)
    if ids is None:
        return queryset
    others = Meeting.objects.filter(location=OuterRef("pk")).exclude(program__in=ids)
    return queryset.exclude(Exists(others))


def may_change_location(request, location):
    """Whether the user may change ``location`` (asked several times a page: kept per request)."""
    known = request.__dict__.setdefault("_changeable_location_ids", {})
    if location.pk not in known:
        only_this = Location.objects.filter(pk=location.pk)
        known[location.pk] = changeable_locations(request, only_this).exists()
    return known[location.pk]


def other_programs(request, location):
    """The programs meeting at ``location`` that the user does not edit, by name."""
    ids = editor_program_ids(request)
    if ids is None:
        return Program.objects.none()
    return (
        Program.objects.filter(meetings__location=location)
        .exclude(pk__in=ids)
        .distinct()
        .order_by("name")
    )


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
        return is_superuser(request.user)
