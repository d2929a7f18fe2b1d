"""A month closed with a service credit due: once, to the relationship owner, from their
send hour once the statement shows it (the month's close computes it)."""

import datetime as dt

from governance.domain import credits
from governance.models import CreditStatement, Reminder
from governance.reminders import registry
from governance.reminders.due import Due, Midnight, midnight, not_yet_reminded
from governance.reminders.kinds import _credits

KIND = Reminder.Kind.CREDIT_DUE
NO_LEAD = dt.timedelta(0)


def due(sweep):
    """The closed months' statements whose reminder to the owner is not in the outbox: a
    sweep that finds nothing new reads none of the statements still due (thousands)."""
    statements = not_yet_reminded(
        _credits.claimable(sweep),
        KIND,
        occurrence=Midnight(_credits.FollowingMonth("month")),
        recipients=["vendor__owner_id"],
    )
    rows = list(_credits.open_claims(sweep, statements))
    sweep.recipients.load(owner_id for _pk, _vendor, owner_id, _month, _deadline in rows)
    for pk, vendor_id, owner_id, month, _deadline in rows:
        closes_on = credits.month_closes_on(month)
        for recipient in sweep.recipients.each([owner_id], KIND):
            today = recipient.send_date(sweep.now)
            if today is None or today < closes_on:
                continue
            yield Due(
                KIND,
                CreditStatement,
                pk,
                vendor_id,
                midnight(closes_on),
                NO_LEAD,
                recipient.user_id,
            )


def still_due(reminder, statement):
    if statement.status != CreditStatement.Status.DUE:
        return f"the credit is {statement.get_status_display().lower()}"
    if midnight(credits.month_closes_on(statement.month)) != reminder.occurrence:
        return "the statement's month changed"
    return ""


registry.register(
    registry.Kind(
        code=KIND,
        model=CreditStatement,
        template="credit-due",
        due=due,
        still_due=still_due,
        message=_credits.message,
        related=("vendor", "vendor__owner"),
    )
)
