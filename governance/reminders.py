"""The reminder engine: what is due, the outbox rows, and sending each one exactly once.

The path of a reminder, top to bottom in this file:

1. ``sweep()`` runs from beat (``tasks.sweep_reminders``, every
   ``GOVERNANCE_REMINDER_SWEEP_SECONDS``) or from ``manage.py send_reminders``. Per kind, one
   indexed date-range query finds the objects with a reminder due now. For each recipient only
   the nearest lead time that has passed counts: a review created three days ahead gets the
   3-day reminder, not the 14-day one as well. Rows not in the database yet are inserted in
   batches with ``ON CONFLICT DO NOTHING`` against ``reminder_once_per_key``, so concurrent or
   repeated sweeps never create a second row for one reminder.
2. The new rows are handed to Celery once the transaction commits
   (``tasks.send_reminders(ids)``, a few ids per message).
   The database is the outbox: nothing is scheduled days ahead with a Celery ETA, and a broker
   outage only delays delivery, because the sweep queues again whatever stayed pending.
3. ``deliver(id)`` claims the row with a conditional UPDATE (pending -> sending); only the
   caller whose UPDATE changed exactly one row goes on, so duplicate tasks are harmless. It
   checks the reminder is still due (a completed review or a met SLA target needs none),
   renders the email (``notifications``) and sends it with the row's stable Message-ID.
4. Accepted by the SMTP server -> ``sent``. A transient SMTP or connection error -> back to
   ``pending``, retried by the task with exponential backoff; after
   ``GOVERNANCE_REMINDER_MAX_ATTEMPTS`` attempts -> ``failed``. A permanent error (a 5xx
   reply) -> ``failed`` at once. ``last_error`` says why.
5. Recovery, in every sweep: pending rows whose task was lost are queued again, and rows left
   in ``sending`` by a worker that died are released.

A crash between the SMTP server's acceptance and the status write leaves the row in
``sending``, indistinguishable from a crash before the message went out. After
``GOVERNANCE_REMINDER_STUCK_AFTER_SECONDS`` the sweep sends it again with the same Message-ID
(``GOVERNANCE_REMINDER_RESEND_UNCONFIRMED``, on by default): a rare duplicate, recognisable and
collapsed by mail systems that deduplicate by Message-ID, is preferred to a lost reminder.
With the setting off, such a row is marked ``failed`` for a person to check instead.
"""

import datetime as dt
import errno
import functools
import logging
import random
import smtplib
import socket
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

import kombu.exceptions
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError as DatabaseOperationalError
from django.db import transaction
from django.db.models import DateField, F, Func, Max, Q
from django.utils import timezone

from governance import notifications, services
from governance.domain import scheduling
from governance.models import (
    Goal,
    Incident,
    Meeting,
    Reminder,
    Review,
    SecurityClause,
    UserProfile,
    Vendor,
)

log = logging.getLogger(__name__)

Kind = Reminder.Kind
Status = Reminder.Status

# Kinds reminded ahead of a date or time by lead times (site defaults, per-user overrides).
LEAD_TIME_KINDS = Reminder.LEAD_TIME_KINDS
GOAL_OPEN_STATUSES = tuple(s for s in Goal.Status if s not in Goal.CLOSED_STATUSES)
# Local dates (UTC-12 to UTC+14) differ from the UTC date by at most a day either way.
DATE_MARGIN = dt.timedelta(days=1)
# Cap of rows one sweep re-queues or recovers, so a long outage drains in bounded steps.
RECOVERY_LIMIT = 10_000
# Reminders per task message: one message each would make a sweep of thousands wait on the
# broker's round trips; a small chunk still spreads the sending over all worker processes.
SEND_CHUNK = 25

# What deliver() did with a reminder.
SENT = "sent"
FAILED = "failed"
RETRY = "retry"  # transient error: back to pending, the task retries it with backoff
DROPPED = "dropped"  # no longer due (review completed, meeting moved): the row is deleted
SKIPPED = "skipped"  # not pending: another worker holds it, or it is already done


# --- lead times and preferences ------------------------------------------------------------

# Parsing is pure date arithmetic (governance.domain.scheduling); the names stay here for callers.
MAX_LEAD_TIME = scheduling.MAX_LEAD_TIME
parse_lead_time = scheduling.parse_lead_time
parse_lead_times = scheduling.parse_lead_times


def site_lead_times(kind):
    """The site's default lead times of ``kind`` (``GOVERNANCE_REMINDER_LEAD_TIMES``)."""
    try:
        return parse_lead_times(settings.GOVERNANCE_REMINDER_LEAD_TIMES.get(kind, []))
    except ValueError as error:
        raise ImproperlyConfigured(f"GOVERNANCE_REMINDER_LEAD_TIMES[{kind!r}]: {error}") from error


@dataclass(frozen=True)
class Recipient:
    """A user's reminder preferences, as the sweep needs them."""

    user_id: int
    zone: dt.tzinfo
    muted: frozenset = frozenset()
    overrides: dict = field(default_factory=dict)

    def wants(self, kind):
        return kind not in self.muted

    def lead_times(self, kind):
        """The user's own lead times of ``kind`` (an empty list means none), else the site's."""
        if kind in self.overrides:
            return self.overrides[kind]
        return site_lead_times(kind)

    def send_date(self, now):
        """The recipient's local date, or None before their send hour: date-based reminders
        wait for the morning, and are then chosen by that day's date (one email, the
        nearest lead time, not yesterday's and today's)."""
        local = now.astimezone(self.zone)
        if local.hour < settings.GOVERNANCE_REMINDER_SEND_HOUR:
            return None
        return local.date()


class _Recipients:
    """Active users with an email address, loaded in batches on first use."""

    def __init__(self):
        self._known = {}

    def load(self, user_ids):
        wanted = sorted({pk for pk in user_ids if pk is not None} - self._known.keys())
        for batch in _chunks(wanted):
            self._known.update(dict.fromkeys(batch))
            rows = (
                get_user_model()
                .objects.filter(pk__in=batch, is_active=True)
                .exclude(email="")
                .values_list(
                    "pk", "profile__time_zone", "profile__muted_kinds", "profile__lead_times"
                )
            )
            for pk, zone, muted, overrides in rows:
                self._known[pk] = _recipient(pk, zone, muted, overrides)
        return self

    def each(self, user_ids, kind):
        """The recipients among ``user_ids`` who get ``kind``, each once, in order."""
        for pk in dict.fromkeys(user_ids):
            recipient = self._known.get(pk)
            if recipient is not None and recipient.wants(kind):
                yield recipient


def _recipient(pk, zone_name, muted, overrides):
    overrides = overrides if isinstance(overrides, dict) else {}
    parsed = {}
    for kind, values in overrides.items():
        if kind not in LEAD_TIME_KINDS:
            continue
        try:
            parsed[kind] = parse_lead_times(values)
        except ValueError as error:
            log.warning("Ignoring user %s's lead times for %s: %s", pk, kind, error)
    return Recipient(
        user_id=pk,
        zone=_zone(zone_name or settings.GOVERNANCE_DEFAULT_USER_TIME_ZONE),
        muted=frozenset(m for m in muted if isinstance(m, str))
        if isinstance(muted, list)
        else frozenset(),
        overrides=parsed,
    )


def _longest_lead_times():
    """Per kind, the longest lead time the site or any user has: how far ahead to look."""
    longest = {
        kind: max(site_lead_times(kind), default=dt.timedelta(0)) for kind in LEAD_TIME_KINDS
    }
    profiles = UserProfile.objects.exclude(lead_times={}).values_list("lead_times", flat=True)
    for overrides in profiles:
        for kind, values in overrides.items() if isinstance(overrides, dict) else ():
            if kind in longest:
                try:
                    longest[kind] = max([longest[kind], *parse_lead_times(values)])
                except ValueError:
                    continue
    return longest


# --- what is due ---------------------------------------------------------------------------


class Due(NamedTuple):
    """One reminder that should exist: the fields of its ``reminder_once_per_key``."""

    kind: str
    model: type
    object_id: int
    vendor_id: int | None
    occurrence: dt.datetime
    lead_time: dt.timedelta
    recipient_id: int


def due_reminders(now=None):
    """The reminders due at ``now`` that are not in the database yet (unsaved instances)."""
    now = now or timezone.now()
    longest = _longest_lead_times()
    recipients = _Recipients()
    due = [
        *_due_reviews(now, longest, recipients),
        *_due_meetings(now, longest, recipients),
        *_due_clauses(now, longest, recipients),
        *_due_goals(now, longest, recipients),
        *_due_contracts(now, longest, recipients),
        *_due_sla(now, recipients),
        *_due_digests(now, recipients),
    ]
    return _not_yet_created(due)


def _nearest_passed(due_date, today, lead_times):
    """The smallest lead time (in whole days) whose date has come, or None: one reminder,
    not a burst, when several lead times passed at once."""
    passed = [lead for lead in lead_times if due_date - dt.timedelta(days=lead.days) <= today]
    return min(passed, default=None)


def _dated(kind, model, rows, now, recipients):
    """Date-based reminders from ``(object_id, vendor_id, due_date, recipient_ids)`` rows.

    A lead time of N days fires on the recipient's local date ``due_date - N`` from the send
    hour on, and no longer once the due date has passed for them.
    """
    for object_id, vendor_id, due_date, recipient_ids in rows:
        for recipient in recipients.each(recipient_ids, kind):
            today = recipient.send_date(now)
            if today is None or today > due_date:
                continue
            lead = _nearest_passed(due_date, today, recipient.lead_times(kind))
            if lead is not None:
                occurrence = _midnight(due_date)
                yield Due(kind, model, object_id, vendor_id, occurrence, lead, recipient.user_id)


def _due_reviews(now, longest, recipients):
    """Upcoming reviews (14, 3, 0 days) and, once overdue, one reminder a week.

    Overdue reminders go to the reviewer and escalate to the relationship owner; their lead
    time counts the days after the scheduled date (negative), one row per week.
    """
    today = now.astimezone(dt.UTC).date()
    horizon = today + longest[Kind.REVIEW_UPCOMING] + DATE_MARGIN
    # review_status_sched_idx: open reviews up to the horizon, overdue ones included.
    rows = (
        Review.objects.filter(status__in=Review.OPEN_STATUSES, scheduled_for__lte=horizon)
        .exclude(vendor__status=Vendor.Status.ENDED)
        .order_by()
        .values_list("pk", "vendor_id", "scheduled_for", "reviewer_id", "vendor__owner_id")
    )
    rows = [(pk, vendor, due, (reviewer, owner)) for pk, vendor, due, reviewer, owner in rows]
    recipients.load(pk for *_, ids in rows for pk in ids)
    upcoming = [row for row in rows if row[2] >= today - DATE_MARGIN]
    yield from _dated(Kind.REVIEW_UPCOMING, Review, upcoming, now, recipients)
    every = settings.GOVERNANCE_REMINDER_OVERDUE_EVERY_DAYS
    for pk, vendor_id, due_date, recipient_ids in rows:
        for recipient in recipients.each(recipient_ids, Kind.REVIEW_OVERDUE):
            today = recipient.send_date(now)
            if today is None or today <= due_date:
                continue
            days_late = (today - due_date).days
            lead = -dt.timedelta(days=1 + (days_late - 1) // every * every)
            yield Due(
                Kind.REVIEW_OVERDUE,
                Review,
                pk,
                vendor_id,
                _midnight(due_date),
                lead,
                recipient.user_id,
            )


def _due_meetings(now, longest, recipients):
    """Each occurrence, the nearest passed lead time before it (24 hours by default).

    Occurrences are expanded in the meeting's own zone, so a 09:00 Europe/Warsaw meeting after
    a DST change is reminded 24 hours before 09:00 local, not before a shifted UTC time.
    Every series that has started is a candidate, so each is expanded from a recent start
    (``scheduling.recent_series_start``) and series alike are expanded once: the cost
    follows the number of distinct series, not the length of their history.
    """
    horizon = now + longest[Kind.MEETING]
    # meeting_starts_at_idx: one-off meetings in the window, series that have started by then.
    rows = (
        Meeting.objects.filter(
            Q(recurrence="", starts_at__gte=now, starts_at__lte=horizon)
            | (~Q(recurrence="") & Q(starts_at__lte=horizon))
        )
        .exclude(vendor__status=Vendor.Status.ENDED)
        .order_by()
        .values_list(
            "pk",
            "vendor_id",
            "vendor__owner_id",
            "starts_at",
            "duration_minutes",
            "time_zone",
            "recurrence",
        )
    )
    expanded = {}
    occurring = []
    for pk, vendor_id, owner_id, starts_at, duration, zone, recurrence in rows:
        key = (
            scheduling.recent_series_start(starts_at, zone, recurrence, now),
            duration,
            zone,
            recurrence,
        )
        if key not in expanded:
            try:
                expanded[key] = scheduling.meeting_occurrences(
                    starts_at=key[0],
                    duration_minutes=duration,
                    time_zone=zone,
                    recurrence=recurrence,
                    start=now,
                    end=horizon + dt.timedelta(microseconds=1),
                )
            except (ValueError, zoneinfo.ZoneInfoNotFoundError) as error:
                log.warning("Meeting %s has an unusable schedule: %s", pk, error)
                expanded[key] = []
        if expanded[key]:
            occurring.append((pk, vendor_id, owner_id, expanded[key]))
    # Attendees only of the meetings that have an occurrence in the window.
    attendees = defaultdict(list)
    through = Meeting.attendees.through
    for batch in _chunks([row[0] for row in occurring]):
        pairs = through.objects.filter(meeting_id__in=batch).order_by("pk")
        for meeting_id, user_id in pairs.values_list("meeting_id", "user_id"):
            attendees[meeting_id].append(user_id)
    recipients.load(
        [*(pk for ids in attendees.values() for pk in ids), *(row[2] for row in occurring)]
    )
    for pk, vendor_id, owner_id, occurrences in occurring:
        for occurrence in occurrences:
            for recipient in recipients.each([*attendees[pk], owner_id], Kind.MEETING):
                passed = [
                    lead
                    for lead in recipient.lead_times(Kind.MEETING)
                    if occurrence.starts_at - lead <= now
                ]
                if passed:
                    yield Due(
                        Kind.MEETING,
                        Meeting,
                        pk,
                        vendor_id,
                        occurrence.starts_at,
                        min(passed),
                        recipient.user_id,
                    )


# Rules that repeat every INTERVAL times this many days on the wall clock.
def _due_clauses(now, longest, recipients):
    """Clauses and certifications expiring (60, 30, 7 days), to the relationship owner."""
    today = now.astimezone(dt.UTC).date()
    # clause_expires_on_idx
    rows = (
        SecurityClause.objects.filter(
            expires_on__gte=today - DATE_MARGIN,
            expires_on__lte=today + longest[Kind.CLAUSE_EXPIRY] + DATE_MARGIN,
        )
        .exclude(status=SecurityClause.Status.MISSING)
        .exclude(vendor__status=Vendor.Status.ENDED)
        .order_by()
        .values_list("pk", "vendor_id", "expires_on", "vendor__owner_id")
    )
    rows = [(pk, vendor, due, (owner,)) for pk, vendor, due, owner in rows]
    recipients.load(row[3][0] for row in rows)
    return _dated(Kind.CLAUSE_EXPIRY, SecurityClause, rows, now, recipients)


def _due_goals(now, longest, recipients):
    """Goals coming due (7 days) unless achieved or closed, to their owner and the vendor's."""
    today = now.astimezone(dt.UTC).date()
    # goal_status_due_idx
    rows = (
        Goal.objects.filter(
            status__in=GOAL_OPEN_STATUSES,
            due_date__gte=today - DATE_MARGIN,
            due_date__lte=today + longest[Kind.GOAL_DUE] + DATE_MARGIN,
        )
        .exclude(vendor__status=Vendor.Status.ENDED)
        .order_by()
        .values_list("pk", "vendor_id", "due_date", "owner_id", "vendor__owner_id")
    )
    rows = [
        (pk, vendor, due, (owner, vendor_owner)) for pk, vendor, due, owner, vendor_owner in rows
    ]
    recipients.load(pk for *_, ids in rows for pk in ids)
    return _dated(Kind.GOAL_DUE, Goal, rows, now, recipients)


def _due_contracts(now, longest, recipients):
    """The contract notice deadline (contract end minus the notice period: 90, 30, 7 days)."""
    today = now.astimezone(dt.UTC).date()
    # vendor_contract_end_idx narrows to contracts not yet ended; the deadline is computed.
    rows = (
        Vendor.objects.exclude(status=Vendor.Status.ENDED)
        .filter(contract_end__gte=today - DATE_MARGIN)
        .annotate(deadline=_DaysBefore("contract_end", "renewal_notice_days"))
        .filter(
            deadline__gte=today - DATE_MARGIN,
            deadline__lte=today + longest[Kind.CONTRACT_NOTICE] + DATE_MARGIN,
        )
        .order_by()
        .values_list("pk", "deadline", "owner_id")
    )
    rows = [(pk, pk, deadline, (owner,)) for pk, deadline, owner in rows]
    recipients.load(row[3][0] for row in rows)
    return _dated(Kind.CONTRACT_NOTICE, Vendor, rows, now, recipients)


class _DaysBefore(Func):
    """``date - days`` (an integer column) as a date, in each database's own syntax."""

    arity = 2
    output_field = DateField()
    # PostgreSQL: date - integer is a date.
    template = "(%(expressions)s)"
    arg_joiner = " - "

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="date(%(expressions)s || ' days')",
            arg_joiner=", '-' || ",
            **extra_context,
        )


def _due_sla(now, recipients):
    """SLA warnings at 75% of a target of an open incident, and breaches as they happen.

    Each target (response, resolution) is reminded on its own; a warning whose target is
    already breached is not sent, only the breach.
    """
    since = now - dt.timedelta(days=settings.GOVERNANCE_REMINDER_SLA_LOOKBACK_DAYS)
    ratio = settings.GOVERNANCE_REMINDER_SLA_WARNING_RATIO
    # incident_status_respdue_idx / incident_status_resdue_idx
    rows = list(
        Incident.objects.filter(status__in=Incident.OPEN_STATUSES)
        .filter(
            Q(acknowledged_at__isnull=True, response_due_at__gte=since)
            | Q(resolved_at__isnull=True, resolution_due_at__gte=since)
        )
        .exclude(vendor__status=Vendor.Status.ENDED)
        .order_by()
        .values_list(
            "pk",
            "vendor_id",
            "vendor__owner_id",
            "opened_at",
            "response_due_at",
            "acknowledged_at",
            "resolution_due_at",
            "resolved_at",
        )
    )
    recipients.load(row[2] for row in rows)
    for pk, vendor_id, owner_id, opened_at, response_due, acked, resolution_due, resolved in rows:
        for due_at, done in ((response_due, acked), (resolution_due, resolved)):
            if due_at is None or done is not None or due_at < since:
                continue
            if due_at <= now:
                kind, lead = Kind.SLA_BREACH, dt.timedelta(0)
            else:
                warn_at = opened_at + (due_at - opened_at) * ratio
                if warn_at > now:
                    continue
                kind, lead = Kind.SLA_WARNING, due_at - warn_at
            for recipient in recipients.each([owner_id], kind):
                yield Due(kind, Incident, pk, vendor_id, due_at, lead, recipient.user_id)


def _due_digests(now, recipients):
    """One digest a week for each user who turned it on, from the digest weekday on."""
    rows = list(UserProfile.objects.filter(digest_enabled=True).values_list("pk", "user_id"))
    recipients.load(user_id for _, user_id in rows)
    weekday = settings.GOVERNANCE_REMINDER_DIGEST_WEEKDAY
    for profile_pk, user_id in rows:
        for recipient in recipients.each([user_id], Kind.DIGEST):
            today = recipient.send_date(now)
            if today is None:
                continue
            week_start = today - dt.timedelta(days=(today.weekday() - weekday) % 7)
            yield Due(
                Kind.DIGEST,
                UserProfile,
                profile_pk,
                None,
                _midnight(week_start),
                dt.timedelta(0),
                user_id,
            )


def _not_yet_created(due):
    """``due`` minus the reminders already in the database, as unsaved Reminder instances."""
    content_types = ContentType.objects.get_for_models(*{item.model for item in due})
    groups = defaultdict(dict)
    for item in due:
        key = (item.object_id, item.occurrence, item.lead_time, item.recipient_id)
        groups[(item.kind, item.model)].setdefault(key, item)
    missing = []
    for (kind, model), items in groups.items():
        content_type = content_types[model]
        for batch in _chunks(list(items.values())):
            # The leading columns of reminder_once_per_key.
            existing = set(
                Reminder.objects.filter(
                    kind=kind,
                    content_type=content_type,
                    object_id__in={item.object_id for item in batch},
                    occurrence__in={item.occurrence for item in batch},
                ).values_list("object_id", "occurrence", "lead_time", "recipient_id")
            )
            missing.extend(
                Reminder(
                    kind=kind,
                    content_type=content_type,
                    object_id=item.object_id,
                    vendor_id=item.vendor_id,
                    occurrence=item.occurrence,
                    lead_time=item.lead_time,
                    recipient_id=item.recipient_id,
                )
                for item in batch
                if (item.object_id, item.occurrence, item.lead_time, item.recipient_id)
                not in existing
            )
    return missing


# --- the sweep -----------------------------------------------------------------------------


@dataclass
class SweepResult:
    created: int = 0
    recovered: int = 0  # rows a dead worker left in `sending`, released to be sent again
    given_up: int = 0  # such rows marked failed instead (attempts exhausted, or no resend)
    requeued: int = 0  # pending rows whose task was lost
    to_send: list = field(default_factory=list)


def sweep(now=None, *, enqueue=True):
    """Create the reminders due at ``now`` and hand them, and any lost ones, to the workers.

    Safe to run concurrently and repeatedly (see the module docstring). ``now`` decides what
    is due; the outbox's own timestamps follow the clock. With ``enqueue=False`` nothing is
    queued: the caller sends ``result.to_send`` itself (``manage.py send_reminders``).
    """
    now = now or timezone.now()
    clock = timezone.now()
    last_id = Reminder.objects.aggregate(last=Max("pk"))["last"] or 0
    missing = due_reminders(now)
    # One global order of keys: concurrent sweeps inserting the same rows cannot deadlock.
    missing.sort(
        key=lambda r: (
            r.kind,
            r.content_type_id,
            r.object_id,
            r.occurrence,
            r.lead_time,
            r.recipient_id,
        )
    )
    for batch in _chunks(missing):
        with transaction.atomic():
            Reminder.objects.bulk_create(batch, ignore_conflicts=True)
    # Rows created since the sweep started (by this sweep or a concurrent one).
    fresh = list(
        Reminder.objects.filter(pk__gt=last_id, status=Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    released, given_up = _release_stuck(clock)
    requeued = _take_lost(clock)
    result = SweepResult(
        created=len(fresh),
        recovered=len(released),
        given_up=given_up,
        requeued=len(requeued),
        to_send=list(dict.fromkeys([*fresh, *released, *requeued])),
    )
    if enqueue and result.to_send:
        transaction.on_commit(lambda: _enqueue(fresh), robust=True)
        if released or requeued:
            stamped = [*released, *requeued]
            transaction.on_commit(lambda: _enqueue(stamped, stamped_at=clock), robust=True)
    if result.to_send or given_up:
        log.info(
            "Reminder sweep: %d new, %d recovered, %d re-queued, %d given up",
            result.created,
            result.recovered,
            result.requeued,
            given_up,
        )
    return result


def _release_stuck(clock):
    """Rows left in ``sending`` longer than any send takes: their worker died.

    Returns (ids released to pending, number marked failed); see the module docstring for
    why they are sent again.
    """
    cutoff = clock - dt.timedelta(seconds=settings.GOVERNANCE_REMINDER_STUCK_AFTER_SECONDS)
    stuck = Reminder.objects.filter(status=Status.SENDING, claimed_at__lt=cutoff)
    note = "The worker stopped while sending, before the mail server's answer was recorded"
    with transaction.atomic():
        rows = list(
            stuck.select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", "attempts")[:RECOVERY_LIMIT]
        )
        resend = settings.GOVERNANCE_REMINDER_RESEND_UNCONFIRMED
        limit = settings.GOVERNANCE_REMINDER_MAX_ATTEMPTS
        again = [pk for pk, attempts in rows if resend and attempts < limit]
        give_up = [pk for pk, attempts in rows if not (resend and attempts < limit)]
        stuck.filter(pk__in=again).update(
            status=Status.PENDING,
            claimed_at=clock,
            last_error=f"{note}; sending again with the same Message-ID.",
        )
        stuck.filter(pk__in=give_up).update(
            status=Status.FAILED,
            last_error=f"{note}; not sent again, it may or may not have arrived.",
        )
    return again, len(give_up)


def _take_lost(clock):
    """Pending rows nobody has handed to a worker for too long: their task was lost.

    ``claimed_at`` of a pending row is when it was last handed out (queued again, or claimed
    by an attempt that ended in a retry); the row is stamped so the next sweep leaves it alone
    while its task is on its way.
    """
    requeue_after = dt.timedelta(seconds=settings.GOVERNANCE_REMINDER_REQUEUE_AFTER_SECONDS)
    # A retry can legitimately wait this long in the broker before it runs.
    retry_wait = dt.timedelta(seconds=settings.GOVERNANCE_REMINDER_RETRY_MAX_SECONDS)
    lost = Q(claimed_at__isnull=True, created_at__lt=clock - requeue_after) | Q(
        claimed_at__lt=clock - requeue_after - retry_wait
    )
    pending = Reminder.objects.filter(lost, status=Status.PENDING)
    with transaction.atomic():
        ids = list(
            pending.select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:RECOVERY_LIMIT]
        )
        pending.filter(pk__in=ids).update(claimed_at=clock)
    return ids


def _enqueue(ids, *, stamped_at=None):
    """Queue ``send_reminders`` tasks for ``ids``, in chunks of ``SEND_CHUNK``. A broker outage
    never reaches the caller: it is logged, and the next sweep queues the rows again."""
    from governance.tasks import send_reminders

    chunks = list(_chunks(ids, SEND_CHUNK))
    app = send_reminders.app
    if app.conf.task_always_eager:
        for chunk in chunks:
            send_reminders.apply_async((chunk,))
        return
    published = 0
    connection = app.connection_for_write()
    broker_errors = (
        kombu.exceptions.OperationalError,
        OSError,
        *connection.connection_errors,
        *connection.channel_errors,
    )
    try:
        connection.ensure_connection(max_retries=1, interval_start=0.2)
        producer = connection.Producer()
        for chunk in chunks:
            send_reminders.apply_async((chunk,), producer=producer, retry=False)
            published += 1
    except broker_errors as error:
        left = [pk for chunk in chunks[published:] for pk in chunk]
        log.warning(
            "Broker unavailable: %d of %d reminders left for the next sweep (%s)",
            len(left),
            len(ids),
            error,
        )
        if stamped_at is not None:
            # Un-stamp them so the next sweep does not wait for the re-queue delay.
            Reminder.objects.filter(
                pk__in=left, status=Status.PENDING, claimed_at=stamped_at
            ).update(claimed_at=None)
    finally:
        connection.release()


def sweep_soon():
    """Ask a worker for a sweep once the current transaction commits.

    For writes whose reminder should not wait for beat (an incident pushed in already past its
    SLA). A broker outage is logged and never fails the caller: beat's sweep does the work.
    """
    transaction.on_commit(_publish_sweep, robust=True)


def _publish_sweep():
    from governance.tasks import sweep_reminders

    app = sweep_reminders.app
    if app.conf.task_always_eager:
        sweep_reminders.apply_async()
        return
    connection = app.connection_for_write()
    try:
        connection.ensure_connection(max_retries=1, interval_start=0.2)
        sweep_reminders.apply_async(producer=connection.Producer(), retry=False)
    except (
        kombu.exceptions.OperationalError,
        OSError,
        *connection.connection_errors,
        *connection.channel_errors,
    ) as error:
        log.warning("Broker unavailable, the sweep waits for beat (%s)", error)
    finally:
        connection.release()


# --- sending -------------------------------------------------------------------------------


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
    reminder = Reminder.objects.select_related("recipient", "content_type").get(pk=reminder_id)
    about = dict(attempts=reminder.attempts, kind=reminder.kind, recipient=reminder.recipient.email)
    obj = _subject_of(reminder)
    reason = _not_due_reason(reminder, obj)
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
        message = notifications.message_for(reminder, obj)
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


# Related rows each kind's email and checks read.
_RELATED = {
    Review: ("vendor", "vendor__owner", "reviewer"),
    Meeting: ("vendor", "vendor__owner"),
    SecurityClause: ("vendor", "vendor__owner"),
    Goal: ("vendor", "vendor__owner", "owner"),
    Vendor: ("owner",),
    Incident: ("vendor", "vendor__owner"),
    UserProfile: ("user",),
}


def _subject_of(reminder):
    model = reminder.content_type.model_class()
    if model is None:
        return None
    return (
        model._default_manager.select_related(*_RELATED.get(model, ()))
        .filter(pk=reminder.object_id)
        .first()
    )


def _not_due_reason(reminder, obj):
    """Why ``reminder`` must not be sent any more, or "" when it still should."""
    if obj is None:
        return "its object no longer exists"
    recipient = reminder.recipient
    if not recipient.is_active or not recipient.email:
        return "the recipient has no active email address"
    vendor = obj if isinstance(obj, Vendor) else getattr(obj, "vendor", None)
    if vendor is not None and vendor.status == Vendor.Status.ENDED:
        return "the vendor relationship has ended"
    profile = services.profile_for(recipient)
    if reminder.kind in (profile.muted_kinds or []):
        return "the recipient muted this kind of reminder"
    check = _STILL_DUE.get(reminder.kind)
    return check(reminder, obj) if check else ""


def _review_reason(reminder, review):
    if review.status not in Review.OPEN_STATUSES:
        return f"the review is {review.get_status_display().lower()}"
    if _midnight(review.scheduled_for) != reminder.occurrence:
        return "the review was rescheduled"
    return ""


def _meeting_reason(reminder, meeting):
    starts_at = reminder.occurrence
    still = services.meeting_occurrences(
        meeting, start=starts_at, end=starts_at + dt.timedelta(microseconds=1)
    )
    if not still:
        return "the meeting no longer has this occurrence"
    if starts_at <= timezone.now():
        return "the meeting has already started"
    return ""


def _clause_reason(reminder, clause):
    if clause.expires_on is None or _midnight(clause.expires_on) != reminder.occurrence:
        return "the expiry date changed"
    if clause.status == SecurityClause.Status.MISSING:
        return "the clause is missing"
    return ""


def _goal_reason(reminder, goal):
    if goal.status in Goal.CLOSED_STATUSES:
        return f"the goal is {goal.get_status_display().lower()}"
    if _midnight(goal.due_date) != reminder.occurrence:
        return "the due date changed"
    return ""


def _contract_reason(reminder, vendor):
    if vendor.contract_end is None:
        return "the contract has no end date"
    deadline = scheduling.notice_deadline(vendor.contract_end, vendor.renewal_notice_days)
    if _midnight(deadline) != reminder.occurrence:
        return "the notice deadline changed"
    return ""


def _sla_targets(reminder, incident):
    """(due, done) of the incident's targets this reminder is about."""
    return [
        (due_at, done)
        for due_at, done in (
            (incident.response_due_at, incident.acknowledged_at),
            (incident.resolution_due_at, incident.resolved_at),
        )
        if due_at == reminder.occurrence
    ]


def _sla_warning_reason(reminder, incident):
    open_targets = [due for due, done in _sla_targets(reminder, incident) if done is None]
    if not open_targets:
        return "the SLA target changed or was met"
    if min(open_targets) <= timezone.now():
        return "the target is already breached: only the breach is sent"
    return ""


def _sla_breach_reason(reminder, incident):
    targets = _sla_targets(reminder, incident)
    if not targets:
        return "the SLA target changed"
    if all(done is not None and done <= due for due, done in targets):
        return "the target was met"
    return ""


def _digest_reason(reminder, profile):
    if not profile.digest_enabled:
        return "the recipient turned the digest off"
    return ""


_STILL_DUE = {
    Kind.REVIEW_UPCOMING: _review_reason,
    Kind.REVIEW_OVERDUE: _review_reason,
    Kind.MEETING: _meeting_reason,
    Kind.CLAUSE_EXPIRY: _clause_reason,
    Kind.GOAL_DUE: _goal_reason,
    Kind.CONTRACT_NOTICE: _contract_reason,
    Kind.SLA_WARNING: _sla_warning_reason,
    Kind.SLA_BREACH: _sla_breach_reason,
    Kind.DIGEST: _digest_reason,
}


# --- helpers -------------------------------------------------------------------------------


def _midnight(day):
    """A date as the ``occurrence`` of a date-based reminder: that date, 00:00 UTC."""
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


@functools.lru_cache(maxsize=512)
def _zone(name):
    # Cached: ZoneInfo keeps only a few zones, and a sweep asks for each one thousands of times.
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _chunks(items, size=None):
    items = list(items)
    size = size or settings.GOVERNANCE_REMINDER_BATCH_SIZE
    for start in range(0, len(items), size):
        yield items[start : start + size]
