from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from groups.importers.sync import sync_source
from groups.models import Source


class Command(BaseCommand):
    help = (
        "Fetch and import every source that is due (registered in admin under Sources), keep "
        "each run's history and e-mail the program's editors when a run changed something, "
        "failed or waits for confirmation. Run it from cron or a systemd timer."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            dest="source_ids",
            type=int,
            action="append",
            default=[],
            help="Run this source (its id in admin) now, due or not. Repeat for several.",
        )
        parser.add_argument(
            "--confirm",
            action="store_true",
            help="Let a held mass deactivation through (use with --source, after checking).",
        )

    def handle(self, *args, source_ids, confirm, **options):
        if source_ids:
            sources = list(Source.objects.filter(pk__in=source_ids).select_related("program"))
            missing = set(source_ids) - {source.pk for source in sources}
            if missing:
                raise CommandError(f"No source with id {', '.join(map(str, sorted(missing)))}.")
        else:
            if confirm:
                raise CommandError("--confirm needs --source: confirm one source at a time.")
            sources = Source.objects.select_related("program").due(timezone.now())
        for source in sources:
            run = sync_source(source, confirm=confirm)
            self.stdout.write(f"{source.label} (#{source.pk}): {run.get_status_display()}")
            if run.status != run.Status.UNCHANGED:
                self.stdout.write(run.report)
        if not sources:
            self.stdout.write("No source is due.")
