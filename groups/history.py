"""Who changed a listing and when, kept in Django's admin log.

Admin edits are logged by the admin itself; approved suggestions and imports call
``record_change`` so that a listing's history page in admin shows every change, whoever made it.
"""

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth import get_user_model

__all__ = ["ADDITION", "CHANGE", "record_change", "record_changes", "system_user"]

SYSTEM_USERNAME = "importer"


def system_user():
    """The account that changes made by no person (imports, scheduled jobs) are recorded under."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"is_active": False, "first_name": "Automatic", "last_name": "import"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def record_change(user, obj, message, *, action=CHANGE):
    """Write one admin log entry for ``obj``; a ``user`` of None means the system user."""
    user = user or system_user()
    return LogEntry.objects.log_actions(
        user_id=user.pk,
        queryset=[obj],
        action_flag=action,
        change_message=message,
        single_object=True,
    )


def record_changes(user, objects, message, *, action=CHANGE):
    """Write a log entry for each of ``objects`` in one query."""
    objects = list(objects)
    if not objects:
        return []
    user = user or system_user()
    return LogEntry.objects.log_actions(
        user_id=user.pk, queryset=objects, action_flag=action, change_message=message
    )
