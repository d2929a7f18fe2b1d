"""A vendor's meetings and their coming occurrences."""

import datetime as dt

from governance.domain import recurrence

# How far ahead a meeting's next occurrence is looked for.
HORIZON = dt.timedelta(days=400)


def meeting_occurrences(meeting, *, start, end):
    """The meeting's occurrences starting in [start, end), expanded in its own time zone."""
    return recurrence.meeting_occurrences(
        starts_at=meeting.starts_at,
        duration_minutes=meeting.duration_minutes,
        time_zone=meeting.time_zone,
        recurrence=meeting.recurrence,
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
        vendor.meetings.prefetch_related("attendees", "contacts").order_by("starts_at", "id")
    )
    for meeting in meetings:
        coming = upcoming_occurrences(meeting, now=now, limit=1)
        meeting.next_occurrence = coming[0] if coming else None
    meetings.sort(
        key=lambda m: (m.next_occurrence is None, m.next_occurrence and m.next_occurrence.starts_at)
    )
    return meetings
