"""Shared goals and their check-ins."""

from decimal import Decimal

from django.core.exceptions import ValidationError

from governance.domain import access
from governance.models import (
    ActivityKind,
    Goal,
    GoalCheckIn,
)
from governance.services.inbox import activity_record
from governance.services.saving import use_case, validated_save

# A goal's fields as the API and the admin edit them (``current_value`` follows the check-ins).
GOAL_FIELDS = (
    "vendor",
    "title",
    "description",
    "metric",
    "unit",
    "baseline",
    "target_value",
    "direction",
    "owner",
    "vendor_owner",
    "start_date",
    "due_date",
    "status",
)

# --- goals ---------------------------------------------------------------------------------


@use_case
def goal_save(goal):
    """Save a goal; its internal owner is one of the organisation's users."""
    internal = access.internal_users()
    if goal.owner_id is not None and not internal.filter(pk=goal.owner_id).exists():
        raise ValidationError({"owner": "Choose an internal user as the goal's owner."})
    validated_save(goal)
    return goal


@use_case
def goal_check_in_add(*, goal, date, value, note="", author=None):
    """Record progress; the goal's current value becomes that of its latest check-in.
    A representative's check-in reaches the inbox."""
    check_in = GoalCheckIn(goal=goal, date=date, value=value, note=note, author=author)
    goal_check_in_save(check_in)
    value = format(Decimal(str(check_in.value)).normalize(), "f")
    reading = f"{value} {goal.unit}".strip()
    activity_record(
        ActivityKind.GOAL_CHECK_IN,
        by=author,
        vendor_id=goal.vendor_id,
        comment=f"{reading} on {check_in.date:%d %b %Y}" + (f": {note.strip()}" if note else ""),
        goal=goal,
    )
    return check_in


@use_case
def goal_check_in_save(check_in):
    """Save a check-in, new or changed; the goal's current value follows its latest one."""
    validated_save(check_in)
    goal_refresh_current_value(check_in.goal)
    return check_in


@use_case
def goal_check_in_delete(check_in):
    """Delete a check-in; the goal's current value follows its latest remaining one."""
    check_in.delete()
    goal_refresh_current_value(check_in.goal)


@use_case
def goal_refresh_current_value(goal):
    """Set ``goal.current_value`` from its latest check-in (by date, then entry order)."""
    latest = goal.check_ins.order_by("-date", "-id").values_list("value", flat=True).first()
    if latest is not None:
        Goal.objects.filter(pk=goal.pk).update(current_value=latest)
        goal.current_value = latest
    return goal
