"""The meeting schedule and agenda proposals."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from governance.domain import bounds
from governance.domain.models.common import (
    TimeStamped,
    _available_time_zones,
    validate_time_zone,
    vendor_text_errors,
)
from governance.domain.models.vendors import Contact, Vendor
from governance.domain.recurrence import check_meeting_rule, parse_rrule


def validate_rrule(value):
    """Accept an RFC 5545 RRULE (with or without the ``RRULE:`` prefix) that dateutil parses."""
    if not value:
        return
    try:
        parse_rrule(value)
    except ValueError as error:
        raise ValidationError("Not a valid RRULE: %(error)s", params={"error": error}) from error


class MeetingKind(models.TextChoices):
    OPERATIONAL = "operational", "Operational sync"
    STEERING = "steering", "Steering committee"
    QBR = "qbr", "Quarterly business review"
    SECURITY = "security", "Security review"
    POSTMORTEM = "postmortem", "Incident post-mortem"


class MeetingChannel(models.TextChoices):
    VIDEO = "video", "Video call"
    PHONE = "phone", "Phone"
    ONSITE = "onsite", "On site"


class Meeting(TimeStamped):
    """A (possibly recurring) meeting; ``starts_at`` is the first occurrence, in UTC.

    The wall-clock time is ``starts_at`` seen in ``time_zone``; occurrences keep that wall-clock
    time across DST changes (see ``recurrence.meeting_occurrences``).
    """

    Kind = MeetingKind
    Channel = MeetingChannel
    constraint_fields = {"meeting_duration_positive": "duration_minutes"}
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="meetings")
    title = bounds.LineField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind, default=Kind.OPERATIONAL)
    starts_at = bounds.DateTimeField()
    duration_minutes = models.PositiveIntegerField(default=60)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    recurrence = models.TextField(blank=True, validators=[validate_rrule])
    channel = models.CharField(max_length=16, choices=Channel, default=Channel.VIDEO)
    location = bounds.LineField(max_length=500, blank=True)
    agenda = bounds.TextField(blank=True)
    minutes = bounds.TextField(blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="meetings"
    )
    contacts = models.ManyToManyField(Contact, blank=True, related_name="meetings")
    # Derived (``services.figures``): the start of the first occurrence not yet begun when
    # last computed, None when the series is over. Lets "next meetings" take the few
    # meetings that come first instead of expanding every series.
    next_occurrence_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["next_occurrence_at"])

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="meeting_duration_positive",
                condition=Q(duration_minutes__gt=0, duration_minutes__lte=24 * 60),
                violation_error_message="A meeting lasts between 1 minute and 24 hours.",
            ),
        ]
        indexes = [
            # Meeting reminders: candidates by first start.
            models.Index(fields=["starts_at"], name="meeting_starts_at_idx"),
            # The dashboard's "next meetings": the meetings whose next occurrence comes first.
            models.Index(fields=["next_occurrence_at", "id"], name="meeting_next_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("governance:vendor-detail", args=[self.vendor_id]) + "#meetings"

    def clean(self):
        # An unknown zone is reported on its own field; the rule cannot be judged without it.
        known_zone = self.time_zone in _available_time_zones()
        if not (self.recurrence and self.starts_at and known_zone):
            return
        try:
            validate_rrule(self.recurrence)
        except ValidationError:
            return  # not even a rule: the field's validator says so, once
        try:
            check_meeting_rule(self.recurrence, starts_at=self.starts_at, time_zone=self.time_zone)
        except ValueError as error:
            raise ValidationError({"recurrence": f"Not a usable meeting rule: {error}."}) from error


class AgendaProposalStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class AgendaProposal(TimeStamped):
    """An agenda item proposed for a meeting, e.g. by the vendor's representative."""

    Status = AgendaProposalStatus

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="proposals")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_proposals",
    )
    text = bounds.TextField()
    status = models.CharField(max_length=16, choices=Status, default=Status.PROPOSED)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="agenda_proposal_status_valid",
                condition=Q(status__in=AgendaProposalStatus.values),
            ),
        ]

    def __str__(self):
        return self.text[:60]

    def clean(self):
        if errors := vendor_text_errors(text=self.text):
            raise ValidationError(errors)
