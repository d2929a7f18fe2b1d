"""Service credits: a vendor's credit policy and its monthly statements."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from governance.domain import bounds, credits
from governance.domain.models.common import TimeStamped, currency_validator
from governance.domain.models.incidents import Priority
from governance.domain.models.vendors import Vendor

MAX_BANDS = 20
MAX_CLAIM_WINDOW_DAYS = 3660
# An amount per breach: at most what a money field of 14 digits with 2 decimals holds.
MAX_AMOUNT = Decimal("999999999999.99")

_PERCENT = [
    MinValueValidator(0, message="Use a percentage between 0 and 100."),
    MaxValueValidator(100, message="Use a percentage between 0 and 100."),
]


def _is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool)


def validate_bands(value):
    """A list of at most 20 ``{"below_percent", "credit_percent"}``, each a number 0..100,
    ``below_percent`` strictly decreasing (as contracts list them: below 99 %, below 95 %)."""
    if not isinstance(value, list):
        raise ValidationError('Use a list of {"below_percent": n, "credit_percent": n}.')
    if len(value) > MAX_BANDS:
        raise ValidationError(f"Use at most {MAX_BANDS} bands.")
    previous = None
    for number, band in enumerate(value, start=1):
        if not isinstance(band, dict) or set(band) != {"below_percent", "credit_percent"}:
            raise ValidationError(
                f'Band {number}: use exactly {{"below_percent": n, "credit_percent": n}}.'
            )
        for key in ("below_percent", "credit_percent"):
            if not _is_number(band[key]) or not 0 <= band[key] <= 100:
                raise ValidationError(f"Band {number}: {key} must be a number from 0 to 100.")
        if previous is not None and band["below_percent"] >= previous:
            raise ValidationError(
                f"Band {number}: list the bands from the highest below_percent down, "
                "each strictly lower than the one before."
            )
        previous = band["below_percent"]


def validate_per_breach(value):
    """An object priority -> amount (a number from 0), priorities among ``Priority``."""
    if not isinstance(value, dict):
        raise ValidationError('Use an object of priority -> amount, e.g. {"P1": 500}.')
    for priority, amount in value.items():
        if priority not in Priority.values:
            raise ValidationError(
                f"Unknown priority {priority!r}: use {', '.join(Priority.values)}."
            )
        if not _is_number(amount) or not 0 <= amount <= MAX_AMOUNT:
            raise ValidationError(f"{priority}: the amount must be a number from 0.")


class CreditPolicy(TimeStamped):
    """How the contract turns a month's missed SLAs into a credit (one per vendor)."""

    constraint_fields = {
        "credit_policy_fee_not_negative": "monthly_fee",
        "credit_policy_cap_percent_range": "cap_percent",
    }

    vendor = models.OneToOneField(Vendor, on_delete=models.CASCADE, related_name="credit_policy")
    monthly_fee = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Blank: the vendor's annual value / 12.",
    )
    currency = models.CharField(max_length=3, default="EUR", validators=[currency_validator])
    bands = bounds.JSONField(
        default=list,
        blank=True,
        validators=[validate_bands],
        help_text='E.g. [{"below_percent": 99, "credit_percent": 5}, '
        '{"below_percent": 95, "credit_percent": 10}].',
    )
    per_breach = bounds.JSONField(
        default=dict,
        blank=True,
        validators=[validate_per_breach],
        help_text='An amount per breached resolution target by priority, e.g. {"P1": 500}.',
    )
    cap_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal(100),
        validators=_PERCENT,
        help_text="The month's credit is at most this share of the fee.",
    )
    claim_window_days = models.PositiveIntegerField(
        default=30,
        validators=[
            bounds.at_most(MAX_CLAIM_WINDOW_DAYS, "Use a claim window of at most 3660 days.")
        ],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["vendor"]
        verbose_name_plural = "credit policies"
        constraints = [
            models.CheckConstraint(
                name="credit_policy_fee_not_negative",
                condition=Q(monthly_fee__isnull=True) | Q(monthly_fee__gte=0),
                violation_error_message="The monthly fee cannot be negative.",
            ),
            models.CheckConstraint(
                name="credit_policy_cap_percent_range",
                condition=Q(cap_percent__gte=0, cap_percent__lte=100),
                violation_error_message="Use a percentage between 0 and 100.",
            ),
        ]

    def __str__(self):
        return f"Credit policy of {self.vendor}"

    def clean(self):
        if (
            self.monthly_fee is None
            and self.vendor_id is not None
            and self.vendor.annual_value is None
        ):
            raise ValidationError(
                {"monthly_fee": "Give the monthly fee: the vendor has no annual value."}
            )

    @property
    def fee(self):
        """The monthly fee in force: the policy's own, or the vendor's annual value / 12."""
        return credits.monthly_fee(self.monthly_fee, self.vendor.annual_value)


class CreditStatus(models.TextChoices):
    DUE = "due", "Due"
    CLAIMED = "claimed", "Claimed"
    RECEIVED = "received", "Received"
    WAIVED = "waived", "Waived"
    NONE = "none", "None"


class CreditStatement(TimeStamped):
    """A vendor's SLA results for one calendar month and the credit they earn."""

    Status = CreditStatus
    constraint_fields = {
        "credit_statement_month_first_day": "month",
        "credit_statement_status_matches_amount": "status",
        "credit_statement_waived_with_reason": "status_note",
        "credit_statement_status_valid": "status",
        "credit_statement_one_per_month": "month",
    }

    # No index of its own: the unique (vendor, month) serves every lookup by vendor, and each
    # month's close writes a row per vendor.
    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, related_name="credit_statements", db_index=False
    )
    month = bounds.DateField(help_text="The first day of the month.")
    compliance_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    met = models.PositiveIntegerField(default=0)
    breached = models.PositiveIntegerField(default=0)
    breaches_by_priority = bounds.JSONField(default=dict, blank=True)
    credit_due = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0.00"))
    currency = models.CharField(max_length=3, default="EUR", validators=[currency_validator])
    status = models.CharField(max_length=16, choices=Status, default=Status.NONE)
    status_note = bounds.TextField(
        blank=True, help_text="Internal: why it was waived, how it was claimed."
    )
    computed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-month", "vendor"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "month"],
                name="credit_statement_one_per_month",
                violation_error_message="This vendor already has a statement for this month.",
            ),
            models.CheckConstraint(
                name="credit_statement_month_first_day",
                condition=Q(month__day=1),
                violation_error_message="Use the first day of the month.",
            ),
            models.CheckConstraint(
                name="credit_statement_status_valid",
                condition=Q(status__in=CreditStatus.values),
            ),
            # Nothing owed is "none"; something owed is due, claimed, received or waived.
            models.CheckConstraint(
                name="credit_statement_status_matches_amount",
                condition=Q(status=CreditStatus.NONE, credit_due=0)
                | (~Q(status=CreditStatus.NONE) & Q(credit_due__gt=0)),
                violation_error_message="A statement with no credit due has status none; "
                "one with a credit due is due, claimed, received or waived.",
            ),
            models.CheckConstraint(
                name="credit_statement_waived_with_reason",
                condition=~Q(status=CreditStatus.WAIVED) | ~Q(status_note=""),
                violation_error_message="Give the reason the credit is waived.",
            ),
        ]
        indexes = [
            # The statement list filtered by status (newest month first).
            models.Index(fields=["status", "-month"], name="credit_statement_status_idx"),
            # The statement list's order (newest month first, then by vendor): a page of the
            # 120,000 statements of 10,000 vendors is read from here, not sorted.
            models.Index(fields=["-month", "vendor", "id"], name="credit_statement_month_idx"),
        ]

    def __str__(self):
        return f"{self.vendor} {self.month:%Y-%m}"

    def get_absolute_url(self):
        return reverse("governance:credit-list", args=[self.vendor_id])

    @staticmethod
    def first_of_month(day):
        """The first day of ``day``'s month."""
        return dt.date(day.year, day.month, 1)

    @property
    def status_when_computed(self):
        """The status an amount starts with: due with a credit, none without."""
        return CreditStatus.DUE if self.credit_due > 0 else CreditStatus.NONE
