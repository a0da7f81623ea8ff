"""The one place an import writes: records matched to meetings and locations, then saved.

Each record is matched to a meeting by (source, external id), then
a. meetings of this source that the source no longer lists are deactivated (never deleted);
b. each record's location is an existing one with the same name, address, city and postal code,
   or a new one, looked up on the map when it has no coordinates (a geocoder failure is
   reported, never fatal), with its time zone from the record, else its coordinates, else the
   gazetteer place;
c. new meetings are created and only those whose listing differs are updated; the rest are left
   alone, so importing the same feed twice changes nothing.
"""

from geopy.exc import GeopyError

from groups import rules
from groups.geocoding import get_geocoder, locate, zone_at
from groups.history import ADDITION, CHANGE, record_changes
from groups.importers.records import Rejected, location_key
from groups.models import Format, Location, Meeting, Philosophy
from groups.vocabulary import SECULAR_TYPE

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
    "is_active",
]
CHANGE_NAMES = {"program_id": "program", "location_id": "place", "is_active": "active"}
LOCATION_FIELDS = ["region", "country", "directions", "latitude", "longitude", "timezone"]


class Writer:
    """Writes one import's records for one source; counts go into ``report``."""

    def __init__(self, *, source, program, programs, report, user, geocoder, default_timezone):
        self.source = source
        self.program = program
        self.programs = programs
        self.report = report
        self.user = user
        self.geocoder = geocoder
        self.default_timezone = default_timezone
        self._geocoded = {}

    def write(self, records, now):
        existing = {
            meeting.external_id: meeting
            for meeting in Meeting.objects.filter(source=self.source)
            .exclude(external_id="")
            .select_related("location")
        }
        self.deactivate_vanished(records, existing, now)
        changed_locations = self.place_records(records, existing, now)
        self.write_meetings(records, existing, changed_locations, now)

    def deactivate_vanished(self, records, existing, now):
        """a. Gone from the source. A rejected record is not gone: its meeting is left alone."""
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
        for start in range(0, len(vanished), BATCH):
            batch = [meeting.pk for meeting in vanished[start : start + BATCH]]
            Meeting.objects.filter(pk__in=batch).update(is_active=False, updated=now)
        self.report.deactivated = len(vanished)
        self.log(vanished, "no longer listed by the source: deactivated")

    def write_meetings(self, records, existing, changed_locations, now):
        """c. Create the new meetings; update those whose listing or formats differ."""
        formats = dict(Format.objects.values_list("code", "pk"))
        through = Meeting.formats.through
        current_formats = {}
        for meeting_id, format_id in through.objects.filter(
            meeting__source=self.source
        ).values_list("meeting_id", "format_id"):
            current_formats.setdefault(meeting_id, set()).add(format_id)
        created, updated, links, changes = [], [], {}, {}
        for record in records:
            program = self.programs[record.program] if record.program else self.program
            codes = record.codes
            if program.philosophy == Philosophy.SECULAR:
                # The program says it already; feeds add it back from the program.
                codes = [code for code in codes if code != SECULAR_TYPE]
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
                reason = "no time zone: give timezone, coordinates or --timezone"
                self.report.rejected.append(Rejected(record.label, [reason], record.external_id))
                continue
            self.report.unknown_types.update(record.unknown_codes)
            values = {
                **record.fields,
                "timezone": zone,
                "program_id": program.pk,
                "location_id": location.pk if location else None,
                "is_active": True,
            }
            if meeting is None:
                meeting = Meeting(source=self.source, external_id=record.external_id, **values)
                meeting.location = location
                created.append(meeting)
                links[record.external_id] = wanted_formats
                continue
            differs = [name for name in MEETING_FIELDS if getattr(meeting, name) != values[name]]
            formats_differ = current_formats.get(meeting.pk, set()) != wanted_formats
            place_changed = meeting.location_id in changed_locations
            if differs or formats_differ or place_changed:
                what = [CHANGE_NAMES.get(name, name) for name in differs]
                what += ["formats"] * formats_differ + ["place details"] * place_changed
                changes.setdefault(", ".join(what), []).append(meeting)
                for name in differs:
                    setattr(meeting, name, values[name])
                meeting.updated = now
                meeting.fill_derived_fields()
                updated.append(meeting)
                if formats_differ:
                    links[record.external_id] = wanted_formats
            else:
                self.report.unchanged += 1

        Meeting.objects.bulk_update(
            updated, [*MEETING_FIELDS, *Meeting.DERIVED_FIELDS, "updated"], batch_size=BATCH
        )
        self.create_meetings(created)
        by_id = {meeting.external_id: meeting.pk for meeting in created + updated}
        relinked = [by_id[external_id] for external_id in links if external_id in existing]
        for start in range(0, len(relinked), BATCH):
            through.objects.filter(meeting_id__in=relinked[start : start + BATCH]).delete()
        through.objects.bulk_create(
            [
                through(meeting_id=by_id[external_id], format_id=format_id)
                for external_id, format_ids in links.items()
                for format_id in sorted(format_ids)
            ],
            batch_size=BATCH * 5,
        )
        self.report.created = len(created)
        self.report.updated = len(updated)
        self.log(created, "added", action=ADDITION)
        for what, meetings in changes.items():
            self.log(meetings, f"changed {what}")

    def log(self, meetings, message, action=CHANGE):
        """Log the change in each meeting's admin history, under the importing user."""
        record_changes(self.user, meetings, f"Import from {self.source}: {message}.", action=action)

    def create_meetings(self, meetings):
        taken = set(Meeting.objects.values_list("slug", flat=True))
        for meeting in meetings:
            meeting.slug = rules.unique_slug(meeting.name, meeting.weekday, taken.__contains__)
            taken.add(meeting.slug)
            meeting.fill_derived_fields()
        Meeting.objects.bulk_create(meetings, batch_size=BATCH)

    def place_records(self, records, existing, now):
        """b. Give each record with a place its Location; return the pks of locations changed."""
        pool = self.location_pool(records, existing)
        new, changed, settled = [], {}, set()
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
                new.append(location)
            elif id(location) not in settled and location.pk is not None:
                # The first record at a location describes it for this import.
                before = [getattr(location, name) for name in LOCATION_FIELDS]
                self.settle(location, described, record.label)
                if before != [getattr(location, name) for name in LOCATION_FIELDS]:
                    location.updated = now
                    changed[location.pk] = location
            settled.add(id(location))
            record.location = location
        Location.objects.bulk_create(new, batch_size=BATCH)
        Location.objects.bulk_update(
            list(changed.values()), [*LOCATION_FIELDS, "updated"], batch_size=BATCH
        )
        self.report.locations_created = len(new)
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
            self.report.not_geocoded.append(f"{label}: {location.city}: geocoder failed ({error})")
            return
        if found is None:
            self.report.not_geocoded.append(f"{label}: {location.city}: no match for the address")
        else:
            self.report.geocoded += 1
