"""Outbound webhooks: who wants which events, the events themselves (an outbox written in the
same transaction as the change), and each delivery of an event to a subscription with the log
of its attempts.

The rules every door shares live here (the URL's form, the event names, the secret's form);
whether a URL's host resolves to an address we may call is decided by the services at save
time and again by the delivery at send time (DNS can change between the two).
"""

import base64
import secrets
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from governance.domain import bounds

WEBHOOK_URL_MAX = 2000
WEBHOOK_RESPONSE_EXCERPT_MAX = 1000
WEBHOOK_SECRET_PREFIX = "whsec_"


class WebhookEventType(models.TextChoices):
    """The event names of the API contract (DESIGN, "API v1 additions"): never renamed."""

    INCIDENT_CREATED = "incident.created", "Incident created"
    INCIDENT_SLA_WARNING = "incident.sla_warning", "Incident SLA warning"
    INCIDENT_SLA_BREACHED = "incident.sla_breached", "Incident SLA breached"
    INCIDENT_RESOLVED = "incident.resolved", "Incident resolved"
    SECURITY_INCIDENT_REPORTED = "security_incident.reported", "Security incident reported"
    SECURITY_INCIDENT_NOTIFICATION_OVERDUE = (
        "security_incident.notification_overdue",
        "Security incident notification overdue",
    )
    REVIEW_SCHEDULED = "review.scheduled", "Review scheduled"
    REVIEW_COMPLETED = "review.completed", "Review completed"
    REVIEW_ACKNOWLEDGED = "review.acknowledged", "Review acknowledged"
    REVIEW_DISPUTED = "review.disputed", "Review disputed"
    ACTION_ITEM_OVERDUE = "action_item.overdue", "Action item overdue"
    CLAUSE_EXPIRING = "clause.expiring", "Clause expiring"
    CLAUSE_EXPIRED = "clause.expired", "Clause expired"
    CREDIT_DUE = "credit.due", "Service credit due"
    VENDOR_STATUS_CHANGED = "vendor.status_changed", "Vendor status changed"


class WebhookDeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"  # waiting for its first or next attempt
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"  # retries exhausted, or the subscription was disabled


def new_webhook_secret():
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return WEBHOOK_SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def validate_webhook_secret(value):
    """``whsec_`` and base64 of 24 to 64 bytes (what the Standard Webhooks libraries accept)."""
    text = value.removeprefix(WEBHOOK_SECRET_PREFIX)
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        raise ValidationError("A secret is whsec_ followed by base64 text.") from None
    if not 24 <= len(raw) <= 64:
        raise ValidationError("A secret holds 24 to 64 bytes (32 to 88 base64 characters).")


def validate_webhook_url(value):
    """An absolute http(s) URL with a host, no credentials in it and no fragment."""
    URLValidator(schemes=["http", "https"])(value)
    parts = urlsplit(value)
    if parts.username or parts.password:
        raise ValidationError("Put no user name or password in a webhook URL.")
    if parts.fragment:
        raise ValidationError("A webhook URL has no #fragment.")


def validate_webhook_events(value):
    """A non-empty list of event names, each once."""
    if not isinstance(value, list) or not value:
        raise ValidationError("Choose at least one event.")
    unknown = [str(name) for name in value if name not in WebhookEventType.values]
    if unknown:
        raise ValidationError(
            "Unknown event(s): %(unknown)s.", params={"unknown": ", ".join(unknown)}
        )
    if len(set(value)) != len(value):
        raise ValidationError("Name each event once.")


class WebhookSubscription(models.Model):
    """A target URL that wants some events, of every vendor or of one."""

    url = models.URLField(max_length=WEBHOOK_URL_MAX, validators=[validate_webhook_url])
    description = bounds.LineField(max_length=200, blank=True)
    events = bounds.JSONField(default=list, validators=[validate_webhook_events])
    vendor = models.ForeignKey(
        "Vendor",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhooks",
        help_text="Only this vendor's events (empty: every vendor's).",
    )
    secret = models.CharField(
        max_length=200, default=new_webhook_secret, validators=[validate_webhook_secret]
    )
    is_active = models.BooleanField(default=True)
    # Who is told by email when the subscription is disabled after a run of failures.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="webhooks",
    )
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = bounds.LineField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["secret"])

    class Meta:
        ordering = ["url", "id"]

    def __str__(self):
        return self.description or self.url

    def wants(self, event_type, vendor_id):
        return event_type in self.events and (self.vendor_id is None or self.vendor_id == vendor_id)


class WebhookEvent(models.Model):
    """One event, written by the service that made the change in the same transaction (or,
    for what time makes happen, by the sweep once per ``key``)."""

    Type = WebhookEventType

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(max_length=64, choices=WebhookEventType)
    vendor = models.ForeignKey(
        "Vendor", on_delete=models.CASCADE, null=True, blank=True, related_name="webhook_events"
    )
    data = bounds.JSONField(default=dict)
    occurred_at = models.DateTimeField(default=timezone.now)
    # Once-only events (an SLA breached, a clause expired) carry a key; changes do not.
    key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="webhook_event_type_valid", condition=Q(type__in=WebhookEventType.values)
            ),
        ]

    def __str__(self):
        return f"{self.type} {self.uid}"

    @property
    def message_id(self):
        """The Standard Webhooks ``webhook-id``: the same on every attempt (idempotency key)."""
        return f"msg_{self.uid.hex}"


class WebhookDelivery(models.Model):
    """One event for one subscription: attempted until it succeeds or retries run out."""

    Status = WebhookDeliveryStatus

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(
        max_length=16, choices=WebhookDeliveryStatus, default=WebhookDeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # A worker holds the delivery until then; past it, another may take it (a lost worker).
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_latency_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = bounds.LineField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["event", "subscription"], name="webhook_delivery_once_per_subscription"
            ),
            models.CheckConstraint(
                name="webhook_delivery_status_valid",
                condition=Q(status__in=WebhookDeliveryStatus.values),
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due_idx",
                condition=Q(status="pending"),
            ),
            models.Index(fields=["subscription", "-created_at"], name="webhook_delivery_sub_idx"),
        ]

    def __str__(self):
        return f"{self.event} to {self.subscription}"


class WebhookAttempt(models.Model):
    """One HTTP attempt of a delivery: the delivery log a subscription's page shows."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(default=0)
    response_excerpt = models.TextField(
        blank=True, validators=[MaxLengthValidator(WEBHOOK_RESPONSE_EXCERPT_MAX)]
    )
    error = bounds.LineField(max_length=500, blank=True)
    # Set when a person asked for this attempt (manual redelivery).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["delivery", "-at"], name="webhook_attempt_delivery_idx")]

    def __str__(self):
        return f"{self.delivery} at {self.at}: {self.status_code or self.error}"
