"""Spreadsheet imports: a file of vendors, SLA targets, clauses or goals, checked as a dry run
and applied, when the person confirms, in one transaction or not at all."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from governance.domain import bounds
from governance.domain.models.common import TimeStamped

# An upload larger than this is refused before it is read.
IMPORT_MAX_BYTES = 20 * 1024 * 1024


class ImportKind(models.TextChoices):
    VENDORS = "vendors", "Vendors (with contacts)"
    SLA_TARGETS = "sla_targets", "SLA targets"
    CLAUSES = "clauses", "Security clauses"
    GOALS = "goals", "Goals"


class ImportStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be checked"
    CHECKING = "checking", "Being checked"
    PREVIEWED = "previewed", "Checked: waiting for confirmation"
    INVALID = "invalid", "Checked: has errors"
    APPLYING = "applying", "Being applied"
    APPLIED = "applied", "Applied"
    FAILED = "failed", "Failed"


class ImportJob(TimeStamped):
    """One uploaded file and what became of it: its dry-run preview, then its application."""

    Kind = ImportKind
    Status = ImportStatus

    kind = models.CharField(max_length=16, choices=Kind)
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    file_name = bounds.LineField(max_length=255)
    # The file itself, so a worker on another machine can read it; dropped once applied.
    content = models.BinaryField(editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_jobs",
    )
    # Progress of the check or the application, in rows.
    total_rows = models.PositiveIntegerField(default=0)
    done_rows = models.PositiveIntegerField(default=0)
    # {"new": n, "changed": n, "unchanged": n, "errors": n}
    summary = models.JSONField(default=dict, blank=True)
    # The preview: [{"row": n, "action": "new"|"changed"|"unchanged"|"error",
    #                "key": "...", "changes": {...}, "errors": {"column": ["message"]}}]
    rows = models.JSONField(default=list, blank=True)
    error = bounds.TextField(blank=True, help_text="Why the file could not be read at all.")
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="import_job_kind_valid", condition=Q(kind__in=ImportKind.values)
            ),
            models.CheckConstraint(
                name="import_job_status_valid", condition=Q(status__in=ImportStatus.values)
            ),
            models.CheckConstraint(
                name="import_job_applied_has_applied_at",
                condition=~Q(status="applied") | Q(applied_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.file_name} ({self.get_status_display()})"
