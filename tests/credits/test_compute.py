"""Computing a month's statement (services.credit_statement_compute) and the rules of a
policy and a statement, whichever door they come through."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from governance import selectors, services
from governance.models import CreditPolicy, CreditStatement
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


def met(vendor, opened, priority="P2"):
    return IncidentFactory(
        vendor=vendor,
        priority=priority,
        opened_at=opened,
        resolution_due_at=opened + dt.timedelta(hours=4),
        resolved_at=opened + dt.timedelta(hours=1),
    )


def breached(vendor, opened, priority="P1", resolved=True):
    return IncidentFactory(
        vendor=vendor,
        priority=priority,
        opened_at=opened,
        resolution_due_at=opened + dt.timedelta(hours=4),
        resolved_at=opened + dt.timedelta(hours=8) if resolved else None,
    )


def compute(vendor, month=MARCH, now=NOW):
    return services.credit_statement_compute(vendor, month=month, now=now)


def test_a_month_with_missed_targets_owes_its_band_and_per_breach_amounts():
    vendor = policy().vendor
    for day in range(1, 10):
        met(vendor, at(day))
    breached(vendor, at(12))
    breached(vendor, at(13), priority="P3")
    statement = compute(vendor)
    # 9 of 11 met: 81.82 % is below 90 -> 10 % of 10,000; one P1 breach adds 300; cap 2,000.
    assert (statement.met, statement.breached) == (9, 2)
    assert statement.compliance_percent == Decimal("81.82")
    assert statement.breaches_by_priority == {"P1": 1, "P3": 1}
    assert statement.credit_due == Decimal("1300.00")
    assert statement.status == CreditStatement.Status.DUE
    assert statement.month == MARCH


def test_the_cap_limits_the_credit_to_its_share_of_the_fee():
    vendor = policy(per_breach={"P1": 5000}).vendor
    breached(vendor, at(2))
    assert compute(vendor).credit_due == Decimal("2000.00")


def test_a_month_with_no_incidents_owes_nothing_and_has_status_none():
    vendor = policy().vendor
    statement = compute(vendor)
    assert (statement.met, statement.breached, statement.compliance_percent) == (0, 0, None)
    assert statement.credit_due == Decimal("0.00")
    assert statement.status == CreditStatement.Status.NONE


def test_incidents_of_other_months_and_vendors_do_not_count():
    vendor = policy().vendor
    breached(vendor, dt.datetime(2026, 2, 28, 23, 59, tzinfo=UTC))
    breached(vendor, dt.datetime(2026, 4, 1, tzinfo=UTC))
    breached(VendorFactory(), at(5))
    assert compute(vendor).breached == 0


def test_an_incident_in_flight_at_month_end_counts_as_of_the_computation():
    vendor = policy().vendor
    late = dt.datetime(2026, 3, 31, 22, tzinfo=UTC)
    IncidentFactory(
        vendor=vendor, priority="P1", opened_at=late, resolution_due_at=late + dt.timedelta(hours=4)
    )
    # Still within its target when computed: it counts neither way yet.
    early = compute(vendor, now=late + dt.timedelta(hours=1))
    assert (early.met, early.breached, early.status) == (0, 0, "none")
    # Past its target, still unresolved: breached.
    later = compute(vendor, now=late + dt.timedelta(hours=5))
    assert (later.met, later.breached) == (0, 1)
    assert later.credit_due == Decimal("1300.00")
    assert CreditStatement.objects.count() == 1


def test_recomputing_keeps_a_status_set_by_hand_while_the_amount_stays():
    vendor = policy().vendor
    breached(vendor, at(3))
    statement = compute(vendor)
    services.credit_statement_status_set(statement, status="claimed", status_note="Invoice 7")
    again = compute(vendor)
    assert (again.status, again.status_note) == ("claimed", "Invoice 7")
    breached(vendor, at(4))
    changed = compute(vendor)
    assert changed.credit_due == Decimal("1600.00")
    assert (changed.status, changed.status_note) == ("due", "")
    # Created, claimed, changed: the recompute that changed nothing wrote no history row.
    assert changed.history.count() == 3


def test_the_statement_is_computed_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    vendor = policy().vendor
    for day in range(1, 29):
        breached(vendor, at(day), priority=f"P{day % 4 + 1}")
    # Policy, counts, the statement; the rest is full_clean()'s constraint checks and the
    # history row, the same for 1 incident or 10,000.
    with django_assert_max_num_queries(23):
        compute(vendor)
    with django_assert_max_num_queries(23):
        compute(vendor, now=NOW + dt.timedelta(days=1))


def test_a_vendor_without_a_policy_or_a_month_not_begun_is_refused():
    with pytest.raises(ValidationError) as error:
        compute(VendorFactory())
    assert "vendor" in error.value.message_dict
    vendor = policy().vendor
    with pytest.raises(ValidationError) as error:
        compute(vendor, month=dt.date(2026, 5, 1))
    assert "month" in error.value.message_dict


def test_a_waiver_needs_its_reason_and_nothing_owed_stays_none():
    vendor = policy().vendor
    breached(vendor, at(3))
    statement = compute(vendor)
    with pytest.raises(ValidationError) as error:
        services.credit_statement_status_set(statement, status="waived", status_note="")
    assert "status_note" in error.value.message_dict
    empty = compute(policy().vendor)
    with pytest.raises(ValidationError) as error:
        services.credit_statement_status_set(empty, status="claimed")
    assert "status" in error.value.message_dict


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"bands": [{"below_percent": 101, "credit_percent": 5}]}, "bands"),
        ({"bands": [{"below_percent": 95, "credit_percent": -1}]}, "bands"),
        (
            {
                "bands": [
                    {"below_percent": 90, "credit_percent": 5},
                    {"below_percent": 95, "credit_percent": 10},
                ]
            },
            "bands",
        ),
        ({"bands": [{"below_percent": True, "credit_percent": 5}]}, "bands"),
        ({"bands": [{"below_percent": 95}]}, "bands"),
        ({"bands": {"below_percent": 95}}, "bands"),
        ({"per_breach": {"P9": 10}}, "per_breach"),
        ({"per_breach": {"P1": -1}}, "per_breach"),
        ({"per_breach": {"P1": "10"}}, "per_breach"),
        ({"cap_percent": Decimal("100.01")}, "cap_percent"),
        ({"monthly_fee": Decimal("-1")}, "monthly_fee"),
        ({"claim_window_days": 3661}, "claim_window_days"),
        ({"currency": "euro"}, "currency"),
    ],
)
def test_a_policy_out_of_bounds_is_refused_on_its_field(fields, field):
    with pytest.raises(ValidationError) as error:
        policy(**fields)
    assert field in error.value.message_dict


def test_a_policy_without_a_fee_needs_the_vendors_annual_value():
    with pytest.raises(ValidationError) as error:
        policy(VendorFactory(annual_value=None))
    assert "monthly_fee" in error.value.message_dict
    assert policy(VendorFactory(annual_value=None), monthly_fee=Decimal(500)).fee == 500


def test_one_policy_per_vendor():
    vendor = policy().vendor
    with pytest.raises(ValidationError) as error:
        policy(vendor)
    assert "vendor" in error.value.message_dict


def test_sla_compliance_for_any_period_includes_both_days():
    vendor = VendorFactory()
    met(vendor, at(1, hour=0))
    breached(vendor, at(31, hour=23))
    breached(vendor, dt.datetime(2026, 4, 1, tzinfo=UTC))
    result = selectors.sla_compliance_for_period(
        vendor, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31), now=NOW
    )
    assert result == {"met": 1, "breached": 1, "compliance_percent": Decimal("50.00")}
    empty = selectors.sla_compliance_for_period(
        vendor, start=dt.date(2025, 1, 1), end=dt.date(2025, 1, 31), now=NOW
    )
    assert empty == {"met": 0, "breached": 0, "compliance_percent": None}
