"""The governance domain: vendors and everything agreed, reviewed, met about and measured.

Derived values (due times, overall scores, current values) are written by the services in
``governance.services``; models only hold data and the invariants that must survive any door.
"""

import secrets
import zoneinfo

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from governance.domain import bounds
from governance.domain.uploads import evidence_upload_to, validate_evidence


def validate_time_zone(value):
    """Accept only IANA time zone names (``Europe/Warsaw``), never offsets or abbreviations."""
    if value not in _available_time_zones():
        raise ValidationError("%(value)s is not an IANA time zone name.", params={"value": value})


def _available_time_zones():
    global _TIME_ZONES
    if _TIME_ZONES is None:
        _TIME_ZONES = frozenset(zoneinfo.available_timezones())
    return _TIME_ZONES


_TIME_ZONES = None


def time_zone_choices():
    return [(name, name) for name in sorted(_available_time_zones())]


def validate_services(value):
    """A vendor's services: a list (possibly empty) of distinct ``Service`` values."""
    if not isinstance(value, list):
        raise ValidationError("Give the services as a list.")
    unknown = [item for item in value if item not in Service.values]
    if unknown:
        raise ValidationError(
            "Unknown service(s): %(unknown)s.",
            params={"unknown": ", ".join(map(str, unknown))},
        )
    if len(set(value)) != len(value):
        raise ValidationError("A service is listed twice.")


def validate_rrule(value):
    """Accept an RFC 5545 RRULE (with or without the ``RRULE:`` prefix) that dateutil parses."""
    if not value:
        return
    from governance.domain.scheduling import parse_rrule

    try:
        parse_rrule(value)
    except ValueError as error:
        raise ValidationError("Not a valid RRULE: %(error)s", params={"error": error}) from error


def validate_muted_kinds(value):
    """A list of reminder kinds (``ReminderKind`` values), each once."""
    if not isinstance(value, list):
        raise ValidationError("Give the muted reminder kinds as a list.")
    unknown = [str(kind) for kind in value if kind not in ReminderKind.values]
    if unknown:
        raise ValidationError(
            "Unknown reminder kind(s): %(unknown)s.", params={"unknown": ", ".join(unknown)}
        )


def validate_lead_times(value):
    """Per reminder kind with lead times, a list of lead times, each within a year
    (``scheduling.personal_lead_times``): what the preferences page accepts, at every door."""
    from governance.domain.scheduling import personal_lead_times

    if not isinstance(value, dict):
        raise ValidationError('Give lead times per kind, e.g. {"meeting": ["24h"]}.')
    errors = []
    for kind, values in value.items():
        if kind not in Reminder.LEAD_TIME_KINDS:
            errors.append(f"{kind!r} is not a reminder kind with lead times")
            continue
        try:
            personal_lead_times(values)
        except ValueError as error:
            errors.append(f"{kind}: {error}")
    if errors:
        raise ValidationError(
            "Not usable lead times: %(errors)s.", params={"errors": "; ".join(errors)}
        )


country_validator = RegexValidator(r"^[A-Z]{2}$", "Use the two-letter ISO 3166 country code.")
currency_validator = RegexValidator(r"^[A-Z]{3}$", "Use the three-letter ISO 4217 currency code.")


class Service(models.TextChoices):
    NETWORK_MANAGEMENT = "network_management", "Network management"
    SECURITY = "security", "Security"
    SOFTWARE_DEVELOPMENT = "software_development", "Software development"
    TECHNICAL_SUPPORT = "technical_support", "Technical support"
    SYSTEM_MAINTENANCE = "system_maintenance", "System maintenance"
    HOSTING = "hosting", "Hosting"
    OTHER = "other", "Other"


class Cadence(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    SEMIANNUAL = "semiannual", "Semiannual"
    ANNUAL = "annual", "Annual"


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Role(models.TextChoices):
    """What a user may do; enforced in one place (governance.domain.access).

    ``none`` is a user who may do nothing (yet, or any more): the state a profile starts in
    unless a role is given, so a user nobody decided about gets no access.
    """

    ADMINISTRATOR = "administrator", "Administrator"
    MANAGER = "manager", "Manager"
    VIEWER = "viewer", "Viewer"
    AUDITOR = "auditor", "Auditor"
    VENDOR_REP = "vendor_rep", "Vendor representative"
    NONE = "none", "No access"


class UserProfile(models.Model):
    """Per-user settings: role, the time zone every date is shown in, reminder preferences.

    Every user gets one when the account is created (``services.profile_create``), with the
    site's role for new users; a user without one has no access at all.
    """

    Role = Role

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    digest_enabled = models.BooleanField(default=False)
    # Reminder kinds this user does not want, e.g. ["goal_due"].
    muted_kinds = bounds.JSONField(default=list, blank=True, validators=[validate_muted_kinds])
    # Per-kind lead times overriding the site defaults, e.g. {"review_upcoming": [7, 1]}.
    lead_times = bounds.JSONField(default=dict, blank=True, validators=[validate_lead_times])
    # The secret in this user's iCalendar feed URL; regenerating it revokes the old URL.
    calendar_token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    role = models.CharField(max_length=16, choices=Role, default=Role.NONE)
    # The one vendor a vendor representative belongs to (empty for every other role).
    # PROTECT: a vendor with representatives cannot be deleted by any door; a cascade would
    # leave their accounts without a profile.
    vendor = models.ForeignKey(
        "Vendor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="representatives",
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="profile_vendor_only_for_vendor_reps",
                condition=Q(role="vendor_rep", vendor__isnull=False)
                | (~Q(role="vendor_rep") & Q(vendor__isnull=True)),
                violation_error_message=(
                    "A vendor representative belongs to exactly one vendor; other roles to none."
                ),
            ),
            models.CheckConstraint(name="profile_role_valid", condition=Q(role__in=Role.values)),
        ]

    def __str__(self):
        return f"Profile of {self.user}"


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
        from governance.domain.scheduling import default_cadence_for_tier

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


class GoalDirection(models.TextChoices):
    HIGHER_IS_BETTER = "higher_is_better", "Higher is better"
    LOWER_IS_BETTER = "lower_is_better", "Lower is better"


class GoalStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    AGREED = "agreed", "Agreed"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    ACHIEVED = "achieved", "Achieved"
    MISSED = "missed", "Missed"
    DROPPED = "dropped", "Dropped"


class Goal(TimeStamped):
    """A goal both sides agreed, measured by a metric moving from baseline to target."""

    Direction = GoalDirection
    Status = GoalStatus
    # Goals that are still being worked on: the denominator of "goals on track".
    ACTIVE_STATUSES = (Status.AGREED, Status.ON_TRACK, Status.AT_RISK)
    CLOSED_STATUSES = (Status.ACHIEVED, Status.MISSED, Status.DROPPED)

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="goals")
    title = bounds.LineField(max_length=200)
    description = bounds.TextField(blank=True)
    metric = bounds.LineField(max_length=200)
    unit = bounds.LineField(max_length=50, blank=True)
    baseline = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    target_value = models.DecimalField(max_digits=14, decimal_places=4)
    direction = models.CharField(
        max_length=20, choices=Direction, default=Direction.HIGHER_IS_BETTER
    )
    current_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_goals",
    )
    vendor_owner = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_goals",
    )
    start_date = bounds.DateField(default=timezone.localdate)
    due_date = bounds.DateField()
    status = models.CharField(max_length=16, choices=Status, default=Status.PROPOSED)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                name="goal_due_on_or_after_start",
                condition=Q(due_date__gte=F("start_date")),
                violation_error_message="The due date cannot be before the start date.",
            ),
            models.CheckConstraint(
                name="goal_status_valid", condition=Q(status__in=GoalStatus.values)
            ),
        ]
        indexes = [
            # Goal-due reminders and the dashboard: open goals by due date.
            models.Index(fields=["status", "due_date"], name="goal_status_due_idx"),
            # The goal lists in their default order (API page: 48 ms -> 0.5 ms at 10k vendors).
            models.Index(fields=["due_date", "id"], name="goal_due_id_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("governance:vendor-detail", args=[self.vendor_id]) + "#goals"


class GoalCheckIn(models.Model):
    """A dated progress value of a goal; the latest one sets the goal's current value."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="check_ins")
    date = bounds.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=4)
    note = bounds.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            # "Latest check-in of a goal".
            models.Index(fields=["goal", "-date", "-id"], name="checkin_goal_latest_idx"),
        ]

    def __str__(self):
        return f"{self.goal}: {self.value} on {self.date}"


class ReviewStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class Review(TimeStamped):
    """A periodic performance review of a vendor."""

    Status = ReviewStatus
    OPEN_STATUSES = (Status.SCHEDULED, Status.IN_PROGRESS)

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
        ]
        indexes = [
            # Review reminders and the dashboard's "due in 30 days / overdue" panel.
            models.Index(fields=["status", "scheduled_for"], name="review_status_sched_idx"),
            # A vendor's reviews newest first: scorecard trend, next review date.
            models.Index(fields=["vendor", "-scheduled_for"], name="review_vendor_sched_idx"),
            # The review lists in their default order, newest first.
            models.Index(fields=["-scheduled_for", "-id"], name="review_sched_desc_idx"),
        ]

    def __str__(self):
        return f"{self.vendor} review {self.period_start:%Y-%m-%d} to {self.period_end:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("governance:vendor-detail", args=[self.vendor_id]) + "#reviews"


class ReviewScoreCriterion(models.TextChoices):
    QUALITY = "quality", "Quality of service"
    RESPONSIVENESS = "responsiveness", "Responsiveness"
    COMMUNICATION = "communication", "Communication"
    SECURITY = "security", "Security & compliance"
    COST = "cost", "Cost & value"
    INNOVATION = "innovation", "Innovation"


class ReviewScore(models.Model):
    Criterion = ReviewScoreCriterion
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


class ActionItemStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class ActionItem(TimeStamped):
    Status = ActionItemStatus
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="action_items")
    description = bounds.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
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
        ]

    def __str__(self):
        return self.description[:60]


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
    time across DST changes (see ``scheduling.meeting_occurrences``).
    """

    Kind = MeetingKind
    Channel = MeetingChannel
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
    # Derived (``governance.figures``): the start of the first occurrence not yet begun when
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
        from governance.domain.scheduling import check_meeting_rule

        # An unknown zone is reported on its own field; the rule cannot be judged without it.
        known_zone = self.time_zone in _available_time_zones()
        if not (self.recurrence and self.starts_at and known_zone):
            return
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


class Priority(models.TextChoices):
    P1 = "P1", "P1 (critical)"
    P2 = "P2", "P2 (high)"
    P3 = "P3", "P3 (medium)"
    P4 = "P4", "P4 (low)"


_AT_MOST_TEN_YEARS = bounds.at_most(
    bounds.MAX_SLA_MINUTES, "Use at most 5270400 minutes (ten years)."
)


class SLATarget(TimeStamped):
    """Response and resolution targets for one vendor and priority."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="sla_targets")
    priority = models.CharField(max_length=2, choices=Priority)
    response_minutes = models.PositiveIntegerField(validators=[_AT_MOST_TEN_YEARS])
    resolution_minutes = models.PositiveIntegerField(validators=[_AT_MOST_TEN_YEARS])
    history = HistoricalRecords()

    class Meta:
        ordering = ["vendor", "priority"]
        verbose_name = "SLA target"
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "priority"],
                name="sla_target_one_per_vendor_priority",
                violation_error_message="This vendor already has a target for this priority.",
            ),
            models.CheckConstraint(
                name="sla_target_positive_times",
                condition=Q(response_minutes__gt=0, resolution_minutes__gt=0),
                violation_error_message="Response and resolution take at least one minute.",
            ),
            models.CheckConstraint(
                name="sla_target_resolution_not_before_response",
                condition=Q(resolution_minutes__gte=F("response_minutes")),
                violation_error_message="Resolution cannot be due before the response.",
            ),
            models.CheckConstraint(
                name="sla_target_priority_valid",
                condition=Q(priority__in=Priority.values),
            ),
        ]

    def __str__(self):
        return f"{self.vendor} {self.priority}"


class IncidentStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


class Incident(TimeStamped):
    """An SLA incident; due times are derived from the vendor's SLA target by the services."""

    Status = IncidentStatus
    OPEN_STATUSES = (Status.OPEN, Status.ACKNOWLEDGED)

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="incidents")
    external_id = bounds.LineField(max_length=100, blank=True)
    title = bounds.LineField(max_length=300)
    description = bounds.TextField(blank=True)
    priority = models.CharField(max_length=2, choices=Priority, default=Priority.P3)
    service = models.CharField(max_length=32, choices=Service, blank=True)
    opened_at = bounds.DateTimeField()
    acknowledged_at = bounds.DateTimeField(null=True, blank=True)
    resolved_at = bounds.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status, default=Status.OPEN)
    root_cause = bounds.TextField(blank=True)
    # Derived from the SLA target when the incident is written (services.incident_*).
    response_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "external_id"],
                condition=~Q(external_id=""),
                name="incident_external_id_unique_per_vendor",
                violation_error_message="This vendor already has an incident with this id.",
            ),
            models.CheckConstraint(
                name="incident_resolved_after_opened",
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=F("opened_at")),
                violation_error_message="An incident cannot be resolved before it was opened.",
            ),
            models.CheckConstraint(
                name="incident_acknowledged_after_opened",
                condition=Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gte=F("opened_at")),
                violation_error_message="An incident cannot be acknowledged before it was opened.",
            ),
            models.CheckConstraint(
                name="incident_priority_valid",
                condition=Q(priority__in=Priority.values),
            ),
            models.CheckConstraint(
                name="incident_status_valid",
                condition=Q(status__in=IncidentStatus.values),
            ),
        ]
        indexes = [
            # The incident lists, newest first.
            models.Index(fields=["-opened_at", "-id"], name="incident_opened_desc_idx"),
            # SLA compliance per vendor and period: incidents of a vendor by opening time.
            models.Index(fields=["vendor", "opened_at"], name="incident_vendor_opened_idx"),
            # SLA warning/breach reminders and the dashboard: open incidents by due time.
            models.Index(
                fields=["status", "resolution_due_at"],
                name="incident_status_resdue_idx",
            ),
            models.Index(fields=["status", "response_due_at"], name="incident_status_respdue_idx"),
        ]

    def __str__(self):
        return f"{self.external_id or self.pk}: {self.title}"

    def get_absolute_url(self):
        return reverse("governance:vendor-detail", args=[self.vendor_id]) + "#incidents"

    def response_breached_at(self, now):
        """True when the response target passed without an acknowledgement (as of ``now``)."""
        return _breached(self.response_due_at, self.acknowledged_at, now)

    def resolution_breached_at(self, now):
        """True when the resolution target passed without a resolution (as of ``now``)."""
        return _breached(self.resolution_due_at, self.resolved_at, now)


def _breached(due, done, now):
    if due is None:
        return False
    return (done or now) > due


class ClauseType(models.TextChoices):
    CONFIDENTIALITY = "confidentiality", "Confidentiality / NDA"
    DATA_PROTECTION = "data_protection", "Data protection agreement"
    BREACH_NOTIFICATION = "breach_notification", "Breach notification"
    ISO27001 = "iso27001", "ISO 27001 certification"
    SOC2 = "soc2", "SOC 2 report"
    RIGHT_TO_AUDIT = "right_to_audit", "Right to audit"
    DATA_RESIDENCY = "data_residency", "Data residency"
    SUBCONTRACTORS = "subcontractors", "Subcontractor approval"
    ACCESS_CONTROL = "access_control", "Access control"
    ENCRYPTION = "encryption", "Encryption"
    BUSINESS_CONTINUITY = "business_continuity", "Business continuity / DR"
    VULNERABILITY_MANAGEMENT = "vulnerability_management", "Vulnerability management"
    BACKGROUND_CHECKS = "background_checks", "Background checks"
    TERMINATION_DATA_RETURN = "termination_data_return", "Termination and data return"


class SecurityClauseStatus(models.TextChoices):
    MISSING = "missing", "Missing"
    NEGOTIATING = "negotiating", "Negotiating"
    AGREED = "agreed", "Agreed"
    VERIFIED = "verified", "Verified"
    NON_COMPLIANT = "non_compliant", "Non-compliant"


class SecurityClause(TimeStamped):
    Status = SecurityClauseStatus
    # A clause counts towards coverage when it is in force in one of these statuses.
    COVERING_STATUSES = (Status.AGREED, Status.VERIFIED)

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="clauses")
    clause_type = models.CharField(max_length=32, choices=ClauseType)
    requirement = bounds.TextField(blank=True)
    # Type-specific parameters, e.g. {"notification_hours": 24} for breach notification.
    parameters = bounds.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status, default=Status.MISSING)
    evidence_url = models.URLField(max_length=500, blank=True)
    evidence_file = models.FileField(
        upload_to=evidence_upload_to, blank=True, validators=[validate_evidence]
    )
    effective_date = bounds.DateField(null=True, blank=True)
    expires_on = bounds.DateField(null=True, blank=True)
    last_verified_on = bounds.DateField(null=True, blank=True)
    next_verification_due = bounds.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["vendor", "clause_type"]
        verbose_name = "security clause"
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "clause_type"],
                name="clause_one_per_vendor_type",
                violation_error_message="This vendor already has a clause of this type.",
            ),
            models.CheckConstraint(
                name="clause_expires_after_effective",
                condition=Q(expires_on__isnull=True)
                | Q(effective_date__isnull=True)
                | Q(expires_on__gte=F("effective_date")),
                violation_error_message="A clause cannot expire before it takes effect.",
            ),
            models.CheckConstraint(
                name="clause_type_valid", condition=Q(clause_type__in=ClauseType.values)
            ),
            models.CheckConstraint(
                name="clause_status_valid",
                condition=Q(status__in=SecurityClauseStatus.values),
            ),
        ]
        indexes = [
            # Clause/certification expiry reminders and the dashboard's expiring panel.
            models.Index(fields=["expires_on"], name="clause_expires_on_idx"),
            models.Index(fields=["next_verification_due"], name="clause_next_verif_idx"),
        ]

    def __str__(self):
        return f"{self.vendor}: {self.get_clause_type_display()}"

    def get_absolute_url(self):
        return reverse("governance:vendor-detail", args=[self.vendor_id]) + "#clauses"


# The clause set each tier requires by default (editable afterwards as RequiredClause rows).
DEFAULT_REQUIRED_CLAUSES = {
    "critical": [
        "confidentiality",
        "data_protection",
        "breach_notification",
        "iso27001",
        "right_to_audit",
        "data_residency",
        "subcontractors",
        "access_control",
        "encryption",
        "business_continuity",
        "vulnerability_management",
        "background_checks",
        "termination_data_return",
    ],
    "high": [
        "confidentiality",
        "data_protection",
        "breach_notification",
        "iso27001",
        "right_to_audit",
        "access_control",
        "encryption",
        "business_continuity",
        "termination_data_return",
    ],
    "medium": [
        "confidentiality",
        "data_protection",
        "breach_notification",
        "access_control",
        "termination_data_return",
    ],
    "low": ["confidentiality", "data_protection"],
}


class RequiredClause(models.Model):
    """One clause type that every vendor of a tier must have: the tier's required set."""

    tier = models.CharField(max_length=16, choices=Vendor.Tier)
    clause_type = models.CharField(max_length=32, choices=ClauseType)

    class Meta:
        ordering = ["tier", "clause_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["tier", "clause_type"],
                name="required_clause_unique_per_tier",
                violation_error_message="This tier already requires this clause type.",
            ),
        ]

    def __str__(self):
        return f"{self.get_tier_display()}: {self.get_clause_type_display()}"


class VendorFigures(models.Model):
    """A vendor's derived figures as last computed: what the lists sort, page and show.

    A cache of ``selectors.vendors_with_metrics`` for one vendor, never typed in and not part
    of the audit history. ``governance.figures`` rewrites it whenever a record it is computed
    from is written, and every few minutes for what changes with the clock alone (an open
    incident passing its target, the SLA window moving on, a clause expiring).
    """

    vendor = models.OneToOneField(
        Vendor, on_delete=models.CASCADE, primary_key=True, related_name="figures"
    )
    health_score = models.FloatField(null=True)
    next_review_date = models.DateField(null=True)
    latest_score = models.DecimalField(max_digits=3, decimal_places=2, null=True)
    previous_score = models.DecimalField(max_digits=3, decimal_places=2, null=True)
    sla_met = models.PositiveIntegerField(default=0)
    sla_breached = models.PositiveIntegerField(default=0)
    goals_measured = models.PositiveIntegerField(default=0)
    goals_good = models.PositiveIntegerField(default=0)
    clauses_required = models.PositiveIntegerField(default=0)
    clauses_covered = models.PositiveIntegerField(default=0)
    # The last day to give notice before the contract ends (contract end - notice days).
    notice_deadline = models.DateField(null=True)
    # When these values were last written (a refresh that finds them unchanged leaves the row).
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "vendor figures"
        indexes = [
            # The dashboard's weakest-first health table and the vendor list sorted by health.
            # (Ascending puts NULLs last in PostgreSQL, as the lists sort them.)
            models.Index(fields=["health_score", "vendor"], name="figures_health_idx"),
            # The dashboard's notice deadlines coming up.
            models.Index(fields=["notice_deadline"], name="figures_notice_idx"),
        ]

    def __str__(self):
        return f"Figures of vendor {self.vendor_id}"


class RowCount(models.Model):
    """How many rows of a table belong to a vendor, as a sum of signed deltas; never typed in.

    Database triggers (migration 0008) append one row per INSERT or DELETE statement on the
    counted tables (``figures.COUNTED``), so writers never wait on one another;
    ``figures.row_counts_compact`` folds each table's deltas into one row. An unfiltered API
    list's ``count`` is its table's sum, not a COUNT(*) over hundreds of thousands of rows.
    """

    table_name = models.CharField(max_length=63)
    delta = models.BigIntegerField()

    class Meta:
        indexes = [
            # An API list's total: the deltas of one table.
            models.Index(fields=["table_name"], name="rowcount_table_idx"),
        ]

    def __str__(self):
        return f"{self.table_name} {self.delta:+d}"


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
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
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
        return f"{self.get_kind_display()} for {self.recipient} ({self.status})"

    @property
    def message_id(self):
        """A stable Message-ID: a resend after a crash carries the same id (deduplicable)."""
        domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
        return f"<reminder-{self.pk}@{domain or 'localhost'}>"
