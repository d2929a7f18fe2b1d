"""The sweep for webhook events that time makes happen (an SLA breached, a clause expired):
each written once, by its ``key``, when some subscription wants its type."""

SWEEP_TASK = "governance.tasks.sweep_webhooks"


def sweep(now=None):
    """Emit the time-made events due at ``now``; returns how many were written."""
    return 0
