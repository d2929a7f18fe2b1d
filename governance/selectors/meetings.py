"""A vendor's meetings and their coming occurrences, with the exceptions recorded for them
(cancelled instances left out, moved ones at their new time)."""

import datetime as dt

from django.db.models import Prefetch, Q

from governance.domain import recurrence
from governance.models import MeetingOccurrence

# How far ahead a meeting's next occurrence is looked for.
HORIZON = dt.timedelta(days=400)


def series_of(meeting):
    """The arguments that describe ``meeting``'s schedule to ``governance.domain.recurrence``."""
    return {
        "starts_at": meeting.starts_at,
        "duration_minutes": meeting.duration_minutes,
        "time_zone": meeting.time_zone,
        "recurrence": meeting.recurrence,
    }


def exceptions_only():
    """The records that change a series: cancelled or moved instances."""
    return Q(status=MeetingOccurrence.Status.CANCELLED) | Q(starts_at__isnull=False)


def exceptions_prefetch():
    """Prefetch a meeting's cancelled and moved occurrences as ``exceptions``."""
    return Prefetch(
        "occurrences",
        queryset=MeetingOccurrence.objects.filter(exceptions_only()),
        to_attr="exceptions",
    )


def with_exceptions(meetings):
    """``meetings`` (a queryset) with their exceptions prefetched as ``exceptions``, so
    expanding many of them costs one query more."""
    return meetings.prefetch_related(exceptions_prefetch())


def overrides_of(meeting):
    """The meeting's exceptions as ``recurrence.Override``; prefetched ones if there are."""
    records = getattr(meeting, "exceptions", None)
    if records is None:
        if meeting.pk is None:
            return []
        records = MeetingOccurrence.objects.filter(exceptions_only(), meeting=meeting)
    return [record.as_override() for record in records]


def meeting_occurrences(meeting, *, start, end):
    """The meeting's occurrences starting in [start, end), expanded in its own time zone,
    its cancelled instances left out and its moved ones at their new time."""
    series = series_of(meeting)
    return recurrence.with_overrides(
        recurrence.meeting_occurrences(**series, start=start, end=end),
        overrides_of(meeting),
        series=series,
        start=start,
        end=end,
    )


def upcoming_occurrences(meeting, *, now, limit=None):
    """The occurrences of ``meeting`` from ``now`` on (within ``HORIZON``), at most ``limit``."""
    return meeting_occurrences(meeting, start=now, end=now + HORIZON)[:limit]


def meetings_with_next(vendor, *, now):
    """The vendor's meetings with their people, each with ``next_occurrence`` (None when none
    is left), the soonest first and those without one last."""
    meetings = list(
        with_exceptions(vendor.meetings.prefetch_related("attendees", "contacts")).order_by(
            "starts_at", "id"
        )
    )
    for meeting in meetings:
        coming = upcoming_occurrences(meeting, now=now, limit=1)
        meeting.next_occurrence = coming[0] if coming else None
    meetings.sort(
        key=lambda m: (m.next_occurrence is None, m.next_occurrence and m.next_occurrence.starts_at)
    )
    return meetings


def occurrence_records(meeting):
    """The meeting's occurrence records by original start, with attendance and decisions."""
    return {
        record.original_start: record
        for record in meeting.occurrences.select_related("signed_off_by")
        .prefetch_related("attendees", "contacts", "decisions__recorded_by")
        .order_by("original_start")
    }


def meeting_calendar(meeting, *, now, ahead=8, behind=8):
    """The coming (at most ``ahead``) and past (at most ``behind``, latest first) instances of
    ``meeting`` as ``(occurrence, record)`` pairs: moved ones at their new time, cancelled ones
    kept (their record says so) so they can be seen and restored; the record None while
    nothing was recorded."""
    records = occurrence_records(meeting)
    series = series_of(meeting)
    moved = [
        r.as_override()
        for r in records.values()
        if r.starts_at is not None and r.status != MeetingOccurrence.Status.CANCELLED
    ]

    def window(start, end):
        found = recurrence.with_overrides(
            recurrence.meeting_occurrences(**series, start=start, end=end),
            moved,
            series=series,
            start=start,
            end=end,
        )
        # Cancelled instances stay listed, marked by their record.
        return [(o, records.get(o.recurrence_id)) for o in found]

    coming = window(now, now + HORIZON)
    past = window(now - HORIZON, now)
    return coming[:ahead], list(reversed(past))[:behind]
