"""Meeting data in: Meeting Guide JSON, BMLT search results and CSV, kept in step with their source.

An import walks these steps, one module each:

1. ``sources``: read the source (a file, or an http(s) URL fetched with a timeout) and pick its
   file type: the one asked for, else by file name and content.
2. ``meeting_guide``, ``bmlt``, ``spreadsheet``: turn every record into ``MeetingRecord``s. All
   three go through one reader, ``records.records_from_item``, which takes Meeting Guide keys: a
   BMLT record or a CSV line is first renamed into them. A record that cannot be read is
   rejected with every reason found, in the words of groups.rules and the models' validators.
3. ``writer``: plan, outside any transaction: match each record to a meeting by (source,
   external id), find what the source no longer lists, find or make (and geocode) locations,
   and compare, so only the meetings that differ are written.
4. ``importer``: with a rejected record and no ``skip_invalid``, stop: nothing has been written.
   An empty source deactivates nothing; a run that would deactivate more than a quarter of the
   source's active meetings (and more than ten) stops until confirmed. A dry run stops here.
5. ``writer``: apply the plan with bulk statements in one short transaction; any error on the
   way rolls it all back.

Type codes we do not know are never dropped: they are listed in the report and kept in the notes.
"""

from groups.importers.importer import (
    DeactivationHeld,
    Importer,
    ImportRejected,
    import_meetings,
)
from groups.importers.report import Report
from groups.importers.sources import FILE_TYPES, MAX_SOURCE_BYTES, SourceError, decode

__all__ = [
    "FILE_TYPES",
    "DeactivationHeld",
    "MAX_SOURCE_BYTES",
    "ImportRejected",
    "Importer",
    "Report",
    "SourceError",
    "decode",
    "import_meetings",
]
