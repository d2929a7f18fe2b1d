"""A month's statements for every vendor at once (services.credit_statements_compute_month):
the same statements as one vendor at a time, in a fixed number of queries, with history."""

import datetime as dt
import math
import random
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from governance import services
from governance.models import CreditPolicy, CreditStatement, Incident, Vendor
from governance.services.credits import COMPUTED_FIELDS, credit_statements_compute_month
from tests.factories import IncidentFactory, VendorFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NOW = dt.datetime(2026, 4, 10, 12, tzinfo=UTC)
MARCH = dt.date(2026, 3, 1)
BANDS = [{"below_percent": 99, "credit_percent": 5}, {"below_percent": 90, "credit_percent": 10}]


def at(day, hour=9):
    return dt.datetime(2026, 3, day, hour, tzinfo=UTC)


def policy(vendor=None, **fields):
    vendor = vendor or VendorFactory(annual_value=Decimal("120000.00"))
    values = {"bands": BANDS, "per_breach": {"P1": 300}, "cap_percent": Decimal(20)}
    return services.credit_policy_save(CreditPolicy(vendor=vendor, **{**values, **fields}))


def incident(vendor, opened, *, priority="P2", hours_to_resolve=1, target_hours=4):
    return IncidentFactory(
        vendor=vendor,
        priority=priority,
        opened_at=opened,
        resolution_due_at=opened + dt.timedelta(hours=target_hours),
        resolved_at=None
        if hours_to_resolve is None
        else opened + dt.timedelta(hours=hours_to_resolve),
    )


def statements():
    """The stored statements, by vendor id."""
    return {statement.vendor_id: statement for statement in CreditStatement.objects.all()}


def snapshot():
    """Every statement's computed values, by vendor id."""
    return {
        row["vendor_id"]: row
        for row in CreditStatement.objects.values(
            "vendor_id", "month", "computed_at", *COMPUTED_FIELDS
        )
    }


# Policies as contracts write them: bands only, per breach only, both under a cap, a fee of
# its own, another currency.
POLICIES = [
    {"bands": BANDS, "per_breach": {}},
    {"bands": [], "per_breach": {"P1": 500, "P2": 200, "P3": 50}},
    {"bands": BANDS, "per_breach": {"P1": 300}, "cap_percent": Decimal(8)},
    {"bands": [{"below_percent": 95, "credit_percent": 15}], "monthly_fee": Decimal("2500.00")},
    {"bands": BANDS, "per_breach": {"P4": 10}, "currency": "GBP"},
]


def test_every_vendor_gets_the_statement_it_would_get_on_its_own():
    rng = random.Random(14)
    vendors = []
    for number in range(15):
        vendor = policy(**POLICIES[number % len(POLICIES)]).vendor
        vendors.append(vendor)
        for _ in range(rng.randint(0, 12)):
            opened = at(rng.randint(1, 31), rng.randint(0, 23))
            # Within its target, past it, or still open (in flight, past its target or not).
            resolve = rng.choice([1, 3, 6, 9, None])
            target = rng.choice([4, 8, 24 * 20])
            incident(
                vendor,
                opened,
                priority=rng.choice(["P1", "P2", "P3", "P4"]),
                hours_to_resolve=resolve,
                target_hours=target,
            )
    VendorFactory()  # without a policy: no statement
    for vendor in vendors:
        services.credit_statement_compute(vendor, month=MARCH, now=NOW)
    one_at_a_time = snapshot()
    CreditStatement.objects.all().delete()

    result = credit_statements_compute_month(MARCH, now=NOW)

    assert (result.computed, result.written) == (len(vendors), len(vendors))
    assert snapshot() == one_at_a_time
    owed = [row for row in one_at_a_time.values() if row["credit_due"] > 0]
    assert owed and len(owed) < len(vendors), "the table covers vendors that owe and that don't"
    assert result.due == len(owed)


def test_a_month_with_no_incidents_gives_every_vendor_a_statement_of_nothing():
    vendors = [policy().vendor for _ in range(3)]
    credit_statements_compute_month(MARCH, now=NOW)
    assert set(statements()) == {v.pk for v in vendors}
    for statement in statements().values():
        assert (statement.met, statement.breached, statement.compliance_percent) == (0, 0, None)
        assert (statement.credit_due, statement.status) == (Decimal("0.00"), "none")


def test_incidents_in_flight_at_month_end_count_once_their_target_has_passed():
    vendor = policy().vendor
    late = dt.datetime(2026, 3, 31, 22, tzinfo=UTC)
    incident(vendor, late, priority="P1", hours_to_resolve=None)
    credit_statements_compute_month(MARCH, now=late + dt.timedelta(hours=1))
    early = CreditStatement.objects.get()
    assert (early.met, early.breached, early.status) == (0, 0, "none")
    credit_statements_compute_month(MARCH, now=late + dt.timedelta(hours=5))
    later = CreditStatement.objects.get()
    assert (later.met, later.breached, later.breaches_by_priority) == (0, 1, {"P1": 1})
    assert later.credit_due == Decimal("1300.00")
    assert later.pk == early.pk


def test_a_status_set_by_hand_stays_while_the_amount_does():
    kept, changed = policy().vendor, policy().vendor
    for vendor in (kept, changed):
        incident(vendor, at(3), priority="P1", hours_to_resolve=9)
    credit_statements_compute_month(MARCH, now=NOW)
    first = statements()
    services.credit_statement_status_set(
        first[kept.pk], status="waived", status_note="Goodwill after the QBR"
    )
    services.credit_statement_status_set(first[changed.pk], status="claimed", status_note="CN-7")
    incident(changed, at(4), priority="P1", hours_to_resolve=9)

    credit_statements_compute_month(MARCH, now=NOW)
    again = statements()

    assert (again[kept.pk].status, again[kept.pk].status_note) == (
        "waived",
        "Goodwill after the QBR",
    )
    assert (again[changed.pk].status, again[changed.pk].status_note) == ("due", "")
    assert again[changed.pk].credit_due == Decimal("1600.00")


def test_history_has_a_row_for_each_new_or_changed_statement_and_none_for_the_same():
    quiet, busy = policy().vendor, policy().vendor
    incident(busy, at(3), priority="P1", hours_to_resolve=9)
    credit_statements_compute_month(MARCH, now=NOW)
    history = CreditStatement.history
    assert sorted(history.values_list("vendor_id", "history_type")) == sorted(
        [(quiet.pk, "+"), (busy.pk, "+")]
    )
    result = credit_statements_compute_month(MARCH, now=NOW + dt.timedelta(hours=1))
    assert (result.computed, result.written) == (2, 0)
    assert history.count() == 2
    # Nothing written: computed_at says when the figures were last computed to what they are.
    assert set(CreditStatement.objects.values_list("computed_at", flat=True)) == {NOW}
    incident(busy, at(4), priority="P1", hours_to_resolve=9)
    later = NOW + dt.timedelta(hours=2)
    credit_statements_compute_month(MARCH, now=later)
    latest = history.filter(vendor_id=busy.pk).order_by("-history_id").first()
    assert (latest.history_type, latest.credit_due, latest.breached) == ("~", Decimal("1600.00"), 2)
    # The row as it stands, its creation time included.
    statement = CreditStatement.objects.get(vendor=busy)
    assert latest.created_at == statement.created_at
    assert (latest.computed_at, statement.computed_at) == (later, later)
    assert history.count() == 3


def test_vendors_ended_before_the_month_and_vendors_without_a_policy_are_left_out():
    active = policy().vendor
    ended_in_march = policy(
        VendorFactory(
            annual_value=Decimal(12000), status=Vendor.Status.ENDED, contract_end=at(15).date()
        )
    ).vendor
    policy(
        VendorFactory(
            annual_value=Decimal(12000),
            status=Vendor.Status.ENDED,
            contract_end=dt.date(2026, 2, 28),
        )
    )
    VendorFactory()
    credit_statements_compute_month(MARCH, now=NOW)
    assert set(statements()) == {active.pk, ended_in_march.pk}


def test_the_vendors_given_are_the_only_ones_computed():
    first, second = policy().vendor, policy().vendor
    credit_statements_compute_month(MARCH, now=NOW, vendors=Vendor.objects.filter(pk=second.pk))
    assert list(statements()) == [second.pk]
    assert first.pk not in statements()


def test_a_month_not_begun_is_refused():
    policy()
    with pytest.raises(Exception) as error:
        credit_statements_compute_month(dt.date(2026, 5, 1), now=NOW)
    assert "month" in error.value.message_dict


def _portfolio(vendors):
    """``vendors`` vendors with a policy and two incidents each in March (one breached), in
    bulk: the factories would take minutes at 1,000."""
    owner = get_user_model().objects.create(username="bulk-owner")
    Vendor.objects.bulk_create(
        Vendor(
            name=f"Bulk vendor {number}",
            services=["hosting"],
            owner=owner,
            annual_value=Decimal(12000),
            status=Vendor.Status.ACTIVE,
        )
        for number in range(vendors)
    )
    ids = list(Vendor.objects.values_list("pk", flat=True))
    CreditPolicy.objects.bulk_create(
        CreditPolicy(vendor_id=pk, bands=BANDS, per_breach={"P1": 100}) for pk in ids
    )
    Incident.objects.bulk_create(
        Incident(
            vendor_id=pk,
            external_id=f"B-{pk}-{hours}",
            title="Outage",
            priority="P1",
            opened_at=at(10),
            resolution_due_at=at(10) + dt.timedelta(hours=4),
            resolved_at=at(10) + dt.timedelta(hours=hours),
        )
        for pk in ids
        for hours in (1, 6)
    )


def _insert_batches(vendors):
    """The extra queries of the two inserts (statements and their history) on SQLite, where
    Django keeps to 999 parameters a query; none on PostgreSQL, where each is one query."""
    if connection.vendor == "postgresql":
        return 0
    return 2 * math.ceil(vendors / 40)


# The policies, the grouped count, the month's statements (locked), the upsert with its
# history rows (on SQLite the upsert and two history inserts), the use case's savepoint.
FIXED_QUERIES = 8


@pytest.mark.parametrize("vendors", [10, 1000])
def test_a_month_is_computed_in_a_fixed_number_of_queries(vendors, django_assert_max_num_queries):
    _portfolio(vendors)
    with django_assert_max_num_queries(FIXED_QUERIES + _insert_batches(vendors)):
        result = credit_statements_compute_month(MARCH, now=NOW)
    assert (result.computed, result.due) == (vendors, vendors)
    assert set(CreditStatement.objects.values_list("credit_due", flat=True)) == {
        Decimal("200.00")
    }  # 10 % of 1,000 + one P1 breach
    # Recomputing: every statement exists, none changed.
    with django_assert_max_num_queries(FIXED_QUERIES + _insert_batches(vendors)):
        credit_statements_compute_month(MARCH, now=NOW + dt.timedelta(hours=1))
    assert CreditStatement.history.count() == vendors
