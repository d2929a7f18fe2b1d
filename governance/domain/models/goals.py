"""Shared goals and their check-ins, and where a goal stands by what was measured."""

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from governance.domain import bounds
from governance.domain.dates import day_text
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
    # Decisions rather than measurements: typed by hand, never derived (``derived_status``).
    MANUAL_STATUSES = (Status.PROPOSED, Status.DROPPED)
    # How far progress may trail the time gone and the goal still be on track.
    ON_TRACK_TOLERANCE = Decimal("0.10")
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
            # Goal-due reminders and the dashboard: goals of a status by due date (the goals at
            # risk panel: the first three, from 13,000 goals at 10,000 vendors).
            models.Index(fields=["status", "due_date", "id"], name="goal_status_due_id_idx"),
            # Needs attention: the active goals overdue, the latest due first.
            models.Index(
                fields=["due_date", "id"],
                condition=Q(status__in=["agreed", "on_track", "at_risk"]),
                name="goal_active_due_idx",
            ),
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

    def reached(self, value):
        """True when ``value`` meets the target in the goal's direction."""
        if self.direction == Goal.Direction.LOWER_IS_BETTER:
            return value <= self.target_value
        return value >= self.target_value

    def progress(self, value, *, start=None):
        """How far ``value`` is on the way from the baseline (or ``start`` when there is
        none) to the target: 0 at the start, 1 at the target, below 0 when it moved the
        wrong way; None when there is no starting point or it is the target itself."""
        start = self.baseline if self.baseline is not None else start
        if value is None or start is None or self.target_value is None:
            return None
        span = Decimal(self.target_value) - Decimal(start)
        if span == 0:
            return None
        return (Decimal(value) - Decimal(start)) / span

    @property
    def progress_percent(self):
        """The current value's way from baseline to target, 0 to 100 (clamped); None when
        nothing is measured or there is no baseline."""
        fraction = self.progress(self.current_value)
        if fraction is None:
            return None
        return int(max(Decimal(0), min(Decimal(1), fraction)) * 100)

    def elapsed(self, day, *, since=None):
        """The share of the goal's time (its start, or ``since``, to its due date) gone by
        ``day``, 0 to 1."""
        start = since or self.start_date
        span = (self.due_date - start).days
        if span <= 0:
            return Decimal(1)
        gone = Decimal((day - start).days) / span
        return max(Decimal(0), min(Decimal(1), gone))

    def standing(self, measures, *, today):
        """Where the goal stands by what was measured (``Standing``), or None while nothing
        is measured or its status is a decision (proposed, dropped), when the status typed
        by hand stands. See ``Standing`` for the rule."""
        if measures is None or self.status in Goal.MANUAL_STATUSES:
            return None
        if self.reached(measures.latest_value):
            return Standing(Goal.Status.ACHIEVED, measures, None, None)
        progress = self.progress(measures.latest_value, start=measures.first_value)
        # Without a baseline the first check-in is the start, of the way and of the time.
        since = measures.first_date if self.baseline is None else None
        elapsed = self.elapsed(measures.latest_date, since=since)
        if today > self.due_date:
            return Standing(Goal.Status.MISSED, measures, progress, elapsed)
        if progress is None or progress >= elapsed - Goal.ON_TRACK_TOLERANCE:
            return Standing(Goal.Status.ON_TRACK, measures, progress, elapsed)
        return Standing(Goal.Status.AT_RISK, measures, progress, elapsed)

    def derived_status(self, measures, *, today):
        """The status the check-ins give (``standing``), else the one typed by hand."""
        standing = self.standing(measures, today=today)
        return self.status if standing is None else standing.status


class Measures(NamedTuple):
    """What a goal's check-ins say: the latest value and its date, and the first value and
    its date (the starting point of a goal without a baseline)."""

    latest_value: Decimal
    latest_date: dt.date
    first_value: Decimal
    first_date: dt.date


class Standing(NamedTuple):
    """Where a goal stands by its check-ins, the one rule every list, page and count uses.

    Achieved once the latest value reaches the target in the goal's direction; missed when
    the due date has passed without that; otherwise on track when, at the latest check-in,
    the way made from baseline to target (``progress``) is at least the share of the goal's
    time gone (``elapsed``) less ``Goal.ON_TRACK_TOLERANCE``, and at risk when it is not.
    A goal without a baseline is measured from its first check-in, in value and in time.
    """

    status: str
    measures: Measures
    progress: Decimal | None
    elapsed: Decimal | None


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

    def clean(self):
        if self.goal_id is None or not isinstance(self.date, dt.date):
            return
        if self.date < self.goal.start_date:
            raise ValidationError(
                {
                    "date": f"The goal starts on {day_text(self.goal.start_date)}; "
                    "date the check-in on or after that."
                }
            )
        # The latest date anywhere (UTC+14): a check-in is never dated after today.
        latest_today = (timezone.now() + dt.timedelta(hours=14)).astimezone(dt.UTC).date()
        if self.date > latest_today:
            raise ValidationError({"date": "A check-in cannot be dated in the future."})
