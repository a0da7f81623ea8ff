"""Meeting data in: Meeting Guide JSON, BMLT search results and CSV, kept in step with their source.

An import walks these steps, one module each:

1. ``sources``: read the source (a file, or an http(s) URL fetched with a timeout) and pick its
   file type: the one asked for, else by file name and content.
2. ``meeting_guide``, ``bmlt``, ``spreadsheet``: turn every record into ``MeetingRecord``s. All
   three go through one reader, ``records.records_from_item``, which takes Meeting Guide keys: a
   BMLT record or a CSV line is first renamed into them. A record that cannot be read is
   rejected with every reason found, in the words of groups.rules and the models' validators.
3. ``importer``: with a rejected record and no ``skip_invalid``, stop: nothing has been written.
4. ``writer``: in one transaction, match each record to a meeting by (source, external id),
   deactivate what the source no longer lists, find or make locations, and create or update
   only the meetings that differ.
5. A dry run rolls the transaction back; any error on the way does the same.

Type codes we do not know are never dropped: they are listed in the report and kept in the notes.
"""

from groups.importers.importer import Importer, ImportRejected, import_meetings
from groups.importers.records import Report
from groups.importers.sources import FILE_TYPES, MAX_SOURCE_BYTES, SourceError, decode

__all__ = [
    "FILE_TYPES",
    "MAX_SOURCE_BYTES",
    "ImportRejected",
    "Importer",
    "Report",
    "SourceError",
    "decode",
    "import_meetings",
]
