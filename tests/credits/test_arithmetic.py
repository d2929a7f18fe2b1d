"""The credit arithmetic (governance.domain.credits): bands, per-breach, cap, rounding."""

import datetime as dt
from decimal import Decimal

import pytest

from governance.domain import credits

BANDS = [
    {"below_percent": 99, "credit_percent": 5},
    {"below_percent": 95, "credit_percent": 10},
]


def due(met, breached, *, fee="1000.00", bands=BANDS, per_breach=None, cap=100, by=None):
    return credits.credit_due(
        fee=Decimal(fee),
        bands=bands,
        per_breach=per_breach or {},
        cap_percent=cap,
        met=met,
        breached=breached,
        breaches_by_priority=by or {},
    )


def test_a_month_at_or_above_every_band_owes_nothing():
    assert due(99, 1) == Decimal("0.00")  # exactly 99 % is not below 99


def test_compliance_below_the_first_band_earns_its_share():
    assert due(97, 3) == Decimal("50.00")


def test_the_lowest_band_the_compliance_falls_below_applies():
    assert due(90, 10) == Decimal("100.00")


def test_falling_below_compares_the_exact_share_not_the_rounded_percent():
    # 98.96... % shows as 98.96 and is below 99.
    assert credits.compliance_percent(95, 1) == Decimal("98.96")
    assert due(95, 1) == Decimal("50.00")
    # 2 of 3 is 66.67 % shown, and below 66.67 exactly though the percent shown is not.
    assert credits.band_percent([{"below_percent": 66.67, "credit_percent": 1}], 2, 1) == 1


def test_each_breach_adds_the_amount_of_its_priority():
    amount = due(
        10, 3, bands=[], per_breach={"P1": 500, "P2": 120.5}, by={"P1": 1, "P2": 2, "P3": 4}
    )
    assert amount == Decimal("741.00")


def test_bands_and_per_breach_add_up_to_the_cap():
    # 10 % of 1000 + 2 x 500 = 1100, capped at 20 % of the fee.
    amount = due(90, 10, per_breach={"P1": 500}, by={"P1": 2}, cap=20)
    assert amount == Decimal("200.00")


def test_a_cap_of_zero_owes_nothing():
    assert due(0, 10, cap=0) == Decimal("0.00")


def test_a_month_with_no_targets_met_or_breached_owes_nothing():
    assert due(0, 0, per_breach={"P1": 500}) == Decimal("0.00")
    assert credits.compliance_percent(0, 0) is None


def test_money_is_rounded_once_to_cents_half_up():
    # 5 % of 333.33 = 16.6665 -> 16.67
    assert due(97, 3, fee="333.33") == Decimal("16.67")


def test_the_fee_is_the_policys_or_the_annual_value_over_twelve():
    assert credits.monthly_fee(Decimal("250"), Decimal("12000")) == Decimal("250.00")
    assert credits.monthly_fee(None, Decimal("1000.00")) == Decimal("83.33")
    assert credits.monthly_fee(None, Decimal("1000.06")) == Decimal("83.34")
    assert credits.monthly_fee(None, None) == Decimal("0.00")


def test_a_month_is_written_year_dash_month():
    assert credits.parse_month("2026-03") == dt.date(2026, 3, 1)
    for text in ("2026-3", "2026-13", "2026-00", "1899-12", "2200-01", "2026-03-01", "", None):
        with pytest.raises(ValueError, match="YYYY-MM"):
            credits.parse_month(text)


def test_a_period_ends_on_or_after_its_start_and_spans_at_most_a_decade():
    day = dt.date(2026, 3, 1)
    assert credits.period_errors(day, day) == {}
    assert "end" in credits.period_errors(day, day - dt.timedelta(days=1))
    assert "end" in credits.period_errors(day, day + dt.timedelta(days=3660))
