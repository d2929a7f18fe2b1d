"""Service credits: policies and the monthly statements computed under them."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from governance.domain import credits
from governance.models import CreditStatement
from governance.selectors.credits import (
    credit_policies_for_month,
    month_bounds,
    sla_counts_by_vendor_and_priority,
)
from governance.services.saving import use_case, validated_save


@use_case
def credit_policy_save(policy):
    """Validate and save ``policy`` (one per vendor)."""
    return validated_save(policy)


# What a computation decides on a statement; one whose values all stay gets no history row.
COMPUTED_FIELDS = [
    "met",
    "breached",
    "breaches_by_priority",
    "compliance_percent",
    "credit_due",
    "currency",
    "status",
    "status_note",
]


@use_case
def credit_statement_compute(vendor, *, month, now=None):
    """Compute or recompute ``vendor``'s statement for the month of the date ``month`` and
    return it: ``credit_statements_compute_month`` for this one vendor, under its rules.

    A vendor without a credit policy is refused, as is a month that has not begun.
    """
    statements = credit_statements_compute_month(month, now=now, vendors=[vendor])
    if not statements:
        raise ValidationError({"vendor": "This vendor has no credit policy."})
    return statements[0]


@use_case
def credit_statements_compute_month(month, *, now=None, vendors=None):
    """Compute or recompute the statements of the month of the date ``month``, one per vendor
    with a credit policy: of ``vendors`` (a queryset or a list), or by default of every vendor
    not ended before that month (``selectors.credit_policies_for_month``). Returns them, in
    no particular order.

    Counts the incidents opened in that month (in the current time zone) whose resolution
    target was met or breached as of ``now``: one still open within its target counts
    neither way yet, one open past it counts as breached (``Incident.target_breached``), so a
    month recomputed later may change. A status set by hand (claimed, received, waived) and
    its note are kept while the amount stays the same; a new amount starts again at due (or
    none, with nothing owed). Every statement computed is stamped ``computed_at``; only a new
    one, or one whose figures or status changed, gets a history row, so running this again
    on the same data changes nothing but that stamp.

    A fixed number of queries whatever the number of vendors and incidents: the policies,
    one grouped count, the month's statements (locked), one upsert and the history rows (on
    SQLite, whose 999-parameter limit Django keeps, the two inserts go in batches).
    """
    now = now or timezone.now()
    month = CreditStatement.first_of_month(month)
    if month > timezone.localdate(now):
        raise ValidationError({"month": "This month has not begun."})
    policies = credit_policies_for_month(month, vendors=vendors)
    # The vendors in scope as a subquery: 10,000 ids never travel as query parameters.
    in_scope = policies.values("vendor_id")
    policies = list(policies)
    if not policies:
        return []
    start, end = month_bounds(month)
    counts = sla_counts_by_vendor_and_priority(in_scope, start=start, end=end, now=now)
    stored = {
        statement.vendor_id: statement
        for statement in CreditStatement.objects.select_for_update().filter(
            month=month, vendor__in=in_scope
        )
    }
    statements, written = [], []
    for policy in policies:
        statement = stored.get(policy.vendor_id)
        before = None if statement is None else _values(statement)
        if statement is None:
            statement = CreditStatement(month=month)
        statement.vendor = policy.vendor
        _apply(statement, policy, counts.get(policy.vendor_id, {}))
        statement.computed_at = now
        statements.append(statement)
        if _values(statement) != before:
            written.append((statement, before is not None))
    _save(statements, written)
    return statements


# The days of a month (1 to this one) on which the month before is computed again: incidents
# still in flight at its end resolve or pass their target over the following days. Past them
# a month changes only when someone recomputes it (web, API, admin, the command).
CLOSE_DAYS = 3


def credit_month_close(*, now=None):
    """On the first ``CLOSE_DAYS`` days of a month (in the current time zone), compute the
    statements of the month before for every vendor with a policy; returns them, or None on
    any other day. Safe to run any number of times (``credit_statements_compute_month``)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if today.day > CLOSE_DAYS:
        return None
    return credit_statements_compute_month(previous_month(today), now=now)


def previous_month(day):
    """The first day of the month before ``day``'s."""
    return CreditStatement.first_of_month(day.replace(day=1) - dt.timedelta(days=1))


def _apply(statement, policy, counts):
    """Set ``statement``'s figures from ``counts`` (``{priority: {"met", "breached"}}``) and
    its amount under ``policy``: the one rule of a month's statement."""
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
    if statement.pk is None or statement.credit_due != amount:
        statement.credit_due = amount
        statement.status = statement.status_when_computed
        statement.status_note = ""
    statement.met = met
    statement.breached = breached
    statement.breaches_by_priority = by_priority
    statement.compliance_percent = credits.compliance_percent(met, breached)
    statement.currency = policy.currency


def _values(statement):
    return [getattr(statement, field) for field in COMPUTED_FIELDS]


def _save(statements, written):
    """Upsert ``statements`` in one statement per batch and write a history row for each of
    ``written`` (``(statement, existed)``), as ``save()`` would have.

    ``full_clean()`` is not run: every value is computed here and the rules of a statement
    (first of the month, status against amount, a waiver's reason kept with it) are named
    constraints the database checks. No signal is sent: nothing listens to statements (they
    feed no stored figure and no row count, ``services.figures``).
    """
    # One upsert for new and existing rows alike, matched on (vendor, month): the existing
    # ones go in without their id (the database returns it) and keep their created_at.
    created_at = {}
    for statement in statements:
        if statement.pk is not None:
            created_at[statement.vendor_id] = statement.created_at
            statement.pk = None
    CreditStatement.objects.bulk_create(
        statements,
        update_conflicts=True,
        unique_fields=["vendor", "month"],
        update_fields=[*COMPUTED_FIELDS, "computed_at", "updated_at"],
    )
    for statement in statements:
        statement.created_at = created_at.get(statement.vendor_id, statement.created_at)
    history = CreditStatement.history
    history.bulk_history_create([statement for statement, existed in written if not existed])
    history.bulk_history_create(
        [statement for statement, existed in written if existed], update=True
    )


@use_case
def credit_statement_status_set(statement, *, status, status_note=None):
    """Set a statement's status (a waiver needs its reason in ``status_note``)."""
    statement.status = status
    if status_note is not None:
        statement.status_note = status_note
    return validated_save(statement)
