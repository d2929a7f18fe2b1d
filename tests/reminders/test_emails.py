"""The emails: one per kind, text and HTML, in the recipient's zone, linking back."""

import datetime as dt

import pytest

from governance.models import Reminder
from tests.factories import (
    ClauseFactory,
    GoalFactory,
    IncidentFactory,
    MeetingFactory,
    ReviewFactory,
    VendorFactory,
)
from tests.reminders.conftest import NOW, set_profile

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
SITE = "https://governance.example.com"
PREFERENCES = f"{SITE}/account/preferences/"


def only(messages):
    assert len(messages) == 1, [m.subject for m in messages]
    return messages[0]


def html_of(message):
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def assert_well_formed(message, object_url):
    """What every reminder email carries, whatever its kind."""
    message_id = message.extra_headers["Message-ID"]
    pk = int(message_id.removeprefix("<reminder-").split("@")[0])
    reminder = Reminder.objects.get(pk=pk, status=Reminder.Status.SENT)
    assert message_id == reminder.message_id == f"<reminder-{pk}@governance.example.com>"
    assert message.to == [reminder.recipient.email]
    assert message.from_email == "Vendor governance <governance@example.com>"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert "\n" not in message.subject
    for body in (message.body, html_of(message)):
        assert object_url in body
        assert PREFERENCES in body
        assert "Europe/Warsaw" in body
    assert "<html" not in message.body and "<html" in html_of(message)


def test_review_upcoming(vendor, member, run_sweep):
    review = ReviewFactory(vendor=vendor, reviewer=member, scheduled_for=NOW.date() + 3 * DAY)
    set_profile(vendor.owner, muted_kinds=["review_upcoming"])

    message = only(run_sweep(NOW))

    assert message.subject == "Review of Acme Hosting in 3 days (Sat 4 Apr)"
    assert "Hello Marek Member," in message.body
    assert "due in 3 days, on Saturday 4 April 2026" in message.body
    assert "Period covered: 1 Jan 2026 to 31 Mar 2026" in message.body
    assert_well_formed(message, SITE + review.get_absolute_url())


def test_review_overdue_escalation_to_the_owner(vendor, member, run_sweep):
    review = ReviewFactory(vendor=vendor, reviewer=member, scheduled_for=NOW.date() - 9 * DAY)
    set_profile(member, muted_kinds=["review_overdue"])

    message = only(run_sweep(NOW))

    assert message.subject == "Escalation: Review of Acme Hosting is 8 days overdue"
    assert "You receive this escalation as the owner" in message.body
    assert "Escalation" in html_of(message)
    assert_well_formed(message, SITE + review.get_absolute_url())


def test_meeting(vendor, owner, run_sweep):
    meeting = MeetingFactory(
        vendor=vendor,
        title="Security review",
        recurrence="",
        starts_at=NOW + DAY,
        agenda="Pen-test findings <critical>",
        location="Room 4",
    )

    message = only(run_sweep(NOW))

    assert message.subject == "Security review with Acme Hosting, Thu 2 Apr 12:00 CEST"
    assert "Pen-test findings <critical>" in message.body
    assert "Pen-test findings &lt;critical&gt;" in html_of(message)
    assert "Where: Video call, Room 4" in message.body
    assert message.attachments[0][0] == "meeting.ics"
    assert_well_formed(message, SITE + meeting.get_absolute_url())


def test_clause_expiry(vendor, run_sweep):
    clause = ClauseFactory(vendor=vendor, clause_type="soc2", expires_on=NOW.date() + 7 * DAY)

    message = only(run_sweep(NOW))

    assert message.subject == "SOC 2 report of Acme Hosting expires in 7 days (8 Apr 2026)"
    assert "Status: Agreed" in message.body
    assert_well_formed(message, SITE + clause.get_absolute_url())


def test_goal_due(vendor, run_sweep):
    goal = GoalFactory(vendor=vendor, title="Uptime", due_date=NOW.date() + 7 * DAY)

    message = only(run_sweep(NOW))

    assert message.subject == 'Goal "Uptime" of Acme Hosting is due in 7 days'
    assert "Target: 80" in message.body
    assert_well_formed(message, SITE + goal.get_absolute_url())


def test_contract_notice(owner, run_sweep):
    vendor = VendorFactory(
        owner=owner, name="Initech", contract_end=NOW.date() + 97 * DAY, renewal_notice_days=90
    )

    message = only(run_sweep(NOW))

    assert message.subject == "Contract notice deadline for Initech in 7 days (8 Apr 2026)"
    assert "Contract ends: 7 Jul 2026" in message.body
    assert "Notice period: 90 days" in message.body
    assert_well_formed(message, SITE + vendor.get_absolute_url())


def test_sla_breach_shows_times_in_the_recipients_zone(vendor, run_sweep):
    incident = IncidentFactory(
        vendor=vendor,
        external_id="TCK-1",
        title="VPN down",
        opened_at=NOW - dt.timedelta(hours=1),
        response_due_at=NOW - dt.timedelta(minutes=30),
        resolution_due_at=NOW + dt.timedelta(hours=3),
    )

    message = only(run_sweep(NOW))

    assert message.subject == "SLA breached: TCK-1 (P1) at Acme Hosting, response target missed"
    assert "breached its response target at Wednesday 1 April 2026, 11:30 CEST" in message.body
    assert "Opened: 1 Apr 2026, 11:00 CEST" in message.body
    assert_well_formed(message, SITE + incident.get_absolute_url())


def test_sla_warning(vendor, run_sweep):
    IncidentFactory(
        vendor=vendor,
        external_id="TCK-2",
        opened_at=NOW - dt.timedelta(minutes=90),
        response_due_at=NOW + dt.timedelta(minutes=30),
        resolution_due_at=NOW + dt.timedelta(hours=10),
    )

    message = only(run_sweep(NOW))

    assert message.subject == "SLA warning: TCK-2 (P1) at Acme Hosting, response due 12:30 CEST"
    assert "has used most of its response time" in message.body


def test_digest(vendor, owner, member, run_sweep):
    set_profile(owner, digest_enabled=True, muted_kinds=["review_overdue"])
    ReviewFactory(vendor=vendor, reviewer=member, scheduled_for=dt.date(2026, 3, 30))
    MeetingFactory(vendor=vendor, title="Ops", starts_at=dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC))
    IncidentFactory(
        vendor=vendor,
        external_id="TCK-9",
        title="Backups failing",
        opened_at=NOW - DAY,
        response_due_at=NOW - DAY + dt.timedelta(minutes=30),
    )
    monday = dt.datetime(2026, 4, 6, 6, 0, tzinfo=dt.UTC)

    message = only([m for m in run_sweep(monday) if m.subject.startswith("Your")])

    assert message.subject == ("Your vendor governance week: 1 review, 1 meeting, 1 SLA breach")
    assert "- Acme Hosting, Mon 30 Mar 2026 (overdue)" in message.body
    assert "- Mon 6 Apr 2026, 09:00 Ops with Acme Hosting" in message.body
    assert "- TCK-9 Backups failing (Acme Hosting, P1)" in message.body
    assert_well_formed(message, SITE + "/")
