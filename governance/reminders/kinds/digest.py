"""Weekly digest: to each person who turned it on, what the week ahead holds for them and
their vendors, on the day and at the hour they chose in their own time zone (the site's
``GOVERNANCE_REMINDER_DIGEST_WEEKDAY`` and ``GOVERNANCE_REMINDER_SEND_HOUR`` when they chose
none)."""

import datetime as dt

from django.conf import settings
from django.db.models import Case, DateTimeField, Q, Value, When
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
# How long after its day and hour a week's digest may still go out.
CATCH_UP = dt.timedelta(days=1)


def due(sweep):
    """One digest a week for each user who turned it on, at their day and hour.

    A week's digest is due for a day from its day and hour (``CATCH_UP``): a sweep missed
    by a short outage only delays it, and a person who turns the digest on mid-week gets
    the first on their next digest day, not at once. The outbox holds one per person and
    week (its occurrence is the midnight of the week's first day), so it goes out once.
    """
    profiles = not_yet_reminded(
        UserProfile.objects.filter(digest_enabled=True),
        KIND,
        occurrence=_latest_week(sweep),
        recipients=("user_id",),
    )
    rows = list(profiles.values_list("pk", "user_id", "digest_weekday", "digest_hour"))
    sweep.recipients.load(user_id for _, user_id, _, _ in rows)
    for profile_pk, user_id, weekday, hour in rows:
        for recipient in sweep.recipients.each([user_id], KIND):
            local = sweep.now.astimezone(recipient.zone)
            first_day = digest_week(local, weekday, hour)
            if local - digest_moment(first_day, hour, recipient.zone) >= CATCH_UP:
                continue  # this week's was missed for good; the next comes on time
            occurrence = midnight(first_day)
            yield Due(KIND, UserProfile, profile_pk, None, occurrence, dt.timedelta(0), user_id)


def digest_moment(first_day, hour, zone):
    """When the digest of the week beginning ``first_day`` is due, in ``zone``."""
    hour = settings.GOVERNANCE_REMINDER_SEND_HOUR if hour is None else hour
    return dt.datetime.combine(first_day, dt.time(hour), tzinfo=zone)


def digest_week(local_now, weekday=None, hour=None):
    """The first day of the digest week that ``local_now`` (the person's time) is in: the
    latest ``weekday`` (0 Monday to 6 Sunday) whose ``hour`` has come; the site's day and
    send hour stand in for None."""
    weekday = settings.GOVERNANCE_REMINDER_DIGEST_WEEKDAY if weekday is None else weekday
    hour = settings.GOVERNANCE_REMINDER_SEND_HOUR if hour is None else hour
    day = (local_now - dt.timedelta(hours=hour)).date()
    return day - dt.timedelta(days=(day.weekday() - weekday) % 7)


def _latest_week(sweep):
    """Per profile, the latest digest week anyone can be in now: the one that tomorrow (UTC)
    is in for the profile's weekday. Nobody's week is later, so a profile whose digest of
    that week is in the outbox is not read at all."""
    tomorrow = sweep.today + DATE_MARGIN

    def latest(weekday):
        first_day = tomorrow - dt.timedelta(days=(tomorrow.weekday() - weekday) % 7)
        return Value(midnight(first_day), output_field=DateTimeField())

    return Case(
        *(When(digest_weekday=weekday, then=latest(weekday)) for weekday in range(7)),
        default=latest(settings.GOVERNANCE_REMINDER_DIGEST_WEEKDAY),
        output_field=DateTimeField(),
    )


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
