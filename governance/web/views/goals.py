"""Shared goals of a vendor and their check-ins."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from governance import services
from governance.domain import access
from governance.domain.dates import day_text
from governance.domain.zones import zone
from governance.models import Goal
from governance.web.forms import GoalForm
from governance.web.progress import check_in_form, record_progress
from governance.web.views.base import (
    internal_view,
    require_edit,
    section_view,
    vendor_record,
)
from governance.web.views.editing import RecordFormView

CSV_HEADER = [
    "Title",
    "Metric",
    "Unit",
    "Baseline",
    "Target",
    "Direction",
    "Current",
    "Status",
    "Owner",
    "Vendor owner",
    "Start",
    "Due",
]


def _csv_row(goal):
    return [
        goal.title,
        goal.metric,
        goal.unit,
        goal.baseline,
        goal.target_value,
        goal.direction,
        goal.current_value,
        goal.status,
        goal.owner.username if goal.owner else "",
        goal.vendor_owner.name if goal.vendor_owner else "",
        goal.start_date,
        goal.due_date,
    ]


goal_list = section_view(
    "goals",
    "Goals",
    lambda request, vendor: vendor.goals.select_related("owner", "vendor_owner"),
    csv=(CSV_HEADER, _csv_row),
)


class GoalFormView(RecordFormView):
    model = Goal
    form_class = GoalForm
    detail_view = "governance:goal-detail"
    message = "Goal “{0.title}” was {1}."

    def save(self, form):
        return services.goal_save(form.instance)


@internal_view
def goal_detail(request, pk, goal_pk):
    """A goal with its check-in history; posting the check-in form records progress."""
    vendor, goal = vendor_record(
        request, pk, lambda vendor: vendor.goals.select_related("owner", "vendor_owner"), goal_pk
    )
    can_edit = access.can_edit_vendor(request.user, vendor)
    if request.method == "POST":
        require_edit(request, vendor)
    form = check_in_form(request, goal)
    if record_progress(request, form):
        return redirect(reverse("governance:goal-detail", args=[vendor.pk, goal.pk]))
    return render(
        request,
        "governance/goals/detail.html",
        {
            "vendor": vendor,
            "goal": goal,
            "form": form if can_edit else None,
            "check_ins": goal.check_ins.select_related("author"),
            "can_edit": can_edit,
            "standing_text": standing_text(goal, vendor),
        },
    )


def standing_text(goal, vendor):
    """Why the goal has its status, in words (``Goal.standing``'s rule)."""
    if goal.status in Goal.MANUAL_STATUSES:
        return f"{goal.get_status_display()}: set by hand (a decision, not a measurement)."
    measures = services.goal_measures(goal)
    today = timezone.localdate(timezone.now(), timezone=zone(vendor.time_zone))
    standing = goal.standing(measures, today=today)
    if standing is None:
        return "Set by hand until the first check-in; then the check-ins decide."
    latest = f"the check-in of {day_text(measures.latest_date)}"
    if standing.status == Goal.Status.ACHIEVED:
        return f"Achieved: {latest} reaches the target."
    if standing.status == Goal.Status.MISSED:
        return f"Missed: the due date passed and {latest} is short of the target."
    if standing.progress is None:
        return f"{goal.get_status_display()} at {latest}."
    tolerance = int(Goal.ON_TRACK_TOLERANCE * 100)
    return (
        f"{goal.get_status_display()}: at {latest}, {_percent(standing.progress)} of the way "
        f"to the target with {_percent(standing.elapsed)} of the time gone (on track while "
        f"no more than {tolerance} points behind)."
    )


def _percent(fraction):
    return f"{round(fraction * 100)}%"
