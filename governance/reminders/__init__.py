"""The reminder engine: what is due, the outbox, and sending each reminder exactly once.

The path of a reminder, one module each:

- ``registry``: the kinds, each described once (``kinds/<kind>.py``: what is due, whether
  it still is, its email), found by code.
- ``due``: what the kinds' due queries share; ``preferences``: lead times, muted kinds,
  time zones.
- ``outbox``: ``sweep()`` writes the reminders due now to the ``reminder`` table exactly
  once and hands them to the workers (``governance.infra.broker``), with the lost ones.
- ``delivery``: ``deliver()`` claims a row, checks it is still due, sends it and records the
  outcome; transient errors are retried by the task.
- ``messages``: the email of a reminder, from its kind's templates.

The tasks (``governance.tasks``) call this package; it never calls them back, and publishes
them by name. ``from governance import reminders`` gives the names below.
"""

from governance.domain.scheduling import MAX_LEAD_TIME, parse_lead_time, parse_lead_times
from governance.reminders import kinds, preferences, registry  # noqa: F401  (kinds register)
from governance.reminders.delivery import (
    DROPPED,
    FAILED,
    RETRY,
    SENT,
    SKIPPED,
    Outcome,
    deliver,
    deliver_each,
    is_transient,
    retry_delay,
)
from governance.reminders.outbox import (
    SEND_CHUNK,
    SEND_TASK,
    SWEEP_TASK,
    SweepResult,
    due_reminders,
    retry_failed,
    sweep,
    sweep_soon,
)
from governance.reminders.preferences import site_lead_times

__all__ = [
    "DROPPED",
    "FAILED",
    "MAX_LEAD_TIME",
    "RETRY",
    "SEND_CHUNK",
    "SEND_TASK",
    "SENT",
    "SKIPPED",
    "SWEEP_TASK",
    "Outcome",
    "SweepResult",
    "deliver",
    "deliver_each",
    "due_reminders",
    "is_transient",
    "parse_lead_time",
    "parse_lead_times",
    "preferences",
    "registry",
    "retry_delay",
    "retry_failed",
    "site_lead_times",
    "sweep",
    "sweep_soon",
]
