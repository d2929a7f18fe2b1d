"""The reminders of issue 14: the two security notification clocks (half time, three
quarters, deadline; to the owner and the security contacts), their escalation to the
administrators, a month closed with a credit due, and its claim window ending.

Eager Celery and the locmem outbox here; ``test_integration`` sends each through a real
worker to a real SMTP server.
"""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from governance import services
from governance.models import ClauseType, CreditPolicy, CreditStatement, Incident, Reminder, Role
from governance.reminders import registry
from tests.factories import ClauseFactory, IncidentFactory, UserFactory, VendorFactory
from tests.reminders.conftest import recipients_of, set_profile

pytestmark = pytest.mark.django_db

UTC = dt.UTC
SIGNED = dt.datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
DETECTED = dt.datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def hours(n):
    return DETECTED + dt.timedelta(hours=n)


@pytest.fixture
def security_contact(db):
    user = UserFactory(username="sec", first_name="Sara", last_name="Security")
    set_profile(user, "Europe/Warsaw", security_contact=True)
    return user


@pytest.fixture
def administrator(db):
    user = UserFactory(username="admin", role=Role.ADMINISTRATOR)
    set_profile(user, "UTC")
    return user


@pytest.fixture
def breach_vendor(vendor):
    with time_machine.travel(SIGNED, tick=False):
        ClauseFactory(
            vendor=vendor, clause_type=ClauseType.BREACH_NOTIFICATION, notification_hours=24
        )
    return vendor


def security_incident(vendor, **fields):
    with time_machine.travel(hours(1), tick=False):
        return IncidentFactory(
            vendor=vendor,
            category=Incident.Category.SECURITY,
            title="Credential leak",
            detected_at=DETECTED,
            opened_at=hours(1),
            **fields,
        )


def test_the_vendor_clock_is_reminded_at_half_time_three_quarters_and_the_deadline_once_each(
    run_sweep, breach_vendor, security_contact, outsider
):
    incident = security_incident(breach_vendor)

    assert run_sweep(hours(11)) == []
    half = run_sweep(hours(12))
    assert run_sweep(hours(12.5)) == []
    three_quarters = run_sweep(hours(18))
    deadline = run_sweep(hours(24))

    for sent in (half, three_quarters, deadline):
        assert recipients_of(sent) == ["owner@example.com", "sec@example.com"]
    assert "Notification clock at half time" in half[0].subject
    assert "three quarters" in three_quarters[0].subject
    assert "Notification deadline reached" in deadline[0].subject
    body = half[0].body
    assert "The vendor's notification to us: Running, 12 h left" in body
    assert incident.get_absolute_url() in body  # the incident's own page
    leads = Reminder.objects.filter(kind=Reminder.Kind.SECURITY_CLOCK).values_list(
        "lead_time", flat=True
    )
    assert sorted(set(leads)) == [dt.timedelta(0), dt.timedelta(hours=6), dt.timedelta(hours=12)]


def test_a_sweep_that_comes_late_sends_the_current_stage_only(run_sweep, breach_vendor):
    security_incident(breach_vendor)

    sent = run_sweep(hours(20))

    assert len(sent) == 1 and "three quarters" in sent[0].subject
    assert run_sweep(hours(21)) == []


def test_a_recorded_notification_stops_the_clock_and_the_escalation(
    run_sweep, breach_vendor, administrator
):
    incident = security_incident(breach_vendor)
    run_sweep(hours(12))
    incident.vendor_notified_at = hours(13)
    incident.notified_by = "Vendor SOC"
    incident.save()

    assert run_sweep(hours(18)) == []
    assert run_sweep(hours(30)) == []


def test_a_missed_deadline_is_escalated_to_the_administrators_once(
    run_sweep, breach_vendor, administrator
):
    security_incident(breach_vendor)
    run_sweep(hours(24))

    escalated = run_sweep(hours(25))

    assert recipients_of(escalated) == ["admin@example.com"]
    assert escalated[0].subject.startswith("Escalation: notification deadline missed")
    assert "or as an administrator where it has none" in escalated[0].body
    assert run_sweep(hours(26)) == []


def test_the_authority_clock_runs_from_awareness_when_personal_data_is_affected(
    run_sweep, breach_vendor
):
    security_incident(breach_vendor, personal_data_affected=True, vendor_notified_at=hours(2))

    sent = run_sweep(hours(1 + 36))  # awareness at opening (1 h), 72 h: half time at 37 h

    assert recipients_of(sent) == ["owner@example.com"]
    assert "Our notification to the supervisory authority: Running, 1 d 12 h left" in sent[0].body


def test_no_clause_in_force_means_no_vendor_clock_to_remind(run_sweep, vendor):
    security_incident(vendor)

    assert run_sweep(hours(30)) == []


def test_a_service_incident_and_an_ended_vendor_get_no_security_reminders(run_sweep, breach_vendor):
    IncidentFactory(vendor=breach_vendor, opened_at=hours(1))
    ended = VendorFactory(status="ended", owner=breach_vendor.owner)
    security_incident(ended)

    assert run_sweep(hours(24)) == []


def test_a_representative_marked_security_contact_gets_nothing(run_sweep, breach_vendor):
    rep = UserFactory(username="rep")
    services.user_role_set(rep, role=Role.VENDOR_REP, vendor=breach_vendor)
    set_profile(rep, "UTC", security_contact=True)
    security_incident(breach_vendor)

    assert recipients_of(run_sweep(hours(12))) == ["owner@example.com"]


def test_the_security_contact_box_is_on_the_preferences_page_of_internal_users_only(
    client, security_contact
):
    client.force_login(security_contact)
    response = client.post(
        "/account/preferences/",
        {"time_zone": "Europe/Warsaw", "security_contact": ""},
    )

    assert response.status_code == 302
    security_contact.profile.refresh_from_db()
    assert security_contact.profile.security_contact is False
    assert "I am a security contact" in client.get("/account/preferences/").content.decode()


# --- service credits -----------------------------------------------------------------------

MARCH = dt.date(2026, 3, 1)
CLOSED = dt.datetime(2026, 4, 1, 10, 0, tzinfo=UTC)  # 12:00 in Warsaw, past the send hour


@pytest.fixture
def due_statement(vendor):
    vendor.annual_value = Decimal("120000.00")
    vendor.save()
    services.credit_policy_save(
        CreditPolicy(vendor=vendor, per_breach={"P1": 600}, claim_window_days=30)
    )
    return CreditStatement.objects.create(
        vendor=vendor,
        month=MARCH,
        met=3,
        breached=1,
        compliance_percent=Decimal("75.00"),
        breaches_by_priority={"P1": 1},
        credit_due=Decimal("600.00"),
        status=CreditStatement.Status.DUE,
        computed_at=CLOSED,
    )


def test_a_month_closed_with_a_credit_due_is_reminded_to_the_owner_once(
    run_sweep, due_statement, member
):
    sent = run_sweep(CLOSED)

    assert recipients_of(sent) == ["owner@example.com"]
    assert sent[0].subject == "Service credit due from Acme Hosting for March 2026: 600.00 EUR"
    assert "Claim it by: Thursday 30 April 2026" in sent[0].body
    assert run_sweep(CLOSED + dt.timedelta(days=1)) == []


def test_the_claim_window_is_reminded_a_week_and_a_day_before_it_ends(run_sweep, due_statement):
    run_sweep(CLOSED)

    assert run_sweep(dt.datetime(2026, 4, 22, 10, tzinfo=UTC)) == []
    week = run_sweep(dt.datetime(2026, 4, 23, 10, tzinfo=UTC))
    day = run_sweep(dt.datetime(2026, 4, 29, 10, tzinfo=UTC))

    assert week[0].subject.startswith("Claim the March 2026 service credit from Acme Hosting in 7")
    assert "tomorrow" in day[0].subject
    assert run_sweep(dt.datetime(2026, 5, 1, 10, tzinfo=UTC)) == []


def test_a_claimed_or_waived_credit_is_not_reminded(run_sweep, due_statement):
    services.credit_statement_status_set(due_statement, status=CreditStatement.Status.CLAIMED)

    assert run_sweep(CLOSED) == []
    assert run_sweep(dt.datetime(2026, 4, 23, 10, tzinfo=UTC)) == []


def test_a_credit_waived_before_its_queued_reminder_goes_out_is_not_sent(due_statement):
    reminder = Reminder(
        kind=Reminder.Kind.CREDIT_DUE,
        occurrence=dt.datetime(2026, 4, 1, tzinfo=UTC),
        lead_time=dt.timedelta(0),
    )
    credit_due = registry.get(Reminder.Kind.CREDIT_DUE)
    assert credit_due.still_due(reminder, due_statement) == ""

    services.credit_statement_status_set(
        due_statement, status=CreditStatement.Status.WAIVED, status_note="Goodwill."
    )

    assert credit_due.still_due(reminder, due_statement) == "the credit is waived"
