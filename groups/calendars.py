"""Meetings as iCalendar: each meeting is one weekly recurring event in its own time zone.

DTSTART carries the meeting's TZID and wall-clock time, and the calendar carries a VTIMEZONE for
every zone it uses, so calendar apps keep the meeting at 19:00 local time across daylight-saving
changes instead of drifting by an hour.

Every value goes in through icalendar's value types (text as ``vText``, which escapes line breaks,
commas and semicolons): even a name stored before control characters were refused at input cannot
end a content line early or start a property of its own. ``add()`` alone would write a property
it has no type for, such as X-WR-CALNAME, raw.
"""

from datetime import UTC, datetime, timedelta

from django.utils.translation import gettext, pgettext
from icalendar import Calendar, Event, vText, vUri

from groups import schedule

PRODID = "-//Meeting Finder//Meeting directory//EN"
# RFC 5545 weekday names, indexed like Meeting.weekday (0 = Sunday).
ICAL_WEEKDAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]


def meeting_event(meeting, page_url, domain, now):
    """One VEVENT repeating weekly from the meeting's next (or current) occurrence."""
    occurrence = meeting.next_occurrence(now)
    # Wall-clock time, not the instant: a meeting at 02:30 on a spring-forward day is still "02:30".
    first_day = occurrence.start.date()
    start = datetime.combine(first_day, meeting.start_time, tzinfo=meeting.zone)
    end = start + timedelta(minutes=schedule.duration_minutes(meeting.start_time, meeting.end_time))

    event = Event()
    event.add("uid", vText(f"meeting-{meeting.pk}@{domain}"))
    event.add("dtstamp", now.astimezone(UTC))
    event.add("summary", vText(f"{meeting.name} ({meeting.program.short_name})"))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("rrule", {"freq": "weekly", "byday": ICAL_WEEKDAYS[meeting.weekday]})
    event.add("url", vUri(page_url))
    if meeting.venue:
        location = meeting.venue
        event.add("location", vText(f"{location.name}, {location.formatted_address}"))
        if location.has_coordinates:
            event.add("geo", (location.latitude, location.longitude))
    elif meeting.conference_url:
        event.add("location", vText(meeting.conference_url))
    event.add("description", vText(describe(meeting, page_url)))
    return event


def describe(meeting, page_url):
    """The event's description, in the visitor's language."""
    lines = [f"{meeting.program.name} · {meeting.get_attendance_display()}"]
    if meeting.venue and meeting.venue.directions:
        lines.append(
            gettext("Finding the room: %(directions)s") % {"directions": meeting.venue.directions}
        )
    if meeting.conference_url:
        join = f"{meeting.conference_url} {meeting.conference_url_notes}".strip()
        lines.append(gettext("Join: %(link)s") % {"link": join})
    if meeting.conference_phone:
        phone = f"{meeting.conference_phone} {meeting.conference_phone_notes}".strip()
        lines.append(gettext("Phone: %(phone)s") % {"phone": phone})
    lines.append(gettext("Details and changes: %(url)s") % {"url": page_url})
    return "\n".join(lines)


def calendar_for(meetings, url_for, domain, now, name=None):
    """A calendar of ``meetings``; ``url_for(meeting)`` gives each one's absolute page URL."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", vText(name or pgettext("calendar name", "Meetings")))
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, url_for(meeting), domain, now))
    calendar.add_missing_timezones()
    return calendar


SCHEMA_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
ATTENDANCE_MODES = {
    "in-person": "https://schema.org/OfflineEventAttendanceMode",
    "online": "https://schema.org/OnlineEventAttendanceMode",
    "hybrid": "https://schema.org/MixedEventAttendanceMode",
}


def schema_event(meeting, occurrence, page_url):
    """The meeting as a schema.org Event whose eventSchedule repeats every week."""
    end = meeting.end_time or schedule.clock(
        meeting.start_time.hour * 60 + meeting.start_time.minute + schedule.DEFAULT_DURATION
    )
    places = []
    if meeting.venue:
        location = meeting.venue
        place = {
            "@type": "Place",
            "name": location.name,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": location.address,
                "addressLocality": location.city,
                "addressRegion": location.region_label,
                "postalCode": location.postal_code,
                "addressCountry": location.country,
            },
        }
        if location.has_coordinates:
            place["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": location.latitude,
                "longitude": location.longitude,
            }
        places.append(place)
    if meeting.is_online and meeting.conference_url:
        places.append({"@type": "VirtualLocation", "url": meeting.conference_url})
    event = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": meeting.name,
        "description": gettext("A %(program)s meeting (%(attendance)s).")
        % {"program": meeting.program.name, "attendance": meeting.get_attendance_display()},
        "url": page_url,
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": ATTENDANCE_MODES[meeting.attendance],
        "startDate": occurrence.start.isoformat(),
        "endDate": occurrence.end.isoformat(),
        "eventSchedule": {
            "@type": "Schedule",
            "byDay": f"https://schema.org/{SCHEMA_DAYS[meeting.weekday]}",
            "startTime": meeting.start_time.strftime("%H:%M"),
            "endTime": end.strftime("%H:%M"),
            "repeatFrequency": "P1W",
            "scheduleTimezone": meeting.timezone,
        },
        "inLanguage": meeting.language,
        "isAccessibleForFree": True,
        "organizer": {"@type": "Organization", "name": meeting.program.name},
    }
    if meeting.program.website:
        event["organizer"]["url"] = meeting.program.website
    if places:
        event["location"] = places[0] if len(places) == 1 else places
    return event
