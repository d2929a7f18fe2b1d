"""Shared goals of a vendor and their check-ins."""

from copy import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from governance import services
from governance.domain import access
from governance.models import Goal
from governance.web.forms import CheckInForm, GoalForm
from governance.web.views.base import (
    add_service_error,
    editable_vendor_for,
    internal_view,
    require_edit,
    save_valid,
    section_page,
    vendor_for,
)

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


@internal_view
def goal_list(request, pk):
    vendor = vendor_for(request, pk)
    goals = vendor.goals.select_related("owner", "vendor_owner").order_by("due_date", "id")
    return section_page(
        request,
        vendor,
        section="goals",
        title="Goals",
        items=goals,
        template="governance/vendors/_goals_table.html",
        csv=(CSV_HEADER, _csv_row),
    )


@internal_view
def goal_create(request, pk):
    vendor = editable_vendor_for(request, pk)
    form = GoalForm(request.POST or None, instance=Goal(vendor=vendor), vendor=vendor)
    goal = save_valid(request, form, lambda: services.goal_save(form.instance))
    if goal:
        messages.success(request, f"Goal “{goal.title}” was added.")
        return redirect("governance:goal-detail", vendor.pk, goal.pk)
    return render(
        request, "governance/goals/form.html", {"vendor": vendor, "form": form, "goal": None}
    )


@internal_view
def goal_edit(request, pk, goal_pk):
    vendor = editable_vendor_for(request, pk)
    goal = get_object_or_404(vendor.goals, pk=goal_pk)
    form = GoalForm(request.POST or None, instance=copy(goal), vendor=vendor)
    saved = save_valid(request, form, lambda: services.goal_save(form.instance))
    if saved:
        messages.success(request, f"Goal “{saved.title}” was saved.")
        return redirect("governance:goal-detail", vendor.pk, saved.pk)
    return render(
        request, "governance/goals/form.html", {"vendor": vendor, "form": form, "goal": goal}
    )


@internal_view
def goal_detail(request, pk, goal_pk):
    """A goal with its check-in history; posting the check-in form records progress."""
    vendor = vendor_for(request, pk)
    goal = get_object_or_404(vendor.goals.select_related("owner", "vendor_owner"), pk=goal_pk)
    can_edit = access.can_edit_vendor(request.user, vendor)
    if request.method == "POST":
        require_edit(request, vendor)
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_check_in_add(goal=goal, author=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Progress recorded; the current value is updated.")
            return redirect(reverse("governance:goal-detail", args=[vendor.pk, goal.pk]))
    check_ins = goal.check_ins.select_related("author")
    return render(
        request,
        "governance/goals/detail.html",
        {
            "vendor": vendor,
            "goal": goal,
            "form": form,
            "check_ins": check_ins,
            "can_edit": can_edit,
        },
    )
