import logging

from django.apps import AppConfig
from django.conf import settings
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

MAIL_OFF = "django.core.mail.backends.dummy.EmailBackend"


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Meeting directory")

    def ready(self):
        post_migrate.connect(analyze_after_migrate, sender=self)
        from groups.databases import without_jit

        connection_created.connect(without_jit)
        if settings.EMAIL_BACKEND == MAIL_OFF:
            logging.getLogger("groups").warning(
                "Mail is off: editors are not e-mailed about suggestions, which wait for them in "
                "admin. Set DJANGO_EMAIL_BACKEND to send it."
            )


def analyze_after_migrate(sender, using, **kwargs):
    # A migration may rebuild a table (SQLite does for most changes) and drop its statistics.
    from groups.search.queryset import refresh_planner_statistics

    refresh_planner_statistics(using)
