"""What is due soon across vendors: reviews, clauses, goals, meetings, reminders and the
year's service credits. (The notification clocks still running are read, ordered and cut in
the database with the rest of "Needs attention": ``selectors.attention``.)"""

import datetime as dt

from django.db.models import (
    F,
    Q,
    Sum,
    prefetch_related_objects,
)

from governance.models import (
    CreditStatement,
    CreditYearTotal,
    Goal,
    Review,
    SecurityClause,
)
from governance.selectors.meetings import exceptions_prefetch
from governance.selectors.vendor_obligations import totals_from_sums, totals_of
from governance.selectors.vendors import vendors_with_figures


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


def weakest_vendors(vendors, *, limit):
    """The first ``limit`` of ``vendors`` (with their stored figures) by health, weakest
    first, then by name; those with no health figure last, as the vendor list sorted by
    health shows them. The ones with a figure are read along ``figures_health_idx`` (the
    ranking sorted every vendor: 10 ms at 10,000); one query, two when fewer than ``limit``
    have one."""
    ranked = vendors_with_figures(vendors)
    weakest = list(
        ranked.filter(health_score__isnull=False).order_by("health_score", "name", "pk")[:limit]
    )
    if len(weakest) < limit:
        weakest += ranked.filter(health_score__isnull=True).order_by("name", "pk")[
            : limit - len(weakest)
        ]
    return weakest


def vendor_reminders(vendor):
    """Reminders sent or due for ``vendor``, newest first."""
    from governance.models import Reminder

    return (
        Reminder.objects.filter(vendor=vendor)
        .select_related("recipient", "recipient_contact", "content_type")
        .order_by("-created_at", "-id")
    )


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


def credit_year_totals(*, year):
    """``[CreditTotals]`` of every vendor's statements for the months of ``year``, as
    ``portfolio_credit_totals`` gives them for the whole portfolio: from the stored sums
    (``CreditYearTotal``, kept by database triggers), a few rows whatever the number of
    statements. One query."""
    return totals_from_sums(
        CreditYearTotal.objects.filter(year=year)
        .values("currency", "status")
        .annotate(total=Sum("amount"), count=Sum("statements"))
        .order_by("currency", "status")
    )
