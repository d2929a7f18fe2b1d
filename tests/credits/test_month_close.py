"""Closing a month: the daily task computes last month's statements on the first days of a
month, as often as it runs, and the command computes any month."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.management import CommandError, call_command

from governance import services, tasks
from governance.models import CreditPolicy, CreditStatement
from tests.factories import IncidentFactory, VendorFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def vendor_owing_in_october():
    vendor = VendorFactory(annual_value=Decimal("120000.00"))
    services.credit_policy_save(
        CreditPolicy(vendor=vendor, bands=[{"below_percent": 99, "credit_percent": 5}])
    )
    opened = dt.datetime(2026, 10, 20, 9, tzinfo=UTC)
    IncidentFactory(
        vendor=vendor,
        opened_at=opened,
        resolution_due_at=opened + dt.timedelta(hours=4),
        resolved_at=opened + dt.timedelta(hours=6),
    )
    return vendor


def run_task_at(moment):
    with time_machine.travel(moment, tick=False):
        tasks.close_credit_month.delay()


def test_the_first_day_of_a_month_closes_the_month_before():
    vendor = vendor_owing_in_october()
    run_task_at(dt.datetime(2026, 11, 1, 2, 15, tzinfo=UTC))
    statement = CreditStatement.objects.get(vendor=vendor)
    assert statement.month == dt.date(2026, 10, 1)
    assert (statement.breached, statement.credit_due, statement.status) == (
        1,
        Decimal("500.00"),
        "due",
    )


def test_running_it_again_changes_nothing_and_keeps_a_status_set_by_hand():
    vendor = vendor_owing_in_october()
    run_task_at(dt.datetime(2026, 11, 1, 2, 15, tzinfo=UTC))
    statement = CreditStatement.objects.get(vendor=vendor)
    services.credit_statement_status_set(statement, status="claimed", status_note="Credit note 11")
    run_task_at(dt.datetime(2026, 11, 1, 2, 15, tzinfo=UTC))  # a redelivered message
    run_task_at(dt.datetime(2026, 11, 2, 2, 15, tzinfo=UTC))
    statement.refresh_from_db()
    assert (statement.status, statement.status_note) == ("claimed", "Credit note 11")
    assert statement.computed_at == dt.datetime(2026, 11, 1, 2, 15, tzinfo=UTC)
    assert CreditStatement.objects.count() == 1
    assert statement.history.count() == 2  # computed, claimed


def test_an_incident_resolved_late_after_the_month_end_counts_on_the_next_days():
    vendor = VendorFactory(annual_value=Decimal("120000.00"))
    services.credit_policy_save(CreditPolicy(vendor=vendor, per_breach={"P1": 250}))
    opened = dt.datetime(2026, 10, 31, 20, tzinfo=UTC)
    IncidentFactory(
        vendor=vendor,
        priority="P1",
        opened_at=opened,
        resolution_due_at=opened + dt.timedelta(hours=30),
    )
    run_task_at(dt.datetime(2026, 11, 1, 2, 15, tzinfo=UTC))
    assert CreditStatement.objects.get().status == "none"  # in flight, within its target
    run_task_at(dt.datetime(2026, 11, 3, 2, 15, tzinfo=UTC))
    statement = CreditStatement.objects.get()
    assert (statement.breached, statement.credit_due) == (1, Decimal("250.00"))


def test_on_other_days_the_task_does_nothing():
    vendor_owing_in_october()
    run_task_at(dt.datetime(2026, 11, 4, 2, 15, tzinfo=UTC))
    run_task_at(dt.datetime(2026, 11, 30, 2, 15, tzinfo=UTC))
    assert not CreditStatement.objects.exists()


def test_the_month_is_the_servers_time_zone_month(settings):
    settings.TIME_ZONE = "Pacific/Auckland"
    vendor_owing_in_october()
    # 31 October 20:00 UTC is already 1 November in Auckland: October closes.
    run_task_at(dt.datetime(2026, 10, 31, 20, tzinfo=UTC))
    assert CreditStatement.objects.get().month == dt.date(2026, 10, 1)


def test_the_command_computes_any_month(capsys):
    vendor = vendor_owing_in_october()
    call_command("compute_credit_statements", "--month", "2026-10")
    out = capsys.readouterr().out
    assert "2026-10: 1 statement(s) computed (1 new or changed), 1 with a credit due." in out
    assert CreditStatement.objects.get(vendor=vendor).credit_due == Decimal("500.00")
    with pytest.raises(CommandError):
        call_command("compute_credit_statements", "--month", "October")
    with pytest.raises(CommandError, match="not begun"):
        call_command("compute_credit_statements", "--month", "2199-01")


def test_beat_runs_the_close_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["governance-credit-month-close"]
    assert entry["task"] == "governance.tasks.close_credit_month"
    assert entry["schedule"].remaining_estimate(dt.datetime(2026, 11, 1, 2, 16)) <= dt.timedelta(
        days=1
    )
