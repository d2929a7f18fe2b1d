"""Meeting: before each occurrence (24 hours by default), with an ``.ics`` attached, to the
attendees and the relationship owner.

Occurrences are expanded in the meeting's own zone, so a 09:00 Europe/Warsaw meeting after a
DST change is reminded 24 hours before 09:00 local, not before a shifted UTC time.
"""

import datetime as dt
import logging
import zoneinfo
from collections import defaultdict

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, DurationField, Exists, F, OuterRef, Q, Value, When
from django.utils import timezone

from governance import selectors
from governance.domain import ical, recurrence
from governance.domain.dates import day_text
from governance.models import Meeting, MeetingOccurrence, Reminder, Vendor
from governance.reminders import messages, registry
from governance.reminders.due import Due, chunks, lacking, reminders_of
from governance.selectors.actions import open_action_items

log = logging.getLogger(__name__)

KIND = Reminder.Kind.MEETING
# Occurrences of a series are at least a day apart on the wall clock (meetings repeat at most
# daily), so at least this far apart in UTC across any DST change (two hours at most today).
MIN_SPACING = dt.timedelta(hours=21)


def due(sweep):
    """Each occurrence in the window, the nearest lead time that has passed before it.

    The first occurrence from now on is known without expanding the rule for a one-off
    meeting (its start) and for a series whose stored next occurrence (``next_occurrence_at``,
    written when the meeting is saved and moved on by the periodic figures refresh) was
    computed by now: that one alone is checked against the outbox, when no second occurrence
    can fall in the window. The rest (a stored occurrence already begun, a meeting saved
    after ``now``, a window that may hold two occurrences) are expanded, and a series alike
    another is expanded once.
    """
    now = sweep.now
    leads = sweep.lead_times.every[KIND]
    horizon = now + sweep.lead_times.longest(KIND)
    series = ~Q(recurrence="")
    known = series & Q(updated_at__lte=now, next_occurrence_at__gte=now)
    # meeting_starts_at_idx, meeting_next_idx.
    single = Q(recurrence="", starts_at__gte=now, starts_at__lte=horizon) | (
        known & Q(next_occurrence_at__lte=horizon, next_occurrence_at__gt=horizon - MIN_SPACING)
    )
    several = known & Q(next_occurrence_at__lte=horizon - MIN_SPACING)
    unknown = (
        series & Q(starts_at__lte=horizon) & (Q(next_occurrence_at__lt=now) | Q(updated_at__gt=now))
    )
    # An instance cancelled or moved in the window, or moved into it: expanded with its
    # exceptions (occurrence_moved_idx; the unique key for the original starts).
    excepted = Exists(
        MeetingOccurrence.objects.filter(
            selectors.exceptions_only(), meeting_id=OuterRef("pk")
        ).filter(
            Q(original_start__gte=now, original_start__lte=horizon)
            | Q(starts_at__gte=now, starts_at__lte=horizon)
        )
    )
    rows = (
        Meeting.objects.exclude(vendor__status=Vendor.Status.ENDED)
        .annotate(excepted=excepted)
        .alias(
            reminder_occurrence=Case(
                When(recurrence="", then=F("starts_at")), default=F("next_occurrence_at")
            ),
            reminder_lead_bound=Case(
                *(When(reminder_occurrence__lte=now + lead, then=Value(lead)) for lead in leads),
                default=None,
                output_field=DurationField(),
            ),
        )
        .filter(unknown | several | Q(excepted=True) | (single & _not_reminded()))
        .order_by()
        .values_list(
            "pk",
            "vendor_id",
            "vendor__owner_id",
            "starts_at",
            "duration_minutes",
            "time_zone",
            "recurrence",
            "next_occurrence_at",
            "updated_at",
            "excepted",
        )
    )
    rows = list(rows)
    overrides = _overrides([row[0] for row in rows if row[-1]])
    expanded = {}
    occurring = []
    for pk, vendor_id, owner_id, starts_at, duration, zone, rule, upcoming, saved, exc in rows:
        if exc:
            series = {
                "starts_at": starts_at,
                "duration_minutes": duration,
                "time_zone": zone,
                "recurrence": rule,
            }
            found = _expand(pk, series, now, horizon)
            found = recurrence.with_overrides(
                found,
                overrides.get(pk, ()),
                series=series,
                start=now,
                end=horizon + dt.timedelta(microseconds=1),
            )
            if found:
                occurring.append((pk, vendor_id, owner_id, [o.starts_at for o in found]))
            continue
        stored = rule and saved <= now and upcoming is not None and now <= upcoming
        if stored and upcoming > horizon - MIN_SPACING:
            # A series `single` let through: its stored next occurrence is its only one here.
            occurring.append((pk, vendor_id, owner_id, [upcoming]))
            continue
        key = (
            recurrence.recent_series_start(starts_at, zone, rule, now),
            duration,
            zone,
            rule,
        )
        if key not in expanded:
            series = {
                "starts_at": key[0],
                "duration_minutes": duration,
                "time_zone": zone,
                "recurrence": rule,
            }
            expanded[key] = [o.starts_at for o in _expand(pk, series, now, horizon)]
        if expanded[key]:
            occurring.append((pk, vendor_id, owner_id, expanded[key]))
    # Attendees only of the meetings that have an occurrence in the window.
    attendees = defaultdict(list)
    through = Meeting.attendees.through
    for batch in chunks([row[0] for row in occurring], settings.GOVERNANCE_REMINDER_BATCH_SIZE):
        pairs = through.objects.filter(meeting_id__in=batch).order_by("pk")
        for meeting_id, user_id in pairs.values_list("meeting_id", "user_id"):
            attendees[meeting_id].append(user_id)
    recipients = sweep.recipients
    recipients.load(
        [*(pk for ids in attendees.values() for pk in ids), *(row[2] for row in occurring)]
    )
    for pk, vendor_id, owner_id, occurrences in occurring:
        for starts_at in occurrences:
            for recipient in recipients.each([*attendees[pk], owner_id], KIND):
                passed = [lead for lead in recipient.lead_times(KIND) if starts_at - lead <= now]
                if passed:
                    lead = min(passed)
                    yield Due(KIND, Meeting, pk, vendor_id, starts_at, lead, recipient.user_id)


def _expand(pk, series, now, horizon):
    """The series' occurrences from ``now`` to ``horizon`` (included); none, logged, for a
    schedule that cannot be read."""
    try:
        return recurrence.meeting_occurrences(
            **series, start=now, end=horizon + dt.timedelta(microseconds=1)
        )
    except (ValueError, zoneinfo.ZoneInfoNotFoundError) as error:
        log.warning("Meeting %s has an unusable schedule: %s", pk, error)
        return []


def _overrides(meeting_ids):
    """The cancelled and moved instances of these meetings, by meeting."""
    found = defaultdict(list)
    records = MeetingOccurrence.objects.filter(selectors.exceptions_only())
    for batch in chunks(meeting_ids, settings.GOVERNANCE_REMINDER_BATCH_SIZE):
        for record in records.filter(meeting_id__in=batch).order_by("pk"):
            found[record.meeting_id].append(record.as_override())
    return found


def _not_reminded():
    """Somebody (the owner or an attendee) lacks the current reminder of the occurrence."""
    rows = reminders_of(KIND, Meeting, lead_bound="reminder_lead_bound")
    attendee_rows = Reminder.objects.filter(
        kind=KIND,
        content_type=ContentType.objects.get_for_model(Meeting),
        object_id=OuterRef("meeting_id"),
        occurrence=OuterRef(OuterRef("reminder_occurrence")),
        lead_time__lte=OuterRef(OuterRef("reminder_lead_bound")),
        recipient_id=OuterRef("user_id"),
    )
    attendee_lacking = Meeting.attendees.through.objects.filter(
        ~Q(Exists(attendee_rows)), meeting_id=OuterRef("pk")
    )
    return lacking(rows, ["vendor__owner_id"]) | Q(Exists(attendee_lacking))


def still_due(reminder, meeting):
    starts_at = reminder.occurrence
    still = selectors.meeting_occurrences(
        meeting, start=starts_at, end=starts_at + dt.timedelta(microseconds=1)
    )
    if not still:
        return "the meeting no longer has this occurrence"
    if starts_at <= timezone.now():
        return "the meeting has already started"
    return ""


def carried_notes(carried):
    """The carried action items as lines of the calendar event's description."""
    if not carried.count:
        return ""
    items = [
        f"- {item.description}" + (f" (due {day_text(item.due_date)})" if item.due_date else "")
        for item in carried.items
    ]
    more = [f"... and {carried.more} more"] if carried.more else []
    return "\n".join([f"Carried over: {carried.count} open action item(s)", *items, *more])


def message(reminder, meeting):
    starts_at = reminder.occurrence
    occurrence = next(
        iter(
            selectors.meeting_occurrences(
                meeting, start=starts_at, end=starts_at + dt.timedelta(seconds=1)
            )
        ),
        None,
    )
    carried = open_action_items(meeting.vendor_id)
    email = messages.email(
        reminder,
        {
            "meeting": meeting,
            "vendor": meeting.vendor,
            "starts_at": starts_at,
            "ends_at": starts_at + dt.timedelta(minutes=meeting.duration_minutes),
            "lead_hours": int(reminder.lead_time.total_seconds() // 3600),
            "meeting_zone": meeting.time_zone,
            "attendees": list(meeting.attendees.order_by("username")),
            "contacts": list(meeting.contacts.all()),
            # The vendor's open action items, carried into this occurrence's agenda.
            "carried": carried,
        },
        url=messages.url_of(meeting),
    )
    if occurrence is not None:
        email.attach(
            "meeting.ics",
            ical.meeting_ics(meeting, occurrence, notes=carried_notes(carried)),
            "text/calendar; method=PUBLISH; charset=UTF-8",
        )
    return email


registry.register(
    registry.Kind(
        code=KIND,
        model=Meeting,
        template="meeting",
        due=due,
        still_due=still_due,
        message=message,
        default_lead_times=("24h",),
        related=("vendor", "vendor__owner"),
    )
)
