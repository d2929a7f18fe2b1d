"""What is due soon across vendors: reviews, incidents, clauses, goals, meetings, reminders."""

import datetime as dt

from django.db.models import (
    F,
    Q,
)

from governance.models import (
    Goal,
    Review,
    SecurityClause,
)


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
    on by the periodic refresh), which the caller expands like the others. Two queries,
    however many meetings the vendors hold.
    """
    from governance.models import Meeting

    meetings = Meeting.objects.filter(vendor__in=vendors).select_related("vendor")
    begun = list(meetings.filter(next_occurrence_at__lt=now))
    coming = meetings.filter(next_occurrence_at__gte=now, next_occurrence_at__lt=end).order_by(
        "next_occurrence_at", "id"
    )
    return begun + list(coming[:limit])


def vendor_reminders(vendor):
    """Reminders sent or due for ``vendor``, newest first."""
    from governance.models import Reminder

    return (
        Reminder.objects.filter(vendor=vendor)
        .select_related("recipient", "content_type")
        .order_by("-created_at", "-id")
    )
