"""One action-item register: every follow-up, whatever produced it (a review, a meeting, a
security incident's post-incident review, or nothing but a decision to act)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from governance.domain import bounds
from governance.domain.models.common import TimeStamped
from governance.domain.models.incidents import Incident
from governance.domain.models.meetings import Meeting
from governance.domain.models.occurrences import MeetingOccurrence
from governance.domain.models.reviews import Review
from governance.domain.models.vendors import Contact, Vendor


class ActionItemStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


# Whether an item is still to do (open or in progress): a plain expression of its status, so
# that an index on it serves the register's order.
IS_OPEN = models.ExpressionWrapper(
    Q(status__in=[ActionItemStatus.OPEN.value, ActionItemStatus.IN_PROGRESS.value]),
    output_field=models.BooleanField(),
)
# The register's order: open items first, by due date (the overdue ones come first, as their
# dates are the earliest), undated last; then done and cancelled ones alike; then the key.
# The index ``action_item_register_idx`` holds the same expressions, so PostgreSQL reads a
# page in this order from it instead of sorting every item.
REGISTER_ORDER = (
    IS_OPEN.desc(),
    models.F("due_date").asc(nulls_last=True),
    models.F("id").asc(),
)


class ActionItemSource(models.TextChoices):
    REVIEW = "review", "Review"
    MEETING = "meeting", "Meeting"
    INCIDENT = "incident", "Incident"
    OTHER = "other", "Other"


# The record each source names (none for ``other``).
SOURCE_FIELDS = {
    ActionItemSource.REVIEW: "review",
    ActionItemSource.MEETING: "meeting",
    ActionItemSource.INCIDENT: "incident",
}


def _source_matches():
    """Each source names its record and no other; ``other`` names none."""
    condition = Q(source=ActionItemSource.OTHER) & Q(
        **{f"{name}__isnull": True for name in SOURCE_FIELDS.values()}
    )
    for source, field in SOURCE_FIELDS.items():
        others = {f"{name}__isnull": True for name in SOURCE_FIELDS.values() if name != field}
        condition |= Q(source=source, **{f"{field}__isnull": False}, **others)
    return condition


class ActionItem(TimeStamped):
    """A follow-up of a vendor: what, who (one of our users, or one of the vendor's
    contacts, or a representative of the vendor as a user), by when, and where it came from.
    Its status changes are its history."""

    Status = ActionItemStatus
    Source = ActionItemSource
    OPEN_STATUSES = (ActionItemStatus.OPEN, ActionItemStatus.IN_PROGRESS)
    constraint_fields = {
        "action_item_source_matches": ("source", "review", "meeting", "incident"),
        "action_item_source_valid": "source",
    }

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="action_items")
    source = models.CharField(max_length=16, choices=Source, default=Source.OTHER)
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, null=True, blank=True, related_name="action_items"
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="action_items"
    )
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, null=True, blank=True, related_name="action_items"
    )
    occurrence = models.ForeignKey(
        MeetingOccurrence,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        help_text="The occurrence of the meeting it was recorded at.",
    )
    description = bounds.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    vendor_contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        help_text="The vendor's contact who owns it, when it is theirs to do.",
    )
    due_date = bounds.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status, default=Status.OPEN)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                name="action_item_status_valid",
                condition=Q(status__in=ActionItemStatus.values),
            ),
            models.CheckConstraint(
                name="action_item_source_valid",
                condition=Q(source__in=ActionItemSource.values),
            ),
            models.CheckConstraint(
                name="action_item_source_matches",
                condition=_source_matches(),
                violation_error_message="An item from a review, meeting or incident names "
                "that record (and no other); one from elsewhere names none.",
            ),
        ]
        indexes = [
            # The register: open items by due date, overdue first.
            models.Index(fields=["status", "due_date"], name="action_item_status_due_idx"),
            models.Index(fields=["vendor", "status"], name="action_item_vendor_status_idx"),
            # The register's default page: the open items by due date (overdue ones first,
            # as their dates are the earliest), read in order from the index.
            models.Index(
                fields=["due_date", "id"],
                condition=Q(status__in=["open", "in_progress"]),
                name="action_item_open_due_idx",
            ),
            # Every item in the register's order (``REGISTER_ORDER``: open first, then by due
            # date): a page of all 45,000 items of 10,000 vendors read from the index.
            # (A plain ascending date: PostgreSQL puts nulls last in it; SQLite has no
            # NULLS LAST in an index.)
            models.Index(IS_OPEN.desc(), "due_date", "id", name="action_item_register_idx"),
        ]

    def __str__(self):
        return self.description[:60]

    def get_absolute_url(self):
        return reverse("governance:vendor-detail", args=[self.vendor_id]) + "#action-items"

    @property
    def source_id(self):
        field = SOURCE_FIELDS.get(self.source)
        return getattr(self, f"{field}_id") if field else None

    @property
    def source_record(self):
        field = SOURCE_FIELDS.get(self.source)
        return getattr(self, field) if field else None

    def fill_from_source(self):
        """An item naming one record (a review, a meeting, an incident) and no source comes
        from that record, and belongs to its vendor when it names none. An item recorded at
        an occurrence and naming no record comes from the occurrence's meeting."""
        if (
            self.occurrence_id is not None
            and self.source in (ActionItemSource.OTHER, ActionItemSource.MEETING)
            and not any(getattr(self, f"{field}_id") for field in SOURCE_FIELDS.values())
        ):
            self.meeting_id = self.occurrence.meeting_id
        if self.source == ActionItemSource.OTHER:
            named = [
                source for source, field in SOURCE_FIELDS.items() if getattr(self, f"{field}_id")
            ]
            if len(named) == 1:
                self.source = named[0]
        record = self.source_record
        if self.vendor_id is None and record is not None:
            self.vendor_id = record.vendor_id

    def save(self, *args, **kwargs):
        self.fill_from_source()
        super().save(*args, **kwargs)

    def is_overdue_on(self, day):
        """Open (or in progress) with its due date before ``day``."""
        return (
            self.status in self.OPEN_STATUSES and self.due_date is not None and self.due_date < day
        )

    def clean(self):
        # A form checks the item before the service saves it: the source it will get.
        self.fill_from_source()
        errors = {}
        if self.vendor_id is not None:
            for field in SOURCE_FIELDS.values():
                record = getattr(self, field) if getattr(self, f"{field}_id") else None
                if record is not None and record.vendor_id != self.vendor_id:
                    errors[field] = f"Choose a {field} of this item's vendor."
            contact = self.vendor_contact if self.vendor_contact_id else None
            if contact is not None and contact.vendor_id != self.vendor_id:
                errors["vendor_contact"] = "Choose one of this vendor's contacts."
        if self.occurrence_id is not None and self.occurrence.meeting_id != self.meeting_id:
            errors["occurrence"] = "Choose an occurrence of this item's meeting."
        if errors:
            raise ValidationError(errors)


def overdue_condition(day):
    """The items overdue on ``day``, as a query condition (the register's "overdue")."""
    return Q(status__in=ActionItem.OPEN_STATUSES, due_date__lt=day)
