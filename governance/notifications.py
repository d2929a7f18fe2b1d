"""Reminder emails: one function per kind, each rendering three templates.

``templates/emails/<name>-subject.txt``, ``-body.txt`` and ``-body.html`` are rendered in the
recipient's time zone (their profile's), with a link back to the object and one to their
reminder preferences. Functions build the message; ``governance.reminders`` sends it, so the
whole sending path (claim, send, retry) stays in one place.
"""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from governance import services
from governance.domain import ical
from governance.domain.text import one_line
from governance.models import (
    Goal,
    Incident,
    Meeting,
    Reminder,
    Review,
    SecurityClause,
    Vendor,
)

Kind = Reminder.Kind
# The reminder preferences page (muted kinds, lead times, digest on/off).
PREFERENCES_PATH = "/account/preferences/"
DIGEST_DAYS_AHEAD = 7


def message_for(reminder, obj):
    """The email for ``reminder`` about ``obj`` (unsent), built by the function of its kind."""
    return BUILDERS[reminder.kind](reminder, obj)


def review_upcoming(reminder, review):
    days = reminder.lead_time.days
    return _message(
        reminder,
        "review-upcoming",
        {"review": review, "vendor": review.vendor, "days": days},
        url=_url(review),
    )


def review_overdue(reminder, review):
    # Lead times of overdue reminders count days after the scheduled date (negative).
    days_late = -reminder.lead_time.days
    escalated = reminder.recipient_id == review.vendor.owner_id and (
        review.reviewer_id not in (None, reminder.recipient_id)
    )
    return _message(
        reminder,
        "review-overdue",
        {
            "review": review,
            "vendor": review.vendor,
            "days_late": days_late,
            "escalated": escalated,
        },
        url=_url(review),
    )


def meeting(reminder, meeting):
    starts_at = reminder.occurrence
    occurrence = next(
        iter(
            services.meeting_occurrences(
                meeting, start=starts_at, end=starts_at + dt.timedelta(seconds=1)
            )
        ),
        None,
    )
    ends_at = starts_at + dt.timedelta(minutes=meeting.duration_minutes)
    message = _message(
        reminder,
        "meeting",
        {
            "meeting": meeting,
            "vendor": meeting.vendor,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "lead_hours": int(reminder.lead_time.total_seconds() // 3600),
            "meeting_zone": meeting.time_zone,
            "attendees": list(meeting.attendees.order_by("username")),
            "contacts": list(meeting.contacts.all()),
        },
        url=_url(meeting),
    )
    if occurrence is not None:
        message.attach(
            "meeting.ics",
            ical.meeting_ics(meeting, occurrence),
            "text/calendar; method=PUBLISH; charset=UTF-8",
        )
    return message


def clause_expiry(reminder, clause):
    return _message(
        reminder,
        "clause-expiry",
        {
            "clause": clause,
            "vendor": clause.vendor,
            "days": reminder.lead_time.days,
        },
        url=_url(clause),
    )


def goal_due(reminder, goal):
    return _message(
        reminder,
        "goal-due",
        {"goal": goal, "vendor": goal.vendor, "days": reminder.lead_time.days},
        url=_url(goal),
    )


def contract_notice(reminder, vendor):
    return _message(
        reminder,
        "contract-notice",
        {
            "vendor": vendor,
            "deadline": reminder.occurrence.date(),
            "days": reminder.lead_time.days,
        },
        url=_url(vendor),
    )


def sla_warning(reminder, incident):
    return _message(reminder, "sla-warning", _sla_context(reminder, incident), url=_url(incident))


def sla_breach(reminder, incident):
    return _message(reminder, "sla-breach", _sla_context(reminder, incident), url=_url(incident))


def digest(reminder, profile):
    user = reminder.recipient
    zone = _zone_of(user)
    now = timezone.now()
    today = timezone.localdate(now, timezone=zone)
    horizon = today + dt.timedelta(days=DIGEST_DAYS_AHEAD)
    return _message(
        reminder,
        "digest",
        {
            "today": today,
            "horizon": horizon,
            **_digest_items(user, now=now, today=today, horizon=horizon),
        },
        url=settings.SITE_URL + "/",
    )


BUILDERS = {
    Kind.REVIEW_UPCOMING: review_upcoming,
    Kind.REVIEW_OVERDUE: review_overdue,
    Kind.MEETING: meeting,
    Kind.CLAUSE_EXPIRY: clause_expiry,
    Kind.GOAL_DUE: goal_due,
    Kind.CONTRACT_NOTICE: contract_notice,
    Kind.SLA_WARNING: sla_warning,
    Kind.SLA_BREACH: sla_breach,
    Kind.DIGEST: digest,
}


def _sla_context(reminder, incident):
    due_at = reminder.occurrence
    targets = []
    if incident.response_due_at == due_at:
        targets.append("response")
    if incident.resolution_due_at == due_at:
        targets.append("resolution")
    return {
        "incident": incident,
        "vendor": incident.vendor,
        "due_at": due_at,
        "targets": " and ".join(targets) or "SLA",
    }


def _digest_items(user, *, now, today, horizon):
    """What the week ahead holds for ``user``: their own items and their vendors'."""
    mine = Q(vendor__owner=user)
    reviews = (
        Review.objects.filter(mine | Q(reviewer=user), status__in=Review.OPEN_STATUSES)
        .filter(scheduled_for__lte=horizon)
        .select_related("vendor", "reviewer")
        .order_by("scheduled_for", "pk")
    )
    meetings = []
    end = now + dt.timedelta(days=DIGEST_DAYS_AHEAD)
    # One-off meetings in the week, and series that have started by its end.
    candidates = (
        Meeting.objects.filter(mine | Q(attendees=user))
        .filter(Q(recurrence="", starts_at__gte=now) | ~Q(recurrence=""), starts_at__lt=end)
        .exclude(vendor__status=Vendor.Status.ENDED)
        .select_related("vendor")
        .distinct()
    )
    for item in candidates:
        for occurrence in services.meeting_occurrences(item, start=now, end=end):
            meetings.append({"meeting": item, "starts_at": occurrence.starts_at})
    meetings.sort(key=lambda entry: (entry["starts_at"], entry["meeting"].pk))
    clauses = (
        SecurityClause.objects.filter(mine, expires_on__gte=today)
        .filter(expires_on__lte=today + dt.timedelta(days=30))
        .exclude(status=SecurityClause.Status.MISSING)
        .select_related("vendor")
        .order_by("expires_on", "pk")
    )
    goals = (
        Goal.objects.filter(mine | Q(owner=user), due_date__gte=today, due_date__lte=horizon)
        .exclude(status__in=Goal.CLOSED_STATUSES)
        .select_related("vendor")
        .distinct()
        .order_by("due_date", "pk")
    )
    incidents = (
        Incident.objects.filter(mine, status__in=Incident.OPEN_STATUSES)
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


def _message(reminder, name, context, *, url):
    """Render the three templates of ``name`` for the reminder's recipient, in their zone."""
    user = reminder.recipient
    zone = _zone_of(user)
    context = {
        **context,
        "reminder": reminder,
        "recipient": user,
        "recipient_name": user.get_full_name() or user.username,
        "time_zone": zone.key,
        "object_url": url,
        "site_url": settings.SITE_URL,
        "preferences_url": settings.SITE_URL + PREFERENCES_PATH,
    }
    with timezone.override(zone):
        subject = render_to_string(f"emails/{name}-subject.txt", context)
        text = render_to_string(f"emails/{name}-body.txt", context)
        html = render_to_string(f"emails/{name}-body.html", context)
    message = EmailMultiAlternatives(
        # A line break in a subject is refused by Django (BadHeaderError) and a stored title
        # may still hold one, as may other control characters: one line, always.
        subject=one_line(subject),
        body=text.strip() + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            # Stable per reminder: a resend after a crash is recognisable as the same message.
            "Message-ID": reminder.message_id,
            "List-Unsubscribe": f"<{settings.SITE_URL + PREFERENCES_PATH}>",
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _url(obj):
    return settings.SITE_URL + obj.get_absolute_url()


def _zone_of(user):
    name = services.profile_for(user).time_zone
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")
