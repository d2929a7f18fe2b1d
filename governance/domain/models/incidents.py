"""SLA targets and incidents."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from governance.domain import bounds
from governance.domain.models.common import Service, TimeStamped
from governance.domain.models.vendors import Vendor


class Priority(models.TextChoices):
    P1 = "P1", "P1 (critical)"
    P2 = "P2", "P2 (high)"
    P3 = "P3", "P3 (medium)"
    P4 = "P4", "P4 (low)"


_AT_MOST_TEN_YEARS = bounds.at_most(
    bounds.MAX_SLA_MINUTES, "Use at most 5270400 minutes (ten years)."
)


class SLATarget(TimeStamped):
    """Response and resolution targets for one vendor and priority."""

    constraint_fields = {
        "sla_target_positive_times": ("response_minutes", "resolution_minutes"),
        "sla_target_resolution_not_before_response": "resolution_minutes",
    }

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="sla_targets")
    priority = models.CharField(max_length=2, choices=Priority)
    response_minutes = models.PositiveIntegerField(validators=[_AT_MOST_TEN_YEARS])
    resolution_minutes = models.PositiveIntegerField(validators=[_AT_MOST_TEN_YEARS])
    history = HistoricalRecords()

    class Meta:
        ordering = ["vendor", "priority"]
        verbose_name = "SLA target"
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "priority"],
                name="sla_target_one_per_vendor_priority",
                violation_error_message="This vendor already has a target for this priority.",
            ),
            models.CheckConstraint(
                name="sla_target_positive_times",
                condition=Q(response_minutes__gt=0, resolution_minutes__gt=0),
                violation_error_message="Response and resolution take at least one minute.",
            ),
            models.CheckConstraint(
                name="sla_target_resolution_not_before_response",
                condition=Q(resolution_minutes__gte=F("response_minutes")),
                violation_error_message="Resolution cannot be due before the response.",
            ),
            models.CheckConstraint(
                name="sla_target_priority_valid",
                condition=Q(priority__in=Priority.values),
            ),
        ]

    def __str__(self):
        return f"{self.vendor} {self.priority}"


class IncidentStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


class Incident(TimeStamped):
    """An SLA incident; due times are derived from the vendor's SLA target by the services."""

    Status = IncidentStatus
    OPEN_STATUSES = (Status.OPEN, Status.ACKNOWLEDGED)
    constraint_fields = {
        "incident_external_id_unique_per_vendor": "external_id",
        "incident_resolved_after_opened": "resolved_at",
        "incident_acknowledged_after_opened": "acknowledged_at",
    }

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="incidents")
    external_id = bounds.LineField(max_length=100, blank=True)
    title = bounds.LineField(max_length=300)
    description = bounds.TextField(blank=True)
    priority = models.CharField(max_length=2, choices=Priority, default=Priority.P3)
    service = models.CharField(max_length=32, choices=Service, blank=True)
    opened_at = bounds.DateTimeField()
    acknowledged_at = bounds.DateTimeField(null=True, blank=True)
    resolved_at = bounds.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status, default=Status.OPEN)
    root_cause = bounds.TextField(blank=True)
    # Derived from the SLA target when the incident is written (services.incident_*).
    response_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "external_id"],
                condition=~Q(external_id=""),
                name="incident_external_id_unique_per_vendor",
                violation_error_message="This vendor already has an incident with this id.",
            ),
            models.CheckConstraint(
                name="incident_resolved_after_opened",
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=F("opened_at")),
                violation_error_message="An incident cannot be resolved before it was opened.",
            ),
            models.CheckConstraint(
                name="incident_acknowledged_after_opened",
                condition=Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gte=F("opened_at")),
                violation_error_message="An incident cannot be acknowledged before it was opened.",
            ),
            models.CheckConstraint(
                name="incident_priority_valid",
                condition=Q(priority__in=Priority.values),
            ),
            models.CheckConstraint(
                name="incident_status_valid",
                condition=Q(status__in=IncidentStatus.values),
            ),
        ]
        indexes = [
            # The incident lists, newest first.
            models.Index(fields=["-opened_at", "-id"], name="incident_opened_desc_idx"),
            # SLA compliance per vendor and period: incidents of a vendor by opening time.
            models.Index(fields=["vendor", "opened_at"], name="incident_vendor_opened_idx"),
            # SLA warning/breach reminders and the dashboard: open incidents by due time.
            models.Index(
                fields=["status", "resolution_due_at"],
                name="incident_status_resdue_idx",
            ),
            models.Index(fields=["status", "response_due_at"], name="incident_status_respdue_idx"),
        ]

    def __str__(self):
        return f"{self.external_id or self.pk}: {self.title}"

    def get_absolute_url(self):
        return reverse("governance:vendor-detail", args=[self.vendor_id]) + "#incidents"

    def clean(self):
        # A clock a few minutes fast (the browser's, the ticketing system's) is not the future.
        latest = timezone.now() + dt.timedelta(minutes=5)
        errors = {}
        if self.opened_at is not None and self.opened_at > latest:
            errors["opened_at"] = "An incident cannot open in the future."
        if self.resolved_at is not None and self.resolved_at > latest:
            errors["resolved_at"] = "Cannot be in the future."
        if errors:
            raise ValidationError(errors)

    def response_breached_at(self, now):
        """True when the response target passed without an acknowledgement (as of ``now``)."""
        return _breached(self.response_due_at, self.acknowledged_at, now)

    def resolution_breached_at(self, now):
        """True when the resolution target passed without a resolution (as of ``now``)."""
        return _breached(self.resolution_due_at, self.resolved_at, now)

    # The same rules for the database, as filters on a target's ``due`` field and the field
    # that meets it (``acknowledged_at`` or ``resolved_at``). Each branch tests for NULL, so a
    # flag built from them is True or False, never NULL.
    @staticmethod
    def target_breached(due, done, now):
        """Filter: the target ``due`` passed without ``done`` (as of ``now``), or ``done`` came
        after it; as ``resolution_breached_at`` decides for one incident."""
        return Q(**{f"{due}__isnull": False}) & (
            Q(**{f"{done}__isnull": False, f"{done}__gt": F(due)})
            | Q(**{f"{done}__isnull": True, f"{due}__lt": now})
        )

    @staticmethod
    def target_met(due, done):
        """Filter: ``done`` came by the target ``due``."""
        return Q(**{f"{done}__isnull": False, f"{done}__lte": F(due)})


def _breached(due, done, now):
    if due is None:
        return False
    return (done or now) > due
