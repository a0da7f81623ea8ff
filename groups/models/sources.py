"""Sources that keep themselves current: a feed URL synced on a schedule, and the history of
its runs (groups.importers.sync runs them; ``manage.py sync_sources`` runs the due ones)."""

from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

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
        MEETING_GUIDE = "meeting-guide", _("Meeting Guide JSON")
        BMLT = "bmlt", _("BMLT search results")
        CSV = "csv", _("CSV (ours or the 12 Step Meeting List plugin's)")

    label = LineField(
        _("label"), max_length=100, help_text=_("What editors call it: “Portland area NA”.")
    )
    url = models.URLField(
        _("feed URL"),
        max_length=500,
        unique=True,
        validators=[rules.validate_single_line],
        help_text=_("http(s) only. Its meetings are matched by this address: keep it the same."),
    )
    file_type = models.CharField(
        pgettext_lazy("file type", "format"),
        max_length=20,
        choices=FileType.choices,
        default=FileType.MEETING_GUIDE,
    )
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="sources", verbose_name=_("program")
    )
    every_hours = models.PositiveSmallIntegerField(
        _("check every (hours)"), default=24, help_text=_("How often the feed is fetched again.")
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    default_timezone = models.CharField(
        _("default time zone"),
        max_length=64,
        blank=True,
        validators=[rules.validate_time_zone],
        help_text=_("For meetings whose record and place give none, e.g. America/Chicago."),
    )
    # What the server said last time, sent back so an unchanged feed answers 304.
    etag = models.CharField(_("etag"), max_length=200, blank=True, editable=False)
    last_modified = models.CharField(_("last modified"), max_length=100, blank=True, editable=False)
    last_checked = models.DateTimeField(_("last checked"), null=True, blank=True, editable=False)

    objects = SourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
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
        CHANGED = "changed", _("Changed meetings")
        UNCHANGED = "unchanged", _("Nothing changed")
        HELD = "held", _("Waiting for an editor to confirm")
        FAILED = "failed", _("Failed: nothing changed")

    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="runs", verbose_name=_("source")
    )
    started = models.DateTimeField(_("started"))
    finished = models.DateTimeField(_("finished"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    # How many meetings the run created, updated, deactivated and refused.
    created = models.PositiveIntegerField(pgettext_lazy("meetings, counted", "created"), default=0)
    updated = models.PositiveIntegerField(pgettext_lazy("meetings, counted", "updated"), default=0)
    deactivated = models.PositiveIntegerField(
        pgettext_lazy("meetings, counted", "deactivated"), default=0
    )
    rejected = models.PositiveIntegerField(pgettext_lazy("meetings, counted", "refused"), default=0)
    report = NotesField(
        _("report"), blank=True, help_text=_("The import's report, or why the run failed.")
    )

    class Meta:
        verbose_name = _("source run")
        verbose_name_plural = _("source runs")
        ordering = ["-started", "-pk"]
        indexes = [models.Index(fields=["source", "-started"], name="sourcerun_source_started")]

    def __str__(self):
        # Translators: a source's run, e.g. "Portland area NA at 2025-05-01 06:00: Nothing changed".
        return gettext("%(source)s at %(started)s: %(status)s") % {
            "source": self.source,
            "started": f"{self.started:%Y-%m-%d %H:%M}",
            "status": self.get_status_display(),
        }
