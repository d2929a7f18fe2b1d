"""SLA compliance and incidents with their breach flags, computed in the database."""

import datetime as dt

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Q,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from governance.domain.health import _percent
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
            met=Count("id", filter=Q(resolved_at__lte=F("resolution_due_at"))),
            breached=Count(
                "id",
                filter=Q(resolved_at__gt=F("resolution_due_at"))
                | Q(resolved_at__isnull=True, resolution_due_at__lt=now),
            ),
        )
        .order_by()
    )
    return {
        row["vendor_id"]: {
            "met": row["met"],
            "breached": row["breached"],
            "compliance": _percent(row["met"], row["met"] + row["breached"]),
        }
        for row in rows
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
            met=Count("id", filter=Q(resolved_at__lte=F("resolution_due_at"))),
            breached=Count(
                "id",
                filter=Q(resolved_at__gt=F("resolution_due_at"))
                | Q(resolved_at__isnull=True, resolution_due_at__lt=now),
            ),
        )
        .order_by("month")
    )
    return [
        {
            "month": row["month"],
            "met": row["met"],
            "breached": row["breached"],
            "compliance": _percent(row["met"], row["met"] + row["breached"]),
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
    """True when the target ``due`` passed without ``done``, or ``done`` came after it.

    Each branch tests for NULL explicitly, so the flag is True or False, never NULL
    (``done > due`` alone is NULL while not done).
    """
    return ExpressionWrapper(
        Q(**{f"{due}__isnull": False})
        & (
            Q(**{f"{done}__isnull": False, f"{done}__gt": F(due)})
            | Q(**{f"{done}__isnull": True, f"{due}__lt": now})
        ),
        output_field=BooleanField(),
    )


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
