"""Security clauses of the contract and the clause types a tier requires."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Least
from django.urls import reverse
from simple_history.models import HistoricalRecords

from governance.domain import bounds
from governance.domain.models.common import TimeStamped
from governance.domain.models.vendors import Vendor
from governance.domain.tiers import TIERS
from governance.domain.uploads import (
    EVIDENCE_KINDS,
    EVIDENCE_NAME_MAX,
    evidence_display_name,
    evidence_upload_to,
    validate_evidence,
)


class ClauseType(models.TextChoices):
    CONFIDENTIALITY = "confidentiality", "Confidentiality / NDA"
    DATA_PROTECTION = "data_protection", "Data protection agreement"
    BREACH_NOTIFICATION = "breach_notification", "Breach notification"
    ISO27001 = "iso27001", "ISO 27001 certification"
    SOC2 = "soc2", "SOC 2 report"
    RIGHT_TO_AUDIT = "right_to_audit", "Right to audit"
    DATA_RESIDENCY = "data_residency", "Data residency"
    SUBCONTRACTORS = "subcontractors", "Subcontractor approval"
    ACCESS_CONTROL = "access_control", "Access control"
    ENCRYPTION = "encryption", "Encryption"
    BUSINESS_CONTINUITY = "business_continuity", "Business continuity / DR"
    VULNERABILITY_MANAGEMENT = "vulnerability_management", "Vulnerability management"
    BACKGROUND_CHECKS = "background_checks", "Background checks"
    TERMINATION_DATA_RETURN = "termination_data_return", "Termination and data return"


class SecurityClauseStatus(models.TextChoices):
    MISSING = "missing", "Missing"
    NEGOTIATING = "negotiating", "Negotiating"
    AGREED = "agreed", "Agreed"
    VERIFIED = "verified", "Verified"
    NON_COMPLIANT = "non_compliant", "Non-compliant"


# What only a breach-notification clause states; any other keeps each at its empty value.
NOTIFICATION_ONLY_FIELDS = {"notification_hours": None, "notify_whom": "", "notify_how": ""}


def first_deadline():
    """A clause's first deadline: its expiry or its next verification, whichever comes first
    (the last day there is, with neither). Indexed (``clause_first_deadline_idx``) for the
    clauses that are not missing: the dashboard reads the closest of them in this order."""
    far = Value(dt.date.max)
    return Least(Coalesce("expires_on", far), Coalesce("next_verification_due", far))


class SecurityClause(TimeStamped):
    Status = SecurityClauseStatus
    # A clause counts towards coverage when it is in force in one of these statuses.
    COVERING_STATUSES = (Status.AGREED, Status.VERIFIED)
    constraint_fields = {
        "clause_expires_after_effective": "expires_on",
        "clause_notification_hours_positive": "notification_hours",
        "clause_notification_only_breach": "clause_type",
    }

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="clauses")
    clause_type = models.CharField(max_length=32, choices=ClauseType)
    requirement = bounds.TextField(blank=True)
    # Further type-specific parameters, e.g. {"min_tls": "1.2"} for encryption.
    parameters = bounds.JSONField(default=dict, blank=True)
    # Breach notification only: the vendor's window, from detection, and to whom and how.
    notification_hours = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1, "Give the window in whole hours, at least 1."),
            bounds.at_most(bounds.MAX_NOTIFICATION_HOURS, "Use at most 8784 hours (a year)."),
        ],
        help_text="Hours from detection within which the vendor must notify us.",
    )
    notify_whom = bounds.LineField(max_length=200, blank=True)
    notify_how = bounds.LineField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=Status, default=Status.MISSING)
    evidence_url = models.URLField(max_length=500, blank=True)
    evidence_file = models.FileField(
        upload_to=evidence_upload_to,
        blank=True,
        validators=[validate_evidence],
        help_text=EVIDENCE_KINDS,
    )
    # The uploaded file's own name, for its download (it is stored under a generated one).
    evidence_name = bounds.LineField(max_length=EVIDENCE_NAME_MAX, blank=True, editable=False)
    effective_date = bounds.DateField(null=True, blank=True)
    expires_on = bounds.DateField(null=True, blank=True)
    last_verified_on = bounds.DateField(null=True, blank=True)
    next_verification_due = bounds.DateField(null=True, blank=True)
    history = HistoricalRecords()

    # "In force": agreed or verified, and not expired. Stated here once, as a filter for the
    # database and as a test of one clause; tests/test_clause_in_force.py keeps them equal.
    @classmethod
    def in_force_on(cls, day):
        """A filter (``Q``) for the clauses in force on ``day``."""
        return Q(status__in=cls.COVERING_STATUSES) & (
            Q(expires_on__isnull=True) | Q(expires_on__gte=day)
        )

    def is_in_force(self, day):
        """Whether this clause is in force on ``day`` (as ``in_force_on`` selects)."""
        return self.status in self.COVERING_STATUSES and (
            self.expires_on is None or self.expires_on >= day
        )

    class Meta:
        ordering = ["vendor", "clause_type"]
        verbose_name = "security clause"
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "clause_type"],
                name="clause_one_per_vendor_type",
                violation_error_message="This vendor already has a clause of this type.",
            ),
            models.CheckConstraint(
                name="clause_expires_after_effective",
                condition=Q(expires_on__isnull=True)
                | Q(effective_date__isnull=True)
                | Q(expires_on__gte=F("effective_date")),
                violation_error_message="A clause cannot expire before it takes effect.",
            ),
            models.CheckConstraint(
                name="clause_type_valid", condition=Q(clause_type__in=ClauseType.values)
            ),
            models.CheckConstraint(
                name="clause_notification_hours_positive",
                condition=Q(notification_hours__isnull=True) | Q(notification_hours__gt=0),
                violation_error_message="Give the window in whole hours, at least 1.",
            ),
            models.CheckConstraint(
                name="clause_notification_only_breach",
                condition=Q(clause_type=ClauseType.BREACH_NOTIFICATION)
                | Q(**NOTIFICATION_ONLY_FIELDS),
                violation_error_message="Only a breach-notification clause states these.",
            ),
            models.CheckConstraint(
                name="clause_status_valid",
                condition=Q(status__in=SecurityClauseStatus.values),
            ),
        ]
        indexes = [
            # Clause/certification expiry reminders and the dashboard's expiring panel.
            models.Index(fields=["expires_on"], name="clause_expires_on_idx"),
            models.Index(fields=["next_verification_due"], name="clause_next_verif_idx"),
            # Needs attention's clauses, closest first (``first_deadline``).
            models.Index(
                first_deadline(),
                name="clause_first_deadline_idx",
                condition=~Q(status=SecurityClauseStatus.MISSING),
            ),
        ]

    def __str__(self):
        return f"{self.vendor}: {self.get_clause_type_display()}"

    def get_absolute_url(self):
        return reverse("governance:vendor-detail", args=[self.vendor_id]) + "#clauses"

    def save(self, *args, **kwargs):
        # Whichever door uploaded it (web, API, admin), the file's own name is kept for its
        # download before storage gives it a generated one; no file, no name.
        if not self.evidence_file:
            self.evidence_name = ""
        elif not self.evidence_file._committed:
            self.evidence_name = evidence_display_name(self.evidence_file.name)
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if not isinstance(self.parameters, dict):
            errors["parameters"] = 'Enter a JSON object such as {"min_tls": "1.2"}.'
        if self.clause_type != ClauseType.BREACH_NOTIFICATION:
            for name, empty in NOTIFICATION_ONLY_FIELDS.items():
                if getattr(self, name) != empty:
                    errors[name] = "Only a breach-notification clause states this."
        if errors:
            raise ValidationError(errors)


# The clause set each tier requires by default (editable afterwards as RequiredClause rows).
DEFAULT_REQUIRED_CLAUSES = {tier: list(rules.required_clauses) for tier, rules in TIERS.items()}


class RequiredClause(models.Model):
    """One clause type that every vendor of a tier must have: the tier's required set."""

    tier = models.CharField(max_length=16, choices=Vendor.Tier)
    clause_type = models.CharField(max_length=32, choices=ClauseType)

    class Meta:
        ordering = ["tier", "clause_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["tier", "clause_type"],
                name="required_clause_unique_per_tier",
                violation_error_message="This tier already requires this clause type.",
            ),
        ]

    def __str__(self):
        return f"{self.get_tier_display()}: {self.get_clause_type_display()}"
