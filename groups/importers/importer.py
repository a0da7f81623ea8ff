"""One import of one source for one program, from reading the text to the report."""

import json

from django.db import transaction
from django.utils import timezone

from groups.importers.bmlt import bmlt_records
from groups.importers.meeting_guide import meeting_guide_records
from groups.importers.records import Rejected, Report
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


class ImportRejected(Exception):
    """Records were rejected and nothing was saved; the report says which and why."""

    def __init__(self, report):
        super().__init__(f"{len(report.rejected)} record(s) rejected; nothing was saved.")
        self.report = report


def parse(text, file_type):
    """MeetingRecords and Rejected read from the text of a source of the given file type."""
    if file_type == CSV:
        return csv_records(text)
    try:
        data = json.loads(text)
    except ValueError as error:
        raise SourceError(f"The source is not valid JSON: {error}") from error
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
        user=None,
    ):
        self.source = source
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
                self.report.rejected.append(
                    Rejected(result.label, [f"repeats the id of {seen[result.external_id]}"])
                )
            else:
                seen[result.external_id] = result.label
                records.append(result)
        self.report.records = len(records) + len(self.report.rejected)
        programs = {program.slug: program for program in Program.objects.all()}
        for record in [r for r in records if r.program and r.program not in programs]:
            reason = f"program {record.program!r} is not one of {', '.join(programs)}"
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
        with transaction.atomic():
            writer.write(records, timezone.now())
            if self.report.rejected and not self.skip_invalid:
                raise ImportRejected(self.report)
            if self.report.dry_run:
                transaction.set_rollback(True)
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
    user=None,
):
    """Import one source for one program; raise SourceError or ImportRejected, else a Report.

    ``source`` is a file path or URL to read, unless ``text`` is given (an upload), in which case
    ``name`` is its file name. ``label`` is what Meeting.source records (default: the source).
    Changes are logged in admin history under ``user``, or the system user when None.
    """
    if text is None:
        text = decode(read_source(source))
        name = name or source
    file_type = file_type or guess_type(name, text)
    if file_type not in FILE_TYPES:
        raise SourceError(f"The format must be one of {', '.join(FILE_TYPES)}.")
    importer = Importer(
        source=label or source_label(source, Meeting._meta.get_field("source").max_length),
        program=program,
        file_type=file_type,
        default_timezone=default_timezone,
        geocoder=geocoder,
        skip_invalid=skip_invalid,
        dry_run=dry_run,
        user=user,
    )
    return importer.run(text)
