"""Security notification clocks: at half time, three quarters and the deadline of a clock
still running (the vendor's notification to us, ours to the supervisory authority), to the
relationship owner and the organisation's security contacts."""

from governance.domain import access, notification
from governance.models import Incident, Reminder
from governance.reminders import registry
from governance.reminders.due import Due, not_in_outbox
from governance.reminders.kinds import _security

KIND = Reminder.Kind.SECURITY_CLOCK


def due(sweep):
    return not_in_outbox(KIND, Incident, _due(sweep))


def _due(sweep):
    unanswered = sweep.shared(_security.unanswered_clocks)
    if not unanswered:
        return
    contacts = list(access.security_contacts().values_list("pk", flat=True))
    sweep.recipients.load([*contacts, *(incident.vendor.owner_id for incident, _ in unanswered)])
    for incident, states in unanswered:
        people = [incident.vendor.owner_id, *contacts]
        for state in states:
            lead = notification.stage_due(state.started_at, state.due_at, sweep.now)
            if lead is None:
                continue
            for recipient in sweep.recipients.each(people, KIND):
                yield Due(
                    KIND,
                    Incident,
                    incident.pk,
                    incident.vendor_id,
                    state.due_at,
                    lead,
                    recipient.user_id,
                )


def _stage(reminder, states):
    names = {
        notification.stage_name(state.started_at, state.due_at, reminder.lead_time)
        for state in states
    }
    names.discard("")
    return names.pop() if names else ""


def still_due(reminder, incident):
    states = _security.states_for(reminder, incident)
    if not states:
        return "the notification was recorded or its deadline changed"
    if not _stage(reminder, states):
        return "the notification window changed"
    return ""


def message(reminder, incident):
    states = _security.states_for(reminder, incident)
    return _security.message(reminder, incident, states, stage=_stage(reminder, states))


registry.register(
    registry.Kind(
        code=KIND,
        model=Incident,
        template="security-clock",
        due=due,
        still_due=still_due,
        message=message,
        related=("vendor", "vendor__owner"),
    )
)
