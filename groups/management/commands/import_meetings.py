from django.core.management.base import BaseCommand, CommandError

from groups.importers import (
    FILE_TYPES,
    DeactivationHeld,
    ImportRejected,
    SourceError,
    import_meetings,
)
from groups.search.queryset import refresh_planner_statistics
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
            "--format",
            dest="file_type",
            choices=FILE_TYPES,
            default="",
            help="The file type. Default: from the file name and content.",
        )
        parser.add_argument(
            "--source",
            dest="label",
            default="",
            help="The name recorded as the meetings' source (default: the URL or absolute path). "
            "Keep it the same between imports of one feed.",
        )
        parser.add_argument(
            "--timezone",
            default="",
            help="Time zone for meetings whose record and place give none, e.g. America/Chicago.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; save nothing."
        )
        parser.add_argument(
            "--confirm",
            action="store_true",
            help="Deactivate what the source no longer lists even when that is more than a "
            "quarter of its meetings (and more than ten); without it such an import stops.",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid records and list the rejected ones, instead of stopping.",
        )

    def handle(
        self,
        *args,
        source,
        program,
        file_type,
        label,
        timezone,
        dry_run,
        skip_invalid,
        confirm,
        **options,
    ):
        try:
            report = import_meetings(
                source,
                program=program,
                file_type=file_type,
                label=label,
                default_timezone=timezone,
                skip_invalid=skip_invalid,
                dry_run=dry_run,
                confirm=confirm,
            )
        except SourceError as error:
            raise CommandError(str(error)) from error
        except DeactivationHeld as held:
            self.stdout.write(str(held.report))
            raise CommandError(f"{held}  Check the source, then use --confirm.") from None
        except ImportRejected as rejected:
            self.stdout.write(str(rejected.report))
            raise CommandError(
                f"{rejected}  Fix the records, or use --skip-invalid to import the rest."
            ) from None
        if not dry_run:
            refresh_planner_statistics()
        self.stdout.write(str(report))
