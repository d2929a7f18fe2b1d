"""The sweep reads per kind with a fixed number of queries, whatever the volume."""

import datetime as dt
import math

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance import reminders
from governance.domain import recurrence
from governance.models import (
    ActionItem,
    ClauseType,
    CreditPolicy,
    CreditStatement,
    Incident,
    Reminder,
    Role,
)
from governance.reminders import registry
from governance.reminders.due import Sweep
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
# The reminders each vendor of ``build_portfolio`` is due.
PER_VENDOR = 19
DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)


def build_portfolio(count):
    """``count`` vendors, each with one reminder of every kind due at NOW (an administrator
    gets the escalations)."""
    admin = UserFactory(username="scale-admin", role=Role.ADMINISTRATOR)
    set_profile(admin)
    for number in range(count):
        owner = UserFactory()
        # The digest on NOW's weekday (a Wednesday): it is due on its day only.
        set_profile(owner, digest_enabled=True, digest_weekday=2, lead_times={"goal_due": [7, 1]})
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
        # A breach clause of 24 hours: one clock at half time, one past its deadline
        # (deadline to the owner, escalation to the administrator).
        ClauseFactory(
            vendor=vendor, clause_type=ClauseType.BREACH_NOTIFICATION, notification_hours=24
        )
        for hours in (13, 30):
            IncidentFactory(
                vendor=vendor,
                category=Incident.Category.SECURITY,
                detected_at=NOW - hours * HOUR,
                opened_at=NOW - hours * HOUR,
            )
        # An action item due in 3 days (its owner) and one overdue (escalated to the owner).
        for days in (3, -5):
            ActionItem.objects.create(
                vendor=vendor,
                description="Follow up",
                owner=reviewer,
                due_date=NOW.date() + days * DAY,
            )
        # March closed with a credit due whose claim window ends in a week.
        CreditPolicy.objects.create(vendor=vendor, monthly_fee=1000, claim_window_days=7)
        CreditStatement.objects.create(
            vendor=vendor,
            month=dt.date(2026, 3, 1),
            credit_due=100,
            status=CreditStatement.Status.DUE,
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

    assert created == 27 * PER_VENDOR
    assert again.created == 0
    assert Reminder.objects.count() == 30 * PER_VENDOR


def test_a_second_sweep_only_reads():
    build_portfolio(5)
    sweep_queries()

    with CaptureQueriesContext(connection) as queries, time_machine.travel(NOW, tick=False):
        result = reminders.sweep(enqueue=False)

    assert result.created == 0
    statements = [q["sql"].lstrip().split()[0].upper() for q in queries]
    # SET: the due queries' transaction turns JIT off on PostgreSQL (outbox._without_jit).
    assert set(statements) <= {"SELECT", "SAVEPOINT", "RELEASE", "UPDATE", "SET"}
    assert "INSERT" not in statements


def test_rows_are_inserted_in_batches(settings):
    settings.GOVERNANCE_REMINDER_BATCH_SIZE = 4
    build_portfolio(3)

    with CaptureQueriesContext(connection) as queries, time_machine.travel(NOW, tick=False):
        reminders.sweep(enqueue=False)

    inserts = [q for q in queries if q["sql"].lstrip().upper().startswith("INSERT")]
    assert len(inserts) == math.ceil(3 * PER_VENDOR / 4)
    assert Reminder.objects.count() == 3 * PER_VENDOR


def test_after_a_sweep_no_kind_reads_an_object_whose_reminder_is_in_the_outbox():
    build_portfolio(4)
    with time_machine.travel(NOW, tick=False):
        reminders.sweep(enqueue=False)

        left = {kind.code: list(kind.due(Sweep.at(NOW))) for kind in registry.kinds()}

    assert left == {kind.code: [] for kind in registry.kinds()}


def test_a_series_whose_next_occurrence_is_past_the_window_is_not_expanded(monkeypatch):
    owner = UserFactory()
    set_profile(owner)
    vendor = VendorFactory(owner=owner)
    with time_machine.travel(NOW, tick=False):
        for _ in range(5):
            # Weekly on Mondays; NOW is a Wednesday: the next one is five days away.
            MeetingFactory(
                vendor=vendor,
                starts_at=NOW - 2 * DAY - 2 * HOUR,
                recurrence="FREQ=WEEKLY;BYDAY=MO",
            )
    expanded = []
    real = recurrence.meeting_occurrences
    monkeypatch.setattr(
        recurrence, "meeting_occurrences", lambda **kw: expanded.append(kw) or real(**kw)
    )

    with time_machine.travel(NOW, tick=False):
        assert reminders.sweep(enqueue=False).created == 0

    assert expanded == []
