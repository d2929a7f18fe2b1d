"""iCalendar (RFC 5545) for meetings: one meeting or occurrence, or a feed of many.

Events carry their wall-clock time in the meeting's own IANA zone (``DTSTART;TZID=...``) with a
matching VTIMEZONE, so a calendar keeps a 09:00 Europe/Warsaw meeting at 09:00 across DST
changes, exactly as ``recurrence.meeting_occurrences`` expands it. Meetings in UTC are written
in UTC (``...Z``) and need no VTIMEZONE.

Callers pass meetings with ``select_related("vendor")`` so a feed costs one query.
"""

import datetime as dt
import logging
import uuid
import zoneinfo

import icalendar
from django.conf import settings
from django.utils import timezone

from governance.domain import recurrence
from governance.domain.text import lines, one_line
from governance.domain.zones import zone

log = logging.getLogger(__name__)

PRODID = "-//Vendor governance//Meetings//EN"
# How far past the last known start the VTIMEZONE transitions are listed: far enough for a
# client that ignores TZID names and relies on the VTIMEZONE alone.
ZONE_YEARS_AHEAD = 5
UTC_NAMES = {"UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/Universal", "Etc/Zulu", "Zulu"}


def meeting_ics(meeting, occurrence=None, *, overrides=(), notes=""):
    """A VCALENDAR (bytes) with one event: the whole series, or one of its occurrences.

    ``occurrence`` is a ``recurrence.Occurrence`` (or anything with ``starts_at``/``ends_at``
    in UTC). The series event carries the meeting's RRULE and, with its ``overrides``
    (``recurrence.Override``), an EXDATE per cancelled instance and an event with
    RECURRENCE-ID per moved one; an occurrence is a standalone event with its own UID (from
    the instance it stands for), so importing it twice updates it rather than duplicating it.
    ``notes``: more text for the occurrence's description (the action items carried into its
    agenda).
    """
    calendar = _new_calendar(
        uid=_stable_uuid(f"meeting-{meeting.pk}"), method="PUBLISH", name=meeting.title
    )
    if occurrence is not None:
        calendar.add_component(_event(meeting, occurrence, notes=notes))
        start = occurrence.starts_at
    else:
        for event in _series_events(meeting, overrides):
            calendar.add_component(event)
        start = meeting.starts_at
    _add_time_zones(calendar, first=start, last=_last_start(meeting, overrides))
    return calendar.to_ical()


def calendar_ics(meetings, *, name, overrides=None):
    """A VCALENDAR feed (bytes) named ``name`` with one series event per meeting, and its
    exceptions: ``overrides`` maps a meeting's id to its ``recurrence.Override`` list.

    A meeting whose stored rule no longer validates is published as its first meeting alone,
    as the app reads it; one the calendar cannot describe at all (a stored time zone that no
    longer exists) is left out and logged, never the feed.
    """
    meetings = list(meetings)
    overrides = overrides or {}
    calendar = _new_calendar(uid=_stable_uuid(f"feed-{name}"), name=name)
    # Subscribed clients poll; an hour keeps them current without hammering the server.
    calendar.add("REFRESH-INTERVAL", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", dt.timedelta(hours=1))
    for meeting in meetings:
        try:
            events = _series_events(meeting, overrides.get(meeting.pk, ()))
        except (ValueError, zoneinfo.ZoneInfoNotFoundError) as error:
            log.warning("Meeting %s left out of the %r feed: %s", meeting.pk, name, error)
            continue
        for event in events:
            calendar.add_component(event)
    if meetings:
        _add_time_zones(
            calendar,
            first=min(m.starts_at for m in meetings),
            last=max(_last_start(m, overrides.get(m.pk, ())) for m in meetings),
        )
    return calendar.to_ical()


def _last_start(meeting, overrides):
    return max([meeting.starts_at, *(o.starts_at for o in overrides if o.starts_at)])


def _series_events(meeting, overrides):
    """The series event with an EXDATE per cancelled instance, then one event per moved
    instance (same UID, RECURRENCE-ID its original start), as RFC 5545 describes exceptions.
    Overrides of instances the series no longer has are left out, as the app ignores them."""
    series = {
        "starts_at": meeting.starts_at,
        "duration_minutes": meeting.duration_minutes,
        "time_zone": meeting.time_zone,
        "recurrence": meeting.recurrence,
    }
    applying = [
        o
        for o in overrides
        if (o.cancelled or o.starts_at is not None)
        and recurrence.is_instance(**series, moment=o.original_start)
    ]
    main = _event(meeting)
    zone = _zone(meeting.time_zone)
    events = [main]
    repeats = "RRULE" in main
    for override in sorted(applying, key=lambda o: o.original_start):
        if not repeats:
            # A one-off meeting: its one event says it all.
            if override.cancelled:
                main["STATUS"] = "CANCELLED"
            else:
                moved = _event(meeting, recurrence.Occurrence(override.starts_at, None))
                for key in ("DTSTART", "DTEND"):
                    main[key] = moved[key]
            continue
        if override.cancelled:
            main.add("EXDATE", override.original_start.astimezone(zone))
            continue
        event = _event(meeting, recurrence.Occurrence(override.starts_at, None))
        event["UID"] = main["UID"]
        event.add("RECURRENCE-ID", override.original_start.astimezone(zone))
        event.add("SEQUENCE", 1)
        events.append(event)
    return events


def _new_calendar(*, uid, name, method=None):
    return icalendar.Calendar.new(
        prodid=PRODID, uid=uid, name=one_line(name), calscale="GREGORIAN", method=method
    )


def _event(meeting, occurrence=None, *, notes=""):
    zone = _zone(meeting.time_zone)
    duration = dt.timedelta(minutes=meeting.duration_minutes)
    if occurrence is None:
        starts_at = meeting.starts_at
        uid = f"meeting-{meeting.pk}@{_domain()}"
    else:
        starts_at = occurrence.starts_at
        instance = getattr(occurrence, "recurrence_id", starts_at)
        stamp = instance.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        uid = f"meeting-{meeting.pk}-{stamp}@{_domain()}"
    start = starts_at.astimezone(zone)
    url = settings.SITE_URL + meeting.get_absolute_url()
    description = "\n\n".join(
        part for part in (lines(meeting.agenda).strip(), lines(notes).strip(), url) if part
    )
    event = icalendar.Event.new(
        uid=uid,
        # One line, without control characters, whatever the stored text holds.
        summary=one_line(f"{meeting.title} ({meeting.vendor.name})"),
        start=start,
        end=(starts_at + duration).astimezone(zone),
        stamp=timezone.now().astimezone(dt.UTC),
        description=description,
        location=one_line(meeting.location or meeting.get_channel_display()),
        url=url,
        categories=[meeting.get_kind_display()],
        status="CONFIRMED",
        last_modified=meeting.updated_at.astimezone(dt.UTC) if meeting.updated_at else None,
    )
    if occurrence is None:
        rule = _recurrence(meeting.recurrence, zone)
        if rule is not None:
            event.add("RRULE", rule)
    return event


def _recurrence(text, zone):
    """The meeting's RRULE with UNTIL in UTC, as RFC 5545 requires next to a TZID start; None
    for a one-off meeting, or a stored rule that no longer validates (the event is then the
    first meeting alone, as ``recurrence.meeting_occurrences`` reads it).

    A local UNTIL (``20270601T090000`` or a bare date) is read on the meeting's wall clock,
    as ``recurrence.meeting_occurrences`` reads it, so the calendar and the app agree.
    """
    usable = recurrence.usable_recurrence(text)
    if usable is None:
        return None
    rule = icalendar.vRecur.from_ical(usable.body)
    if "UNTIL" in rule:
        until = rule["UNTIL"][0]
        if not isinstance(until, dt.datetime):
            until = dt.datetime.combine(until, dt.time())
        if until.tzinfo is None:
            until = until.replace(tzinfo=zone)
        rule["UNTIL"] = [until.astimezone(dt.UTC)]
    return rule


def _add_time_zones(calendar, *, first, last):
    """Add a VTIMEZONE for every TZID the events use, covering their dates (within the date
    window that expansion keeps to, whatever a stored start says)."""
    first = min(max(first, recurrence.EXPANSION_FLOOR), recurrence.EXPANSION_CEILING)
    last = min(max(last, timezone.now()), recurrence.EXPANSION_CEILING)
    last_date = last.date()
    calendar.add_missing_timezones(
        first_date=first.date() - dt.timedelta(days=1),
        last_date=last_date.replace(year=last_date.year + ZONE_YEARS_AHEAD, day=1),
    )


def _zone(name):
    """UTC itself for the names of UTC, so its times are written with Z and no VTIMEZONE."""
    return dt.UTC if name in UTC_NAMES else zone(name)


def _domain():
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"


def _stable_uuid(key):
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{settings.SITE_URL}/{key}")
