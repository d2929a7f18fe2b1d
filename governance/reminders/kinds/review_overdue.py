"""Review overdue: once a week while a review is overdue, to the reviewer, escalated to the
relationship owner.

Its lead time counts the days after the scheduled date (negative), one row per week:
-1 day for the first week, -8 for the second, and so on.
"""

import datetime as dt

from django.conf import settings
from django.db.models import F

from governance.models import Reminder, Review, Vendor
from governance.reminders import messages, registry
from governance.reminders.due import (
    DATE_MARGIN,
    Due,
    Midnight,
    lacking,
    midnight,
    reminders_of,
)
from governance.reminders.kinds import review_upcoming

KIND = Reminder.Kind.REVIEW_OVERDUE
RECIPIENTS = ("reviewer_id", "vendor__owner_id")


def due(sweep):
    every = settings.GOVERNANCE_REMINDER_OVERDUE_EVERY_DAYS
    tomorrow = sweep.today + DATE_MARGIN
    # The current row of a review is the one of the week holding the recipient's date; one
    # whose week starts (the occurrence minus the negative lead time) within `every` days of
    # tomorrow is that one, for anybody.
    current = (
        reminders_of(KIND, Review)
        .alias(week_start=F("occurrence") - F("lead_time"))
        .filter(week_start__gt=midnight(tomorrow - dt.timedelta(days=every)))
    )
    # review_status_sched_idx: the open reviews whose date has passed for somebody.
    rows = (
        Review.objects.filter(status__in=Review.OPEN_STATUSES, scheduled_for__lt=tomorrow)
        .exclude(vendor__status=Vendor.Status.ENDED)
        .alias(reminder_occurrence=Midnight("scheduled_for"))
        .filter(lacking(current, RECIPIENTS))
        .order_by()
        .values_list("pk", "vendor_id", "scheduled_for", *RECIPIENTS)
    )
    rows = [(pk, vendor, day, (reviewer, owner)) for pk, vendor, day, reviewer, owner in rows]
    sweep.recipients.load(pk for *_, ids in rows for pk in ids)
    for pk, vendor_id, due_date, recipient_ids in rows:
        for recipient in sweep.recipients.each(recipient_ids, KIND):
            today = recipient.send_date(sweep.now)
            if today is None or today <= due_date:
                continue
            days_late = (today - due_date).days
            lead = -dt.timedelta(days=1 + (days_late - 1) // every * every)
            yield Due(KIND, Review, pk, vendor_id, midnight(due_date), lead, recipient.user_id)


def message(reminder, review):
    escalated = reminder.recipient_id == review.vendor.owner_id and (
        review.reviewer_id not in (None, reminder.recipient_id)
    )
    return messages.email(
        reminder,
        {
            "review": review,
            "vendor": review.vendor,
            "days_late": -reminder.lead_time.days,
            "escalated": escalated,
        },
        url=messages.url_of(review),
    )


registry.register(
    registry.Kind(
        code=KIND,
        model=Review,
        template="review-overdue",
        due=due,
        still_due=review_upcoming.still_due,
        message=message,
        related=("vendor", "vendor__owner", "reviewer"),
    )
)
