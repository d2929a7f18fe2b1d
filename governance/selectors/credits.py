"""Service credits and SLA compliance for any period, counted in the database."""

import datetime as dt

from django.utils import timezone

from governance.domain import credits
from governance.models import CreditPolicy, CreditStatement, Incident
from governance.selectors.incidents import _met_and_breached, sla_compliance


def day_start(day):
    """The aware start of ``day`` in the current time zone (where months and periods begin)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def month_bounds(month):
    """``[start, end)`` of the calendar month beginning on ``month``, in the current zone."""
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return day_start(month), day_start(following)


def sla_compliance_for_period(vendor, *, start, end, now=None):
    """Resolution targets met and breached by ``vendor``'s incidents opened from the day
    ``start`` to the day ``end`` (both included), as of ``now``: ``{"met", "breached",
    "compliance_percent"}`` (percent with two decimals, None without targets). One query."""
    row = sla_compliance(
        [vendor], start=day_start(start), end=day_start(end + dt.timedelta(days=1)), now=now
    ).get(vendor.pk, {"met": 0, "breached": 0})
    return {
        "met": row["met"],
        "breached": row["breached"],
        "compliance_percent": credits.compliance_percent(row["met"], row["breached"]),
    }


def sla_counts_by_priority(vendor, *, start, end, now=None):
    """``{priority: {"met": n, "breached": n}}`` for ``vendor``'s incidents opened in
    ``[start, end)``, as of ``now`` (the met/breached rule of ``Incident``). One query."""
    now = now or timezone.now()
    rows = (
        Incident.objects.filter(
            vendor=vendor,
            opened_at__gte=start,
            opened_at__lt=end,
            resolution_due_at__isnull=False,
        )
        .values("priority")
        .annotate(**_met_and_breached(now))
        .order_by()
    )
    return {row["priority"]: {"met": row["met"], "breached": row["breached"]} for row in rows}


def credit_policy_of(vendor):
    """``vendor``'s credit policy (with its vendor), or None."""
    return CreditPolicy.objects.select_related("vendor").filter(vendor=vendor).first()


def credit_statements(vendors):
    """The statements of ``vendors``, newest month first, with their vendor."""
    return CreditStatement.objects.filter(vendor__in=vendors).select_related("vendor")
