"""The sweep reads per kind with a fixed number of queries, whatever the volume."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance import reminders
from governance.models import Reminder
from tests.factories import (
    ClauseFactory,
    GoalFactory,
    IncidentFactory,
    MeetingFactory,
    ReviewFactory,
    UserFactory,
    VendorFactory,
)
from tests.reminders.conftest import NOW, set_profile

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)


def build_portfolio(count):
    """``count`` vendors, each with one reminder of every kind due at NOW."""
    for number in range(count):
        owner = UserFactory()
        set_profile(owner, digest_enabled=True, lead_times={"goal_due": [7, 1]})
        reviewer = UserFactory()
        vendor = VendorFactory(
            owner=owner, contract_end=NOW.date() + 120 * DAY, renewal_notice_days=90
        )
        ReviewFactory(vendor=vendor, reviewer=reviewer, scheduled_for=NOW.date() + 3 * DAY)
        ReviewFactory(vendor=vendor, reviewer=reviewer, scheduled_for=NOW.date() - 10 * DAY)
        ClauseFactory(vendor=vendor, expires_on=NOW.date() + 30 * DAY)
        GoalFactory(vendor=vendor, owner=reviewer, due_date=NOW.date() + 7 * DAY)
        meeting = MeetingFactory(vendor=vendor, starts_at=NOW + 12 * HOUR, recurrence="")
        meeting.attendees.set([reviewer])
        IncidentFactory(
            vendor=vendor,
            opened_at=NOW - dt.timedelta(hours=1),
            response_due_at=NOW - dt.timedelta(minutes=number + 1),
        )


def sweep_queries():
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
        reminders.sweep(enqueue=False)
    return len(queries)


def test_the_sweep_reads_with_the_same_queries_for_3_or_30_vendors(
    django_assert_max_num_queries,
):
    build_portfolio(3)
    sweep_queries()
    few = sweep_queries()  # nothing new: reading what is due is all it does
    build_portfolio(27)
    with time_machine.travel(NOW, tick=False):
        created = reminders.sweep(enqueue=False).created

    with django_assert_max_num_queries(few), time_machine.travel(NOW, tick=False):
        again = reminders.sweep(enqueue=False)

    assert created == 27 * 12
    assert again.created == 0
    assert Reminder.objects.count() == 30 * 12


def test_a_second_sweep_only_reads():
    build_portfolio(5)
    sweep_queries()

    with CaptureQueriesContext(connection) as queries, time_machine.travel(NOW, tick=False):
        result = reminders.sweep(enqueue=False)

    assert result.created == 0
    statements = [q["sql"].lstrip().split()[0].upper() for q in queries]
    assert set(statements) <= {"SELECT", "SAVEPOINT", "RELEASE", "UPDATE"}
    assert "INSERT" not in statements


def test_rows_are_inserted_in_batches(settings):
    settings.GOVERNANCE_REMINDER_BATCH_SIZE = 4
    build_portfolio(3)

    with CaptureQueriesContext(connection) as queries, time_machine.travel(NOW, tick=False):
        reminders.sweep(enqueue=False)

    inserts = [q for q in queries if q["sql"].lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 36 // 4
    assert Reminder.objects.count() == 36
