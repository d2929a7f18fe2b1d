"""Shared goals and their check-ins."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils import timezone

from governance.domain import access
from governance.domain.dates import day_text
from governance.domain.models.goals import Measures
from governance.domain.zones import zone
from governance.models import (
    ActivityKind,
    Goal,
    GoalCheckIn,
    Vendor,
)
from governance.services import figures
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
def goal_save(goal, *, today=None):
    """Save a goal; its internal owner is one of the organisation's users. Once the goal has
    a check-in its status follows them (``Goal.standing``: achieved, missed, on track or at
    risk), whatever status was given, unless that is a decision (proposed, dropped)."""
    internal = access.internal_users()
    if goal.owner_id is not None and not internal.filter(pk=goal.owner_id).exists():
        raise ValidationError({"owner": "Choose an internal user as the goal's owner."})
    goal.full_clean()
    if goal.pk is not None:
        goal.status = goal.derived_status(goal_measures(goal), today=_today(goal, today))
    validated_save(goal)
    return goal


def goal_measures(goal):
    """What ``goal``'s check-ins say (``Measures``), or None when it has none."""
    check_ins = GoalCheckIn.objects.filter(goal_id=goal.pk)
    latest = check_ins.order_by("-date", "-id").values_list("value", "date").first()
    if latest is None:
        return None
    first = check_ins.order_by("date", "id").values_list("value", "date").first()
    return Measures(latest[0], latest[1], first[0], first[1])


def _today(goal, today=None):
    """The goal's vendor's date (a goal is missed once its due date has passed there)."""
    if today is not None:
        return today
    time_zone = Vendor.objects.filter(pk=goal.vendor_id).values_list("time_zone", flat=True)
    return timezone.localdate(timezone.now(), timezone=zone(time_zone.first() or "UTC"))


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
        comment=f"{reading} on {day_text(check_in.date)}" + (f": {note.strip()}" if note else ""),
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
def goal_refresh_current_value(goal, *, today=None):
    """Set ``goal.current_value`` from its latest check-in (by date, then entry order), and
    its status from what the check-ins say (``Goal.standing``)."""
    goal = Goal.objects.get(pk=goal.pk)
    measures = goal_measures(goal)
    if measures is None:
        return goal
    status = goal.derived_status(measures, today=_today(goal, today))
    changed = (
        Goal.objects.filter(pk=goal.pk)
        .exclude(current_value=measures.latest_value, status=status)
        .update(current_value=measures.latest_value, status=status)
    )
    if changed:  # an UPDATE sends no signal: the vendor's stored figures are refreshed here
        figures.stale([goal.vendor_id])
    goal.current_value, goal.status = measures.latest_value, status
    return goal


@use_case
def goals_missed_refresh(*, today=None):
    """Mark missed the measured goals whose due date has passed (everywhere: by the UTC
    date less a day) without reaching the target; returns how many. Time alone changes
    that, not a write: beat runs it with the figures' refresh. One UPDATE on the status and
    due date index, whatever the number of goals."""
    today = today or (timezone.now().astimezone(dt.UTC).date() - dt.timedelta(days=1))
    lower = Q(direction=Goal.Direction.LOWER_IS_BETTER)
    short = (lower & Q(current_value__gt=F("target_value"))) | (
        ~lower & Q(current_value__lt=F("target_value"))
    )
    due = Goal.objects.filter(
        short, status__in=Goal.ACTIVE_STATUSES, due_date__lt=today, current_value__isnull=False
    )
    vendor_ids = list(due.values_list("vendor_id", flat=True).distinct())
    count = due.update(status=Goal.Status.MISSED)
    if count:
        figures.stale(vendor_ids)
    return count
