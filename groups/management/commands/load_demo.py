import time

from django.core.management.base import BaseCommand, CommandError

from groups.demo import load_demo


class Command(BaseCommand):
    help = (
        "Replace the sample data with N synthetic meetings, all marked as samples. "
        "The same seed gives the same meetings."
    )

    def add_arguments(self, parser):
        parser.add_argument("--meetings", type=int, default=2000, help="How many (default 2000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds any meeting.",
        )

    def handle(self, *args, meetings, seed, if_empty, **options):
        from groups.models import Meeting

        if meetings < 0:
            raise CommandError("--meetings must be zero or more.")
        if if_empty and Meeting.objects.exists():
            self.stdout.write("Meetings already exist; no sample data loaded.")
            return
        started = time.monotonic()
        try:
            count = load_demo(meetings, seed)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {count:,} sample meetings (seed {seed}) "
                f"in {time.monotonic() - started:.1f} s."
            )
        )
