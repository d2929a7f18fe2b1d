"""Escalation paths: per vendor, who to turn to on each side, by level and topic."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from governance.domain import bounds
from governance.domain.models.common import TimeStamped
from governance.domain.models.vendors import Contact, Vendor


class EscalationLevel(models.IntegerChoices):
    OPERATIONAL = 1, "Operational"
    MANAGEMENT = 2, "Management"
    EXECUTIVE = 3, "Executive"


class EscalationTopic(models.TextChoices):
    SERVICE = "service", "Service"
    SECURITY = "security", "Security"
    COMMERCIAL = "commercial", "Commercial"


class EscalationSide(models.TextChoices):
    OURS = "ours", "Our side"
    VENDOR = "vendor", "Vendor's side"


class EscalationContact(TimeStamped):
    """One step of a vendor's escalation matrix: at ``level`` for ``topic``, on ``side``, a
    person (one of our users, or one of the vendor's contacts) and the response expected.

    Our side names a user, the vendor's side one of that vendor's contacts; how to reach
    them is their email and phone, and ``reach`` says anything else (an on-call number, a
    channel).
    """

    Level = EscalationLevel
    Topic = EscalationTopic
    Side = EscalationSide
    constraint_fields = {
        "escalation_person_matches_side": ("user", "contact"),
        "escalation_level_valid": "level",
        "escalation_topic_valid": "topic",
        "escalation_side_valid": "side",
        "escalation_user_once": "user",
        "escalation_contact_once": "contact",
    }

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField(choices=Level)
    topic = models.CharField(max_length=16, choices=Topic)
    side = models.CharField(max_length=8, choices=Side)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="escalations",
        help_text="Our side: one of the organisation's users.",
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="escalations",
        help_text="The vendor's side: one of the vendor's contacts.",
    )
    response_minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[
            bounds.at_most(bounds.MAX_SLA_MINUTES, "Use at most 5270400 minutes (ten years).")
        ],
        help_text="The response expected at this level, in minutes.",
    )
    reach = bounds.LineField(
        max_length=200, blank=True, help_text="How else to reach them: on-call number, channel."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["vendor", "topic", "level", "side", "id"]
        constraints = [
            models.CheckConstraint(
                name="escalation_person_matches_side",
                condition=Q(side="ours", user__isnull=False, contact__isnull=True)
                | Q(side="vendor", contact__isnull=False, user__isnull=True),
                violation_error_message="Our side names one of our users; the vendor's side "
                "one of the vendor's contacts.",
            ),
            models.CheckConstraint(
                name="escalation_level_valid", condition=Q(level__in=EscalationLevel.values)
            ),
            models.CheckConstraint(
                name="escalation_topic_valid", condition=Q(topic__in=EscalationTopic.values)
            ),
            models.CheckConstraint(
                name="escalation_side_valid", condition=Q(side__in=EscalationSide.values)
            ),
            models.UniqueConstraint(
                fields=["vendor", "topic", "level", "user"],
                condition=Q(user__isnull=False),
                name="escalation_user_once",
                violation_error_message="This person is already at this level for this topic.",
            ),
            models.UniqueConstraint(
                fields=["vendor", "topic", "level", "contact"],
                condition=Q(contact__isnull=False),
                name="escalation_contact_once",
                violation_error_message="This contact is already at this level for this topic.",
            ),
        ]

    def __str__(self):
        return f"{self.vendor}: {self.get_topic_display()} L{self.level} {self.person_name}"

    def get_absolute_url(self):
        return reverse("governance:vendor-detail", args=[self.vendor_id]) + "#escalation"

    @property
    def person_name(self):
        if self.user_id is not None:
            return self.user.get_full_name() or self.user.username
        if self.contact_id is not None:
            return self.contact.name
        return ""

    def clean(self):
        if (
            self.contact_id is not None
            and self.vendor_id is not None
            and self.contact.vendor_id != self.vendor_id
        ):
            raise ValidationError({"contact": "Choose one of this vendor's contacts."})
