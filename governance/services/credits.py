"""Service credits: policies and the monthly statements computed under them."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from governance.domain import credits
from governance.models import CreditStatement
from governance.selectors.credits import credit_policy_of, month_bounds, sla_counts_by_priority
from governance.services.saving import use_case, validated_save


@use_case
def credit_policy_save(policy):
    """Validate and save ``policy`` (one per vendor)."""
    return validated_save(policy)


@use_case
def credit_statement_compute(vendor, *, month, now=None):
    """Compute or recompute ``vendor``'s statement for the month of the date ``month``.

    Counts the incidents opened in that month (in the current time zone) whose resolution
    target was met or breached as of ``now``: one still open within its target counts
    neither way yet, one open past it counts as breached (``Incident.target_breached``), so a
    month recomputed later may change. A status set by hand (claimed, received, waived) and
    its note are kept while the amount stays the same; a new amount starts again at due (or
    none, with nothing owed). A fixed number of queries, whatever the number of incidents.
    """
    now = now or timezone.now()
    month = CreditStatement.first_of_month(month)
    if month > timezone.localdate(now):
        raise ValidationError({"month": "This month has not begun."})
    policy = credit_policy_of(vendor)
    if policy is None:
        raise ValidationError({"vendor": "This vendor has no credit policy."})
    start, end = month_bounds(month)
    counts = sla_counts_by_priority(vendor, start=start, end=end, now=now)
    met = sum(row["met"] for row in counts.values())
    breached = sum(row["breached"] for row in counts.values())
    by_priority = {
        priority: row["breached"] for priority, row in sorted(counts.items()) if row["breached"]
    }
    amount = credits.credit_due(
        fee=policy.fee,
        bands=policy.bands,
        per_breach=policy.per_breach,
        cap_percent=policy.cap_percent,
        met=met,
        breached=breached,
        breaches_by_priority=by_priority,
    )
    statement = CreditStatement.objects.select_for_update().filter(
        vendor=vendor, month=month
    ).first() or CreditStatement(vendor=vendor, month=month)
    if statement.pk is None or statement.credit_due != amount:
        statement.credit_due = amount
        statement.status = statement.status_when_computed
        statement.status_note = ""
    statement.met = met
    statement.breached = breached
    statement.breaches_by_priority = by_priority
    statement.compliance_percent = credits.compliance_percent(met, breached)
    statement.currency = policy.currency
    statement.computed_at = now
    return validated_save(statement)


@use_case
def credit_statement_status_set(statement, *, status, status_note=None):
    """Set a statement's status (a waiver needs its reason in ``status_note``)."""
    statement.status = status
    if status_note is not None:
        statement.status_note = status_note
    return validated_save(statement)
