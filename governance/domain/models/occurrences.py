"""A meeting's occurrences as records: an instance of the series that was cancelled, moved or
held, with its attendance, minutes (shared with and signed off by the vendor) and decisions.

An instance of a series without a record is simply scheduled, as the rule says; a record is
made when something happens to it. ``original_start`` is the instance's start as the series
gives it (its RECURRENCE-ID in a calendar), so a record keeps naming its instance when moved.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from governance.domain import bounds, recurrence
from governance.domain.models.common import TimeStamped
from governance.domain.models.meetings import Meeting
from governance.domain.models.people import Role, UserProfile
from governance.domain.models.vendors import Contact

# Minutes of one meeting: a few pages, not a document store.
MINUTES_MAX = 20_000
# A move reschedules that instance; further away it is another meeting, not this one moved.
MAX_MOVE = dt.timedelta(days=60)


class OccurrenceStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SHARED = "shared", "Shared with the vendor"
    APPROVED = "approved", "Approved by the vendor"
    CHANGES_REQUESTED = "changes_requested", "Changes requested by the vendor"


SIGNED_OFF = (MinutesStatus.APPROVED, MinutesStatus.CHANGES_REQUESTED)


class MeetingOccurrence(TimeStamped):
    """One instance of a meeting series, once something happened to it."""

    Status = OccurrenceStatus
    MinutesStatus = MinutesStatus
    constraint_fields = {
        "occurrence_once_per_instance": "original_start",
        "occurrence_status_valid": "status",
        "occurrence_minutes_status_valid": "minutes_status",
        "occurrence_cancelled_not_moved": "starts_at",
        "occurrence_minutes_of_held": "minutes_status",
        "occurrence_signed_off_when_signed": "minutes_status",
    }

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="occurrences")
    original_start = bounds.DateTimeField(
        help_text="The instance's start as the series gives it (its RECURRENCE-ID), in UTC."
    )
    status = models.CharField(max_length=16, choices=Status, default=Status.SCHEDULED)
    starts_at = bounds.DateTimeField(
        null=True, blank=True, help_text="The new start when moved; empty: as the series says."
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="meeting_occurrences"
    )
    contacts = models.ManyToManyField(Contact, blank=True, related_name="meeting_occurrences")
    minutes = bounds.TextField(blank=True, validators=[MaxLengthValidator(MINUTES_MAX)])
    minutes_status = models.CharField(
        max_length=20, choices=MinutesStatus, default=MinutesStatus.DRAFT
    )
    minutes_comment = bounds.TextField(
        blank=True,
        validators=[MaxLengthValidator(4000)],
        help_text="The vendor's change request, when it asked for changes.",
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="minutes_signed_off",
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "original_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "original_start"],
                name="occurrence_once_per_instance",
                violation_error_message="This instance of the meeting already has a record.",
            ),
            models.CheckConstraint(
                name="occurrence_status_valid", condition=Q(status__in=OccurrenceStatus.values)
            ),
            models.CheckConstraint(
                name="occurrence_minutes_status_valid",
                condition=Q(minutes_status__in=MinutesStatus.values),
            ),
            models.CheckConstraint(
                name="occurrence_cancelled_not_moved",
                condition=~Q(status=OccurrenceStatus.CANCELLED, starts_at__isnull=False),
                violation_error_message="A cancelled occurrence is not moved as well.",
            ),
            models.CheckConstraint(
                name="occurrence_minutes_of_held",
                condition=Q(minutes_status=MinutesStatus.DRAFT) | Q(status=OccurrenceStatus.HELD),
                violation_error_message="Minutes are shared and signed off only for a meeting "
                "that was held.",
            ),
            models.CheckConstraint(
                name="occurrence_signed_off_when_signed",
                condition=Q(minutes_status__in=SIGNED_OFF, signed_off_at__isnull=False)
                | (~Q(minutes_status__in=SIGNED_OFF) & Q(signed_off_at__isnull=True)),
                violation_error_message="Approved or questioned minutes carry their sign-off "
                "time, and only they do.",
            ),
        ]
        indexes = [
            # The exceptions of a window (meeting_occurrences): moved ones by their new start.
            models.Index(fields=["meeting", "starts_at"], name="occurrence_moved_idx"),
        ]

    def __str__(self):
        return f"{self.meeting} on {self.effective_start:%Y-%m-%d %H:%M} UTC"

    def get_absolute_url(self):
        return self.meeting.get_absolute_url()

    @property
    def effective_start(self):
        """When it takes (or took) place: the new start if moved, else the series'."""
        return self.starts_at or self.original_start

    def as_override(self):
        return recurrence.Override(
            original_start=self.original_start,
            starts_at=self.starts_at,
            cancelled=self.status == OccurrenceStatus.CANCELLED,
        )

    def clean(self):
        meeting = self.meeting if self.meeting_id else None
        if meeting is None or self.original_start is None:
            return
        series = _series(meeting)
        errors = {}
        if not recurrence.is_instance(**series, moment=self.original_start):
            errors["original_start"] = "The meeting has no occurrence starting at this time."
        elif self.starts_at is not None and self.starts_at != self.original_start:
            errors.update(self._move_errors(meeting, series))
        if self.status == OccurrenceStatus.HELD and self.effective_start > timezone.now():
            errors["status"] = "A meeting is held once it has begun; this one has not yet."
        if (
            self.signed_off_by_id is not None
            and not UserProfile.objects.filter(
                user_id=self.signed_off_by_id, role=Role.VENDOR_REP, vendor_id=meeting.vendor_id
            ).exists()
        ):
            errors["signed_off_by"] = "Minutes are signed off by a representative of the vendor."
        if errors:
            raise ValidationError(errors)

    def _move_errors(self, meeting, series):
        if abs(self.starts_at - self.original_start) > MAX_MOVE:
            return {"starts_at": f"Move a meeting by at most {MAX_MOVE.days} days."}
        duration = dt.timedelta(minutes=meeting.duration_minutes)
        others = MeetingOccurrence.objects.filter(meeting=meeting).exclude(pk=self.pk)
        overrides = [o.as_override() for o in others]
        # Occurrences overlapping the new time (one ending as it starts does not).
        start = self.starts_at - duration + dt.timedelta(microseconds=1)
        end = self.starts_at + duration
        nearby = recurrence.with_overrides(
            recurrence.meeting_occurrences(**series, start=start, end=end),
            overrides,
            series=series,
            start=start,
            end=end,
        )
        if any(o.recurrence_id != self.original_start for o in nearby):
            return {"starts_at": "Another occurrence of this meeting takes place at that time."}
        return {}


def _series(meeting):
    return {
        "starts_at": meeting.starts_at,
        "duration_minutes": meeting.duration_minutes,
        "time_zone": meeting.time_zone,
        "recurrence": meeting.recurrence,
    }


class Decision(TimeStamped):
    """A decision taken at a held occurrence of a meeting."""

    occurrence = models.ForeignKey(
        MeetingOccurrence, on_delete=models.CASCADE, related_name="decisions"
    )
    text = bounds.TextField(validators=[MaxLengthValidator(4000)])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions_recorded",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text[:60]

    def clean(self):
        if self.occurrence_id and self.occurrence.status != OccurrenceStatus.HELD:
            raise ValidationError({"occurrence": "Decisions are recorded for a held meeting."})
