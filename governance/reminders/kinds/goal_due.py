"""Goal due: 7 days before a goal's due date unless it is achieved or closed, to the goal's
owner and the relationship owner."""

from governance.models import Goal, Reminder, Vendor
from governance.reminders import messages, registry
from governance.reminders.due import (
    Midnight,
    date_lead_bound,
    date_window,
    dated,
    midnight,
    not_yet_reminded,
)

KIND = Reminder.Kind.GOAL_DUE
OPEN_STATUSES = tuple(status for status in Goal.Status if status not in Goal.CLOSED_STATUSES)


def due(sweep):
    first, last = date_window(sweep, KIND)
    # goal_status_due_idx
    goals = Goal.objects.filter(
        status__in=OPEN_STATUSES, due_date__gte=first, due_date__lte=last
    ).exclude(vendor__status=Vendor.Status.ENDED)
    goals = not_yet_reminded(
        goals,
        KIND,
        occurrence=Midnight("due_date"),
        recipients=("owner_id", "vendor__owner_id"),
        lead_bound=date_lead_bound("due_date", sweep, KIND),
    )
    rows = goals.order_by().values_list(
        "pk", "vendor_id", "due_date", "owner_id", "vendor__owner_id"
    )
    return dated(
        KIND,
        Goal,
        ((pk, vendor, day, (owner, vendor_owner)) for pk, vendor, day, owner, vendor_owner in rows),
        sweep,
    )


def still_due(reminder, goal):
    if goal.status in Goal.CLOSED_STATUSES:
        return f"the goal is {goal.get_status_display().lower()}"
    if midnight(goal.due_date) != reminder.occurrence:
        return "the due date changed"
    return ""


def message(reminder, goal):
    return messages.email(
        reminder,
        {"goal": goal, "vendor": goal.vendor, "days": reminder.lead_time.days},
        url=messages.url_of(goal),
    )


registry.register(
    registry.Kind(
        code=KIND,
        model=Goal,
        template="goal-due",
        due=due,
        still_due=still_due,
        message=message,
        default_lead_times=(7,),
        related=("vendor", "vendor__owner", "owner"),
    )
)
