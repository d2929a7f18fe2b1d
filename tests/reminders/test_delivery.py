"""Sending: the claim, the state machine, retries, permanent failures and recovery.

These run against a real SMTP server (aiosmtpd on a random port) with Celery eager.
"""

import datetime as dt
import smtplib
import socket

import pytest
import time_machine
from django.core import mail

from governance import reminders
from governance.models import Reminder, Review
from governance.reminders import delivery
from governance.tasks import send_reminders
from tests.factories import ReviewFactory
from tests.reminders.conftest import NOW
from tests.reminders.smtp import SMTPServer, free_port

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


@pytest.fixture
def smtp(settings):
    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 5
        yield server.handler


def run_task(reminder_id):
    """Run ``send_reminders`` for one reminder; eager Celery runs its retries inline."""
    send_reminders.apply(([reminder_id],))


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def due_reminder(vendor, clock):
    """One pending reminder (to the owner), created by a sweep but not sent yet."""
    ReviewFactory(vendor=vendor, scheduled_for=NOW.date() + 3 * DAY)
    result = reminders.sweep(enqueue=False)
    [reminder_id] = result.to_send
    return Reminder.objects.get(pk=reminder_id)


def test_a_reminder_is_sent_once_with_its_stable_message_id(due_reminder, smtp):
    first = reminders.deliver(due_reminder.pk)
    second = reminders.deliver(due_reminder.pk)

    assert (first.status, second.status) == (reminders.SENT, reminders.SKIPPED)
    [message] = smtp.messages()
    assert message["Message-ID"] == due_reminder.message_id
    assert message["To"] == "owner@example.com"
    assert message["List-Unsubscribe"] == "<https://governance.example.com/account/preferences/>"
    due_reminder.refresh_from_db()
    assert due_reminder.status == Reminder.Status.SENT
    assert due_reminder.sent_at == NOW
    assert due_reminder.attempts == 1


def test_a_claimed_reminder_is_not_sent_by_a_second_worker(due_reminder, smtp):
    Reminder.objects.filter(pk=due_reminder.pk).update(status=Reminder.Status.SENDING)

    assert reminders.deliver(due_reminder.pk).status == reminders.SKIPPED
    assert smtp.messages() == []


def test_451_then_250_is_retried_and_delivered_once(due_reminder, smtp):
    smtp.script.append("451 4.7.1 Greylisted, try again later")

    first = reminders.deliver(due_reminder.pk)
    due_reminder.refresh_from_db()
    assert first.status == reminders.RETRY
    assert due_reminder.status == Reminder.Status.PENDING
    assert due_reminder.last_error == "451 4.7.1 Greylisted, try again later"

    second = reminders.deliver(due_reminder.pk)
    due_reminder.refresh_from_db()
    assert second.status == reminders.SENT
    assert (due_reminder.status, due_reminder.attempts) == (Reminder.Status.SENT, 2)
    assert len(smtp.messages()) == 1


def test_the_task_retries_a_greylisted_message_until_it_is_delivered(due_reminder, smtp):
    smtp.script.extend(["451 4.7.1 Greylisted", "421 4.3.2 Service shutting down"])

    run_task(due_reminder.pk)

    due_reminder.refresh_from_db()
    assert (due_reminder.status, due_reminder.attempts) == (Reminder.Status.SENT, 3)
    assert smtp.data_attempts == 3
    assert len(smtp.messages()) == 1


def test_550_fails_at_once_without_retry(due_reminder, smtp):
    smtp.rcpt_replies["owner@example.com"] = "550 5.1.1 No such user"

    run_task(due_reminder.pk)

    due_reminder.refresh_from_db()
    assert due_reminder.status == Reminder.Status.FAILED
    assert due_reminder.attempts == 1
    assert due_reminder.last_error == "owner@example.com: 550 5.1.1 No such user"
    assert smtp.messages() == []


def test_a_transient_error_fails_the_reminder_after_the_last_attempt(due_reminder, smtp):
    smtp.script.extend(["451 4.3.0 Queue full"] * 5)

    run_task(due_reminder.pk)

    due_reminder.refresh_from_db()
    assert due_reminder.status == Reminder.Status.FAILED
    assert due_reminder.attempts == 3
    assert due_reminder.last_error == "451 4.3.0 Queue full (gave up after 3 attempts)"
    assert smtp.data_attempts == 3


def test_an_unreachable_mail_server_is_a_transient_error(due_reminder, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens there
    settings.EMAIL_TIMEOUT = 5

    outcome = reminders.deliver(due_reminder.pk)

    due_reminder.refresh_from_db()
    assert outcome.status == reminders.RETRY
    assert due_reminder.status == Reminder.Status.PENDING
    assert due_reminder.last_error.startswith("ConnectionRefusedError")


def test_a_reminder_no_longer_due_is_dropped_unsent(due_reminder, smtp):
    Review.objects.update(status=Review.Status.COMPLETED, completed_at=NOW)

    outcome = reminders.deliver(due_reminder.pk)

    assert (outcome.status, outcome.detail) == (reminders.DROPPED, "the review is completed")
    assert not Reminder.objects.exists()
    assert smtp.messages() == []


def test_a_reminder_muted_after_it_was_created_is_dropped(due_reminder, owner, smtp):
    owner.profile.muted_kinds = ["review_upcoming"]
    owner.profile.save()

    assert reminders.deliver(due_reminder.pk).status == reminders.DROPPED
    assert smtp.messages() == []


# --- recovery ------------------------------------------------------------------------------


def test_a_reminder_stuck_in_sending_is_sent_again_with_the_same_message_id(
    due_reminder, smtp, clock, django_capture_on_commit_callbacks
):
    # A worker claimed it and died before recording the outcome.
    Reminder.objects.filter(pk=due_reminder.pk).update(
        status=Reminder.Status.SENDING, claimed_at=NOW, attempts=1
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.sweep().recovered == 0  # a send may still be under way
    clock.shift(dt.timedelta(minutes=16))

    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.sweep().recovered == 1

    due_reminder.refresh_from_db()
    assert (due_reminder.status, due_reminder.attempts) == (Reminder.Status.SENT, 2)
    assert smtp.message_ids() == [due_reminder.message_id]


def test_without_resending_a_stuck_reminder_is_marked_failed(due_reminder, settings, clock):
    settings.GOVERNANCE_REMINDER_RESEND_UNCONFIRMED = False
    Reminder.objects.filter(pk=due_reminder.pk).update(
        status=Reminder.Status.SENDING, claimed_at=NOW, attempts=1
    )
    clock.shift(dt.timedelta(minutes=16))

    result = reminders.sweep(enqueue=False)

    due_reminder.refresh_from_db()
    assert (result.recovered, result.given_up) == (0, 1)
    assert due_reminder.status == Reminder.Status.FAILED
    assert "may or may not have arrived" in due_reminder.last_error


def test_a_pending_reminder_whose_task_was_lost_is_queued_again(
    due_reminder, smtp, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.sweep().requeued == 0  # its task may just be waiting in the queue
    assert smtp.messages() == []
    clock.shift(dt.timedelta(minutes=6))

    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.sweep().requeued == 1

    assert smtp.message_ids() == [due_reminder.message_id]


def test_a_slow_worker_finishing_after_recovery_marks_the_reminder_sent(due_reminder, smtp):
    claimed_at = NOW - dt.timedelta(minutes=20)
    Reminder.objects.filter(pk=due_reminder.pk).update(
        status=Reminder.Status.PENDING, claimed_at=NOW
    )

    assert delivery._finish(
        due_reminder.pk, claimed_at, status=Reminder.Status.SENT, sent_at=NOW, or_released=True
    )
    due_reminder.refresh_from_db()
    assert due_reminder.status == Reminder.Status.SENT
    assert reminders.deliver(due_reminder.pk).status == reminders.SKIPPED


def test_a_broker_outage_leaves_reminders_pending_for_the_next_sweep(
    vendor, settings, clock, django_capture_on_commit_callbacks, caplog
):
    from config.celery import app

    ReviewFactory(vendor=vendor, scheduled_for=NOW.date() + 3 * DAY)
    saved = (app.conf.task_always_eager, app.conf.get("broker_write_url"))
    app.conf.task_always_eager = False
    app.conf.broker_write_url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens
    try:
        with django_capture_on_commit_callbacks(execute=True):
            result = reminders.sweep()
    finally:
        app.conf.task_always_eager, app.conf.broker_write_url = saved

    assert result.created == 1
    assert Reminder.objects.get().status == Reminder.Status.PENDING
    assert "Broker unavailable: 1 of 1 reminders left for the next sweep" in caplog.text
    assert mail.outbox == []

    clock.shift(dt.timedelta(minutes=6))
    with django_capture_on_commit_callbacks(execute=True):
        reminders.sweep()
    assert [message.to for message in mail.outbox] == [["owner@example.com"]]


# --- classification and backoff ------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (smtplib.SMTPDataError(451, b"Try later"), True),
        (smtplib.SMTPSenderRefused(421, b"Busy", "a@b"), True),
        (smtplib.SMTPRecipientsRefused({"a@b": (450, b"Mailbox busy")}), True),
        (smtplib.SMTPServerDisconnected("gone"), True),
        (smtplib.SMTPConnectError(-1, b"refused"), True),
        (ConnectionRefusedError(111, "refused"), True),
        (TimeoutError("timed out"), True),
        (socket.gaierror(-3, "Temporary failure in name resolution"), True),
        (smtplib.SMTPDataError(554, b"Rejected"), False),
        (smtplib.SMTPRecipientsRefused({"a@b": (550, b"No such user")}), False),
        (smtplib.SMTPRecipientsRefused({"a@b": (450, b"x"), "c@d": (550, b"y")}), False),
        (smtplib.SMTPAuthenticationError(535, b"Bad credentials"), False),
        (ValueError("template bug"), False),
    ],
)
def test_only_named_transient_errors_are_retried(error, transient):
    assert reminders.is_transient(error) is transient


def test_retry_delays_grow_exponentially_with_jitter_up_to_a_cap(settings):
    settings.GOVERNANCE_REMINDER_RETRY_BASE_SECONDS = 30
    settings.GOVERNANCE_REMINDER_RETRY_MAX_SECONDS = 600

    for attempts, full in [(1, 30), (2, 60), (3, 120), (5, 480), (6, 600), (12, 600)]:
        delays = [reminders.retry_delay(attempts) for _ in range(50)]
        assert all(full / 2 <= delay <= full for delay in delays)
        assert len(set(delays)) > 1
