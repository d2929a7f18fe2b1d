"""Service credits at scale: every vendor's statements for the last twelve months, computed in
bulk (``services.credits.credit_statements_compute_month``, one call per month), then again
(the month close runs daily on the first days of a month: a run that finds nothing changed).

Runs in the benchmark's ``credits`` probe against a seeded database, and in the tests on a
small one. The demo gives only some vendors a credit policy: every other vendor gets one here
(not timed), so that the number measured is ``vendors x months`` statements.
"""

import time
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from governance.models import CreditPolicy, CreditStatement, CreditYearTotal, RowCount, Vendor
from governance.services import credits

MONTHS = 12
# A policy as contracts write them: two compliance bands, an amount per P1/P2 breach, a cap.
BANDS = [{"below_percent": 99, "credit_percent": 5}, {"below_percent": 95, "credit_percent": 10}]
PER_BREACH = {"P1": 500, "P2": 150}
CAP_PERCENT = Decimal(15)


def ensure_policies():
    """Give every vendor without a credit policy one; returns how many were added."""
    missing = Vendor.objects.filter(credit_policy__isnull=True).values_list("pk", "annual_value")
    policies = [
        CreditPolicy(
            vendor_id=pk,
            # The fee defaults to the annual value / 12; a vendor without one needs its own.
            monthly_fee=None if annual_value is not None else Decimal("1000.00"),
            bands=BANDS,
            per_breach=PER_BREACH,
            cap_percent=CAP_PERCENT,
        )
        for pk, annual_value in missing.iterator()
    ]
    CreditPolicy.objects.bulk_create(policies, batch_size=2000)
    return len(policies)


def clear_statements():
    """Delete every statement and its history, so that the first pass creates them all."""
    tables = [CreditStatement.history.model._meta.db_table, CreditStatement._meta.db_table]
    with connection.cursor() as cursor:
        for table in tables:
            name = connection.ops.quote_name(table)
            # TRUNCATE is quicker, but not inside a transaction with pending checks (tests).
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                cursor.execute(f"TRUNCATE {name}")
            else:
                cursor.execute(f"DELETE FROM {name}")
    # TRUNCATE fires no trigger: the statements' stored count and the credit totals of every
    # year start again at 0.
    RowCount.objects.filter(table_name=CreditStatement._meta.db_table).delete()
    CreditYearTotal.objects.all().delete()


def last_months(today, months=MONTHS):
    """The first days of the ``months`` months before ``today``'s, oldest first."""
    found = []
    month = today
    for _ in range(months):
        month = credits.previous_month(month)
        found.append(month)
    return found[::-1]


class _Counter:
    """Counts the queries run on the connection (cheaper than capturing their SQL)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _pass(months, now):
    """Compute every month for every vendor; (seconds, most queries in one month)."""
    most = 0
    started = time.perf_counter()
    for month in months:
        counter = _Counter()
        with connection.execute_wrapper(counter):
            credits.credit_statements_compute_month(month, now=now, vendors=Vendor.objects.all())
        most = max(most, counter.count)
    return time.perf_counter() - started, most


def measure(*, now=None, months=MONTHS):
    """Time the statements of every vendor for the last ``months`` months, from none, then
    again; returns the figures the report shows."""
    now = now or timezone.now()
    added = ensure_policies()
    clear_statements()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(CreditPolicy._meta.db_table)}")
    chosen = last_months(timezone.localdate(now), months)
    seconds, queries = _pass(chosen, now)
    again_seconds, again_queries = _pass(chosen, now)
    statements = CreditStatement.objects.count()
    return {
        "vendors": Vendor.objects.count(),
        "months": len(chosen),
        "policies_added": added,
        "statements": statements,
        "due": CreditStatement.objects.filter(credit_due__gt=0).count(),
        "history_rows": CreditStatement.history.count(),
        "seconds": round(seconds, 3),
        "queries_per_month": queries,
        "again_seconds": round(again_seconds, 3),
        "again_queries_per_month": again_queries,
    }
