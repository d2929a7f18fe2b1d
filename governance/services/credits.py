"""Service credits: policies and the monthly statements computed under them."""

import dataclasses
import datetime as dt
import functools
import json

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast
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


@dataclasses.dataclass(frozen=True)
class MonthComputed:
    """What ``credit_statements_compute_month`` did: statements computed, how many of them
    were new or changed (and so written with a history row), how many owe a credit."""

    month: dt.date
    computed: int
    written: int
    due: int


@use_case
def credit_statement_compute(vendor, *, month, now=None):
    """Compute or recompute ``vendor``'s statement for the month of the date ``month`` and
    return it: ``credit_statements_compute_month`` for this one vendor, under its rules.

    A vendor without a credit policy is refused, as is a month that has not begun.
    """
    if not credit_statements_compute_month(month, now=now, vendors=[vendor]).computed:
        raise ValidationError({"vendor": "This vendor has no credit policy."})
    return CreditStatement.objects.select_related("vendor").get(
        vendor=vendor, month=CreditStatement.first_of_month(month)
    )


@use_case
def credit_statements_compute_month(month, *, now=None, vendors=None):
    """Compute or recompute the statements of the month of the date ``month``, one per vendor
    with a credit policy: of ``vendors`` (a queryset or a list), or by default of every vendor
    not ended before that month (``selectors.credit_policies_for_month``). Returns a
    ``MonthComputed``.

    Counts the incidents opened in that month (in the current time zone) whose resolution
    target was met or breached as of ``now``: one still open within its target counts
    neither way yet, one open past it counts as breached (``Incident.target_breached``), so a
    month recomputed later may change. A status set by hand (claimed, received, waived) and
    its note are kept while the amount stays the same; a new amount starts again at due (or
    none, with nothing owed). Only a new statement, or one whose figures or status changed,
    is written, stamped ``computed_at`` and given a history row: running this again on the
    same data writes nothing.

    A fixed number of queries whatever the number of vendors and incidents: the policies,
    one grouped count, the month's statements (locked), then one upsert with the history
    rows (on PostgreSQL; elsewhere an upsert and the history inserts, in batches on SQLite,
    whose 999-parameter limit Django keeps). Rows, not model instances, all the way: the
    benchmark (``manage.py bench``) computes 10,000 vendors x 12 months with it.
    """
    now = now or timezone.now()
    month = CreditStatement.first_of_month(month)
    if month > timezone.localdate(now):
        raise ValidationError({"month": "This month has not begun."})
    policies = credit_policies_for_month(month, vendors=vendors)
    # The vendors in scope as a subquery: 10,000 ids never travel as query parameters.
    in_scope = policies.values("vendor_id")
    policies = list(
        policies.annotate(**_as_text("bands", "per_breach")).values_list(*_POLICY_VALUES)
    )
    if not policies:
        return MonthComputed(month, 0, 0, 0)
    start, end = month_bounds(month)
    counts = sla_counts_by_vendor_and_priority(in_scope, start=start, end=end, now=now)
    statements = CreditStatement.objects.filter(month=month, vendor__in=in_scope)
    stored = {
        row[0]: row[1:]
        for row in statements.select_for_update()
        .annotate(**_as_text("breaches_by_priority"))
        .values_list("vendor_id", "pk", *_STORED_VALUES)
    }
    written, due = [], 0
    for vendor_id, *policy in policies:
        pk = before = None
        if vendor_id in stored:
            pk, *before = stored[vendor_id]
            before[_JSON_AT] = _loads(before[_JSON_AT])
        values = _computed(policy, counts.get(vendor_id, {}), before)
        due += values[_DUE_AT] > 0
        if values != before:
            written.append((vendor_id, pk, values))
    if written:
        write = _write_postgresql if connection.vendor == "postgresql" else _write_orm
        write(month, now, written)
    return MonthComputed(month, len(policies), len(written), due)


# What a policy's row holds for the computation (``_computed``), after its vendor's id.
_POLICY_VALUES = [
    "vendor_id",
    "monthly_fee",
    "vendor__annual_value",
    "bands_text",
    "per_breach_text",
    "cap_percent",
    "currency",
]
_JSON_AT = COMPUTED_FIELDS.index("breaches_by_priority")
_DUE_AT = COMPUTED_FIELDS.index("credit_due")
# A stored statement's COMPUTED_FIELDS, its JSON as text.
_STORED_VALUES = [
    "breaches_by_priority_text" if name == "breaches_by_priority" else name
    for name in COMPUTED_FIELDS
]


def _as_text(*fields):
    """Annotations reading JSON ``fields`` as their text, for ``_loads``."""
    return {f"{name}_text": Cast(name, output_field=TextField()) for name in fields}


@functools.lru_cache(maxsize=4096)
def _loads(text):
    """The value of a JSON text, decoded once: 10,000 policies repeat a few contract
    templates and 10,000 statements a few breach counts, and decoding each row was most of
    a month's time. The value is shared: read it, never change it."""
    return json.loads(text)


def _computed(policy, counts, before):
    """The values of ``COMPUTED_FIELDS`` of a month's statement under ``policy`` (the row of
    ``_POLICY_VALUES`` after the vendor id) from ``counts`` (``{priority: {"met",
    "breached"}}``), given the values stored ``before`` (None for a new statement): the one
    rule of a month's statement."""
    monthly_fee, annual_value, bands, per_breach, cap_percent, currency = policy
    bands, per_breach = _loads(bands), _loads(per_breach)
    met = sum(row["met"] for row in counts.values())
    breached = sum(row["breached"] for row in counts.values())
    by_priority = {
        priority: row["breached"] for priority, row in sorted(counts.items()) if row["breached"]
    }
    amount = credits.credit_due(
        fee=credits.monthly_fee(monthly_fee, annual_value),
        bands=bands,
        per_breach=per_breach,
        cap_percent=cap_percent,
        met=met,
        breached=breached,
        breaches_by_priority=by_priority,
    )
    if before is not None and before[_DUE_AT] == amount:
        # The amount stays: so do the status and its note, set by hand or not.
        status, note = before[-2:]
    else:
        status = CreditStatement.Status.DUE if amount > 0 else CreditStatement.Status.NONE
        note = ""
    compliance = credits.compliance_percent(met, breached)
    return [met, breached, by_priority, compliance, amount, currency, status, note]


def _write_orm(month, now, written):
    """Upsert the ``written`` statements (``(vendor id, pk or None, values)``) and their
    history rows, as ``save()`` would have: any database."""
    statements = [
        CreditStatement(
            vendor_id=vendor_id,
            month=month,
            computed_at=now,
            **dict(zip(COMPUTED_FIELDS, values, strict=True)),
        )
        for vendor_id, _, values in written
    ]
    # Matched on (vendor, month): the database returns each row's id.
    CreditStatement.objects.bulk_create(
        statements,
        update_conflicts=True,
        unique_fields=["vendor", "month"],
        update_fields=[*COMPUTED_FIELDS, "computed_at", "updated_at"],
    )
    existed = [pk for _, pk, _ in written if pk is not None]
    # An updated row kept its created_at; the objects hold the time of the insert attempted.
    created_at = dict(
        CreditStatement.objects.filter(pk__in=existed).values_list("pk", "created_at")
    )
    for statement in statements:
        statement.created_at = created_at.get(statement.pk, statement.created_at)
    history = CreditStatement.history
    history.bulk_history_create([s for s in statements if s.pk not in created_at])
    history.bulk_history_create([s for s in statements if s.pk in created_at], update=True)


# The SQL type of each column's array in ``_write_postgresql`` (JSON travels as text).
_ARRAY_TYPES = {
    "vendor_id": "bigint",
    "met": "integer",
    "breached": "integer",
    "breaches_by_priority": "text",
    "compliance_percent": "numeric",
    "credit_due": "numeric",
    "currency": "text",
    "status": "text",
    "status_note": "text",
}


def _write_postgresql(month, now, written):
    """``_write_orm`` in one statement whatever the number of rows: an upsert of the rows
    from one array per column (``unnest``) whose returned rows become the history rows.

    The ORM spends milliseconds per hundred rows preparing values and instances; at 10,000
    vendors that was seconds a month, this is a fraction of one.
    """
    table = connection.ops.quote_name(CreditStatement._meta.db_table)
    columns = list(_ARRAY_TYPES)
    arrays = [[vendor_id for vendor_id, _, _ in written]]
    for position, name in enumerate(COMPUTED_FIELDS):
        column = [values[position] for _, _, values in written]
        arrays.append([json.dumps(v) for v in column] if name == "breaches_by_priority" else column)
    rows = ", ".join(f"%s::{_ARRAY_TYPES[name]}[]" for name in columns)
    values = ", ".join(
        "r.breaches_by_priority::jsonb" if name == "breaches_by_priority" else f"r.{name}"
        for name in columns
    )
    updated = ", ".join(
        f"{name} = EXCLUDED.{name}" for name in [*COMPUTED_FIELDS, "computed_at", "updated_at"]
    )
    history = CreditStatement.history.model
    tracked = ", ".join(field.column for field in history.tracked_fields)
    user = history.get_default_history_user(CreditStatement())
    written_at = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH written AS (INSERT INTO {table} (month, computed_at, created_at, "
            f"updated_at, {', '.join(columns)}) SELECT %s, %s, %s, %s, {values} "
            f"FROM unnest({rows}) AS r({', '.join(columns)}) "
            f"ON CONFLICT (vendor_id, month) DO UPDATE SET {updated} "
            # xmax is 0 on a row this statement inserted, not on one it updated.
            "RETURNING *, xmax = 0 AS inserted) "
            f"INSERT INTO {connection.ops.quote_name(history._meta.db_table)} ({tracked}, "
            "history_date, history_change_reason, history_type, history_user_id) "
            f"SELECT {tracked}, %s, NULL, CASE WHEN inserted THEN '+' ELSE '~' END, %s "
            "FROM written",
            [month, now, written_at, written_at, *arrays, written_at, getattr(user, "pk", None)],
        )


# The days of a month (1 to this one) on which the month before is computed again: incidents
# still in flight at its end resolve or pass their target over the following days. Past them
# a month changes only when someone recomputes it (web, API, admin, the command).
CLOSE_DAYS = 3


def credit_month_close(*, now=None):
    """On the first ``CLOSE_DAYS`` days of a month (in the current time zone), compute the
    statements of the month before for every vendor with a policy; returns its
    ``MonthComputed``, or None on any other day. Safe to run any number of times
    (``credit_statements_compute_month``)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if today.day > CLOSE_DAYS:
        return None
    return credit_statements_compute_month(previous_month(today), now=now)


def previous_month(day):
    """The first day of the month before ``day``'s."""
    return CreditStatement.first_of_month(day.replace(day=1) - dt.timedelta(days=1))


@use_case
def credit_statement_status_set(statement, *, status, status_note=None):
    """Set a statement's status (a waiver needs its reason in ``status_note``)."""
    statement.status = status
    if status_note is not None:
        statement.status_note = status_note
    return validated_save(statement)
