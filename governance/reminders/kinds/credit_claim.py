"""A service credit still due whose claim window is ending: 7 and 1 days before its last
day (lead times, like every dated reminder), to the relationship owner."""

from governance.models import CreditStatement, Reminder
from governance.reminders import registry
from governance.reminders.due import dated, midnight, not_in_outbox
from governance.reminders.kinds import _credits

KIND = Reminder.Kind.CREDIT_CLAIM


def due(sweep):
    rows = (
        (pk, vendor_id, deadline, (owner_id,))
        for pk, vendor_id, owner_id, _month, deadline in _credits.open_claims(sweep)
    )
    return not_in_outbox(KIND, CreditStatement, dated(KIND, CreditStatement, rows, sweep))


def still_due(reminder, statement):
    if statement.status != CreditStatement.Status.DUE:
        return f"the credit is {statement.get_status_display().lower()}"
    if midnight(_credits.claim_deadline_of(statement)) != reminder.occurrence:
        return "the claim window changed"
    return ""


registry.register(
    registry.Kind(
        code=KIND,
        model=CreditStatement,
        template="credit-claim",
        due=due,
        still_due=still_due,
        message=_credits.message,
        default_lead_times=(7, 1),
        related=("vendor", "vendor__owner"),
    )
)
