"""A security notification deadline passed with nothing recorded: escalated once per
deadline to the next level, our side of the vendor's escalation path for security at the
management level, or the administrators where the vendor has none (the owner and security
contacts had the clock's own reminders); and, where the vendor allows it, the vendor's side
of that level (its contacts, by email). Not mutable: a missed legal or contractual
deadline must reach somebody."""

import datetime as dt

from governance.domain import access
from governance.models import EscalationContact, Incident, Reminder
from governance.reminders import registry
from governance.reminders.due import Due, not_in_outbox
from governance.reminders.kinds import _security
from governance.selectors.escalation import escalation_contact_ids, escalation_user_ids

KIND = Reminder.Kind.SECURITY_ESCALATION
NO_LEAD = dt.timedelta(0)  # sent when the deadline passes
# The clock's own reminders reach the operational level (owner, security contacts).
ESCALATION_LEVEL = EscalationContact.Level.MANAGEMENT


def due(sweep):
    return not_in_outbox(KIND, Incident, _due(sweep))


def _due(sweep):
    overdue = [
        (incident, sorted({state.due_at for state in states if state.due_at < sweep.now}))
        for incident, states in sweep.shared(_security.unanswered_clocks)
    ]
    overdue = [(incident, passed) for incident, passed in overdue if passed]
    if not overdue:
        return
    vendor_ids = {incident.vendor_id for incident, _ in overdue}
    topic = EscalationContact.Topic.SECURITY
    paths = escalation_user_ids(vendor_ids, topic=topic, level=ESCALATION_LEVEL)
    contacts = escalation_contact_ids(vendor_ids, topic=topic, level=ESCALATION_LEVEL)
    admins = list(access.administrators().values_list("pk", flat=True))
    sweep.recipients.load([*admins, *(pk for ids in paths.values() for pk in ids)])
    for incident, passed in overdue:
        people = paths.get(incident.vendor_id) or admins
        for due_at in passed:
            for recipient in sweep.recipients.each(people, KIND):
                yield Due(
                    KIND,
                    Incident,
                    incident.pk,
                    incident.vendor_id,
                    due_at,
                    NO_LEAD,
                    recipient.user_id,
                )
            for contact_id in contacts.get(incident.vendor_id, ()):
                yield Due(
                    KIND,
                    Incident,
                    incident.pk,
                    incident.vendor_id,
                    due_at,
                    NO_LEAD,
                    None,
                    contact_id,
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
        escalates=True,
    )
)
