"""Service credits: policies and the monthly statements computed under them."""

import dataclasses
import datetime as dt
import functools
import json

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from governance.domain import credits
from governance.models import CreditStatement
from governance.selectors.credits import (
    credit_policies_for_month,
    month_bounds,
    sla_count_rows,
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

    A fixed number of queries whatever the number of vendors and incidents. On PostgreSQL,
    one statement does it all in the database (``_compute_postgresql``); elsewhere the
    policies, one grouped count and the month's statements (locked) are read, computed here
    (``_computed``, the statement of the rule the SQL is held to) and written with an upsert
    and the history inserts, in batches on SQLite, whose 999-parameter limit Django keeps.
    The benchmark (``manage.py bench --only credits``) computes 10,000 vendors x 12 months
    with it.
    """
    now = now or timezone.now()
    month = CreditStatement.first_of_month(month)
    if month > timezone.localdate(now):
        raise ValidationError({"month": "This month has not begun."})
    policies = credit_policies_for_month(month, vendors=vendors)
    start, end = month_bounds(month)
    if connection.vendor == "postgresql":
        return _compute_postgresql(month, now, policies, start=start, end=end)
    # The vendors in scope as a subquery: 10,000 ids never travel as query parameters.
    in_scope = policies.values("vendor_id")
    policies = list(
        policies.annotate(**_as_text("bands", "per_breach")).values_list(*_POLICY_VALUES)
    )
    if not policies:
        return MonthComputed(month, 0, 0, 0)
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
        _write_orm(month, now, written)
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


def _compute_postgresql(month, now, policies, *, start, end):
    """``credit_statements_compute_month`` on PostgreSQL: the whole month in one statement,
    computed, compared, upserted and given its history rows in the database, so that no row
    travels to Python and back (10,000 vendors a month in a fraction of a second).

    The arithmetic is ``_computed``'s, written in SQL; tests/credits/test_sql_rule.py holds the
    two to the same results (bands, per-breach amounts, cap, rounding half up to cents, the
    status kept while the amount stays) on random policies and counts.
    """
    policy_sql, policy_params = policies.values(
        "vendor_id",
        "bands",
        "per_breach",
        "cap_percent",
        "currency",
        fee=F("monthly_fee"),
        annual=F("vendor__annual_value"),
    ).query.sql_with_params()
    counts_sql, counts_params = sla_count_rows(
        policies.values("vendor_id"), start=start, end=end, now=now
    ).query.sql_with_params()
    return _month_in_sql(month, now, policy_sql, policy_params, counts_sql, counts_params)


def _month_in_sql(month, now, policy_sql, policy_params, counts_sql, counts_params):
    """Compute, compare and write the month's statements from the rows of ``policy_sql``
    (vendor_id, bands, per_breach, cap_percent, currency, fee, annual) and ``counts_sql``
    (vendor_id, priority, met, breached); a ``MonthComputed``."""
    table = connection.ops.quote_name(CreditStatement._meta.db_table)
    history = CreditStatement.history.model
    history_table = connection.ops.quote_name(history._meta.db_table)
    tracked = ", ".join(field.column for field in history.tracked_fields)
    user = history.get_default_history_user(CreditStatement())
    updated = ", ".join(
        f"{name} = EXCLUDED.{name}" for name in [*COMPUTED_FIELDS, "computed_at", "updated_at"]
    )
    written_at = timezone.now()
    sql = f"""
    WITH policy AS ({policy_sql}),
    counted AS ({counts_sql}),
    totals AS (
        SELECT c.vendor_id, SUM(c.met) AS met, SUM(c.breached) AS breached,
            JSONB_OBJECT_AGG(c.priority, c.breached) FILTER (WHERE c.breached > 0)
                AS by_priority,
            SUM(c.breached * COALESCE((p.per_breach ->> c.priority)::numeric, 0))
                AS per_breach_amount
        FROM counted c JOIN policy p ON p.vendor_id = c.vendor_id
        GROUP BY c.vendor_id
    ),
    figures AS (
        SELECT p.vendor_id, p.currency, p.bands, p.cap_percent,
            COALESCE(t.met, 0)::integer AS met, COALESCE(t.breached, 0)::integer AS breached,
            COALESCE(t.by_priority, '{{}}'::jsonb) AS by_priority,
            COALESCE(t.per_breach_amount, 0) AS per_breach_amount,
            ROUND(COALESCE(p.fee, p.annual / 12, 0), 2) AS fee
        FROM policy p LEFT JOIN totals t ON t.vendor_id = p.vendor_id
    ),
    computed AS MATERIALIZED (
        SELECT f.vendor_id, f.met, f.breached, f.by_priority, f.currency,
            CASE WHEN f.met + f.breached > 0
                THEN ROUND(f.met * 100.0 / (f.met + f.breached), 2) END AS compliance_percent,
            CASE WHEN f.met + f.breached = 0 THEN 0.00 ELSE ROUND(LEAST(
                f.fee * COALESCE((
                    SELECT (b ->> 'credit_percent')::numeric
                    FROM JSONB_ARRAY_ELEMENTS(f.bands) AS b
                    WHERE f.met * 100 < (b ->> 'below_percent')::numeric * (f.met + f.breached)
                    ORDER BY (b ->> 'below_percent')::numeric LIMIT 1
                ), 0) / 100 + f.per_breach_amount,
                f.fee * f.cap_percent / 100
            ), 2) END AS credit_due
        FROM figures f
    ),
    stored AS (
        SELECT s.vendor_id, s.met, s.breached, s.breaches_by_priority, s.compliance_percent,
            s.credit_due, s.currency, s.status, s.status_note
        FROM policy p JOIN {table} s ON s.vendor_id = p.vendor_id AND s.month = %s
        FOR UPDATE OF s
    ),
    decided AS (
        SELECT c.*,
            CASE WHEN s.credit_due = c.credit_due THEN s.status
                WHEN c.credit_due > 0 THEN 'due' ELSE 'none' END AS status,
            CASE WHEN s.credit_due = c.credit_due THEN s.status_note ELSE '' END
                AS status_note,
            CASE WHEN s.vendor_id IS NULL THEN TRUE
                ELSE (s.met, s.breached, s.breaches_by_priority, s.compliance_percent,
                    s.credit_due, s.currency)
                    IS DISTINCT FROM (c.met, c.breached, c.by_priority, c.compliance_percent,
                    c.credit_due, c.currency) END AS changed
        FROM computed c LEFT JOIN stored s ON s.vendor_id = c.vendor_id
    ),
    written AS (
        INSERT INTO {table} (month, computed_at, created_at, updated_at, vendor_id, met,
            breached, breaches_by_priority, compliance_percent, credit_due, currency, status,
            status_note)
        SELECT %s, %s, %s, %s, d.vendor_id, d.met, d.breached, d.by_priority,
            d.compliance_percent, d.credit_due, d.currency, d.status, d.status_note
        FROM decided d WHERE d.changed
        ON CONFLICT (vendor_id, month) DO UPDATE SET {updated}
        -- xmax is 0 on a row this statement inserted, not on one it updated.
        RETURNING *, xmax = 0 AS inserted
    ),
    history AS (
        INSERT INTO {history_table} ({tracked}, history_date, history_change_reason,
            history_type, history_user_id)
        SELECT {tracked}, %s, NULL, CASE WHEN inserted THEN '+' ELSE '~' END, %s
        FROM written
        RETURNING 1
    )
    SELECT (SELECT COUNT(*) FROM decided), (SELECT COUNT(*) FROM history),
        (SELECT COUNT(*) FROM decided WHERE credit_due > 0)
    """
    params = [
        *policy_params,
        *counts_params,
        month,
        month,
        now,
        written_at,
        written_at,
        written_at,
        getattr(user, "pk", None),
    ]
    with connection.cursor() as cursor:
        # The planner's estimate crosses the threshold of JIT compilation, which then takes
        # longer than the statement itself (a fifth of a second, every month): off for this
        # transaction only.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        computed, written, due = cursor.fetchone()
    return MonthComputed(month, computed, written, due)


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
