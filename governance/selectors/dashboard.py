"""What is due soon across vendors: reviews, incidents, clauses, goals, meetings, reminders,
the notification clocks still running and the year's service credits."""

import dataclasses
import datetime as dt

from django.db.models import (
    F,
    Q,
    prefetch_related_objects,
)

from governance.domain.notification import Clock, awaiting_notification, is_unanswered
from governance.models import (
    CreditStatement,
    Goal,
    Incident,
    Review,
    SecurityClause,
)
from governance.selectors.meetings import exceptions_prefetch
from governance.selectors.notification import notification_clocks
from governance.selectors.vendor_obligations import totals_of


def reviews_due(vendors, *, today, days=30):
    """Open reviews of ``vendors`` scheduled up to ``days`` ahead, overdue ones included."""
    return (
        Review.objects.filter(
            vendor__in=vendors,
            status__in=Review.OPEN_STATUSES,
            scheduled_for__lte=today + dt.timedelta(days=days),
        )
        .select_related("vendor", "reviewer")
        .order_by("scheduled_for", "id")
    )


def expiring_clauses(vendors, *, today, days=60):
    """Clauses of ``vendors`` expiring or due for verification within ``days`` (or overdue)."""
    horizon = today + dt.timedelta(days=days)
    return (
        SecurityClause.objects.filter(vendor__in=vendors)
        .exclude(status=SecurityClause.Status.MISSING)
        .filter(Q(expires_on__lte=horizon) | Q(next_verification_due__lte=horizon))
        .select_related("vendor")
        .order_by(F("expires_on").asc(nulls_last=True), "next_verification_due", "id")
    )


def goals_at_risk(vendors, *, today, days=14):
    """Active goals of ``vendors`` that are at risk, overdue, or due within ``days``."""
    return (
        Goal.objects.filter(vendor__in=vendors, status__in=Goal.ACTIVE_STATUSES)
        .filter(Q(status=Goal.Status.AT_RISK) | Q(due_date__lte=today + dt.timedelta(days=days)))
        .select_related("vendor", "owner")
        .order_by("due_date", "id")
    )


def next_meetings(vendors, *, now, end, limit):
    """The meetings of ``vendors`` that hold the first ``limit`` occurrences in [now, end).

    From the stored next occurrences (``governance.services.figures``): the ``limit`` meetings whose
    next occurrence comes first, plus any whose stored one has already begun (not yet moved
    on by the periodic refresh), which the caller expands like the others. Three queries
    (with their exceptions), however many meetings the vendors hold.
    """
    from governance.models import Meeting

    meetings = Meeting.objects.filter(vendor__in=vendors).select_related("vendor")
    begun = list(meetings.filter(next_occurrence_at__lt=now))
    coming = meetings.filter(next_occurrence_at__gte=now, next_occurrence_at__lt=end).order_by(
        "next_occurrence_at", "id"
    )
    found = begun + list(coming[:limit])
    # Their cancelled and moved instances, for the caller's expansion: one query more.
    prefetch_related_objects(found, exceptions_prefetch())
    return found


def vendor_reminders(vendor):
    """Reminders sent or due for ``vendor``, newest first."""
    from governance.models import Reminder

    return (
        Reminder.objects.filter(vendor=vendor)
        .select_related("recipient", "recipient_contact", "content_type")
        .order_by("-created_at", "-id")
    )


# --- notification clocks -------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RunningClock:
    """One notification clock still waiting for its notification: ``whose`` is ``vendor``
    (the vendor's notification to us) or ``authority`` (ours to the supervisory authority)."""

    incident: Incident
    whose: str
    clock: Clock


def running_notification_clocks(vendors, *, now):
    """The clocks of ``vendors``' security incidents still waiting for a notification
    (running or overdue), most urgent first: the most overdue, then the least time left.

    Three queries however many there are: the incidents missing a notification (with their
    vendor), then the two of ``notification_clocks``. Only incidents missing one are read,
    whatever their status: a clock stops at the notification, not at the resolution.
    """
    incidents = list(
        Incident.objects.filter(awaiting_notification(), vendor__in=vendors)
        .select_related("vendor")
        .order_by("detected_at", "id")
    )
    clocks = notification_clocks(incidents, now=now)
    running = []
    for incident in incidents:
        both = clocks[incident.pk]
        for whose, clock in (("vendor", both.vendor), ("authority", both.authority)):
            if is_unanswered(clock):
                running.append(RunningClock(incident, whose, clock))
    # One order for both statuses: an overdue clock's deadline lies before any running one's.
    running.sort(key=lambda item: (item.clock.due_at, item.incident.pk, item.whose))
    return running


# --- service credits -----------------------------------------------------------------------


def portfolio_credit_totals(vendors, *, year):
    """``[CreditTotals]`` (one per currency, by its code) of the statements of ``vendors``
    for the months of ``year``: as ``vendor_obligations.credit_totals`` gives them for one
    vendor, summed in the database across the portfolio. One query."""
    return totals_of(
        CreditStatement.objects.filter(
            vendor__in=vendors, month__gte=dt.date(year, 1, 1), month__lte=dt.date(year, 12, 1)
        )
    )
