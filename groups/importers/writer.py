"""The one place an import writes: records matched to meetings and locations, then saved.

Writing comes in two steps so that the database's write lock is held only briefly (on SQLite one
writer at a time blocks every other write: a suggestion, a login, a rate-limit count):

1. ``plan`` reads and decides, outside any transaction. Each record is matched to a meeting by
   (source, external id), and to the named group it names (the program's, found or made);
   meetings of this source that it no longer lists are to be deactivated (never deleted); each
   record's location is an existing one with the same name, address, city
   and postal code, or a new one, looked up on the map when it has no coordinates (a geocoder
   failure is reported, never fatal), with its time zone from the record, else its coordinates,
   else the gazetteer place; new meetings are to be created and only those whose listing differs
   updated, so importing the same feed twice changes nothing.
2. ``Plan.prepare`` turns all of that into database rows (groups.importers.rows), and
   ``Plan.apply`` writes them with bulk statements in one short transaction, which the caller
   opens. A meeting changed by an editor between the two steps is overwritten by the
   source, as it would have been a moment later.
"""

from dataclasses import dataclass, field

from django.contrib.admin.models import LogEntry
from django.utils.translation import gettext
from geopy.exc import GeopyError

from groups import rules
from groups.geocoding import get_geocoder, locate, zone_at
from groups.history import ADDITION, CHANGE, LOG_FIELDS, log_rows, system_user
from groups.importers import rows
from groups.importers.records import Rejected, location_key
from groups.models import Format, Group, Location, Meeting
from groups.models.named_groups import unique_group_slug

BATCH = 1000
MEETING_FIELDS = [
    "program_id",
    "name",
    "weekday",
    "start_time",
    "end_time",
    "timezone",
    "attendance",
    "conference_url",
    "conference_url_notes",
    "conference_phone",
    "conference_phone_notes",
    "language",
    "notes",
    "location_id",
    "group_id",
    "is_active",
]
# The history messages (the admin log) stay in English: they are a record, kept as written.
CHANGE_NAMES = {
    "program_id": "program",
    "location_id": "place",
    "group_id": "group",
    "is_active": "active",
}
LOCATION_FIELDS = ["region", "country", "directions", "latitude", "longitude", "timezone"]


def _insert_fields(model):
    return [field.name for field in model._meta.concrete_fields if not field.primary_key]


GROUP_INSERT = _insert_fields(Group)
LOCATION_INSERT = _insert_fields(Location)
MEETING_INSERT = _insert_fields(Meeting)
MEETING_UPDATE = [*MEETING_FIELDS, *Meeting.DERIVED_FIELDS, "updated"]


@dataclass
class Plan:
    """Everything one import will write, decided and turned into rows before the transaction."""

    source: str
    user: object
    now: object
    new_groups: list = field(default_factory=list)
    changed_groups: list = field(default_factory=list)
    new_locations: list = field(default_factory=list)
    changed_locations: list = field(default_factory=list)
    vanished: list = field(default_factory=list)
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    # external id -> format pks, for the meetings whose formats are (re)written.
    links: dict = field(default_factory=dict)
    # What changed ("start_time, formats") -> the meetings it changed.
    changes: dict = field(default_factory=dict)
    rows: dict = field(default_factory=dict)

    def prepare(self):
        """Turn what will be written into database rows, before any lock is taken."""
        self.rows = {
            "new_groups": rows.prepare(Group, self.new_groups, GROUP_INSERT, add=True),
            "changed_groups": rows.prepare(
                Group, self.changed_groups, ["notes", "updated"], add=False
            ),
            "new_locations": rows.prepare(Location, self.new_locations, LOCATION_INSERT, add=True),
            "changed_locations": rows.prepare(
                Location, self.changed_locations, [*LOCATION_FIELDS, "updated"], add=False
            ),
            "created": rows.prepare(Meeting, self.created, MEETING_INSERT, add=True),
            "updated": rows.prepare(Meeting, self.updated, MEETING_UPDATE, add=False),
        }

    def apply(self):
        """Write the prepared rows; the caller holds the transaction."""
        rows.insert_returning(Group, GROUP_INSERT, self.rows["new_groups"], self.new_groups)
        rows.update(Group, ["notes", "updated"], self.rows["changed_groups"], self.changed_groups)
        rows.insert_returning(
            Location, LOCATION_INSERT, self.rows["new_locations"], self.new_locations
        )
        rows.update(
            Location,
            [*LOCATION_FIELDS, "updated"],
            self.rows["changed_locations"],
            self.changed_locations,
        )
        vanished = [meeting.pk for meeting in self.vanished]
        for start in range(0, len(vanished), BATCH):
            Meeting.objects.filter(pk__in=vanished[start : start + BATCH]).update(
                is_active=False, updated=self.now
            )
        for kind, names in (("created", MEETING_INSERT), ("updated", MEETING_UPDATE)):
            self.take_pks(kind, names, "location")
            self.take_pks(kind, names, "group")
        rows.update(Meeting, MEETING_UPDATE, self.rows["updated"], self.updated)
        self.free_slugs()
        rows.insert(Meeting, MEETING_INSERT, self.rows["created"])
        if self.created:
            pks = dict(Meeting.objects.filter(source=self.source).values_list("external_id", "pk"))
            for meeting in self.created:
                meeting.pk = pks[meeting.external_id]
        self.write_formats()
        log = [
            *self.log(self.vanished, "no longer listed by the source: deactivated"),
            *self.log(self.created, "added", action=ADDITION),
        ]
        for what, meetings in self.changes.items():
            log += self.log(meetings, f"changed {what}")
        rows.insert(LogEntry, LOG_FIELDS, log)

    def take_pks(self, kind, names, relation):
        """A meeting at a location (or of a group) new in this import: its row takes the new pk."""
        column = names.index(relation if relation in names else f"{relation}_id")
        for meeting, row in zip(getattr(self, kind), self.rows[kind], strict=True):
            related = getattr(meeting, relation)
            if related is not None and row[column] is None:
                setattr(meeting, f"{relation}_id", related.pk)
                row[column] = related.pk

    def free_slugs(self):
        """Give a new slug to a planned meeting whose slug was taken since it was planned."""
        planned = [meeting.slug for meeting in self.created]
        collided = set()
        for start in range(0, len(planned), BATCH):
            batch = planned[start : start + BATCH]
            collided |= set(Meeting.objects.filter(slug__in=batch).values_list("slug", flat=True))
        in_use = set(planned)
        column = MEETING_INSERT.index("slug")
        for meeting, row in zip(self.created, self.rows["created"], strict=True):
            if meeting.slug in collided:
                meeting.slug = row[column] = rules.unique_slug(
                    meeting.name,
                    meeting.weekday,
                    lambda slug: (
                        slug in in_use
                        or slug in collided
                        or Meeting.objects.filter(slug=slug).exists()
                    ),
                )
                in_use.add(meeting.slug)

    def write_formats(self):
        through = Meeting.formats.through
        by_id = {meeting.external_id: meeting.pk for meeting in self.created + self.updated}
        relinked = [meeting.pk for meeting in self.updated if meeting.external_id in self.links]
        for start in range(0, len(relinked), BATCH):
            through.objects.filter(meeting_id__in=relinked[start : start + BATCH]).delete()
        rows.insert(
            through,
            ["meeting", "format"],
            [
                (by_id[external_id], format_id)
                for external_id, format_ids in self.links.items()
                for format_id in sorted(format_ids)
            ],
        )

    def log(self, meetings, message, action=CHANGE):
        """Admin history rows for each meeting, under the importing user."""
        message = f"Import from {self.source}: {message}."
        return log_rows(self.user, meetings, message, action=action, now=self.now)


class Writer:
    """Plans one import's records for one source; counts go into ``report``."""

    def __init__(self, *, source, program, programs, report, user, geocoder, default_timezone):
        self.source = source
        self.program = program
        self.programs = programs
        self.report = report
        # Looked up (or made) now, so the transaction does not have to.
        self.user = user or system_user()
        self.geocoder = geocoder
        self.default_timezone = default_timezone
        self._geocoded = {}

    def plan(self, records, now):
        """Read, geocode and compare: a Plan of what to write, with the report's counts."""
        plan = Plan(source=self.source, user=self.user, now=now)
        existing = {
            meeting.external_id: meeting
            for meeting in Meeting.objects.filter(source=self.source)
            .exclude(external_id="")
            .select_related("location")
        }
        plan.vanished = self.vanished(records, existing)
        self.group_records(records, plan)
        changed_locations = self.place_records(records, existing, now, plan)
        self.plan_meetings(records, existing, changed_locations, now, plan)
        plan.prepare()
        return plan

    def vanished(self, records, existing):
        """Gone from the source. A rejected record is not gone: its meeting is left alone."""
        kept = {record.external_id for record in records}
        # A record listed on several days keeps one meeting per day, as "slug:day".
        kept |= {item.external_id for item in self.report.rejected if item.external_id}
        vanished = [
            meeting
            for external_id, meeting in existing.items()
            if meeting.is_active
            and external_id.split(":")[0] not in kept
            and external_id not in kept
        ]
        self.report.deactivated = len(vanished)
        self.report.active_before = sum(meeting.is_active for meeting in existing.values())
        return vanished

    def plan_meetings(self, records, existing, changed_locations, now, plan):
        """New meetings to create; those whose listing or formats differ to update."""
        formats = dict(Format.objects.values_list("code", "pk"))
        current_formats = {}
        for meeting_id, format_id in Meeting.formats.through.objects.filter(
            meeting__source=self.source
        ).values_list("meeting_id", "format_id"):
            current_formats.setdefault(meeting_id, set()).add(format_id)
        taken = set(Meeting.objects.values_list("slug", flat=True))
        for record in records:
            program = self.programs[record.program] if record.program else self.program
            implied = rules.program_codes(program.philosophy)
            codes = [code for code in record.codes if code not in implied]
            wanted_formats = {formats[code] for code in codes}
            meeting = existing.get(record.external_id)
            location = record.location
            zone = (
                record.fields["timezone"]
                or (location.timezone if location else "")
                or (meeting.timezone if meeting else "")
                or self.default_timezone
            )
            if not zone:
                # Translators: keep timezone and --timezone as they are (a key, an option).
                reason = gettext("no time zone: give timezone, coordinates or --timezone")
                self.report.rejected.append(Rejected(record.label, [reason], record.external_id))
                continue
            self.report.unknown_types.update(record.unknown_codes)
            self.report.room_codes.update(record.room_codes)
            fields = record.fields
            if not rules.joinable_in_apps(
                fields["attendance"], fields.get("conference_url"), fields.get("conference_phone")
            ):
                self.report.not_joinable_in_apps.append(record.label)
            group = record.group
            values = {
                **record.fields,
                "timezone": zone,
                "program_id": program.pk,
                "location_id": location.pk if location else None,
                "group_id": group.pk if group else None,
                "is_active": True,
            }
            if meeting is None:
                meeting = Meeting(source=self.source, external_id=record.external_id, **values)
                meeting.location, meeting.group = location, group
                meeting.slug = rules.unique_slug(meeting.name, meeting.weekday, taken.__contains__)
                taken.add(meeting.slug)
                meeting.fill_derived_fields()
                plan.created.append(meeting)
                plan.links[record.external_id] = wanted_formats
                continue
            differs = [name for name in MEETING_FIELDS if getattr(meeting, name) != values[name]]
            if location is not None and location.pk is None and "location_id" not in differs:
                differs.append("location_id")  # A new location: no pk to compare yet.
            if group is not None and group.pk is None and "group_id" not in differs:
                differs.append("group_id")
            formats_differ = current_formats.get(meeting.pk, set()) != wanted_formats
            place_changed = meeting.location_id in changed_locations
            if differs or formats_differ or place_changed:
                what = [CHANGE_NAMES.get(name, name) for name in differs]
                what += ["formats"] * formats_differ + ["place details"] * place_changed
                plan.changes.setdefault(", ".join(what), []).append(meeting)
                for name in differs:
                    setattr(meeting, name, values[name])
                meeting.location, meeting.group = location, group
                meeting.updated = now
                meeting.fill_derived_fields()
                plan.updated.append(meeting)
                if formats_differ:
                    plan.links[record.external_id] = wanted_formats
            else:
                self.report.unchanged += 1
        self.report.created = len(plan.created)
        self.report.updated = len(plan.updated)

    def group_records(self, records, plan):
        """Give each record that names a group its Group: the program's group of that name, or
        a new one. The group's notes follow the source when it gives any."""
        wanted = {}
        for record in records:
            if record.group_name:
                program = self.programs[record.program] if record.program else self.program
                wanted.setdefault((program.pk, record.group_name.casefold()), (program, record))
        found = {
            (group.program_id, group.name.casefold()): group
            for group in Group.objects.filter(
                program__in={program for program, _ in wanted.values()},
                name__in={record.group_name for _, record in wanted.values()},
            )
        }
        taken = set(Group.objects.values_list("slug", flat=True))
        for key, (program, record) in wanted.items():
            group = found.get(key)
            if group is None:
                group = Group(program=program, name=record.group_name, notes=record.group_notes)
                group.slug = unique_group_slug(group.name, taken=taken)
                taken.add(group.slug)
                plan.new_groups.append(group)
                found[key] = group
            elif record.group_notes and group.notes != record.group_notes:
                group.notes = record.group_notes
                plan.changed_groups.append(group)
        for record in records:
            record.group = None
            if record.group_name:
                program = self.programs[record.program] if record.program else self.program
                record.group = found[program.pk, record.group_name.casefold()]
        self.report.groups_created = len(plan.new_groups)

    def place_records(self, records, existing, now, plan):
        """Give each record with a place its Location; return the pks of locations changed."""
        pool = self.location_pool(records, existing)
        changed, settled = {}, set()
        for record in records:
            described = record.location_record
            if described is None:
                record.location = None
                continue
            location = pool.get(described.key)
            if location is None:
                location = Location(
                    name=described.name,
                    address=described.address,
                    city=described.city,
                    postal_code=described.postal_code,
                )
                self.settle(location, described, record.label)
                pool[described.key] = location
                plan.new_locations.append(location)
            elif id(location) not in settled and location.pk is not None:
                # The first record at a location describes it for this import.
                before = [getattr(location, name) for name in LOCATION_FIELDS]
                self.settle(location, described, record.label)
                if before != [getattr(location, name) for name in LOCATION_FIELDS]:
                    location.updated = now
                    changed[location.pk] = location
            settled.add(id(location))
            record.location = location
        plan.changed_locations = list(changed.values())
        self.report.locations_created = len(plan.new_locations)
        return set(changed)

    def location_pool(self, records, existing):
        """Existing real locations the records may be at, by (name, address, city, postal code)."""
        pool = {}

        def key_of(location):
            return location_key(
                location.name, location.address, location.city, location.postal_code
            )

        for meeting in existing.values():
            if meeting.location is not None:
                pool.setdefault(key_of(meeting.location), meeting.location)
        cities = sorted(
            {record.location_record.city for record in records if record.location_record}
        )
        for start in range(0, len(cities), BATCH):
            for location in Location.objects.filter(
                city__in=cities[start : start + BATCH], is_sample=False
            ).order_by("pk"):
                pool.setdefault(key_of(location), location)
        return pool

    def settle(self, location, described, label):
        """Copy the record's facts onto the location, finding coordinates and zone if missing."""
        location.region = described.region
        location.country = described.country
        location.directions = described.directions
        if described.timezone:
            location.timezone = described.timezone
        if described.latitude is not None:
            location.latitude, location.longitude = described.latitude, described.longitude
        elif location.latitude is None:
            self.geocode(location, label)
        if not location.timezone and location.has_coordinates:
            location.timezone = zone_at(location.latitude, location.longitude) or ""

    def geocode(self, location, label):
        """Place a location without coordinates on the map; report what could not be."""
        if self.geocoder is None:
            self.geocoder = get_geocoder()
        try:
            found = locate(location, self.geocoder, memo=self._geocoded)
        except (GeopyError, OSError, ValueError) as error:
            # Translators: a record (e.g. "record 3"), its city, then the geocoder's error.
            message = gettext("%(record)s: %(city)s: geocoder failed (%(error)s)")
            params = {"record": label, "city": location.city, "error": error}
            self.report.not_geocoded.append(message % params)
            return
        if found is None:
            message = gettext("%(record)s: %(city)s: no match for the address")
            self.report.not_geocoded.append(message % {"record": label, "city": location.city})
        else:
            self.report.geocoded += 1
