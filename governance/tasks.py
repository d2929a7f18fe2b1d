"""Celery tasks: thin wrappers that take ids and call the reminder engine.

Both are safe to run twice (a redelivered message after a worker crash, a duplicate from a
re-queue): the sweep's inserts are idempotent and sending is claimed row by row.
"""

from celery import shared_task

from governance import reminders


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=None)
def send_reminder(self, reminder_id):
    """Send one reminder; a transient SMTP or connection error is retried with backoff.

    The number of attempts is kept on the row (``GOVERNANCE_REMINDER_MAX_ATTEMPTS``), not in
    the message, so it survives re-queues; after the last one the row is ``failed``.
    """
    outcome = reminders.deliver(reminder_id)
    if outcome.status == reminders.RETRY:
        raise self.retry(countdown=reminders.retry_delay(outcome.attempts))


@shared_task(acks_late=True, ignore_result=True)
def sweep_reminders():
    """Create the reminders that are due and queue them (beat runs this every minute)."""
    reminders.sweep()
