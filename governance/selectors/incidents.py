"""SLA compliance and incidents with their breach flags, computed in the database."""

import datetime as dt

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from governance.domain.health import share_percent
from governance.models import (
    Incident,
)


def sla_compliance(vendors, *, start, end, now=None):
    """SLA compliance per vendor for incidents opened in [start, end), computed in the database.

    Returns ``{vendor_id: {"met": n, "breached": n, "compliance": percent or None}}``.
    """
    now = now or timezone.now()
    rows = (
        Incident.objects.filter(
            vendor__in=vendors,
            opened_at__gte=start,
            opened_at__lt=end,
            resolution_due_at__isnull=False,
        )
        .values("vendor_id")
        .annotate(
            **_met_and_breached(now),
        )
        .order_by()
    )
    return {
        row["vendor_id"]: {
            "met": row["met"],
            "breached": row["breached"],
            "compliance": share_percent(row["met"], row["met"] + row["breached"]),
        }
        for row in rows
    }


def _met_and_breached(now):
    """Counts of resolution targets met and breached (incidents within their target, or
    without one, count neither way)."""
    return {
        "met": Count("id", filter=Incident.target_met("resolution_due_at", "resolved_at")),
        "breached": Count(
            "id", filter=Incident.target_breached("resolution_due_at", "resolved_at", now)
        ),
    }


def sla_compliance_by_month(vendor, *, months=12, now=None):
    """Monthly SLA compliance of one vendor for the last ``months`` months (for charts)."""
    now = now or timezone.now()
    start = (now - dt.timedelta(days=31 * months)).replace(day=1, hour=0, minute=0, second=0)
    rows = (
        Incident.objects.filter(
            vendor=vendor, opened_at__gte=start, resolution_due_at__isnull=False
        )
        .annotate(month=TruncMonth("opened_at"))
        .values("month")
        .annotate(
            **_met_and_breached(now),
        )
        .order_by("month")
    )
    return [
        {
            "month": row["month"],
            "met": row["met"],
            "breached": row["breached"],
            "compliance": share_percent(row["met"], row["met"] + row["breached"]),
        }
        for row in rows
    ]


def incidents_with_breach_flags(queryset, *, now=None):
    """Incidents annotated with ``response_breached`` / ``resolution_breached`` (as of now).

    A target counts as breached when it passed without the acknowledgement or resolution,
    also while the incident is still open.
    """
    now = now or timezone.now()
    return queryset.annotate(
        response_breached=_breached("response_due_at", "acknowledged_at", now),
        resolution_breached=_breached("resolution_due_at", "resolved_at", now),
    )


def _breached(due, done, now):
    return ExpressionWrapper(Incident.target_breached(due, done, now), output_field=BooleanField())


def open_incidents(vendors, *, now=None):
    """Open incidents of ``vendors`` with breach flags: breached first, then by resolution due."""
    return (
        incidents_with_breach_flags(
            Incident.objects.filter(vendor__in=vendors, status__in=Incident.OPEN_STATUSES),
            now=now,
        )
        .select_related("vendor")
        .order_by(
            "-resolution_breached",
            "-response_breached",
            F("resolution_due_at").asc(nulls_last=True),
            "opened_at",
        )
    )
