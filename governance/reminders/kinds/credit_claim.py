"""A service credit still due whose claim window is ending: 7 and 1 days before its last
day (lead times, like every dated reminder), to the relationship owner."""

from governance.models import CreditStatement, Reminder
from governance.reminders import registry
from governance.reminders.due import dated_objects, midnight
from governance.reminders.kinds import _credits

KIND = Reminder.Kind.CREDIT_CLAIM


def due(sweep):
    """The statements whose claim deadline is in the lead times' window and whose current
    reminder is not in the outbox, as every date-based kind (the deadline computed in the
    query, so a sweep that finds nothing new reads none of the thousands still due)."""
    statements = _credits.claimable(sweep).annotate(claim_deadline=_credits.claim_deadline())
    return dated_objects(sweep, KIND, statements, "claim_deadline", recipients=["vendor__owner_id"])


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
