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
from governance.domain.models.meetings import Meeting, MeetingKind
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


class IncidentCategory(models.TextChoices):
    SERVICE = "service", "Service"
    SECURITY = "security", "Security"


# What only a security incident records; a service incident keeps each at its empty value.
SECURITY_ONLY_FIELDS = {
    "detected_at": None,
    "vendor_notified_at": None,
    "notified_by": "",
    "personal_data_affected": False,
    "systems_affected": "",
    "data_involved": "",
    "contained_at": None,
    "authority_notified_at": None,
    "postmortem_meeting": None,
}


def _after_detection(field, name, message):
    """A constraint: ``field``, when recorded, is not before the detection."""
    return models.CheckConstraint(
        name=name,
        condition=Q(**{f"{field}__isnull": True})
        | Q(detected_at__isnull=True)
        | Q(**{f"{field}__gte": F("detected_at")}),
        violation_error_message=message,
    )


def _clock_index(side, *, latest_first):
    """An index of the security incidents awaiting ``side``'s notification (``vendor`` or
    ``authority``) with a stored deadline: by priority, then deadline and id, the closest or
    the latest first."""
    due = f"{side}_notice_due_at"
    return models.Index(
        fields=["priority", f"-{due}", "-id"] if latest_first else ["priority", due, "id"],
        condition=Q(
            category="security",
            **{f"{side}_notified_at__isnull": True},
            **{f"{due}__isnull": False},
        ),
        name=f"inc_{side}_clock_{'late' if latest_first else 'due'}_idx",
    )


class Incident(TimeStamped):
    """An SLA incident; due times are derived from the vendor's SLA target by the services.

    A security incident also records the vendor's detection and notification (its clock, see
    ``governance.domain.notification``), containment, and our notification of the authority.
    Its closure is ``resolved_at``, as for any incident.
    """

    Status = IncidentStatus
    Category = IncidentCategory
    OPEN_STATUSES = (Status.OPEN, Status.ACKNOWLEDGED)
    constraint_fields = {
        "incident_external_id_unique_per_vendor": "external_id",
        "incident_resolved_after_opened": "resolved_at",
        "incident_acknowledged_after_opened": "acknowledged_at",
        "incident_security_detected": "detected_at",
        "incident_security_fields_only_on_security": "category",
        "incident_notified_after_detected": "vendor_notified_at",
        "incident_contained_after_detected": "contained_at",
        "incident_resolved_after_detected": "resolved_at",
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
    category = models.CharField(max_length=16, choices=Category, default=Category.SERVICE)
    # Security incidents only (SECURITY_ONLY_FIELDS).
    detected_at = bounds.DateTimeField(
        null=True, blank=True, help_text="When the vendor detected the incident."
    )
    vendor_notified_at = bounds.DateTimeField(
        null=True, blank=True, help_text="When the vendor notified us."
    )
    # Free text, not a Contact: whoever calls is often not a recorded contact, and the name
    # must outlive the contact's record.
    notified_by = bounds.LineField(
        max_length=200, blank=True, help_text="Who at the vendor notified us."
    )
    personal_data_affected = models.BooleanField(default=False)
    systems_affected = bounds.TextField(blank=True)
    data_involved = bounds.TextField(blank=True)
    contained_at = bounds.DateTimeField(null=True, blank=True)
    authority_notified_at = bounds.DateTimeField(
        null=True, blank=True, help_text="When we notified the supervisory authority."
    )
    postmortem_meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="postmortem_of",
        help_text="The post-incident review: a post-mortem meeting with this vendor.",
    )
    # Derived from the SLA target when the incident is written (services.incident_*).
    response_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Derived for the lists that filter and order by them (``services.figures``, with the
    # vendor's other figures): the deadline of the vendor's notification (from the clause in
    # force at detection) and of ours to the authority. NULL where that clock does not run.
    # Not in the audit history: they follow from the columns and the clause history there.
    vendor_notice_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    authority_notice_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["vendor_notice_due_at", "authority_notice_due_at"])

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
            models.CheckConstraint(
                name="incident_category_valid",
                condition=Q(category__in=IncidentCategory.values),
            ),
            models.CheckConstraint(
                name="incident_security_detected",
                condition=~Q(category=IncidentCategory.SECURITY) | Q(detected_at__isnull=False),
                violation_error_message="A security incident records when it was detected.",
            ),
            models.CheckConstraint(
                name="incident_security_fields_only_on_security",
                condition=Q(category=IncidentCategory.SECURITY) | Q(**SECURITY_ONLY_FIELDS),
                violation_error_message="Only a security incident records these details.",
            ),
            _after_detection(
                "vendor_notified_at",
                "incident_notified_after_detected",
                "The vendor cannot notify us before it detected it.",
            ),
            _after_detection(
                "contained_at",
                "incident_contained_after_detected",
                "An incident cannot be contained before it was detected.",
            ),
            _after_detection(
                "resolved_at",
                "incident_resolved_after_detected",
                "An incident cannot be closed before it was detected.",
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
            # Needs attention's breaches, by priority then the freshest first: the open
            # incidents not resolved, and those not acknowledged.
            models.Index(
                fields=["priority", "-resolution_due_at"],
                condition=Q(status__in=["open", "acknowledged"], resolved_at__isnull=True),
                name="incident_open_unresolved_idx",
            ),
            models.Index(
                fields=["priority", "-response_due_at"],
                condition=Q(status__in=["open", "acknowledged"], acknowledged_at__isnull=True),
                name="incident_open_unacked_idx",
            ),
            # The security notification reminders: the incidents awaiting a notification
            # (the condition of ``notification.awaiting_notification()``), a few among
            # 300,000 incidents at 10,000 vendors.
            models.Index(
                fields=["detected_at"],
                condition=Q(category="security")
                & (
                    Q(vendor_notified_at__isnull=True)
                    | Q(personal_data_affected=True, authority_notified_at__isnull=True)
                ),
                name="incident_awaiting_notice_idx",
            ),
            # Needs attention's notification clocks still waiting, the vendor's and ours to the
            # authority, by priority then deadline: the running ones the closest first, the
            # overdue ones the latest first (an index each way, so that neither is sorted).
            _clock_index("vendor", latest_first=False),
            _clock_index("vendor", latest_first=True),
            _clock_index("authority", latest_first=False),
            _clock_index("authority", latest_first=True),
        ]

    def __str__(self):
        return f"{self.external_id or self.pk}: {self.title}"

    def get_absolute_url(self):
        return reverse("governance:incident-detail", args=[self.vendor_id, self.pk])

    def clean(self):
        # A clock a few minutes fast (the browser's, the ticketing system's) is not the future.
        latest = timezone.now() + dt.timedelta(minutes=5)
        errors = {}
        if self.opened_at is not None and self.opened_at > latest:
            errors["opened_at"] = "An incident cannot open in the future."
        if self.resolved_at is not None and self.resolved_at > latest:
            errors["resolved_at"] = "Cannot be in the future."
        if self.category == IncidentCategory.SECURITY:
            errors.update(self._security_errors(latest))
        else:
            for name, empty in SECURITY_ONLY_FIELDS.items():
                if getattr(self, _attname(name)) != empty:
                    errors[name] = "Only a security incident records this."
        if errors:
            raise ValidationError(errors)

    def _security_errors(self, latest):
        errors = {}
        if self.detected_at is None:
            errors["detected_at"] = "A security incident records when it was detected."
        for name in ("detected_at", "vendor_notified_at", "contained_at", "authority_notified_at"):
            value = getattr(self, name)
            if value is not None and value > latest:
                errors[name] = "Cannot be in the future."
        meeting = self.postmortem_meeting if self.postmortem_meeting_id else None
        if meeting is not None and (
            meeting.vendor_id != self.vendor_id or meeting.kind != MeetingKind.POSTMORTEM
        ):
            errors["postmortem_meeting"] = "Choose a post-mortem meeting with this vendor."
        return errors

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


def _attname(name):
    return "postmortem_meeting_id" if name == "postmortem_meeting" else name


def _breached(due, done, now):
    if due is None:
        return False
    return (done or now) > due
