"""Weekly digest: on the digest weekday, to each person who turned it on, what the week ahead
holds for them and their vendors."""

import datetime as dt

from django.conf import settings
from django.db.models import DateTimeField, Q, Value
from django.utils import timezone

from governance import selectors
from governance.models import (
    Goal,
    Incident,
    Meeting,
    Reminder,
    Review,
    SecurityClause,
    UserProfile,
    Vendor,
)
from governance.reminders import messages, registry
from governance.reminders.due import DATE_MARGIN, Due, midnight, not_yet_reminded
from governance.reminders.snoozes import snoozed_ids

KIND = Reminder.Kind.DIGEST
DAYS_AHEAD = 7


def due(sweep):
    """One digest a week for each user who turned it on, from the digest weekday on."""
    # The week that tomorrow (UTC) is in: nobody's date is later, so a digest of that week
    # in the outbox is the current one of its recipient.
    latest = midnight(_week_start(sweep.today + DATE_MARGIN))
    profiles = not_yet_reminded(
        UserProfile.objects.filter(digest_enabled=True),
        KIND,
        occurrence=Value(latest, output_field=DateTimeField()),
        recipients=("user_id",),
    )
    rows = list(profiles.values_list("pk", "user_id"))
    sweep.recipients.load(user_id for _, user_id in rows)
    for profile_pk, user_id in rows:
        for recipient in sweep.recipients.each([user_id], KIND):
            today = recipient.send_date(sweep.now)
            if today is not None:
                occurrence = midnight(_week_start(today))
                yield Due(KIND, UserProfile, profile_pk, None, occurrence, dt.timedelta(0), user_id)


def _week_start(day):
    weekday = settings.GOVERNANCE_REMINDER_DIGEST_WEEKDAY
    return day - dt.timedelta(days=(day.weekday() - weekday) % 7)


def still_due(reminder, profile):
    if not profile.digest_enabled:
        return "the recipient turned the digest off"
    return ""


def message(reminder, profile):
    user = reminder.recipient
    now = timezone.now()
    today = timezone.localdate(now, timezone=messages.zone_of(user))
    horizon = today + dt.timedelta(days=DAYS_AHEAD)
    return messages.email(
        reminder,
        {
            "today": today,
            "horizon": horizon,
            **_week_ahead(user, now=now, today=today, horizon=horizon),
        },
        url=settings.SITE_URL + "/",
    )


def _week_ahead(user, *, now, today, horizon):
    """What the week ahead holds for ``user``: their own items and their vendors'."""
    mine = Q(vendor__owner=user)
    reviews = (
        Review.objects.filter(mine | Q(reviewer=user), status__in=Review.OPEN_STATUSES)
        .exclude(pk__in=snoozed_ids(user, Review, today))
        .filter(scheduled_for__lte=horizon)
        .select_related("vendor", "reviewer")
        .order_by("scheduled_for", "pk")
    )
    meetings = []
    end = now + dt.timedelta(days=DAYS_AHEAD)
    # One-off meetings in the week, and series that have started by its end.
    candidates = (
        Meeting.objects.filter(mine | Q(attendees=user))
        .exclude(pk__in=snoozed_ids(user, Meeting, today))
        .filter(Q(recurrence="", starts_at__gte=now) | ~Q(recurrence=""), starts_at__lt=end)
        .exclude(vendor__status=Vendor.Status.ENDED)
        .select_related("vendor")
        .prefetch_related(selectors.exceptions_prefetch())
        .distinct()
    )
    for item in candidates:
        for occurrence in selectors.meeting_occurrences(item, start=now, end=end):
            meetings.append({"meeting": item, "starts_at": occurrence.starts_at})
    meetings.sort(key=lambda entry: (entry["starts_at"], entry["meeting"].pk))
    clauses = (
        SecurityClause.objects.filter(mine, expires_on__gte=today)
        .exclude(pk__in=snoozed_ids(user, SecurityClause, today))
        .filter(expires_on__lte=today + dt.timedelta(days=30))
        .exclude(status=SecurityClause.Status.MISSING)
        .select_related("vendor")
        .order_by("expires_on", "pk")
    )
    goals = (
        Goal.objects.filter(mine | Q(owner=user), due_date__gte=today, due_date__lte=horizon)
        .exclude(pk__in=snoozed_ids(user, Goal, today))
        .exclude(status__in=Goal.CLOSED_STATUSES)
        .select_related("vendor")
        .distinct()
        .order_by("due_date", "pk")
    )
    incidents = (
        Incident.objects.filter(mine, status__in=Incident.OPEN_STATUSES)
        .exclude(pk__in=snoozed_ids(user, Incident, today))
        .select_related("vendor")
        .order_by("opened_at", "pk")
    )
    breached = [
        incident
        for incident in incidents
        if incident.response_breached_at(now) or incident.resolution_breached_at(now)
    ]
    return {
        "reviews": list(reviews),
        "meetings": meetings,
        "clauses": list(clauses),
        "goals": list(goals),
        "breached_incidents": breached,
        "open_incidents": len(incidents),
    }


registry.register(
    registry.Kind(
        code=KIND,
        model=UserProfile,
        template="digest",
        due=due,
        still_due=still_due,
        message=message,
        related=("user",),
        can_mute=False,
    )
)
