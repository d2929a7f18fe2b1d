"""The vendor's voice: what a vendor's representative did that the manager should see.

Each thing a representative does in the portal (or through the API as a representative)
that asks for the other side's attention is one activity: an acknowledgement or a dispute of
a review, an agenda proposal, a sign-off or change request on minutes, a goal check-in, an
update or report of an incident, an update of an action item. Activities are recorded by the
services in the same transaction as the change itself, so none is lost and none is invented.
Whether a person has read one is theirs alone (``read_by``).
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from governance.domain import bounds
from governance.domain.models.actions import ActionItem
from governance.domain.models.goals import Goal
from governance.domain.models.incidents import Incident
from governance.domain.models.meetings import AgendaProposal, Meeting
from governance.domain.models.occurrences import MeetingOccurrence
from governance.domain.models.reviews import Review
from governance.domain.models.vendors import Vendor

ACTIVITY_COMMENT_MAX = 4000


class ActivityKind(models.TextChoices):
    REVIEW_ACKNOWLEDGED = "review_acknowledged", "Acknowledged a review"
    REVIEW_DISPUTED = "review_disputed", "Disputed a review"
    AGENDA_PROPOSED = "agenda_proposed", "Proposed an agenda item"
    MINUTES_APPROVED = "minutes_approved", "Approved the minutes"
    MINUTES_CHANGES_REQUESTED = "minutes_changes_requested", "Asked for changes to the minutes"
    GOAL_CHECK_IN = "goal_check_in", "Checked in on a goal"
    INCIDENT_REPORTED = "incident_reported", "Reported a security incident"
    INCIDENT_UPDATED = "incident_updated", "Updated an incident"
    ACTION_ITEM_UPDATED = "action_item_updated", "Updated an action item"


# The record each kind is about (every kind names exactly this one; the vendor always).
KIND_SUBJECTS = {
    ActivityKind.REVIEW_ACKNOWLEDGED: "review",
    ActivityKind.REVIEW_DISPUTED: "review",
    ActivityKind.AGENDA_PROPOSED: "proposal",
    ActivityKind.MINUTES_APPROVED: "occurrence",
    ActivityKind.MINUTES_CHANGES_REQUESTED: "occurrence",
    ActivityKind.GOAL_CHECK_IN: "goal",
    ActivityKind.INCIDENT_REPORTED: "incident",
    ActivityKind.INCIDENT_UPDATED: "incident",
    ActivityKind.ACTION_ITEM_UPDATED: "action_item",
}
SUBJECT_FIELDS = ("review", "proposal", "occurrence", "goal", "incident", "action_item")


def _subject_matches():
    """Each kind names its record and no other."""
    condition = Q()
    for kind, field in KIND_SUBJECTS.items():
        others = {f"{name}__isnull": True for name in SUBJECT_FIELDS if name != field}
        condition |= Q(kind=kind, **{f"{field}__isnull": False}, **others)
    return condition


class VendorActivity(models.Model):
    """One thing a vendor's representative did for the manager to see."""

    Kind = ActivityKind

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=32, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vendor_activities",
    )
    at = bounds.DateTimeField(default=timezone.now, db_index=False)
    comment = bounds.TextField(blank=True, validators=[MaxLengthValidator(ACTIVITY_COMMENT_MAX)])
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, null=True, blank=True, related_name="activities"
    )
    proposal = models.ForeignKey(
        AgendaProposal, on_delete=models.CASCADE, null=True, blank=True, related_name="activities"
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activities",
        help_text="The meeting an agenda proposal or a sign-off is about.",
    )
    occurrence = models.ForeignKey(
        MeetingOccurrence,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activities",
    )
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, null=True, blank=True, related_name="activities"
    )
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, null=True, blank=True, related_name="activities"
    )
    action_item = models.ForeignKey(
        ActionItem, on_delete=models.CASCADE, null=True, blank=True, related_name="activities"
    )
    read_by = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="read_activities"
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "vendor activities"
        constraints = [
            models.CheckConstraint(
                name="vendor_activity_kind_valid", condition=Q(kind__in=ActivityKind.values)
            ),
            models.CheckConstraint(
                name="vendor_activity_subject_matches",
                condition=_subject_matches(),
                violation_error_message="An activity names the one record it is about.",
            ),
        ]
        indexes = [
            # The inbox, newest first, and a vendor's activities.
            models.Index(fields=["-at", "-id"], name="vendor_activity_at_idx"),
            models.Index(fields=["vendor", "-at"], name="vendor_activity_vendor_at_idx"),
        ]

    def __str__(self):
        return f"{self.vendor}: {self.get_kind_display()}"

    @property
    def subject(self):
        return getattr(self, KIND_SUBJECTS[self.kind])
