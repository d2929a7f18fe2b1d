"""On PostgreSQL a month's statements are computed in the database (services.credits.
_month_in_sql); elsewhere, and as the statement of the rule, in Python (_computed). Both must
give the same figures for any policy and any month: bands (the lowest one the exact
compliance falls below), per-breach amounts, the cap, the fee from the annual value, rounding
half up to cents. Hypothesis draws the policies and counts; each is computed both ways."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from governance.models import CreditStatement
from governance.services import credits as credit_services
from tests.factories import VendorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

MONTH = dt.date(2026, 3, 1)
NOW = dt.datetime(2026, 4, 10, 12, tzinfo=dt.UTC)
PRIORITIES = ["P1", "P2", "P3", "P4"]

percents = st.decimals(min_value=0, max_value=100, places=2).map(float)
amounts = st.decimals(min_value=0, max_value=100_000, places=2)
bands = st.lists(
    st.fixed_dictionaries({"below_percent": percents, "credit_percent": percents}),
    max_size=4,
    unique_by=lambda band: band["below_percent"],
)
per_breach = st.dictionaries(st.sampled_from(PRIORITIES), amounts.map(float), max_size=4)
# Mostly months with incidents (a quiet month owes nothing, whatever the policy).
counts = st.dictionaries(
    st.sampled_from(PRIORITIES),
    st.fixed_dictionaries({"met": st.integers(0, 60), "breached": st.integers(0, 60)}),
    min_size=1,
    max_size=4,
) | st.just({})
fees = st.none() | st.decimals(min_value=0, max_value=10_000_000, places=2)
annual_values = st.none() | st.decimals(min_value=0, max_value=100_000_000, places=2)
caps = st.just(Decimal(100)) | st.decimals(min_value=0, max_value=100, places=2)


def in_sql(vendor_id, policy, counted):
    """The statement ``_month_in_sql`` writes for one vendor from these rows."""
    fee, annual, bands_value, per_breach_value, cap, currency = policy
    policy_sql = (
        "SELECT %s::bigint AS vendor_id, %s::jsonb AS bands, %s::jsonb AS per_breach, "
        "%s::numeric AS cap_percent, %s::text AS currency, %s::numeric AS fee, "
        "%s::numeric AS annual"
    )
    policy_params = [vendor_id, bands_value, per_breach_value, cap, currency, fee, annual]
    rows = [(vendor_id, p, c["met"], c["breached"]) for p, c in counted.items()]
    if rows:
        counts_sql = "SELECT * FROM (VALUES {}) AS c(vendor_id, priority, met, breached)".format(
            ", ".join("(%s::bigint, %s::text, %s::integer, %s::integer)" for _ in rows)
        )
        counts_params = [value for row in rows for value in row]
    else:
        counts_sql = (
            "SELECT NULL::bigint AS vendor_id, NULL::text AS priority, 0 AS met, "
            "0 AS breached WHERE FALSE"
        )
        counts_params = []
    CreditStatement.objects.filter(vendor_id=vendor_id, month=MONTH).delete()
    credit_services._month_in_sql(MONTH, NOW, policy_sql, policy_params, counts_sql, counts_params)
    statement = CreditStatement.objects.get(vendor_id=vendor_id, month=MONTH)
    return [getattr(statement, name) for name in credit_services.COMPUTED_FIELDS]


@pytest.fixture(scope="module")
def vendor_id(django_db_blocker, django_db_setup):
    with django_db_blocker.unblock():
        vendor = VendorFactory()
    yield vendor.pk
    with django_db_blocker.unblock():
        vendor.delete()


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    fee=fees,
    annual=annual_values,
    bands_value=bands,
    per_breach_value=per_breach,
    cap=caps,
    counted=counts,
)
def test_the_database_computes_the_rule_of_the_python_statement(
    vendor_id, fee, annual, bands_value, per_breach_value, cap, counted
):
    assert connection.vendor == "postgresql"
    policy = (fee, annual, json.dumps(bands_value), json.dumps(per_breach_value), cap, "EUR")
    expected = credit_services._computed(policy, counted, None)
    assert in_sql(vendor_id, policy, counted) == [
        Decimal(value) if isinstance(value, Decimal) else value for value in expected
    ]
