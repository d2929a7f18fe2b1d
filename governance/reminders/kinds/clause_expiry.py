"""Clause or certification expiry: 60, 30 and 7 days before, to the relationship owner."""

from governance.models import Reminder, SecurityClause, Vendor
from governance.reminders import messages, registry
from governance.reminders.due import (
    dated_objects,
    midnight,
)

KIND = Reminder.Kind.CLAUSE_EXPIRY


def due(sweep):
    # clause_expires_on_idx
    clauses = SecurityClause.objects.exclude(status=SecurityClause.Status.MISSING).exclude(
        vendor__status=Vendor.Status.ENDED
    )
    return dated_objects(sweep, KIND, clauses, "expires_on", recipients=("vendor__owner_id",))


def still_due(reminder, clause):
    if clause.expires_on is None or midnight(clause.expires_on) != reminder.occurrence:
        return "the expiry date changed"
    if clause.status == SecurityClause.Status.MISSING:
        return "the clause is missing"
    return ""


def message(reminder, clause):
    return messages.email(
        reminder,
        {"clause": clause, "vendor": clause.vendor, "days": reminder.lead_time.days},
        url=messages.url_of(clause),
    )


registry.register(
    registry.Kind(
        code=KIND,
        model=SecurityClause,
        template="clause-expiry",
        due=due,
        still_due=still_due,
        message=message,
        default_lead_times=(60, 30, 7),
        related=("vendor", "vendor__owner"),
    )
)
