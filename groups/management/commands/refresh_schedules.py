from django.core.management.base import BaseCommand

from groups.models import Meeting


class Command(BaseCommand):
    help = (
        "Recompute every meeting's stored schedule fields (UTC start minute, standard offset). "
        "Run after an update of the tz database changes a zone's standard offset."
    )

    def handle(self, *args, **options):
        changed = []
        for meeting in Meeting.objects.select_related("location").iterator(chunk_size=2000):
            before = [getattr(meeting, name) for name in Meeting.DERIVED_FIELDS]
            meeting.fill_derived_fields()
            if before != [getattr(meeting, name) for name in Meeting.DERIVED_FIELDS]:
                changed.append(meeting)
        Meeting.objects.bulk_update(changed, Meeting.DERIVED_FIELDS, batch_size=2000)
        self.stdout.write(f"Updated the schedule fields of {len(changed):,} meetings.")
