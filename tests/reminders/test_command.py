"""``manage.py send_reminders``: one synchronous sweep that prints what it sent."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from governance.models import Reminder
from tests.factories import ClauseFactory, ReviewFactory
from tests.reminders.conftest import NOW
from tests.reminders.smtp import free_port

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def send_reminders(*args):
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_it_sends_what_is_due_and_prints_each_email(vendor, member):
    ReviewFactory(vendor=vendor, reviewer=member, scheduled_for=NOW.date() + 3 * DAY)
    ClauseFactory(vendor=vendor, clause_type="iso27001", expires_on=NOW.date() + 30 * DAY)

    output = send_reminders()

    lines = output.splitlines()
    assert len(mail.outbox) == 3
    assert sorted(lines[:3]) == [
        "sent    clause_expiry    owner@example.com                "
        "ISO 27001 certification of Acme Hosting expires in 30 days (1 May 2026)",
        "sent    review_upcoming  member@example.com               "
        "Review of Acme Hosting in 3 days (Sat 4 Apr)",
        "sent    review_upcoming  owner@example.com                "
        "Review of Acme Hosting in 3 days (Sat 4 Apr)",
    ]
    assert lines[3].startswith("Sent 3, failed 0, to retry 0, dropped 0 (3 new")
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}


def test_running_it_again_sends_nothing(vendor):
    ReviewFactory(vendor=vendor, scheduled_for=NOW.date())
    send_reminders()

    output = send_reminders()

    assert len(mail.outbox) == 1
    assert output.startswith("Sent 0, failed 0")


def test_a_failure_is_printed_with_its_reason(vendor, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_TIMEOUT = 2
    ReviewFactory(vendor=vendor, scheduled_for=NOW.date())

    output = send_reminders()

    assert "retry   review_upcoming  owner@example.com" in output
    assert "ConnectionRefusedError" in output
    assert "to retry 1" in output
    assert Reminder.objects.get().status == Reminder.Status.PENDING


def test_dry_run_lists_without_creating_or_sending(vendor):
    review = ReviewFactory(vendor=vendor, scheduled_for=NOW.date() + 14 * DAY)

    output = send_reminders("--dry-run")

    assert output.splitlines() == [
        f"due     review_upcoming  owner@example.com                review #{review.pk} "
        "for 2026-04-15 00:00 UTC",
        "1 reminder(s) due; nothing was created or sent.",
    ]
    assert not Reminder.objects.exists()
    assert mail.outbox == []
