"""What is due: each kind, its lead times, its recipients, and the nearest-lead-time rule."""

import datetime as dt

import pytest

from governance.models import Goal, Reminder, Review, SecurityClause, Vendor
from tests.factories import (
    ClauseFactory,
    GoalFactory,
    IncidentFactory,
    ReviewFactory,
    SLATargetFactory,
    UserFactory,
    VendorFactory,
)
from tests.reminders.conftest import NOW, recipients_of, set_profile

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
TODAY = NOW.date()


def at(day, hour=10):
    """``day`` at ``hour`` UTC (12:00 in Warsaw in spring/summer)."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


# --- reviews -------------------------------------------------------------------------------


def test_a_review_fourteen_days_out_reminds_the_reviewer_and_the_owner(
    vendor, owner, member, run_sweep
):
    ReviewFactory(vendor=vendor, reviewer=member, scheduled_for=TODAY + 14 * DAY)

    sent = run_sweep(NOW)

    assert recipients_of(sent) == ["member@example.com", "owner@example.com"]
    assert all("in 14 days" in message.subject for message in sent)
    assert set(Reminder.objects.values_list("lead_time", flat=True)) == {14 * DAY}


def test_a_review_created_three_days_ahead_gets_only_the_three_day_reminder(
    vendor, member, run_sweep
):
    ReviewFactory(vendor=vendor, reviewer=member, scheduled_for=TODAY + 3 * DAY)

    sent = run_sweep(NOW)

    assert len(sent) == 2  # one each, not a burst of 14- and 3-day reminders
    assert all("in 3 days" in message.subject for message in sent)
    assert set(Reminder.objects.values_list("lead_time", flat=True)) == {3 * DAY}


def test_each_lead_time_is_sent_once_as_the_days_pass(vendor, member, run_sweep):
    due = TODAY + 20 * DAY
    ReviewFactory(vendor=vendor, reviewer=member, scheduled_for=due)
    sent = []
    for day in range(21):
        sent += [m for m in run_sweep(at(TODAY + day * DAY)) if m.to == ["member@example.com"]]
    sent += [m for m in run_sweep(at(due, 20)) if m.to == ["member@example.com"]]

    assert [message.subject.split(" (")[0] for message in sent] == [
        "Review of Acme Hosting in 14 days",
        "Review of Acme Hosting in 3 days",
        "Review of Acme Hosting today",
    ]


def test_a_reviewer_who_owns_the_vendor_gets_one_email(vendor, owner, run_sweep):
    ReviewFactory(vendor=vendor, reviewer=owner, scheduled_for=TODAY + 3 * DAY)

    assert recipients_of(run_sweep(NOW)) == ["owner@example.com"]


def test_date_reminders_wait_for_the_send_hour_of_the_recipients_zone(vendor, owner, run_sweep):
    set_profile(owner, "America/New_York")  # UTC-4 in April
    ReviewFactory(vendor=vendor, scheduled_for=TODAY + 3 * DAY)

    assert run_sweep(at(TODAY, 11) + dt.timedelta(minutes=59)) == []  # 07:59 in New York
    assert recipients_of(run_sweep(at(TODAY, 12))) == ["owner@example.com"]  # 08:00


def test_an_overdue_review_is_reminded_weekly_and_escalated_to_the_owner(vendor, member, run_sweep):
    review = ReviewFactory(vendor=vendor, reviewer=member, scheduled_for=TODAY - DAY)

    first = run_sweep(NOW)
    assert recipients_of(first) == ["member@example.com", "owner@example.com"]
    to_owner = next(m for m in first if m.to == ["owner@example.com"])
    to_reviewer = next(m for m in first if m.to == ["member@example.com"])
    assert to_owner.subject == "Escalation: Review of Acme Hosting is 1 day overdue"
    assert "assigned to Marek Member" in to_owner.body
    assert to_reviewer.subject == "Review of Acme Hosting is 1 day overdue"

    assert run_sweep(NOW + 3 * DAY) == []
    week_later = run_sweep(NOW + 7 * DAY)
    assert [m.subject for m in week_later if m.to == ["member@example.com"]] == [
        "Review of Acme Hosting is 8 days overdue"
    ]

    review.status = Review.Status.COMPLETED
    review.completed_at = NOW
    review.save()
    assert run_sweep(NOW + 14 * DAY) == []


def test_closed_reviews_and_ended_vendors_get_no_reminders(owner, member, run_sweep):
    ended = VendorFactory(owner=owner, status=Vendor.Status.ENDED)
    ReviewFactory(vendor=ended, reviewer=member, scheduled_for=TODAY)
    active = VendorFactory(owner=owner)
    ReviewFactory(
        vendor=active, scheduled_for=TODAY, status=Review.Status.CANCELLED, reviewer=member
    )

    assert run_sweep(NOW) == []


def test_users_without_an_active_address_are_skipped(vendor, run_sweep):
    no_email = UserFactory(username="noemail", email="")
    gone = UserFactory(username="gone", is_active=False)
    ReviewFactory(vendor=vendor, reviewer=no_email, scheduled_for=TODAY)
    ReviewFactory(vendor=vendor, reviewer=gone, scheduled_for=TODAY + DAY)

    assert recipients_of(run_sweep(NOW)) == ["owner@example.com", "owner@example.com"]


# --- preferences ---------------------------------------------------------------------------


def test_a_muted_kind_is_not_sent_to_that_user_only(vendor, owner, member, run_sweep):
    set_profile(member, muted_kinds=["review_upcoming"])
    ReviewFactory(vendor=vendor, reviewer=member, scheduled_for=TODAY + 3 * DAY)

    assert recipients_of(run_sweep(NOW)) == ["owner@example.com"]


def test_a_users_own_lead_times_replace_the_site_defaults(vendor, owner, member, run_sweep):
    set_profile(member, lead_times={"review_upcoming": [7, "12h"]})
    ReviewFactory(vendor=vendor, reviewer=member, scheduled_for=TODAY + 10 * DAY)

    assert recipients_of(run_sweep(NOW)) == ["owner@example.com"]  # the site's 14 days
    assert recipients_of(run_sweep(NOW + 3 * DAY)) == ["member@example.com"]  # their 7 days
    assert run_sweep(NOW + 4 * DAY) == []


def test_site_lead_times_come_from_settings(vendor, member, settings, run_sweep):
    settings.GOVERNANCE_REMINDER_LEAD_TIMES = {**settings.GOVERNANCE_REMINDER_LEAD_TIMES}
    settings.GOVERNANCE_REMINDER_LEAD_TIMES["review_upcoming"] = [5]
    ReviewFactory(vendor=vendor, reviewer=member, scheduled_for=TODAY + 10 * DAY)

    assert run_sweep(NOW) == []
    assert len(run_sweep(NOW + 5 * DAY)) == 2


def test_an_invalid_personal_lead_time_falls_back_to_nothing_broken(vendor, member, run_sweep):
    set_profile(member, lead_times={"review_upcoming": ["soon"]})
    ReviewFactory(vendor=vendor, reviewer=member, scheduled_for=TODAY + 3 * DAY)

    assert recipients_of(run_sweep(NOW)) == ["member@example.com", "owner@example.com"]


# --- clauses, goals, contracts -------------------------------------------------------------


def test_a_clause_expiry_is_reminded_60_30_and_7_days_before(vendor, run_sweep):
    ClauseFactory(vendor=vendor, clause_type="iso27001", expires_on=TODAY + 45 * DAY)
    subjects = []
    for day in range(46):
        subjects += [m.subject for m in run_sweep(at(TODAY + day * DAY))]

    assert subjects == [
        "ISO 27001 certification of Acme Hosting expires in 60 days (16 May 2026)",
        "ISO 27001 certification of Acme Hosting expires in 30 days (16 May 2026)",
        "ISO 27001 certification of Acme Hosting expires in 7 days (16 May 2026)",
    ]


def test_a_missing_clause_is_not_reminded(vendor, run_sweep):
    ClauseFactory(vendor=vendor, expires_on=TODAY + 7 * DAY, status=SecurityClause.Status.MISSING)

    assert run_sweep(NOW) == []


def test_a_goal_is_reminded_seven_days_before_unless_achieved(vendor, member, run_sweep):
    GoalFactory(vendor=vendor, owner=member, due_date=TODAY + 7 * DAY, title="Faster fixes")
    GoalFactory(vendor=vendor, due_date=TODAY + 7 * DAY, status=Goal.Status.ACHIEVED, title="Done")

    sent = run_sweep(NOW)

    assert recipients_of(sent) == ["member@example.com", "owner@example.com"]
    assert {m.subject for m in sent} == {'Goal "Faster fixes" of Acme Hosting is due in 7 days'}


def test_the_contract_notice_deadline_is_contract_end_minus_the_notice_period(owner, run_sweep):
    vendor = VendorFactory(
        owner=owner, contract_end=TODAY + 120 * DAY, renewal_notice_days=90, name="Northwind"
    )

    sent = run_sweep(NOW)

    assert [m.subject for m in sent] == [
        "Contract notice deadline for Northwind in 30 days (1 May 2026)"
    ]
    reminder = Reminder.objects.get()
    assert reminder.kind == Reminder.Kind.CONTRACT_NOTICE
    assert reminder.vendor == vendor
    assert reminder.occurrence == dt.datetime(2026, 5, 1, tzinfo=dt.UTC)


# --- SLA -----------------------------------------------------------------------------------


def test_an_open_incident_warns_at_75_percent_then_reports_the_breach(vendor, run_sweep):
    SLATargetFactory(vendor=vendor, priority="P1", response_minutes=40, resolution_minutes=240)
    opened = NOW
    IncidentFactory(
        vendor=vendor,
        external_id="INC-7",
        opened_at=opened,
        response_due_at=opened + dt.timedelta(minutes=40),
        resolution_due_at=opened + dt.timedelta(minutes=240),
    )
    minute = dt.timedelta(minutes=1)

    assert run_sweep(opened + 29 * minute) == []
    warning = run_sweep(opened + 30 * minute)
    assert [m.subject for m in warning] == [
        "SLA warning: INC-7 (P1) at Acme Hosting, response due 12:40 CEST"
    ]
    assert run_sweep(opened + 39 * minute) == []
    breach = run_sweep(opened + 40 * minute)
    assert [m.subject for m in breach] == [
        "SLA breached: INC-7 (P1) at Acme Hosting, response target missed"
    ]
    assert [m.subject for m in run_sweep(opened + 180 * minute)] == [
        "SLA warning: INC-7 (P1) at Acme Hosting, resolution due 16:00 CEST"
    ]


def test_a_warning_whose_breach_already_happened_is_not_sent(vendor, run_sweep):
    opened = NOW - dt.timedelta(minutes=50)
    IncidentFactory(
        vendor=vendor,
        opened_at=opened,
        response_due_at=opened + dt.timedelta(minutes=40),
        resolution_due_at=opened + dt.timedelta(minutes=240),
    )

    sent = run_sweep(NOW)

    assert [m.subject.split(":")[0] for m in sent] == ["SLA breached"]
    assert not Reminder.objects.filter(kind=Reminder.Kind.SLA_WARNING).exists()


def test_a_met_target_is_not_reported(vendor, run_sweep):
    opened = NOW - dt.timedelta(minutes=50)
    IncidentFactory(
        vendor=vendor,
        status="acknowledged",
        opened_at=opened,
        acknowledged_at=opened + dt.timedelta(minutes=5),
        response_due_at=opened + dt.timedelta(minutes=40),
        resolution_due_at=opened + dt.timedelta(minutes=240),
    )

    assert run_sweep(NOW) == []


# --- digest --------------------------------------------------------------------------------


def test_the_weekly_digest_goes_only_to_users_who_turned_it_on(vendor, owner, member, run_sweep):
    set_profile(owner, digest_enabled=True)
    ReviewFactory(vendor=vendor, reviewer=member, scheduled_for=dt.date(2026, 4, 9))
    monday = dt.datetime(2026, 4, 6, 6, 0, tzinfo=dt.UTC)  # 08:00 in Warsaw

    digests = [m for m in run_sweep(monday) if "week" in m.subject]

    assert recipients_of(digests) == ["owner@example.com"]
    assert "Acme Hosting, Thu 9 Apr" in digests[0].body
    assert [m for m in run_sweep(monday + 2 * DAY) if "week" in m.subject] == []
    assert len([m for m in run_sweep(monday + 7 * DAY) if "week" in m.subject]) == 1


# --- idempotence ---------------------------------------------------------------------------


def test_sweeping_twice_sends_nothing_the_second_time(vendor, member, run_sweep):
    ReviewFactory(vendor=vendor, reviewer=member, scheduled_for=TODAY + 3 * DAY)
    ClauseFactory(vendor=vendor, expires_on=TODAY + 7 * DAY)

    assert len(run_sweep(NOW)) == 3
    assert run_sweep(NOW) == []
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 3
