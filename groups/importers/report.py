"""The report of one import: what it read, changed, refused and noticed, in the reader's words."""

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext, ngettext, npgettext_lazy, pgettext_lazy

# How the report names each of its counts (the keys of Report.counts), a number following.
COUNT_PHRASES = {
    "created": npgettext_lazy(
        "meetings, counted", "created %(count)d", "created %(count)d", "count"
    ),
    "updated": npgettext_lazy(
        "meetings, counted", "updated %(count)d", "updated %(count)d", "count"
    ),
    "unchanged": npgettext_lazy(
        "meetings, counted", "unchanged %(count)d", "unchanged %(count)d", "count"
    ),
    "deactivated": npgettext_lazy(
        "meetings, counted", "deactivated %(count)d", "deactivated %(count)d", "count"
    ),
    "rejected": npgettext_lazy(
        "meetings, counted", "rejected %(count)d", "rejected %(count)d", "count"
    ),
}
# Each count's name alone, as a heading over it (the import page's table: Report.count_labels).
COUNT_LABELS = {
    "created": pgettext_lazy("meetings, counted", "created"),
    "updated": pgettext_lazy("meetings, counted", "updated"),
    "unchanged": pgettext_lazy("meetings, counted", "unchanged"),
    "deactivated": pgettext_lazy("meetings, counted", "deactivated"),
    "rejected": pgettext_lazy("meetings, counted", "rejected"),
}


@dataclass
class Report:
    source: str
    file_type: str
    program: str
    dry_run: bool = False
    records: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    locations_created: int = 0
    groups_created: int = 0
    geocoded: int = 0
    # The source's active meetings before the import, to judge a mass deactivation by.
    active_before: int = 0
    # How long the write transaction (SQLite's write lock) was held, in seconds.
    lock_seconds: float | None = None
    notes: list = field(default_factory=list)
    rejected: list = field(default_factory=list)
    not_geocoded: list = field(default_factory=list)
    unknown_types: Counter = field(default_factory=Counter)
    # In-person codes dropped from meetings held only online.
    room_codes: Counter = field(default_factory=Counter)
    # Online meetings whose join details apps reading our feed cannot use (rules.joinable_in_apps).
    not_joinable_in_apps: list = field(default_factory=list)

    @property
    def counts(self):
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deactivated": self.deactivated,
            "rejected": len(self.rejected),
        }

    @property
    def count_labels(self):
        """(name, count) for each of ``counts``, named in the language active now."""
        return [(COUNT_LABELS[name], count) for name, count in self.counts.items()]

    def lines(self):
        """The report as an editor reads it, in the language active now."""
        # Translators: %(source)s is a URL or file, %(file_type)s a code such as "csv" and
        # %(program)s a program's short name ("NA").
        read = ngettext(
            "Import of %(source)s (%(file_type)s) for %(program)s: %(count)d meeting read.",
            "Import of %(source)s (%(file_type)s) for %(program)s: %(count)d meetings read.",
            self.records,
        )
        lines = [
            read
            % {
                "source": self.source,
                "file_type": self.file_type,
                "program": self.program,
                "count": self.records,
            }
        ]
        lines.append(
            ", ".join(COUNT_PHRASES[name] % {"count": count} for name, count in self.counts.items())
        )
        if self.locations_created or self.geocoded:
            counts = {"locations": self.locations_created, "geocoded": self.geocoded}
            lines.append(gettext("New locations %(locations)d; geocoded %(geocoded)d.") % counts)
        if self.rejected:
            lines.append(gettext("Rejected:"))
            # Translators: a rejected record (e.g. "record 3"), then why, separated by "; ".
            reasons = gettext("%(record)s: %(reasons)s")
            lines += [
                "  " + reasons % {"record": item.label, "reasons": "; ".join(item.reasons)}
                for item in self.rejected
            ]
        if self.not_geocoded:
            lines.append(gettext("Kept without coordinates (could not geocode):"))
            lines += [f"  {item}" for item in self.not_geocoded]
        if self.room_codes:
            codes = ", ".join(f"{code} ({n})" for code, n in sorted(self.room_codes.items()))
            message = gettext("In-person codes dropped from online-only meetings: %(codes)s")
            lines.append(message % {"codes": codes})
        if hidden := self.not_joinable_in_apps:
            message = ngettext(
                "%(count)d online meeting that TSML UI will show as inactive (a join link on a "
                "service it does not know, and no dial-in phone): %(meetings)s",
                "%(count)d online meetings that TSML UI will show as inactive (a join link on a "
                "service it does not know, and no dial-in phone): %(meetings)s",
                len(hidden),
            )
            shown = ", ".join(hidden[:10]) + (", ..." if len(hidden) > 10 else "")
            lines.append(message % {"count": len(hidden), "meetings": shown})
        if self.unknown_types:
            codes = ", ".join(f"{code} ({n})" for code, n in sorted(self.unknown_types.items()))
            message = gettext("Unknown type codes, kept in the meeting notes: %(codes)s")
            lines.append(message % {"codes": codes})
        lines += self.notes
        if self.lock_seconds is not None:
            seconds = {"seconds": self.lock_seconds}
            lines.append(gettext("Write lock held %(seconds).2f s.") % seconds)
        if self.dry_run:
            lines.append(gettext("Dry run: nothing was saved."))
        return lines

    def __str__(self):
        return "\n".join(self.lines())
