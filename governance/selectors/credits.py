"""Service credits and SLA compliance for any period, counted in the database."""

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from governance.domain import credits
from governance.models import CreditPolicy, CreditStatement, Incident, Vendor
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
    return sla_counts_by_vendor_and_priority([vendor], start=start, end=end, now=now).get(
        vendor.pk, {}
    )


def sla_count_rows(vendors, *, start, end, now=None):
    """The rows ``(vendor_id, priority, met, breached)`` counting the incidents of ``vendors``
    (a queryset, used as a subquery, or a list) opened in ``[start, end)`` whose resolution
    target was met or breached as of ``now``: a grouped query, also usable as a subquery of a
    computation in the database (``services.credits``)."""
    now = now or timezone.now()
    return (
        Incident.objects.filter(
            vendor__in=vendors,
            opened_at__gte=start,
            opened_at__lt=end,
            resolution_due_at__isnull=False,
        )
        .values("vendor_id", "priority")
        .annotate(**_met_and_breached(now))
        .order_by()
    )


def sla_counts_by_vendor_and_priority(vendors, *, start, end, now=None):
    """``{vendor_id: {priority: {"met": n, "breached": n}}}`` for ``sla_count_rows``. One
    grouped query, whatever the number of vendors; a vendor with no counted incident is
    absent."""
    counts = {}
    for row in sla_count_rows(vendors, start=start, end=end, now=now):
        counts.setdefault(row["vendor_id"], {})[row["priority"]] = {
            "met": row["met"],
            "breached": row["breached"],
        }
    return counts


def credit_policies_for_month(month, *, vendors=None):
    """The credit policies (with their vendor) whose statement for the month beginning on
    ``month`` is computed: those of ``vendors`` (a queryset or a list), or by default of every
    vendor that is not ended, or whose contract ended no earlier than that month (its last
    month still has a statement)."""
    if vendors is None:
        vendors = Vendor.objects.filter(~Q(status=Vendor.Status.ENDED) | Q(contract_end__gte=month))
    return CreditPolicy.objects.filter(vendor__in=vendors).select_related("vendor").order_by()


def credit_policy_of(vendor):
    """``vendor``'s credit policy (with its vendor), or None."""
    return CreditPolicy.objects.select_related("vendor").filter(vendor=vendor).first()


def credit_statements(vendors):
    """The statements of ``vendors``, newest month first, with their vendor."""
    return CreditStatement.objects.filter(vendor__in=vendors).select_related("vendor")
