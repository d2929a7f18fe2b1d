"""Celery tasks: thin wrappers that take ids and call the reminder engine.

Both reminder tasks are safe to run twice (a message redelivered after a worker crash, a
duplicate from a re-queue): the sweep's inserts are idempotent and sending is claimed row by
row. The engine publishes them by name (``reminders.SEND_TASK``, ``reminders.SWEEP_TASK``)
and never imports this module.
"""

import logging

from celery import shared_task
from celery.utils import uuid

from governance import reminders
from governance.infra import broker
from governance.infra import credentials as security
from governance.services import credits, figures, goals, imports, webhook_sweep, webhooks

log = logging.getLogger(__name__)


@shared_task(name=reminders.SEND_TASK, bind=True, acks_late=True, ignore_result=True)
def send_reminders(self, reminder_ids):
    """Send these reminders, each claimed on its own (the sweep queues them in small chunks:
    one message per reminder would make a large sweep wait on the broker).

    A reminder that hit a transient SMTP or connection error is queued again on its own after
    an exponential, jittered, capped delay; its attempt count lives on the row, so after
    ``GOVERNANCE_REMINDER_MAX_ATTEMPTS`` it is ``failed`` whichever message carried it.
    """
    for outcome in reminders.deliver_each(reminder_ids):
        if outcome.status == reminders.RETRY:
            _retry_later(self, outcome.reminder_id, outcome.attempts)


def _retry_later(task, reminder_id, attempts):
    # Back to the queue this message came from, as Celery's own retry does. The countdown is
    # seconds to minutes (capped by GOVERNANCE_REMINDER_RETRY_MAX_SECONDS), never days: the
    # database stays the outbox.
    retry = task.signature_from_request(
        task.request,
        ([reminder_id],),
        {},
        countdown=reminders.retry_delay(attempts),
        task_id=uuid(),
    )
    published = broker.publish([retry])
    if published.error is not None:
        # The row is pending: the next sweep queues it again.
        log.warning(
            "Reminder %s: retry not queued, broker unavailable (%s)", reminder_id, published.error
        )


@shared_task(name=reminders.SWEEP_TASK, acks_late=True, ignore_result=True)
def sweep_reminders():
    """Create the reminders that are due and queue them (beat runs this every minute)."""
    reminders.sweep()


@shared_task(acks_late=True, ignore_result=True)
def refresh_figures():
    """Mark missed the goals whose due date has passed, then recompute every vendor's stored
    figures (beat runs this every few minutes)."""
    goals.goals_missed_refresh()
    figures.refresh_all()


@shared_task(acks_late=True, ignore_result=True)
def delete_expired_tokens():
    """Delete expired API tokens (beat runs this hourly); returns how many."""
    return security.tokens_delete_expired()


@shared_task(acks_late=True, ignore_result=True)
def close_credit_month():
    """Compute last month's credit statements on the first days of a month (beat runs this
    daily; on other days it does nothing). Safe to run twice: a statement whose figures are
    unchanged is only stamped, and a status set by hand stays while its amount does."""
    closed = credits.credit_month_close()
    if closed is not None:
        log.info(
            "Credit statements of %s: %d computed, %d written, %d with a credit due",
            f"{closed.month:%Y-%m}",
            closed.computed,
            closed.written,
            closed.due,
        )


@shared_task(name=imports.IMPORT_CHECK_TASK, acks_late=True, ignore_result=True)
def import_check(job_id, apply=False):
    """Check an uploaded spreadsheet (and, with ``apply``, apply it when clean). Safe to run
    twice: a job already checked is left as it is."""
    imports.import_check(job_id, apply=apply)


@shared_task(name=imports.IMPORT_APPLY_TASK, acks_late=True, ignore_result=True)
def import_apply(job_id):
    """Apply a confirmed import in one transaction. Safe to run twice: the second run finds
    the job applied."""
    imports.import_apply(job_id, worker=True)


@shared_task(name=webhooks.DELIVER_TASK, bind=True, acks_late=True, ignore_result=True)
def deliver_webhooks(self, delivery_ids, requested_by=None):
    """Attempt these webhook deliveries (queued on the commit that wrote them). Safe to run
    twice: each is claimed, and one not due or held by another worker is skipped. A retry due
    within minutes is queued with a countdown; later ones are beat's (``retry_webhooks``)."""
    outcomes = webhooks.deliver(delivery_ids, requested_by=requested_by)
    retries = [
        # Back to the queue this message came from, as Celery's own retry does.
        self.signature_from_request(
            self.request, ([pk],), {}, countdown=delay + 0.05, task_id=uuid()
        )
        for pk, delay in webhooks.short_retries(outcomes)
    ]
    published = broker.publish(retries)
    if published.error is not None:
        # The rows are pending with their next attempt's time: beat queues them.
        log.warning("Webhook retries left for beat, broker unavailable (%s)", published.error)


@shared_task(name=webhooks.RETRY_TASK, acks_late=True, ignore_result=True)
def retry_webhooks():
    """Queue the webhook deliveries due for a retry, and those a lost worker or message left
    behind (beat runs this every WEBHOOK_RETRY_SECONDS)."""
    webhooks.retry_due()


@shared_task(name=webhook_sweep.SWEEP_TASK, acks_late=True, ignore_result=True)
def sweep_webhooks():
    """Emit the time-made webhook events (SLA warnings and breaches, expiring clauses, overdue
    items, credits due), each once (beat runs this every WEBHOOK_SWEEP_SECONDS)."""
    webhook_sweep.sweep()
