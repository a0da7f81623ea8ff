"""The directory's data, one module per concept: programs and formats, named groups, places
(locations and the gazetteer), meetings, suggestions from the public, and the sources imported
on a schedule; and the marks left for the feed by changes that leave no stamp. Importing from
``groups.models`` gives every model and the vocabularies their fields use.
"""

from groups.models.changes import ChangeMark
from groups.models.meetings import STALE_AFTER_DAYS, Meeting, MeetingContact, MeetingQuerySet
from groups.models.named_groups import Group
from groups.models.places import Location, Place
from groups.models.programs import Format, Program
from groups.models.sources import Source, SourceRun
from groups.models.suggestions import ChangeRequest
from groups.rules import validate_time_zone  # Migrations name it here.
from groups.vocabulary import Attendance, Philosophy, Weekday

__all__ = [
    "STALE_AFTER_DAYS",
    "Attendance",
    "ChangeMark",
    "ChangeRequest",
    "Format",
    "Group",
    "Location",
    "Meeting",
    "MeetingContact",
    "MeetingQuerySet",
    "Philosophy",
    "Place",
    "Program",
    "Source",
    "SourceRun",
    "Weekday",
    "validate_time_zone",
]
