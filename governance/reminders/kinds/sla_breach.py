"""SLA breach: when a response or resolution target of an open incident passes, to the
relationship owner."""

import datetime as dt

from governance.models import Incident, Reminder
from governance.reminders import registry
from governance.reminders.due import Due
from governance.reminders.kinds import _incidents

KIND = Reminder.Kind.SLA_BREACH
NO_LEAD = dt.timedelta(0)  # sent when the target passes


def due(sweep):
    for pk, vendor_id, owner_id, _opened_at, targets in _incidents.open_targets(
        sweep, KIND, passed=True
    ):
        for due_at in targets:
            if due_at > sweep.now:
                continue
            for recipient in sweep.recipients.each([owner_id], KIND):
                yield Due(KIND, Incident, pk, vendor_id, due_at, NO_LEAD, recipient.user_id)


def still_due(reminder, incident):
    targets = _incidents.targets_of(reminder, incident)
    if not targets:
        return "the SLA target changed"
    if all(done is not None and done <= due for due, done in targets):
        return "the target was met"
    return ""


registry.register(
    registry.Kind(
        code=KIND,
        model=Incident,
        template="sla-breach",
        due=due,
        still_due=still_due,
        message=_incidents.message,
        related=("vendor", "vendor__owner"),
    )
)
