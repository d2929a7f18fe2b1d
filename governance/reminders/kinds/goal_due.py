"""Goal due: 7 days before a goal's due date unless it is achieved or closed, to the goal's
owner and the relationship owner."""

from governance.models import Goal, Reminder, Vendor
from governance.reminders import messages, registry
from governance.reminders.due import (
    dated_objects,
    midnight,
)

KIND = Reminder.Kind.GOAL_DUE
OPEN_STATUSES = tuple(status for status in Goal.Status if status not in Goal.CLOSED_STATUSES)


def due(sweep):
    # goal_status_due_idx
    goals = Goal.objects.filter(status__in=OPEN_STATUSES).exclude(
        vendor__status=Vendor.Status.ENDED
    )
    return dated_objects(
        sweep, KIND, goals, "due_date", recipients=("owner_id", "vendor__owner_id")
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
