"""SLA warning: at 75% (``GOVERNANCE_REMINDER_SLA_WARNING_RATIO``) of the time to a response
or resolution target of an open incident, to the relationship owner. A target already
breached gets the breach alone."""

from django.conf import settings
from django.utils import timezone

from governance.models import Incident, Reminder
from governance.reminders import registry
from governance.reminders.due import Due
from governance.reminders.kinds import _incidents

KIND = Reminder.Kind.SLA_WARNING


def due(sweep):
    ratio = settings.GOVERNANCE_REMINDER_SLA_WARNING_RATIO
    for pk, vendor_id, owner_id, opened_at, targets in _incidents.open_targets(
        sweep, KIND, passed=False, warn_ratio=ratio
    ):
        for due_at in targets:
            warn_at = opened_at + (due_at - opened_at) * ratio
            if due_at <= sweep.now or warn_at > sweep.now:
                continue
            lead = due_at - warn_at
            for recipient in sweep.recipients.each([owner_id], KIND):
                yield Due(KIND, Incident, pk, vendor_id, due_at, lead, recipient.user_id)


def still_due(reminder, incident):
    open_targets = [due for due, done in _incidents.targets_of(reminder, incident) if done is None]
    if not open_targets:
        return "the SLA target changed or was met"
    if min(open_targets) <= timezone.now():
        return "the target is already breached: only the breach is sent"
    return ""


registry.register(
    registry.Kind(
        code=KIND,
        model=Incident,
        template="sla-warning",
        due=due,
        still_due=still_due,
        message=_incidents.message,
        related=("vendor", "vendor__owner"),
    )
)
