"""End to end: a real Celery worker (subprocess) on Redis, a real SMTP server, PostgreSQL.

These run where CI runs them: ``CELERY_BROKER_URL`` a redis:// URL and the database
PostgreSQL. The worker gets its own queue, so nothing else on the shared Redis is touched, and
the test database through ``DATABASE_URL``. Every wait is bounded and names what it waited for.
"""

import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zoneinfo
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import icalendar
import pytest
import redis
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from config.celery import app as celery_app
from governance import reminders, services
from governance.domain import credits
from governance.models import (
    ActionItem,
    ClauseType,
    CreditPolicy,
    CreditStatement,
    EscalationContact,
    Incident,
    Reminder,
    Role,
)
from tests.factories import (
    ClauseFactory,
    ContactFactory,
    IncidentFactory,
    MeetingFactory,
    ReviewFactory,
    SLATargetFactory,
    UserFactory,
)
from tests.reminders.smtp import SMTPServer, free_port, wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.xdist_group("celery-worker"),  # one worker (the module's lab) per run
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(120),
]
BASE_DIR = Path(settings.BASE_DIR)
SITE_URL = "https://governance.example.com"
DELIVERY_TIMEOUT = 30


def live_services_configured():
    return settings.CELERY_BROKER_URL.startswith("redis://") and connection.vendor == "postgresql"


def database_url():
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{quote(db['USER'], safe='')}{password}@{host}:{port}/{db['NAME']}"


class Lab:
    """A worker subprocess on its own queue, sending to a scripted SMTP server."""

    def __init__(self, smtp, queue, log_dir):
        self.smtp = smtp
        self.queue = queue
        self.log_dir = Path(log_dir)
        self.process = None
        self.log_path = None
        self.starts = 0

    def env(self):
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "SECRET_KEY": "integration-test-key-not-for-production-0123456789abcdef",
            "DATABASE_URL": database_url(),
            "CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_URL": f"smtp://127.0.0.1:{self.smtp.port}",
            "EMAIL_TIMEOUT": "20",
            "DEFAULT_FROM_EMAIL": "governance@example.com",
            "SITE_URL": SITE_URL,
            "GOVERNANCE_REMINDER_RETRY_BASE_SECONDS": "0.2",
            "GOVERNANCE_REMINDER_RETRY_MAX_SECONDS": "1",
            "GOVERNANCE_REMINDER_MAX_ATTEMPTS": "3",
            "LOG_LEVEL": "INFO",
        }

    def start_worker(self):
        self.starts += 1
        self.log_path = self.log_dir / f"worker-{self.starts}.log"
        log = self.log_path.open("wb")
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--queues",
            self.queue,
            "--hostname",
            f"{self.queue}-{self.starts}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ]
        self.process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        wait_for(
            lambda: self.process.poll() is not None or b" ready." in self.log_path.read_bytes(),
            timeout=60,
            message="the Celery worker did not become ready",
            details=self.log_tail,
        )
        assert self.process.poll() is None, f"the worker exited at start\n{self.log_tail()}"

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def kill_worker(self):
        """``kill -9``: no cleanup, no acknowledgement, the task dies mid-flight."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop_worker(self):
        if not self.alive():
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass

    def log_tail(self, lines=40):
        if self.log_path is None or not self.log_path.exists():
            return "(no worker log)"
        text = self.log_path.read_text(errors="replace").splitlines()
        return "worker log:\n" + "\n".join(text[-lines:])


@contextlib.contextmanager
def running_lab(lab_class, prefix):
    """A ``lab_class`` worker on a queue of its own, sending to a fresh SMTP server: the
    tests' Celery configuration pointed at that queue while it runs, and restored after."""
    if not live_services_configured():
        pytest.skip("needs PostgreSQL and a redis:// broker (CI provides both)")
    queue = f"{prefix}-{uuid.uuid4().hex[:10]}"
    saved = {
        "task_always_eager": celery_app.conf.task_always_eager,
        "task_default_queue": celery_app.conf.task_default_queue,
        "broker_write_url": celery_app.conf.get("broker_write_url"),
    }
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    with tempfile.TemporaryDirectory() as log_dir, SMTPServer() as smtp:
        lab = lab_class(smtp, queue, log_dir)
        try:
            lab.start_worker()
            yield lab
        finally:
            lab.stop_worker()
            for name, value in saved.items():
                setattr(celery_app.conf, name, value)
            redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(
                queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
            )


@pytest.fixture(scope="module")
def lab(django_db_setup):
    with running_lab(Lab, "reminders-it") as lab:
        yield lab


@pytest.fixture
def smtp(lab, settings):
    """The SMTP server's handler, reset; a worker running; the sweep's settings for tests."""
    settings.SITE_URL = SITE_URL
    settings.GOVERNANCE_REMINDER_SEND_HOUR = 0  # whatever the hour CI runs at
    lab.smtp.handler.reset()
    if not lab.alive():
        lab.start_worker()
    return lab.smtp.handler


def local_today(zone="Europe/Warsaw"):
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(zone))


def wait_for_messages(lab, count):
    return wait_for(
        lambda: len(lab.smtp.handler.messages()) >= count,
        timeout=DELIVERY_TIMEOUT,
        message=f"expected {count} email(s), got {len(lab.smtp.handler.messages())}",
        details=lab.log_tail,
    )


def wait_for_status(lab, status, count):
    return wait_for(
        lambda: Reminder.objects.filter(status=status).count() == count,
        timeout=DELIVERY_TIMEOUT,
        message=f"expected {count} reminder(s) {status}: "
        f"{list(Reminder.objects.values_list('status', 'last_error'))}",
        details=lab.log_tail,
    )


def settle():
    """Long enough for any duplicate task or retry (at most 1 s in these tests) to show."""
    time.sleep(2)


def test_a_real_worker_delivers_a_reminder_end_to_end(lab, smtp, vendor, member):
    ReviewFactory(vendor=vendor, reviewer=member, scheduled_for=local_today() + dt.timedelta(3))

    result = reminders.sweep()

    assert result.created == 2
    wait_for_messages(lab, 2)
    wait_for_status(lab, Reminder.Status.SENT, 2)
    by_id = {reminder.message_id: reminder for reminder in Reminder.objects.all()}
    for message in smtp.messages():
        reminder = by_id[message["Message-ID"]]
        assert message["To"] == reminder.recipient.email
        assert message["Subject"].startswith("Review of Acme Hosting in 3 days")
        assert (
            f"{SITE_URL}/vendors/{vendor.pk}/#reviews" in message.get_body(("plain",)).get_content()
        )
    assert sorted(m["To"] for m in smtp.messages()) == ["member@example.com", "owner@example.com"]


def test_concurrent_and_repeated_sweeps_send_one_email_per_reminder(lab, smtp, vendor, member):
    for days in range(15):
        ReviewFactory(
            vendor=vendor, reviewer=member, scheduled_for=local_today() + dt.timedelta(days)
        )
    barrier = threading.Barrier(2)
    errors = []

    def sweep():
        try:
            barrier.wait(timeout=10)
            reminders.sweep()
        except Exception as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert Reminder.objects.count() == 30
    wait_for_status(lab, Reminder.Status.SENT, 30)
    reminders.sweep()  # and once more, after everything went out
    settle()
    ids = smtp.message_ids()
    assert len(ids) == len(set(ids)) == 30
    assert set(ids) == {reminder.message_id for reminder in Reminder.objects.all()}


def test_a_worker_killed_mid_send_is_recovered_and_the_reminder_arrives_once(
    lab, smtp, vendor, settings
):
    settings.GOVERNANCE_REMINDER_STUCK_AFTER_SECONDS = 1
    smtp.script.append("hang")
    ReviewFactory(vendor=vendor, scheduled_for=local_today() + dt.timedelta(3))

    reminders.sweep()
    wait_for(
        smtp.hanging.is_set,
        timeout=DELIVERY_TIMEOUT,
        message="the worker never reached the SMTP DATA phase",
        details=lab.log_tail,
    )
    lab.kill_worker()
    smtp.release.set()  # the server gives up on the dead client: nothing was accepted
    reminder = Reminder.objects.get()
    assert reminder.status == Reminder.Status.SENDING

    lab.start_worker()
    time.sleep(1.1)  # past GOVERNANCE_REMINDER_STUCK_AFTER_SECONDS
    result = reminders.sweep()

    assert result.recovered == 1
    wait_for_status(lab, Reminder.Status.SENT, 1)
    settle()
    assert smtp.message_ids() == [reminder.message_id]
    reminder.refresh_from_db()
    assert reminder.attempts == 2


def test_an_unreachable_broker_loses_nothing_and_never_fails_the_write(
    lab, smtp, vendor, settings, caplog
):
    SLATargetFactory(vendor=vendor, priority="P1", response_minutes=30, resolution_minutes=240)
    # Publishing goes to the write URL (CELERY_BROKER_URL in the environment wins otherwise).
    celery_app.conf.broker_write_url = f"redis://127.0.0.1:{free_port()}/0"
    try:
        # What an API request does (ATOMIC_REQUESTS): write, ask for a prompt sweep, commit.
        with transaction.atomic():
            incident, created = services.incident_upsert(
                vendor=vendor,
                external_id="TCK-500",
                title="Core switch down",
                priority="P1",
                opened_at=timezone.now() - dt.timedelta(hours=1),
            )
            reminders.sweep_soon()
        result = reminders.sweep()  # beat's sweep, during the outage
    finally:
        celery_app.conf.broker_write_url = None

    assert created and Incident.objects.filter(pk=incident.pk).exists()
    assert result.created == 1
    assert "Broker unavailable" in caplog.text
    settle()
    assert smtp.messages() == []
    assert Reminder.objects.get().status == Reminder.Status.PENDING

    settings.GOVERNANCE_REMINDER_REQUEUE_AFTER_SECONDS = 0
    assert reminders.sweep().requeued == 1  # the broker is back
    wait_for_status(lab, Reminder.Status.SENT, 1)
    reminders.sweep()
    settle()
    [message] = smtp.messages()
    assert message["Subject"] == (
        "SLA breached: TCK-500 (P1) at Acme Hosting, response target missed"
    )


def test_451_then_250_is_retried_and_delivered_once(lab, smtp, vendor):
    smtp.script.append("451 4.7.1 Greylisted, try again later")
    ReviewFactory(vendor=vendor, scheduled_for=local_today() + dt.timedelta(3))

    reminders.sweep()

    wait_for_status(lab, Reminder.Status.SENT, 1)
    settle()
    reminder = Reminder.objects.get()
    assert reminder.attempts == 2
    assert smtp.data_attempts == 2
    assert smtp.message_ids() == [reminder.message_id]


def test_550_is_marked_failed_and_not_retried(lab, smtp, vendor):
    smtp.rcpt_replies["owner@example.com"] = "550 5.1.1 No such user here"
    ReviewFactory(vendor=vendor, scheduled_for=local_today() + dt.timedelta(3))

    reminders.sweep()

    wait_for_status(lab, Reminder.Status.FAILED, 1)
    settle()
    reminder = Reminder.objects.get()
    assert reminder.status == Reminder.Status.FAILED
    assert reminder.attempts == 1
    assert reminder.last_error == "owner@example.com: 550 5.1.1 No such user here"
    assert smtp.rcpt_attempts == 1
    assert smtp.messages() == []


def next_offset_change(zone, after):
    """The first local date after ``after`` whose UTC offset differs from the day before."""
    day = after
    for _ in range(400):
        before = dt.datetime.combine(day, dt.time(12), tzinfo=zone).utcoffset()
        following = dt.datetime.combine(day + dt.timedelta(1), dt.time(12), tzinfo=zone)
        if following.utcoffset() != before:
            return day + dt.timedelta(1)
        day += dt.timedelta(1)
    raise AssertionError(f"{zone} has no DST change within a year")


def test_a_meeting_after_a_dst_change_is_reminded_24_hours_before_its_local_time(
    lab, smtp, vendor, member, outsider
):
    warsaw = zoneinfo.ZoneInfo("Europe/Warsaw")
    new_york = zoneinfo.ZoneInfo("America/New_York")
    change = next_offset_change(warsaw, local_today() + dt.timedelta(8))
    day_after = change + dt.timedelta(1)
    local_start = dt.datetime.combine(day_after, dt.time(9), tzinfo=warsaw)
    occurrence = local_start.astimezone(dt.UTC)
    meeting = MeetingFactory(
        vendor=vendor,
        title="Operations sync",
        # Weekly, first held a week earlier on the other side of the change.
        starts_at=(local_start - dt.timedelta(days=7)).astimezone(dt.UTC),
        time_zone="Europe/Warsaw",
        recurrence="FREQ=WEEKLY",
    )
    meeting.attendees.set([member, outsider])

    assert reminders.sweep(now=occurrence - dt.timedelta(hours=24, seconds=1)).created == 0
    result = reminders.sweep(now=occurrence - dt.timedelta(hours=24))

    assert result.created == 3
    wait_for_status(lab, Reminder.Status.SENT, 3)
    messages = {message["To"]: message for message in smtp.messages()}
    warsaw_label = local_start.strftime("%H:%M %Z")
    assert warsaw_label.startswith("09:00 ")
    assert messages["member@example.com"]["Subject"].endswith(warsaw_label)
    new_york_label = occurrence.astimezone(new_york).strftime("%H:%M %Z")
    assert messages["outsider@example.com"]["Subject"].endswith(new_york_label)
    body = messages["outsider@example.com"].get_body(("plain",)).get_content()
    assert f"{occurrence.astimezone(new_york):%H:%M} to" in body
    assert "(America/New_York)" in body

    [attachment] = list(messages["member@example.com"].iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    calendar = icalendar.Calendar.from_ical(attachment.get_payload(decode=True))
    assert [zone["TZID"] for zone in calendar.walk("VTIMEZONE")] == ["Europe/Warsaw"]
    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == occurrence
    assert event["DTSTART"].to_ical() == local_start.strftime("%Y%m%dT090000").encode()


def test_security_clocks_their_escalation_and_credit_reminders_arrive_once_each(
    lab, smtp, vendor, member
):
    """Issue 14's four kinds through the real worker to the SMTP server, each exactly once."""
    now = timezone.now()
    services.profile_update(member.profile, security_contact=True)
    admin = UserFactory(username="admin", role=Role.ADMINISTRATOR)
    services.profile_update(admin.profile, time_zone="UTC")
    ClauseFactory(vendor=vendor, clause_type=ClauseType.BREACH_NOTIFICATION, notification_hours=24)
    half_time = IncidentFactory(
        vendor=vendor,
        category=Incident.Category.SECURITY,
        detected_at=now - dt.timedelta(hours=13),
        opened_at=now - dt.timedelta(hours=12),
    )
    missed = IncidentFactory(
        vendor=vendor,
        category=Incident.Category.SECURITY,
        detected_at=now - dt.timedelta(hours=30),
        opened_at=now - dt.timedelta(hours=29),
    )
    today = local_today()
    month = CreditStatement.first_of_month(today.replace(day=1) - dt.timedelta(days=1))
    # The claim window ends in a week: the 7-day reminder is the current one.
    window = (today + dt.timedelta(days=7) - credits.month_closes_on(month)).days + 1
    vendor.annual_value = Decimal("120000.00")
    vendor.save()
    services.credit_policy_save(CreditPolicy(vendor=vendor, claim_window_days=window))
    statement = CreditStatement.objects.create(
        vendor=vendor,
        month=month,
        met=9,
        breached=1,
        credit_due=Decimal("500.00"),
        status=CreditStatement.Status.DUE,
    )

    result = reminders.sweep()

    # Half time of one clock and the deadline of the other (owner, security contact), the
    # escalation (administrator), the credit due and its claim window (owner).
    assert result.created == 7
    wait_for_status(lab, Reminder.Status.SENT, 7)
    assert reminders.sweep().created == 0
    settle()
    ids = smtp.message_ids()
    assert len(ids) == len(set(ids)) == 7
    subjects = sorted((message["To"], message["Subject"]) for message in smtp.messages())
    ref = lambda incident: incident.external_id  # noqa: E731
    assert subjects == sorted(
        [
            *(
                (
                    to,
                    f"Notification clock at half time: security incident {ref(half_time)} "
                    "at Acme Hosting",
                )
                for to in ("owner@example.com", "member@example.com")
            ),
            *(
                (
                    to,
                    f"Notification deadline reached: security incident {ref(missed)} "
                    "at Acme Hosting",
                )
                for to in ("owner@example.com", "member@example.com")
            ),
            (
                "admin@example.com",
                f"Escalation: notification deadline missed for security incident {ref(missed)} "
                "at Acme Hosting",
            ),
            (
                "owner@example.com",
                f"Service credit due from Acme Hosting for {month:%B %Y}: 500.00 EUR",
            ),
            (
                "owner@example.com",
                f"Claim the {month:%B %Y} service credit from Acme Hosting in 7 days "
                f"({today + dt.timedelta(days=7):%-d %b %Y})",
            ),
        ]
    )
    assert statement.pk in Reminder.objects.filter(kind=Reminder.Kind.CREDIT_CLAIM).values_list(
        "object_id", flat=True
    )


def test_action_item_reminders_and_their_escalation_arrive_once_and_wait_for_a_snooze(
    lab, smtp, vendor, member
):
    """Issue 15: an item due in 3 days to its owner, an overdue one escalated to both sides of
    the level-2 service path (the vendor allows its contacts to be emailed), and a snoozed
    overdue one held, through the real worker, each once."""
    today = local_today()
    head = UserFactory(username="head")
    vendor.email_vendor_contacts = True
    vendor.save()
    theirs = ContactFactory(vendor=vendor, name="Vera Vendor", email="vera@acme.test")
    services.escalation_contact_save(
        EscalationContact(vendor=vendor, level=2, topic="service", side="ours", user=head)
    )
    services.escalation_contact_save(
        EscalationContact(vendor=vendor, level=2, topic="service", side="vendor", contact=theirs)
    )
    services.action_item_save(
        ActionItem(
            vendor=vendor,
            description="Send the capacity plan",
            owner=member,
            due_date=today + dt.timedelta(days=3),
        )
    )
    services.action_item_save(
        ActionItem(
            vendor=vendor,
            description="Fix the backup job",
            owner=member,
            due_date=today - dt.timedelta(days=4),
        )
    )
    held = services.action_item_save(
        ActionItem(
            vendor=vendor,
            description="Rotate the keys",
            owner=member,
            due_date=today - dt.timedelta(days=4),
        )
    )
    services.snooze_set(member, held, until=today + dt.timedelta(days=3))

    result = reminders.sweep()

    assert result.created == 3
    wait_for_status(lab, Reminder.Status.SENT, 3)
    assert reminders.sweep().created == 0
    settle()
    escalation = (
        f"Escalation: action item for Acme Hosting overdue since "
        f"{today - dt.timedelta(days=4):%-d %b %Y}: Fix the backup job"
    )
    ids = smtp.message_ids()
    assert len(ids) == len(set(ids)) == 3
    assert sorted((m["To"], m["Subject"]) for m in smtp.messages()) == [
        ("head@example.com", escalation),
        (
            "member@example.com",
            "Action item for Acme Hosting due in 3 days: Send the capacity plan",
        ),
        ("vera@acme.test", escalation),
    ]
    assert Reminder.objects.get(recipient_contact=theirs).status == Reminder.Status.SENT
    # The snoozed item: nothing for either side while the snooze runs.
    assert not Reminder.objects.filter(
        object_id=held.pk, kind=Reminder.Kind.ACTION_ITEM_OVERDUE
    ).exists()
