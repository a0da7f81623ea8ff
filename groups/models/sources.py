"""Sources that keep themselves current: a feed URL synced on a schedule, and the history of
its runs (groups.importers.sync runs them; ``manage.py sync_sources`` runs the due ones)."""

from datetime import timedelta

from django.db import models
from django.db.models import Q

from groups import rules
from groups.models.fields import LineField, NotesField
from groups.models.programs import Program


class SourceQuerySet(models.QuerySet):
    def due(self, now):
        """Enabled sources never checked, or last checked at least their interval ago."""
        sources = self.filter(enabled=True)
        return [source for source in sources if source.is_due(now)]


class Source(models.Model):
    """A meeting list another site publishes, imported again and again for one program."""

    class FileType(models.TextChoices):
        MEETING_GUIDE = "meeting-guide", "Meeting Guide JSON"
        BMLT = "bmlt", "BMLT search results"
        CSV = "csv", "CSV (ours or the 12 Step Meeting List plugin's)"

    label = LineField(max_length=100, help_text="What editors call it: “Portland area NA”.")
    url = models.URLField(
        "feed URL",
        max_length=500,
        unique=True,
        validators=[rules.validate_single_line],
        help_text="http(s) only. Its meetings are matched by this address: keep it the same.",
    )
    file_type = models.CharField(
        "format", max_length=20, choices=FileType.choices, default=FileType.MEETING_GUIDE
    )
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="sources")
    every_hours = models.PositiveSmallIntegerField(
        "check every (hours)", default=24, help_text="How often the feed is fetched again."
    )
    enabled = models.BooleanField(default=True)
    default_timezone = models.CharField(
        "default time zone",
        max_length=64,
        blank=True,
        validators=[rules.validate_time_zone],
        help_text="For meetings whose record and place give none, e.g. America/Chicago.",
    )
    # What the server said last time, sent back so an unchanged feed answers 304.
    etag = models.CharField(max_length=200, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_checked = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["label"]
        constraints = [
            models.CheckConstraint(condition=Q(every_hours__gte=1), name="source_every_hours")
        ]

    def __str__(self):
        return self.label

    def is_due(self, now):
        return self.last_checked is None or now >= self.last_checked + timedelta(
            hours=self.every_hours
        )

    @property
    def last_run(self):
        return self.runs.first()


class SourceRun(models.Model):
    """One fetch and import of a source: when, what changed, what was refused."""

    class Status(models.TextChoices):
        CHANGED = "changed", "Changed meetings"
        UNCHANGED = "unchanged", "Nothing changed"
        HELD = "held", "Waiting for an editor to confirm"
        FAILED = "failed", "Failed: nothing changed"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="runs")
    started = models.DateTimeField()
    finished = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    deactivated = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField("refused", default=0)
    report = NotesField(blank=True, help_text="The import's report, or why the run failed.")

    class Meta:
        ordering = ["-started", "-pk"]
        indexes = [models.Index(fields=["source", "-started"], name="sourcerun_source_started")]

    def __str__(self):
        return f"{self.source} at {self.started:%Y-%m-%d %H:%M}: {self.get_status_display()}"
