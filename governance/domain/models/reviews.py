"""Performance reviews, their scores and action items."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from governance.domain import bounds
from governance.domain.models.common import ConstraintFields, TimeStamped, vendor_text_errors
from governance.domain.models.vendors import Vendor


class ReviewStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class DisputeStatus(models.TextChoices):
    NONE = "", "Not disputed"
    OPEN = "open", "Disputed: waiting for our answer"
    UPHELD = "upheld", "Answered: the outcome stands"
    REVISED = "revised", "Answered: the outcome was revised"


class Review(TimeStamped):
    """A periodic performance review of a vendor."""

    Status = ReviewStatus
    DisputeStatus = DisputeStatus
    OPEN_STATUSES = (Status.SCHEDULED, Status.IN_PROGRESS)
    constraint_fields = {
        "review_period_ends_after_start": "period_end",
        "review_dispute_answered_has_answer": "dispute_answer",
    }

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="reviews")
    period_start = bounds.DateField()
    period_end = bounds.DateField()
    scheduled_for = bounds.DateField()
    status = models.CharField(max_length=16, choices=Status, default=Status.SCHEDULED)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviews",
    )
    # Derived: the mean of the criterion scores, kept by services.review_scores_set().
    overall_score = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    summary = bounds.TextField(blank=True)
    completed_at = bounds.DateTimeField(null=True, blank=True)
    # The vendor's acknowledgement of the outcome, from the vendor portal.
    vendor_acknowledged_at = bounds.DateTimeField(null=True, blank=True)
    vendor_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="acknowledged_reviews",
    )
    vendor_comment = bounds.TextField(blank=True)
    # A dispute of the outcome by the vendor (its reason is ``vendor_comment``), which the
    # manager answers: the outcome stands, or it was revised.
    dispute_status = models.CharField(
        max_length=16, choices=DisputeStatus, blank=True, default=DisputeStatus.NONE
    )
    dispute_answer = bounds.TextField(blank=True)
    dispute_answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answered_disputes",
    )
    dispute_answered_at = bounds.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-scheduled_for", "-id"]
        constraints = [
            models.CheckConstraint(
                name="review_period_ends_after_start",
                condition=Q(period_end__gt=F("period_start")),
                violation_error_message="The review period must end after it starts.",
            ),
            models.CheckConstraint(
                name="review_overall_score_1_to_5",
                condition=Q(overall_score__isnull=True)
                | Q(overall_score__gte=1, overall_score__lte=5),
                violation_error_message="The overall score must be between 1 and 5.",
            ),
            models.CheckConstraint(
                name="review_completed_has_completed_at",
                condition=~Q(status="completed") | Q(completed_at__isnull=False),
                violation_error_message="A completed review needs its completion time.",
            ),
            models.CheckConstraint(
                name="review_status_valid", condition=Q(status__in=ReviewStatus.values)
            ),
            models.CheckConstraint(
                name="review_dispute_status_valid",
                condition=Q(dispute_status__in=DisputeStatus.values),
            ),
            models.CheckConstraint(
                name="review_dispute_answered_has_answer",
                condition=~Q(dispute_status__in=["upheld", "revised"])
                | (Q(dispute_answered_at__isnull=False) & ~Q(dispute_answer="")),
                violation_error_message="An answered dispute carries its answer and when it "
                "was given.",
            ),
        ]
        indexes = [
            # Review reminders and the dashboard's "due in 30 days / overdue" panel.
            models.Index(fields=["status", "scheduled_for"], name="review_status_sched_idx"),
            # A vendor's reviews newest first: scorecard trend, next review date.
            models.Index(fields=["vendor", "-scheduled_for"], name="review_vendor_sched_idx"),
            # The review lists in their default order, newest first.
            models.Index(fields=["-scheduled_for", "-id"], name="review_sched_desc_idx"),
            # The open reviews soonest first (the portfolio review list's overdue / due soon
            # and the dashboard's panel): read in order, not filtered out of every review.
            models.Index(
                fields=["scheduled_for", "id"],
                condition=Q(status__in=["scheduled", "in_progress"]),
                name="review_open_sched_idx",
            ),
        ]

    def __str__(self):
        return f"{self.vendor} review {self.period_start:%Y-%m-%d} to {self.period_end:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("governance:vendor-detail", args=[self.vendor_id]) + "#reviews"

    def clean(self):
        if errors := vendor_text_errors(
            vendor_comment=self.vendor_comment, dispute_answer=self.dispute_answer
        ):
            raise ValidationError(errors)


class ReviewScoreCriterion(models.TextChoices):
    QUALITY = "quality", "Quality of service"
    RESPONSIVENESS = "responsiveness", "Responsiveness"
    COMMUNICATION = "communication", "Communication"
    SECURITY = "security", "Security & compliance"
    COST = "cost", "Cost & value"
    INNOVATION = "innovation", "Innovation"


class ReviewScore(ConstraintFields, models.Model):
    Criterion = ReviewScoreCriterion
    constraint_fields = {"review_score_one_per_criterion": "criterion"}

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.CharField(max_length=20, choices=Criterion)
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = bounds.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "criterion"]
        constraints = [
            models.CheckConstraint(
                name="review_score_1_to_5",
                condition=Q(score__gte=1, score__lte=5),
                violation_error_message="A score must be between 1 and 5.",
            ),
            models.UniqueConstraint(
                fields=["review", "criterion"],
                name="review_score_one_per_criterion",
                violation_error_message="Each criterion is scored once per review.",
            ),
            models.CheckConstraint(
                name="review_score_criterion_valid",
                condition=Q(criterion__in=ReviewScoreCriterion.values),
            ),
        ]

    def __str__(self):
        return f"{self.get_criterion_display()}: {self.score}"
