"""Sending: each reminder claimed, checked, sent, and its outcome recorded, exactly once.

``deliver(id)`` claims the row with a conditional UPDATE (pending -> sending); only the caller
whose UPDATE changed exactly one row goes on, so duplicate tasks are harmless. It checks the
reminder is still due (a completed review or a met SLA target needs none: the row is
deleted), builds its kind's email and sends it with the row's stable Message-ID.

Accepted by the SMTP server -> ``sent``. A transient SMTP or connection error -> back to
``pending``, retried by the task with exponential backoff; after
``GOVERNANCE_REMINDER_MAX_ATTEMPTS`` attempts -> ``failed``. A permanent error (a 5xx reply)
-> ``failed`` at once. ``last_error`` says why. A row a dead worker left in ``sending`` is
recovered by the sweep (``outbox``).
"""

import errno
import logging
import random
import smtplib
import socket
from dataclasses import dataclass

from django.conf import settings
from django.core import mail
from django.db import OperationalError as DatabaseOperationalError
from django.db.models import F, Q
from django.utils import timezone

from governance.models import Reminder, Vendor
from governance.reminders import messages, registry

log = logging.getLogger(__name__)

Status = Reminder.Status

# What deliver() did with a reminder.
SENT = "sent"
FAILED = "failed"
RETRY = "retry"  # transient error: back to pending, the task retries it with backoff
DROPPED = "dropped"  # no longer due (review completed, meeting moved): the row is deleted
SKIPPED = "skipped"  # not pending: another worker holds it, or it is already done


@dataclass(frozen=True)
class Outcome:
    """What ``deliver()`` did with one reminder."""

    reminder_id: int
    status: str
    detail: str = ""
    attempts: int = 0
    kind: str = ""
    recipient: str = ""
    subject: str = ""


# Worth another attempt: the server or the network may be fine in a minute.
TRANSIENT_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    ConnectionError,
    TimeoutError,
    socket.gaierror,
    DatabaseOperationalError,
)
_TRANSIENT_ERRNOS = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN, errno.EHOSTDOWN}


def is_transient(error):
    """True for errors worth retrying: 4xx SMTP replies, refused or lost connections,
    timeouts. A 5xx reply (unknown mailbox, rejected message) is permanent."""
    if isinstance(error, TRANSIENT_ERRORS):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return isinstance(error, OSError) and error.errno in _TRANSIENT_ERRNOS


def retry_delay(attempts):
    """Seconds to wait before the attempt after ``attempts``: exponential from
    ``GOVERNANCE_REMINDER_RETRY_BASE_SECONDS``, capped at ``..._RETRY_MAX_SECONDS``, with
    jitter (50-100%) so reminders failing together do not retry together."""
    base = settings.GOVERNANCE_REMINDER_RETRY_BASE_SECONDS
    cap = settings.GOVERNANCE_REMINDER_RETRY_MAX_SECONDS
    delay = min(cap, base * 2 ** max(attempts - 1, 0))
    return delay * random.uniform(0.5, 1.0)


def deliver_each(reminder_ids):
    """Deliver each of ``reminder_ids`` (``deliver``) over one SMTP connection, yielding each
    ``Outcome`` as it happens.

    One connection for the lot: connecting and greeting the server for every email costs more
    than the email. After a failed or retried send the connection is opened afresh, so the
    next email does not inherit a broken session; when the server cannot be reached at all,
    each send tries its own connection and records its own error.
    """
    connection = mail.get_connection()
    _open_quietly(connection)
    try:
        for reminder_id in reminder_ids:
            outcome = deliver(reminder_id, connection=connection)
            if outcome.status in (FAILED, RETRY):
                connection.close()
                _open_quietly(connection)
            yield outcome
    finally:
        connection.close()


def _open_quietly(connection):
    try:
        connection.open()
    except (OSError, smtplib.SMTPException):
        connection.close()


def deliver(reminder_id, *, connection=None):
    """Send reminder ``reminder_id`` if this call wins its claim; returns an ``Outcome``.

    Never sends a row that another caller holds or has finished: the claim is a conditional
    UPDATE (pending -> sending) and only the caller that changed the row goes on.
    ``connection``: an open email connection to reuse (a synchronous sweep sends many).
    """
    claimed_at = timezone.now()
    claimed = Reminder.objects.filter(pk=reminder_id, status=Status.PENDING).update(
        status=Status.SENDING, claimed_at=claimed_at, attempts=F("attempts") + 1
    )
    if claimed != 1:
        return Outcome(reminder_id, SKIPPED, "not pending: taken by another worker, or done")
    # The recipient's profile with it: its preferences and zone, read for every email.
    reminder = Reminder.objects.select_related(
        "recipient__profile", "recipient_contact__vendor", "content_type"
    ).get(pk=reminder_id)
    about = dict(attempts=reminder.attempts, kind=reminder.kind, recipient=reminder.address)
    try:
        kind = registry.get(reminder.kind)
    except KeyError:
        error = LookupError(f"no module registers the reminder kind {reminder.kind!r}")
        return _record_failure(reminder, claimed_at, error, subject="", about=about)
    obj = _subject_of(reminder, kind)
    reason = _not_due_reason(reminder, kind, obj)
    if reason:
        # Not sent and never to be: the row goes, so a reminder that becomes due again (a
        # reopened incident) can be created afresh.
        Reminder.objects.filter(
            pk=reminder_id, status=Status.SENDING, claimed_at=claimed_at
        ).delete()
        log.info("Reminder %s dropped: %s", reminder_id, reason)
        return Outcome(reminder_id, DROPPED, reason, **about)
    subject = ""
    try:
        message = kind.message(reminder, obj)
        subject = message.subject
        if connection is not None:
            message.connection = connection
        message.send()
    except Exception as error:
        # Anything else (a template bug) fails the row visibly rather than leaving it to be
        # recovered and attempted forever.
        return _record_failure(reminder, claimed_at, error, subject=subject, about=about)
    finished = _finish(
        reminder_id,
        claimed_at,
        status=Status.SENT,
        sent_at=timezone.now(),
        last_error="",
        or_released=True,
    )
    if not finished:
        log.warning(
            "Reminder %s was sent but another worker took it over meanwhile: a duplicate "
            "with the same Message-ID is possible",
            reminder_id,
        )
    return Outcome(reminder_id, SENT, "", subject=subject, **about)


def _subject_of(reminder, kind):
    """The object ``reminder`` is about, with what its kind reads, or None once deleted."""
    model = reminder.content_type.model_class()
    if model is None:
        return None
    return (
        model._default_manager.select_related(*kind.related).filter(pk=reminder.object_id).first()
    )


def _not_due_reason(reminder, kind, obj):
    """Why ``reminder`` must not be sent any more, or "" when it still should."""
    if obj is None:
        return "its object no longer exists"
    vendor = obj if isinstance(obj, Vendor) else getattr(obj, "vendor", None)
    contact = reminder.recipient_contact
    if contact is not None:
        # A vendor's contact has no account, so no preferences: what counts is that the
        # vendor still allows its contacts to be emailed, and that this one has an address.
        if not contact.email:
            return "the vendor contact has no email address"
        if not contact.vendor.email_vendor_contacts:
            return "the vendor no longer allows its contacts to be emailed"
    else:
        recipient = reminder.recipient
        if not recipient.is_active or not recipient.email:
            return "the recipient has no active email address"
    if vendor is not None and vendor.status == Vendor.Status.ENDED:
        return "the vendor relationship has ended"
    if contact is None:
        profile = messages.profile_of(recipient)
        if reminder.kind in (profile.muted_kinds or []):
            return "the recipient muted this kind of reminder"
    return kind.still_due(reminder, obj)


def _record_failure(reminder, claimed_at, error, *, subject, about):
    detail = _describe(error)
    if not isinstance(error, smtplib.SMTPException | OSError | DatabaseOperationalError):
        log.exception("Reminder %s could not be built or sent", reminder.pk)
    if is_transient(error) and reminder.attempts < settings.GOVERNANCE_REMINDER_MAX_ATTEMPTS:
        _finish(reminder.pk, claimed_at, status=Status.PENDING, last_error=detail)
        log.info(
            "Reminder %s: attempt %d failed, will retry: %s", reminder.pk, reminder.attempts, detail
        )
        return Outcome(reminder.pk, RETRY, detail, subject=subject, **about)
    if is_transient(error):
        detail = f"{detail} (gave up after {reminder.attempts} attempts)"
    _finish(reminder.pk, claimed_at, status=Status.FAILED, last_error=detail)
    log.warning("Reminder %s failed: %s", reminder.pk, detail)
    return Outcome(reminder.pk, FAILED, detail, subject=subject, **about)


def _finish(reminder_id, claimed_at, *, or_released=False, **fields):
    """Write the end of an attempt, only if this attempt still holds the row.

    ``or_released``: also when the sweep released the row meanwhile (this worker was slow,
    not dead) and nobody claimed it again: it was sent, so it must not be sent twice.
    """
    mine = Q(status=Status.SENDING, claimed_at=claimed_at)
    if or_released:
        mine |= Q(status=Status.PENDING)
    return Reminder.objects.filter(mine, pk=reminder_id).update(**fields) == 1


def _describe(error):
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        text = "; ".join(
            f"{address}: {code} {_text(message)}"
            for address, (code, message) in error.recipients.items()
        )
    elif isinstance(error, smtplib.SMTPResponseException):
        text = f"{error.smtp_code} {_text(error.smtp_error)}"
    else:
        text = f"{type(error).__name__}: {error}"
    return text[:2000]


def _text(value):
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)
