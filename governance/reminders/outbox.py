"""The sweep: the reminders due now written to the outbox exactly once, and handed to the
workers, with the ones whose task or worker was lost.

``sweep()`` runs from beat (``tasks.sweep_reminders``, every
``GOVERNANCE_REMINDER_SWEEP_SECONDS``) or from ``manage.py send_reminders``. Each kind's
``due()`` reads what is due and not in the outbox yet (``due``); the rows are inserted in
batches with ``ON CONFLICT DO NOTHING`` against ``reminder_once_per_key``, so concurrent or
repeated sweeps never create a second row for one reminder. Once the transaction commits, the
new rows are published to the workers (``send_reminders`` tasks, a few ids per message). The
database is the outbox: nothing is scheduled days ahead with a Celery ETA, and a broker
outage only delays delivery, because the next sweep queues again whatever stayed pending.
"""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from governance.infra import broker
from governance.models import Reminder
from governance.reminders import registry
from governance.reminders.due import KEY_COLUMNS, Sweep, chunks
from governance.reminders.snoozes import Held

log = logging.getLogger(__name__)

Status = Reminder.Status

# The Celery tasks that run the engine (governance.tasks), published by name: the engine
# does not import the tasks, the tasks import the engine.
SEND_TASK = "governance.tasks.send_reminders"
SWEEP_TASK = "governance.tasks.sweep_reminders"
# Reminders per task message: one message each would make a sweep of thousands wait on the
# broker's round trips; a small chunk still spreads the sending over all worker processes.
SEND_CHUNK = 25
# Cap of rows one sweep re-queues or recovers, so a long outage drains in bounded steps.
RECOVERY_LIMIT = 10_000
# A sweep that creates this many rows refreshes the outbox's statistics (PostgreSQL's
# ANALYZE), as autovacuum would a minute or so later: each kind's due query checks the outbox
# by its key, and planned on a table believed near empty that check reads every row of the
# kind for each object in the window.
ANALYZE_AFTER = 1_000


@dataclass
class SweepResult:
    created: int = 0
    recovered: int = 0  # rows a dead worker left in `sending`, released to be sent again
    given_up: int = 0  # such rows marked failed instead (attempts exhausted, or no resend)
    requeued: int = 0  # pending rows whose task was lost
    to_send: list = field(default_factory=list)


def sweep(now=None, *, enqueue=True):
    """Create the reminders due at ``now`` and hand them, and any lost ones, to the workers.

    Safe to run concurrently and repeatedly. ``now`` decides what is due; the outbox's own
    timestamps follow the clock. With ``enqueue=False`` nothing is queued: the caller sends
    ``result.to_send`` itself (``manage.py send_reminders``).
    """
    now = now or timezone.now()
    clock = timezone.now()
    last_id = Reminder.objects.aggregate(last=Max("pk"))["last"] or 0
    # The insert below skips what the outbox holds already (ON CONFLICT DO NOTHING), so the
    # kinds' own checks are enough here: no second read of the outbox for every row due
    # (33,000 keys at 10,000 vendors, 2.8 s under load).
    missing = due_reminders(now, exact=False)
    # One global order of keys: concurrent sweeps inserting the same rows cannot deadlock.
    missing.sort(
        key=lambda r: (
            r.kind,
            r.content_type_id,
            r.object_id,
            r.occurrence,
            r.lead_time,
            r.recipient_id or 0,
            r.recipient_contact_id or 0,
        )
    )
    for batch in chunks(missing, settings.GOVERNANCE_REMINDER_BATCH_SIZE):
        with transaction.atomic():
            Reminder.objects.bulk_create(batch, ignore_conflicts=True)
    # Rows created since the sweep started (by this sweep or a concurrent one).
    fresh = list(
        Reminder.objects.filter(pk__gt=last_id, status=Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if len(fresh) >= ANALYZE_AFTER and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Reminder._meta.db_table}")
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
        transaction.on_commit(lambda: enqueue_sending(fresh), robust=True)
        if released or requeued:
            stamped = [*released, *requeued]
            transaction.on_commit(lambda: enqueue_sending(stamped, stamped_at=clock), robust=True)
    if result.to_send or given_up:
        log.info(
            "Reminder sweep: %d new, %d recovered, %d re-queued, %d given up",
            result.created,
            result.recovered,
            result.requeued,
            given_up,
        )
    return result


def due_reminders(now=None, *, exact=True):
    """The reminders due at ``now`` that are not in the outbox yet (unsaved instances).

    The kinds' queries leave out what the outbox holds, all but a few (a recipient who
    never gets the reminder leaves the object in); ``exact`` checks those against the outbox
    too (a dry run lists only what a sweep would create; the sweep's insert skips them)."""
    with transaction.atomic():
        _without_jit()
        context = Sweep.at(now or timezone.now())
        held = Held.on(context.today)
        due = [
            item
            for kind in registry.kinds()
            for item in kind.due(context)
            if not held.holds(kind, item)
        ]
        return _not_yet_created(due, exact=exact)


def _without_jit():
    """No JIT compilation for the due queries (PostgreSQL, this transaction only).

    Their cost estimates (a check against the outbox for each object in a window) pass
    ``jit_above_cost``, and compiling one took longer than running it: the meetings' query
    at 10,000 vendors ran in 67 ms without JIT, 346 ms with (193 ms of it compiling)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def _not_yet_created(due, *, exact=True):
    """``due`` deduplicated (a reviewer who owns the vendor) as unsaved Reminder instances,
    less (``exact``) the reminders already in the outbox."""
    content_types = ContentType.objects.get_for_models(*{item.model for item in due})
    groups = defaultdict(dict)
    for item in due:
        groups[(item.kind, item.model)].setdefault(item.key, item)
    missing = []
    for (kind, model), items in groups.items():
        content_type = content_types[model]
        for batch in chunks(items.values(), settings.GOVERNANCE_REMINDER_BATCH_SIZE):
            existing = set()
            if exact:
                # The leading columns of reminder_once_per_key.
                existing = set(
                    Reminder.objects.filter(
                        kind=kind,
                        content_type=content_type,
                        object_id__in={item.object_id for item in batch},
                        occurrence__in={item.occurrence for item in batch},
                    ).values_list(*KEY_COLUMNS)
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
                    recipient_contact_id=item.recipient_contact_id,
                )
                for item in batch
                if item.key not in existing
            )
    return missing


# --- recovery ------------------------------------------------------------------------------


def _release_stuck(clock):
    """Rows left in ``sending`` longer than any send takes: their worker died.

    Returns (ids released to pending, number marked failed). Released rows are sent again
    with the same Message-ID (``GOVERNANCE_REMINDER_RESEND_UNCONFIRMED``): the worker may
    have died after the mail server accepted the message, and a rare duplicate,
    recognisable by its Message-ID, is preferred to a lost reminder.
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


# --- handing over to the workers -----------------------------------------------------------


def enqueue_sending(ids, *, stamped_at=None):
    """Queue ``send_reminders`` tasks for ``ids``, in chunks of ``SEND_CHUNK``. A broker outage
    never reaches the caller: it is logged, and the next sweep queues the rows again."""
    batches = list(chunks(ids, SEND_CHUNK))
    published = broker.publish(broker.task(SEND_TASK, batch) for batch in batches)
    if published.error is None:
        return
    left = [pk for batch in batches[published.count :] for pk in batch]
    log.warning(
        "Broker unavailable: %d of %d reminders left for the next sweep (%s)",
        len(left),
        len(ids),
        published.error,
    )
    if stamped_at is not None:
        # Un-stamp them so the next sweep does not wait for the re-queue delay.
        Reminder.objects.filter(pk__in=left, status=Status.PENDING, claimed_at=stamped_at).update(
            claimed_at=None
        )


def retry_failed(reminders):
    """Send these reminders again if they failed; returns how many will be.

    Conditional on "failed": a row the engine is sending or has sent is left alone. The rows
    go back to pending, unclaimed, which is what a sweep queues again; one is asked for now.
    """
    count = reminders.filter(status=Reminder.Status.FAILED).update(
        status=Reminder.Status.PENDING, attempts=0, claimed_at=None
    )
    if count:
        sweep_soon()
    return count


def sweep_soon():
    """Ask a worker for a sweep once the current transaction commits.

    For writes whose reminder should not wait for beat (failed reminders set to be sent
    again). A broker outage is logged and never fails the caller: beat's sweep does the work.
    """
    transaction.on_commit(_publish_sweep, robust=True)


def _publish_sweep():
    published = broker.publish([broker.task(SWEEP_TASK)])
    if published.error is not None:
        log.warning("Broker unavailable, the sweep waits for beat (%s)", published.error)
