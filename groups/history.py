"""Who changed a listing and when, kept in Django's admin log.

Admin edits are logged by the admin itself; approved suggestions and imports call
``record_change`` so that a listing's history page in admin shows every change, whoever made it.
"""

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection

__all__ = [
    "ADDITION",
    "CHANGE",
    "LOG_FIELDS",
    "log_rows",
    "record_change",
    "record_changes",
    "system_user",
]

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


# The admin log's fields, in the order of log_rows.
LOG_FIELDS = [
    "action_time",
    "user",
    "content_type",
    "object_id",
    "object_repr",
    "action_flag",
    "change_message",
]


def log_rows(user, objects, message, *, now, action=CHANGE):
    """Admin log rows (LOG_FIELDS, as database values) for saved ``objects`` of one model.

    For writers that insert many rows at once (imports); the entries are those
    ``record_changes`` would write.
    """
    objects = list(objects)
    if not objects:
        return []
    content_type = ContentType.objects.get_for_model(objects[0], for_concrete_model=False).pk
    action_time = LogEntry._meta.get_field("action_time").get_db_prep_save(now, connection)
    length = LogEntry._meta.get_field("object_repr").max_length
    return [
        [action_time, user.pk, content_type, str(obj.pk), str(obj)[:length], action, message]
        for obj in objects
    ]
