"""The reminder outbox: one row per reminder, sent exactly once."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from governance.domain import bounds
from governance.domain.models.vendors import Contact, Vendor


class ReminderKind(models.TextChoices):
    REVIEW_UPCOMING = "review_upcoming", "Review upcoming"
    REVIEW_OVERDUE = "review_overdue", "Review overdue"
    MEETING = "meeting", "Meeting"
    CLAUSE_EXPIRY = "clause_expiry", "Clause or certification expiry"
    GOAL_DUE = "goal_due", "Goal due"
    CONTRACT_NOTICE = "contract_notice", "Contract notice deadline"
    SLA_WARNING = "sla_warning", "SLA warning"
    SLA_BREACH = "sla_breach", "SLA breach"
    DIGEST = "digest", "Weekly digest"
    SECURITY_CLOCK = "security_clock", "Security notification clock"
    SECURITY_ESCALATION = "security_escalation", "Security notification missed (escalation)"
    CREDIT_DUE = "credit_due", "Service credit due"
    CREDIT_CLAIM = "credit_claim", "Service credit claim window closing"
    ACTION_ITEM_DUE = "action_item_due", "Action item due"
    ACTION_ITEM_OVERDUE = "action_item_overdue", "Action item overdue (escalation)"


class ReminderStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Reminder(models.Model):
    """One reminder that is due or was sent: the outbox of the reminder engine.

    The unique key (kind, object, occurrence, lead time, recipient) is what makes a reminder
    go out once and only once, whichever worker or sweep gets there first.
    """

    Kind = ReminderKind
    Status = ReminderStatus
    # Kinds reminded ahead of a date or time by lead times (site defaults, per-user overrides).
    LEAD_TIME_KINDS = (
        Kind.REVIEW_UPCOMING,
        Kind.MEETING,
        Kind.CLAUSE_EXPIRY,
        Kind.GOAL_DUE,
        Kind.CONTRACT_NOTICE,
        Kind.CREDIT_CLAIM,
        Kind.ACTION_ITEM_DUE,
    )

    kind = models.CharField(max_length=20, choices=Kind)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    # Denormalised so a vendor's reminders list without touching every object type.
    vendor = models.ForeignKey(
        Vendor,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    occurrence = models.DateTimeField(help_text="The occurrence or due time it is for (UTC).")
    lead_time = models.DurationField(help_text="How long before the occurrence it is sent.")
    # Who it goes to: one of our users (or a representative's account), or, for escalations
    # of a vendor that allows it, one of the vendor's contacts by email.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    recipient_contact = models.ForeignKey(
        Contact,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "kind",
                    "content_type",
                    "object_id",
                    "occurrence",
                    "lead_time",
                    "recipient",
                ],
                name="reminder_once_per_key",
                violation_error_message="This reminder already exists.",
            ),
            models.UniqueConstraint(
                fields=[
                    "kind",
                    "content_type",
                    "object_id",
                    "occurrence",
                    "lead_time",
                    "recipient_contact",
                ],
                condition=Q(recipient_contact__isnull=False),
                name="reminder_once_per_key_contact",
                violation_error_message="This reminder already exists.",
            ),
            models.CheckConstraint(
                name="reminder_one_recipient",
                condition=Q(recipient__isnull=False, recipient_contact__isnull=True)
                | Q(recipient__isnull=True, recipient_contact__isnull=False),
                violation_error_message="A reminder goes to a user or to a vendor contact.",
            ),
            models.CheckConstraint(
                name="reminder_sent_has_sent_at",
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                violation_error_message="A sent reminder needs its sending time.",
            ),
            models.CheckConstraint(
                name="reminder_status_valid",
                condition=Q(status__in=ReminderStatus.values),
            ),
        ]
        indexes = [
            # The sweep: rows still to send (pending) or stuck in sending.
            models.Index(fields=["status", "created_at"], name="reminder_status_created_idx"),
            # A vendor's reminders, newest first.
            models.Index(fields=["vendor", "-created_at"], name="reminder_vendor_created_idx"),
            # The reminder list's default order (API /reminders/, newest first).
            models.Index(fields=["-created_at", "-id"], name="reminder_created_desc_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.person} ({self.status})"

    @property
    def person(self):
        """Who it goes to: the user, or the vendor's contact."""
        return self.recipient if self.recipient_id else self.recipient_contact

    @property
    def address(self):
        """The email address it goes to."""
        person = self.person
        return person.email if person is not None else ""

    @property
    def message_id(self):
        """A stable Message-ID: a resend after a crash carries the same id (deduplicable)."""
        domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
        return f"<reminder-{self.pk}@{domain or 'localhost'}>"


# What a person may snooze the reminders of (the models the reminder kinds are about, less
# the digest's profile), by the name the API and the web UI use: app label and model name.
SNOOZABLE_MODELS = {
    "vendor": "governance.vendor",
    "goal": "governance.goal",
    "review": "governance.review",
    "meeting": "governance.meeting",
    "incident": "governance.incident",
    "clause": "governance.securityclause",
    "credit_statement": "governance.creditstatement",
    "action_item": "governance.actionitem",
}
# A snooze lasts at most this long: a reminder silenced for good is a muted kind instead.
MAX_SNOOZE_DAYS = 366


class Snooze(models.Model):
    """A person's reminders about one object held until a date (not sent before it).

    While it lasts, the sweep creates none of that person's reminders about the object, the
    digest leaves the object out, and escalations about it wait (the person said they are
    handling it). From ``until`` on, what is still due is sent as usual.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="snoozes"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, null=True, blank=True, related_name="snoozes"
    )
    until = models.DateField(help_text="Reminders resume on this day.")
    note = bounds.LineField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["until", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id"],
                name="snooze_once_per_person_and_object",
                violation_error_message="You already snoozed this; change that snooze instead.",
            ),
        ]
        indexes = [
            # The sweep's read: the snoozes still running.
            models.Index(fields=["until"], name="snooze_until_idx"),
        ]

    def __str__(self):
        return f"{self.user} snoozed {self.content_type.model} {self.object_id} until {self.until}"

    def clean(self):
        if self.content_type_id is not None:
            label = f"{self.content_type.app_label}.{self.content_type.model}"
            if label not in SNOOZABLE_MODELS.values():
                raise ValidationError({"content_type": "This has no reminders to snooze."})
