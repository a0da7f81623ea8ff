from django.apps import AppConfig
from django.db.models.signals import post_migrate


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = "Meeting directory"

    def ready(self):
        post_migrate.connect(analyze_after_migrate, sender=self)


def analyze_after_migrate(sender, using, **kwargs):
    # A migration may rebuild a table (SQLite does for most changes) and drop its statistics.
    from groups.search.queryset import refresh_planner_statistics

    refresh_planner_statistics(using)
