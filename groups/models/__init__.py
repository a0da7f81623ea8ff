"""The directory's data, one module per concept: programs and formats, named groups, places
(locations and the gazetteer), meetings, and suggestions from the public. Importing from
``groups.models`` gives every model and the vocabularies their fields use.
"""

from groups.models.meetings import STALE_AFTER_DAYS, Meeting, MeetingContact, MeetingQuerySet
from groups.models.named_groups import Group
from groups.models.places import Location, Place
from groups.models.programs import Format, Program
from groups.models.suggestions import ChangeRequest
from groups.rules import validate_time_zone  # Migrations name it here.
from groups.vocabulary import Attendance, Philosophy, Weekday

__all__ = [
    "STALE_AFTER_DAYS",
    "Attendance",
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
    "Weekday",
    "validate_time_zone",
]
