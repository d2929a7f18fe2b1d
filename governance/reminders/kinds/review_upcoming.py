"""Review upcoming: 14, 3 and 0 days before a review, to the reviewer and the relationship
owner."""

from governance.models import Reminder, Review, Vendor
from governance.reminders import messages, registry
from governance.reminders.due import (
    dated_objects,
    midnight,
)

KIND = Reminder.Kind.REVIEW_UPCOMING


def due(sweep):
    # review_status_sched_idx: the open reviews in the window.
    reviews = Review.objects.filter(status__in=Review.OPEN_STATUSES).exclude(
        vendor__status=Vendor.Status.ENDED
    )
    return dated_objects(
        sweep, KIND, reviews, "scheduled_for", recipients=("reviewer_id", "vendor__owner_id")
    )


def still_due(reminder, review):
    """Also the check of overdue reminders."""
    if review.status not in Review.OPEN_STATUSES:
        return f"the review is {review.get_status_display().lower()}"
    if midnight(review.scheduled_for) != reminder.occurrence:
        return "the review was rescheduled"
    return ""


def message(reminder, review):
    return messages.email(
        reminder,
        {"review": review, "vendor": review.vendor, "days": reminder.lead_time.days},
        url=messages.url_of(review),
    )


registry.register(
    registry.Kind(
        code=KIND,
        model=Review,
        template="review-upcoming",
        due=due,
        still_due=still_due,
        message=message,
        default_lead_times=(14, 3, 0),
        related=("vendor", "vendor__owner", "reviewer"),
    )
)
