"""A security notification deadline passed with nothing recorded: escalated to the
administrators, once per deadline (the owner and security contacts had the clock's own
reminders). Not mutable: a missed legal or contractual deadline must reach somebody."""

import datetime as dt

from governance.domain import access
from governance.models import Incident, Reminder
from governance.reminders import registry
from governance.reminders.due import Due, not_in_outbox
from governance.reminders.kinds import _security

KIND = Reminder.Kind.SECURITY_ESCALATION
NO_LEAD = dt.timedelta(0)  # sent when the deadline passes


def due(sweep):
    return not_in_outbox(KIND, Incident, _due(sweep))


def _due(sweep):
    admins = None
    for incident, states in _security.unanswered_clocks(sweep):
        passed = {state.due_at for state in states if state.due_at < sweep.now}
        if not passed:
            continue
        if admins is None:
            admins = list(access.administrators().values_list("pk", flat=True))
            sweep.recipients.load(admins)
        for due_at in sorted(passed):
            for recipient in sweep.recipients.each(admins, KIND):
                yield Due(
                    KIND,
                    Incident,
                    incident.pk,
                    incident.vendor_id,
                    due_at,
                    NO_LEAD,
                    recipient.user_id,
                )


def still_due(reminder, incident):
    if not _security.states_for(reminder, incident):
        return "the notification was recorded or its deadline changed"
    return ""


def message(reminder, incident):
    return _security.message(reminder, incident, _security.states_for(reminder, incident))


registry.register(
    registry.Kind(
        code=KIND,
        model=Incident,
        template="security-escalation",
        due=due,
        still_due=still_due,
        message=message,
        related=("vendor", "vendor__owner"),
        can_mute=False,
    )
)
