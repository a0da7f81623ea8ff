from django.core.management.base import BaseCommand, CommandError

from groups import schedule
from groups.importers import FORMAT_NAMES, ImportRejected, SourceError, import_meetings
from groups.models import refresh_planner_statistics
from groups.vocabulary import PROGRAMS


class Command(BaseCommand):
    help = (
        "Import one program's meetings from a Meeting Guide JSON feed, BMLT search results or a "
        "CSV file (a path or an http(s) URL). Meetings are matched by source and id: importing "
        "again updates what changed and deactivates what the source no longer lists."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="A file path or an http(s) URL.")
        parser.add_argument("--program", required=True, choices=list(PROGRAMS))
        parser.add_argument(
            "--format", dest="format_name", choices=FORMAT_NAMES, default="",
            help="Default: from the file name and content.",
        )  # fmt: skip
        parser.add_argument(
            "--source", dest="label", default="",
            help="The name recorded as the meetings' source (default: the URL or absolute path). "
            "Keep it the same between imports of one feed.",
        )  # fmt: skip
        parser.add_argument(
            "--timezone", default="",
            help="Time zone for meetings whose record and place give none, e.g. America/Chicago.",
        )  # fmt: skip
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; save nothing."
        )
        parser.add_argument(
            "--skip-invalid", action="store_true",
            help="Import the valid records and list the rejected ones, instead of stopping.",
        )  # fmt: skip

    def handle(self, *args, source, program, format_name, label, timezone, dry_run,
               skip_invalid, **options):  # fmt: skip
        if timezone and timezone not in schedule.zone_names():
            raise CommandError(f"--timezone {timezone!r} is not a time zone name.")
        try:
            report = import_meetings(
                source,
                program=program,
                format_name=format_name,
                label=label,
                default_timezone=timezone,
                skip_invalid=skip_invalid,
                dry_run=dry_run,
            )
        except SourceError as error:
            raise CommandError(str(error)) from error
        except ImportRejected as rejected:
            self.stdout.write(str(rejected.report))
            raise CommandError(
                f"{rejected}  Fix the records, or use --skip-invalid to import the rest."
            ) from None
        if not dry_run:
            refresh_planner_statistics()
        self.stdout.write(str(report))
