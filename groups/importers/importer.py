"""One import of one source for one program, from reading the text to the report."""

import json
import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from groups.importers.bmlt import bmlt_records
from groups.importers.meeting_guide import meeting_guide_records
from groups.importers.records import Rejected
from groups.importers.report import Report
from groups.importers.sources import (
    BMLT,
    CSV,
    FILE_TYPES,
    SourceError,
    decode,
    guess_type,
    read_source,
    source_label,
)
from groups.importers.spreadsheet import csv_records
from groups.importers.writer import Writer
from groups.models import Meeting, Program

# A run that would deactivate more than this share of a source's active meetings, and more than
# MASS_LOSS_MINIMUM of them, changes nothing until someone confirms: a feed cut short or replaced
# by an error page must not take a region's meetings off the directory.
MASS_LOSS_SHARE = 0.25
MASS_LOSS_MINIMUM = 10


class ImportRejected(Exception):
    """Records were rejected and nothing was saved; the report says which and why."""

    def __init__(self, report):
        count = len(report.rejected)
        message = ngettext(
            "%(count)d record rejected; nothing was saved.",
            "%(count)d records rejected; nothing was saved.",
            count,
        )
        super().__init__(message % {"count": count})
        self.report = report


class DeactivationHeld(Exception):
    """The import would deactivate too many meetings; nothing was saved until confirmed."""

    def __init__(self, report):
        message = ngettext(
            "This import would deactivate %(deactivated)d of the source's %(active)d active "
            "meeting; nothing was saved. Confirm to go ahead.",
            "This import would deactivate %(deactivated)d of the source's %(active)d active "
            "meetings; nothing was saved. Confirm to go ahead.",
            report.active_before,
        )
        super().__init__(
            message % {"deactivated": report.deactivated, "active": report.active_before}
        )
        self.report = report


def is_mass_loss(deactivated, active_before):
    return deactivated > MASS_LOSS_MINIMUM and deactivated > MASS_LOSS_SHARE * active_before


def parse(text, file_type):
    """MeetingRecords and Rejected read from the text of a source of the given file type."""
    if file_type == CSV:
        return csv_records(text)
    try:
        data = json.loads(text)
    except ValueError as error:
        # Translators: %(error)s is the JSON parser's own (English) explanation.
        message = gettext("The source is not valid JSON: %(error)s")
        raise SourceError(message % {"error": error}) from error
    if file_type == BMLT:
        return bmlt_records(data)
    return meeting_guide_records(data)


class Importer:
    """One import of one source for one program; ``run`` returns the report."""

    def __init__(
        self,
        *,
        source,
        program,
        file_type,
        default_timezone="",
        geocoder=None,
        skip_invalid=False,
        dry_run=False,
        confirm=False,
        user=None,
    ):
        self.source = source
        self.confirm = confirm
        self.program = Program.objects.get(slug=program)
        self.file_type = file_type
        self.default_timezone = default_timezone
        self.geocoder = geocoder
        self.skip_invalid = skip_invalid
        self.user = user
        self.report = Report(source, file_type, self.program.short_name, dry_run=dry_run)

    def run(self, text):
        records = []
        seen = {}
        for result in parse(text, self.file_type):
            if isinstance(result, Rejected):
                self.report.rejected.append(result)
            elif result.external_id in seen:
                # Translators: %(record)s names an earlier record, e.g. 'record 3 (slug "x")'.
                reason = gettext("repeats the id of %(record)s")
                self.report.rejected.append(
                    Rejected(result.label, [reason % {"record": seen[result.external_id]}])
                )
            else:
                seen[result.external_id] = result.label
                records.append(result)
        self.report.records = len(records) + len(self.report.rejected)
        programs = {program.slug: program for program in Program.objects.all()}
        for record in [r for r in records if r.program and r.program not in programs]:
            reason = gettext("program %(program)s is not one of %(programs)s") % {
                "program": repr(record.program),
                "programs": ", ".join(programs),
            }
            self.report.rejected.append(Rejected(record.label, [reason], record.external_id))
            records.remove(record)
        if self.report.rejected and not self.skip_invalid:
            raise ImportRejected(self.report)
        writer = Writer(
            source=self.source,
            program=self.program,
            programs=programs,
            report=self.report,
            user=self.user,
            geocoder=self.geocoder,
            default_timezone=self.default_timezone,
        )
        # Everything slow (reading, geocoding, comparing) happens before the transaction.
        plan = writer.plan(records, timezone.now())
        if self.report.rejected and not self.skip_invalid:
            raise ImportRejected(self.report)
        if not records:
            # An empty list, or one of nothing but refused records (an error object where the
            # meetings should be), is far likelier a broken source than every meeting stopping.
            plan.vanished = []
            self.report.deactivated = 0
            if self.report.rejected:
                note = gettext("No meeting of the source could be read: nothing was deactivated.")
            else:
                note = gettext("The source listed no meetings: nothing was deactivated.")
            self.report.notes.append(note)
        if not self.confirm and is_mass_loss(self.report.deactivated, self.report.active_before):
            raise DeactivationHeld(self.report)
        if self.report.dry_run:
            return self.report
        started = time.monotonic()
        with transaction.atomic():
            plan.apply()
        self.report.lock_seconds = time.monotonic() - started
        return self.report


def import_meetings(
    source,
    *,
    program,
    file_type="",
    text=None,
    name="",
    label="",
    default_timezone="",
    geocoder=None,
    skip_invalid=False,
    dry_run=False,
    confirm=False,
    user=None,
):
    """Import one source for one program; raise SourceError, ImportRejected or
    DeactivationHeld (unless ``confirm``), else return a Report.

    ``source`` is a file path or URL to read, unless ``text`` is given (an upload), in which case
    ``name`` is its file name. ``label`` is what Meeting.source records (default: the source).
    Changes are logged in admin history under ``user``, or the system user when None.
    """
    label = label or source_label(source)
    check_option(label, "source")
    if default_timezone:
        check_option(default_timezone, "timezone")
    if text is None:
        text = decode(read_source(source))
        name = name or source
    file_type = file_type or guess_type(name, text)
    if file_type not in FILE_TYPES:
        message = gettext("The format must be one of %(types)s.")
        raise SourceError(message % {"types": ", ".join(FILE_TYPES)})
    importer = Importer(
        source=label,
        program=program,
        file_type=file_type,
        default_timezone=default_timezone,
        geocoder=geocoder,
        skip_invalid=skip_invalid,
        dry_run=dry_run,
        confirm=confirm,
        user=user,
    )
    return importer.run(text)


def check_option(value, field_name):
    """Refuse a source label or default time zone the meeting field would not hold, in the
    words of its own rule (groups.rules), before anything is read."""
    field = Meeting._meta.get_field(field_name)
    try:
        field.run_validators(value)
    except ValidationError as error:
        raise SourceError(f"{field.verbose_name}: {' '.join(error.messages)}") from None
