"""People: a user's role, vendor link and reminder preferences."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from governance.domain import bounds
from governance.domain.models.common import validate_time_zone
from governance.domain.models.reminders import Reminder, ReminderKind
from governance.domain.scheduling import parse_lead_time, personal_lead_times


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


class ListScope(models.TextChoices):
    """Whose vendors the portfolio-wide lists show, remembered per person."""

    MINE = "mine", "Mine"
    TEAM = "team", "My team"
    ALL = "all", "All"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


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
    # The digest's day and hour in the person's zone (empty: the site's defaults).
    digest_weekday = models.PositiveSmallIntegerField(choices=Weekday, null=True, blank=True)
    digest_hour = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[bounds.at_most(23, "An hour is 0 to 23.")]
    )
    # Whose vendors the portfolio-wide lists show (the mine / my team / all switch).
    list_scope = models.CharField(max_length=8, choices=ListScope, default=ListScope.ALL)
    # One of the organisation's security contacts: gets every vendor's security notification
    # clocks (internal users only; a representative's flag is ignored).
    security_contact = models.BooleanField(
        default=False,
        help_text="Receive the notification clocks of every vendor's security incidents.",
    )
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
            models.CheckConstraint(
                name="profile_list_scope_valid", condition=Q(list_scope__in=ListScope.values)
            ),
            models.CheckConstraint(
                name="profile_digest_day_and_hour_valid",
                condition=(Q(digest_weekday__isnull=True) | Q(digest_weekday__lte=6))
                & (Q(digest_hour__isnull=True) | Q(digest_hour__lte=23)),
            ),
        ]

    def __str__(self):
        return f"Profile of {self.user}"

    def clean(self):
        # Kept as typed (days as numbers), longest first, each once, whichever door wrote them.
        if isinstance(self.lead_times, dict):
            self.lead_times = {
                kind: _longest_first(values) for kind, values in self.lead_times.items()
            }


def _longest_first(values):
    """``values`` (one kind's lead times) without repeats, longest first; as given when they
    are not lead times (``validate_lead_times`` says why)."""
    try:
        unique = {parse_lead_time(value): value for value in values}
    except (TypeError, ValueError):
        return values
    return [unique[lead] for lead in sorted(unique, reverse=True)]
