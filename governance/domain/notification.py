"""The two clocks of a security incident: pure arithmetic on times, no database.

The vendor's clock runs from detection for the window of the breach-notification clause in
force at detection; ours (the supervisory authority's) runs from our awareness for the hours
of ``GOVERNANCE_AUTHORITY_NOTIFICATION_HOURS``, and only when personal data is affected.

A window is counted in elapsed hours, so across a change to or from summer time a 24-hour
window ends an hour later or earlier on the wall clock. Which clause is in force is a matter
of calendar days (a contract's effective and expiry dates), judged on the detection's date in
the vendor's time zone.
"""

import dataclasses
import datetime as dt

from django.db import models
from django.db.models import Q

from governance.domain.health import share_percent
from governance.domain.models.incidents import IncidentCategory
from governance.domain.zones import zone_or_utc


class NotificationStatus(models.TextChoices):
    RUNNING = "running", "Running"
    ON_TIME = "on_time", "On time"
    LATE = "late", "Late"
    OVERDUE = "overdue", "Overdue"
    NO_CLAUSE = "no_clause", "No clause in force"


# A clock still waiting for its notification: running, or past its deadline.
UNANSWERED = frozenset({NotificationStatus.RUNNING, NotificationStatus.OVERDUE})


def is_unanswered(clock):
    """Whether ``clock`` (or None: no clock) still waits for its notification."""
    return clock is not None and clock.status in UNANSWERED


def awaiting_notification():
    """The security incidents with a notification not recorded yet (the vendor's, or ours
    to the authority when personal data is affected), as a query condition: the only ones
    whose clocks can still be running or overdue."""
    return Q(category=IncidentCategory.SECURITY) & (
        Q(vendor_notified_at__isnull=True)
        | Q(personal_data_affected=True, authority_notified_at__isnull=True)
    )


@dataclasses.dataclass(frozen=True)
class Clock:
    """One notification clock as of a moment.

    ``due_at`` is None only for ``no_clause``. ``left`` is the time left while ``running``;
    ``late_by`` how late the notification came (``late``) or how far past the deadline it is
    still missing (``overdue``).
    """

    status: str
    due_at: dt.datetime | None = None
    left: dt.timedelta | None = None
    late_by: dt.timedelta | None = None


@dataclasses.dataclass(frozen=True)
class ClauseVersion:
    """A breach-notification clause as it stood from ``recorded_at`` (None: deleted then)."""

    recorded_at: dt.datetime
    clause: object | None


def _after(moment, hours):
    # In UTC: Python adds a timedelta to the wall clock of a moment's own zone, which across
    # a change of summer time would give an hour more or less than elapsed.
    return moment.astimezone(dt.UTC) + dt.timedelta(hours=hours)


def clock(due_at, done_at, now):
    """The status of a deadline ``due_at`` met at ``done_at`` (None: not yet), as of ``now``.

    A notification exactly at the deadline is on time.
    """
    if done_at is not None:
        if done_at <= due_at:
            return Clock(NotificationStatus.ON_TIME, due_at)
        return Clock(NotificationStatus.LATE, due_at, late_by=done_at - due_at)
    if now <= due_at:
        return Clock(NotificationStatus.RUNNING, due_at, left=due_at - now)
    return Clock(NotificationStatus.OVERDUE, due_at, late_by=now - due_at)


def notified_on_time_percent(on_time, late, overdue):
    """The share (0-100) of ended vendor clocks that ended on time; None when none has ended.

    A running clock has not ended yet, and ``no_clause`` had no clock: neither counts.
    """
    return share_percent(on_time, on_time + late + overdue)


def detection_day(detected_at, time_zone):
    """The calendar day of a detection in the vendor's time zone."""
    return detected_at.astimezone(zone_or_utc(time_zone)).date()


def clause_in_force_at(versions, detected_at, time_zone):
    """The clause version in force at detection, or None.

    ``versions`` are one vendor's breach-notification clause versions, oldest first. The one
    that counts is the version on file at detection (a clause recorded only afterwards is
    taken as first recorded); it must be in force on the detection day: agreed or verified,
    effective by then and not yet expired.
    """
    on_file = [version for version in versions if version.recorded_at <= detected_at]
    chosen = on_file[-1] if on_file else next(iter(versions), None)
    if chosen is None or chosen.clause is None:
        return None
    clause = chosen.clause
    day = detection_day(detected_at, time_zone)
    if clause.effective_date is not None and clause.effective_date > day:
        return None
    return clause if clause.is_in_force(day) else None


def vendor_clock(incident, clause, now):
    """The vendor's notification clock of a security incident against ``clause`` (the one in
    force at detection, or None), as of ``now``; None for a service incident."""
    if incident.category != IncidentCategory.SECURITY or incident.detected_at is None:
        return None
    if clause is None or not clause.notification_hours:
        return Clock(NotificationStatus.NO_CLAUSE)
    due_at = _after(incident.detected_at, clause.notification_hours)
    return clock(due_at, incident.vendor_notified_at, now)


def awareness(incident):
    """When we became aware of a security incident: the vendor's notification, or the
    opening of the incident here if that came first (we found it, or recorded it, before
    the vendor told us)."""
    moments = [incident.opened_at, incident.vendor_notified_at]
    return min(moment for moment in moments if moment is not None)


def authority_clock(incident, hours, now):
    """Our clock towards the supervisory authority (``hours`` from awareness), as of ``now``;
    None unless a security incident affects personal data."""
    if incident.category != IncidentCategory.SECURITY or not incident.personal_data_affected:
        return None
    due_at = _after(awareness(incident), hours)
    return clock(due_at, incident.authority_notified_at, now)


# The reminders of a running clock: at the deadline, with three quarters of its window gone,
# with half gone; as the share of the window still left then.
REMINDER_STAGES = ((0, "deadline"), (0.25, "three quarters"), (0.5, "half time"))


def stage_leads(started_at, due_at):
    """The lead times (before ``due_at``) of a clock's reminders, shortest first."""
    window = max(due_at - started_at, dt.timedelta(0))
    return tuple(window * share for share, _name in REMINDER_STAGES)


def stage_due(started_at, due_at, now):
    """The lead time of the clock's reminder current at ``now``: the nearest stage that has
    come (one reminder, not a burst of those a late sweep missed); None before half time."""
    passed = [lead for lead in stage_leads(started_at, due_at) if due_at - lead <= now]
    return min(passed) if passed else None


def stage_name(started_at, due_at, lead):
    """``half time``, ``three quarters`` or ``deadline``: the stage of lead time ``lead``;
    "" when the clock's window changed since."""
    leads = stage_leads(started_at, due_at)
    for stage_lead, (_share, name) in zip(leads, REMINDER_STAGES, strict=True):
        if stage_lead == lead:
            return name
    return ""


def span_text(span):
    """A duration as people say it: ``2 d 3 h``, ``5 h 10 min``, ``12 min``."""
    minutes = int(span.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


def describe_clock(clock):
    """A clock's status in words, with the time left or how late: ``Running, 14 h left``."""
    label = NotificationStatus(clock.status).label
    if clock.left is not None:
        return f"{label}, {span_text(clock.left)} left"
    if clock.late_by is not None:
        return f"{label} by {span_text(clock.late_by)}"
    return label
