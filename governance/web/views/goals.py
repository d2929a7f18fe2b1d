"""Shared goals of a vendor and their check-ins."""

from django.shortcuts import redirect, render
from django.urls import reverse

from governance import services
from governance.domain import access
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
        },
    )
