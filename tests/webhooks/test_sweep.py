"""The sweep of time-made webhook events: each written once per key, only for types some
subscription wants, only for moments within the last seven days."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from governance import services
from governance.models import (
    ActionItem,
    ClauseType,
    CreditStatement,
    Incident,
    WebhookDelivery,
    WebhookEvent,
    WebhookEventType,
)
from governance.services import webhook_sweep
from tests.factories import ClauseFactory, IncidentFactory, SLATargetFactory

pytestmark = pytest.mark.django_db

E = WebhookEventType


def hours_ago(hours):
    return timezone.now() - dt.timedelta(hours=hours)


@pytest.fixture
def breached(vendor):
    """A P1 incident opened two hours ago: its 30-minute response target breached, its
    four-hour resolution target three quarters gone at three hours, so not warned of yet."""
    SLATargetFactory(vendor=vendor, priority="P1", response_minutes=30, resolution_minutes=240)
    return services.incident_save(
        Incident(vendor=vendor, title="Mail down", priority="P1", opened_at=hours_ago(2))
    )


def test_a_breached_target_is_emitted_once_whatever_the_number_of_sweeps(breached, subscribe):
    subscription = subscribe([E.INCIDENT_SLA_BREACHED, E.INCIDENT_SLA_WARNING])

    assert webhook_sweep.sweep() == 1
    assert webhook_sweep.sweep() == 0

    event = WebhookEvent.objects.get()
    assert event.key == f"incident.sla_breached:{breached.pk}:response"
    assert event.type == E.INCIDENT_SLA_BREACHED
    assert event.occurred_at == breached.response_due_at
    assert event.data["target"] == "response"
    assert event.data["id"] == breached.pk
    assert WebhookDelivery.objects.get().subscription == subscription


def test_a_target_three_quarters_gone_is_warned_of(breached, subscribe):
    subscribe([E.INCIDENT_SLA_WARNING])
    later = timezone.now() + dt.timedelta(hours=1, minutes=5)  # 3 h 5 min after opening

    assert webhook_sweep.sweep(now=later) == 1

    assert WebhookEvent.objects.get().key == f"incident.sla_warning:{breached.pk}:resolution"


def test_nothing_is_looked_for_when_nobody_wants_the_type(
    breached, subscribe, django_assert_num_queries
):
    subscribe([E.INCIDENT_CREATED])

    with django_assert_num_queries(1):
        assert webhook_sweep.sweep() == 0


def test_a_breach_older_than_seven_days_is_not_announced(vendor, subscribe):
    SLATargetFactory(vendor=vendor, priority="P1", response_minutes=30, resolution_minutes=240)
    IncidentFactory(vendor=vendor, opened_at=hours_ago(24 * 8))
    subscribe([E.INCIDENT_SLA_BREACHED])

    assert webhook_sweep.sweep() == 0


def test_a_clause_expired_this_week_is_announced_and_one_expired_last_month_is_not(
    vendor, subscribe
):
    today = timezone.localdate()
    recent = ClauseFactory(
        vendor=vendor, clause_type=ClauseType.SOC2, expires_on=today - dt.timedelta(days=2)
    )
    ClauseFactory(
        vendor=vendor, clause_type=ClauseType.ISO27001, expires_on=today - dt.timedelta(days=30)
    )
    expiring = ClauseFactory(
        vendor=vendor, clause_type=ClauseType.ENCRYPTION, expires_on=today + dt.timedelta(days=20)
    )
    subscribe([E.CLAUSE_EXPIRED, E.CLAUSE_EXPIRING])

    assert webhook_sweep.sweep() == 2

    events = {event.type: event for event in WebhookEvent.objects.all()}
    assert events[E.CLAUSE_EXPIRED].data["id"] == recent.pk
    assert events[E.CLAUSE_EXPIRING].data["id"] == expiring.pk
    assert events[E.CLAUSE_EXPIRING].data["days_left"] == 20


def test_an_overdue_action_item_is_announced_once(vendor, subscribe):
    item = ActionItem.objects.create(
        vendor=vendor,
        description="Patch the VPN concentrators",
        due_date=timezone.localdate() - dt.timedelta(days=1),
    )
    ActionItem.objects.create(
        vendor=vendor,
        description="Done already",
        due_date=timezone.localdate() - dt.timedelta(days=1),
        status=ActionItem.Status.DONE,
    )
    subscribe([E.ACTION_ITEM_OVERDUE], vendor=vendor)

    assert webhook_sweep.sweep() == 1
    assert webhook_sweep.sweep() == 0
    assert WebhookEvent.objects.get().data["id"] == item.pk


def test_a_credit_due_is_announced(vendor, subscribe):
    statement = CreditStatement.objects.create(
        vendor=vendor,
        month=dt.date(2026, 10, 1),
        credit_due=Decimal("1250.00"),
        status=CreditStatement.Status.DUE,
        computed_at=hours_ago(3),
    )
    subscribe([E.CREDIT_DUE])

    assert webhook_sweep.sweep() == 1

    data = WebhookEvent.objects.get().data
    assert data["id"] == statement.pk
    assert data["credit_due"] == "1250.00"


def test_our_notification_to_the_authority_past_its_deadline_is_announced(vendor, subscribe):
    incident = IncidentFactory(
        vendor=vendor,
        category=Incident.Category.SECURITY,
        opened_at=hours_ago(80),
        detected_at=hours_ago(80),
        personal_data_affected=True,
    )
    subscribe([E.SECURITY_INCIDENT_NOTIFICATION_OVERDUE])

    assert webhook_sweep.sweep() == 1

    event = WebhookEvent.objects.get()
    assert event.key == f"security_incident.notification_overdue:{incident.pk}:authority"
    assert event.data["clock"] == "authority"
