"""Vendors and their contacts."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from governance.domain import bounds
from governance.domain.models.common import (
    Cadence,
    TimeStamped,
    country_validator,
    currency_validator,
    validate_services,
    validate_time_zone,
)
from governance.domain.scheduling import default_cadence_for_tier


class VendorTier(models.TextChoices):
    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class VendorStatus(models.TextChoices):
    ONBOARDING = "onboarding", "Onboarding"
    ACTIVE = "active", "Active"
    ON_WATCH = "on_watch", "On watch"
    OFFBOARDING = "offboarding", "Offboarding"
    ENDED = "ended", "Ended"


class Vendor(TimeStamped):
    Tier = VendorTier
    Status = VendorStatus
    constraint_fields = {
        "vendor_contract_ends_after_start": "contract_end",
        "vendor_annual_value_not_negative": "annual_value",
    }

    name = bounds.LineField(max_length=200, unique=True)
    services = bounds.JSONField(default=list, blank=True, validators=[validate_services])
    tier = models.CharField(max_length=16, choices=Tier, default=Tier.MEDIUM)
    status = models.CharField(max_length=16, choices=Status, default=Status.ONBOARDING)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_vendors"
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    country = models.CharField(max_length=2, blank=True, validators=[country_validator])
    contract_start = bounds.DateField(null=True, blank=True)
    contract_end = bounds.DateField(null=True, blank=True)
    renewal_notice_days = models.PositiveIntegerField(
        default=90,
        validators=[
            bounds.at_most(bounds.MAX_NOTICE_DAYS, "Use a notice period of at most 3660 days.")
        ],
    )
    annual_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="EUR", validators=[currency_validator])
    review_cadence = models.CharField(max_length=16, choices=Cadence, blank=True)
    notes = bounds.TextField(blank=True, help_text="Internal: never shown to the vendor.")
    email_vendor_contacts = models.BooleanField(
        default=False,
        help_text="Escalations may be emailed to the vendor's own contacts on its escalation "
        "path (off: only our side is emailed).",
    )
    # Managers assigned to the relationship besides its owner: they may edit it too.
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="managed_vendors"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="vendor_contract_ends_after_start",
                condition=Q(contract_end__isnull=True)
                | Q(contract_start__isnull=True)
                | Q(contract_end__gte=F("contract_start")),
                violation_error_message="The contract cannot end before it starts.",
            ),
            models.CheckConstraint(
                name="vendor_annual_value_not_negative",
                condition=Q(annual_value__isnull=True) | Q(annual_value__gte=0),
                violation_error_message="The annual value cannot be negative.",
            ),
            models.CheckConstraint(
                name="vendor_tier_valid", condition=Q(tier__in=VendorTier.values)
            ),
            models.CheckConstraint(
                name="vendor_status_valid", condition=Q(status__in=VendorStatus.values)
            ),
        ]
        indexes = [
            # Contract notice reminders and the dashboard's notice-deadline panel.
            models.Index(fields=["contract_end"], name="vendor_contract_end_idx"),
            # Vendor list filtered by owner / status.
            models.Index(fields=["owner", "status"], name="vendor_owner_status_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("governance:vendor-detail", args=[self.pk])

    @property
    def effective_cadence(self):
        """The review cadence: the vendor's own, or the default of its tier."""
        return self.review_cadence or default_cadence_for_tier(self.tier)


class Contact(TimeStamped):
    """A representative of the vendor."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="contacts")
    name = bounds.LineField(max_length=200)
    email = models.EmailField(blank=True)
    role = bounds.LineField(max_length=200, blank=True)
    phone = bounds.LineField(max_length=50, blank=True)
    is_primary = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor"],
                condition=Q(is_primary=True),
                name="contact_one_primary_per_vendor",
                violation_error_message="This vendor already has a primary contact.",
            ),
        ]
        indexes = [
            # The contact list's default order (API /contacts/): the page from the index.
            models.Index(fields=["-is_primary", "name"], name="contact_primary_name_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.vendor})"
