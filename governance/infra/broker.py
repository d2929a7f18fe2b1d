"""The Celery broker: whether it answers, and publishing tasks to it, by name, in one place.

Every path that queues work (the reminder sweep handing reminders to the workers, a request
for a sweep now, a reminder's retry) publishes through ``publish``: one connection for a
batch of messages, no retrying for minutes while the caller waits, and an outage reported to
the caller instead of raised, since each caller has the database to fall back on.
"""

from typing import NamedTuple

import kombu.exceptions

from config.celery import app as celery_app


def broker_ok(timeout=2.0):
    """True when the Celery broker accepts a connection within ``timeout`` seconds."""
    try:
        with celery_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=timeout)
        return True
    except Exception:
        return False


class Published(NamedTuple):
    """How many of the messages went out, in order, and the broker's error that stopped the
    rest (None when all did)."""

    count: int
    error: Exception | None = None


def task(name, *args, **options):
    """A message for the task registered as ``name`` with ``args``; ``options`` are Celery's
    (``countdown``...). Tasks are named, not imported: the tasks import what they run."""
    return celery_app.signature(name, args=args, options=options)


def publish(signatures):
    """Publish ``signatures`` (``task()``, or a task's own signature) over one connection.

    Returns ``Published``: at the first broker error the rest are not sent. With
    ``CELERY_TASK_ALWAYS_EAGER`` (tests, a run without a broker) each task runs here and now.
    """
    signatures = list(signatures)
    if celery_app.conf.task_always_eager:
        if any(signature.task not in celery_app.tasks for signature in signatures):
            # The task modules are imported by a worker at start, not by the web processes.
            celery_app.loader.import_default_modules()
        for signature in signatures:
            signature.apply_async()
        return Published(len(signatures))
    published = 0
    connection = celery_app.connection_for_write()
    broker_errors = (
        kombu.exceptions.OperationalError,
        OSError,
        *connection.connection_errors,
        *connection.channel_errors,
    )
    try:
        connection.ensure_connection(max_retries=1, interval_start=0.2)
        producer = connection.Producer()
        for signature in signatures:
            signature.apply_async(producer=producer, retry=False)
            published += 1
    except broker_errors as error:
        return Published(published, error)
    finally:
        connection.release()
    return Published(published)
