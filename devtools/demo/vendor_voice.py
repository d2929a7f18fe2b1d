"""The vendor's voice in the demo: what the portal's representative did, through the services
(so each is an inbox activity, as the portal would have recorded it): an acknowledgement of a
review, a dispute still open ("we dispute the innovation score"), a dispute answered, an
agenda proposal and a goal check-in. The minutes sign-off is the follow-through's (its
steering committee is signed off by the same representative).
"""

import contextlib
import datetime as dt

from django.core.exceptions import ValidationError

from governance import services
from governance.domain import scheduling
from governance.models import Goal, Review, UserProfile, VendorActivity

ACKNOWLEDGEMENT = "Thanks, agreed. Our action items are in the plan for next month."
OPEN_DISPUTE = (
    "We dispute the innovation score: the automation pilot we delivered in May is not "
    "reflected, and it was agreed as this quarter's innovation goal."
)
ANSWERED_DISPUTE = "The responsiveness score counts two P2 tickets that were waiting on you."
ANSWER = (
    "You are right: both tickets were on hold awaiting our change window. Responsiveness "
    "is revised from 2 to 3."
)
# The representative's answers to the latest completed reviews, most telling first:
# (comment, dispute, our answer).
ANSWERS = [
    (OPEN_DISPUTE, True, None),
    (ANSWERED_DISPUTE, True, ANSWER),
    (ACKNOWLEDGEMENT, False, None),
]
# Scores of the reviews held before the vendor's first one (innovation is what is disputed).
PAST_SCORES = {
    "quality": 4,
    "responsiveness": 2,
    "communication": 4,
    "security": 4,
    "cost": 3,
    "innovation": 2,
}
PROPOSAL = "Walk through the capacity forecast for the year-end peak."


def seed_vendor_voice(*, now, vendor_ids=None):
    """The representative's doings for their vendor, when it is among ``vendor_ids`` (all
    when None); returns row counts per model."""
    profile = (
        UserProfile.objects.filter(role=UserProfile.Role.VENDOR_REP, vendor__isnull=False)
        .select_related("user", "vendor", "vendor__owner")
        .order_by("pk")
        .first()
    )
    if profile is None:
        return {}
    vendor, rep = profile.vendor, profile.user
    if vendor_ids is not None and not vendor_ids.filter(pk=vendor.pk).exists():
        return {}
    before = VendorActivity.objects.count()
    reviews = list(
        vendor.reviews.filter(
            status=Review.Status.COMPLETED, vendor_acknowledged_at__isnull=True
        ).order_by("-completed_at", "-pk")[:3]
    )
    if len(reviews) < len(ANSWERS):
        reviews += _past_reviews(vendor, len(ANSWERS) - len(reviews), now)
    for review, (comment, dispute, answer) in zip(reviews, ANSWERS, strict=False):
        services.review_acknowledge(review, by=rep, comment=comment, dispute=dispute)
        if answer:
            services.review_dispute_answer(
                review, by=vendor.owner, outcome=Review.DisputeStatus.REVISED, answer=answer
            )
    meeting = vendor.meetings.order_by("pk").first()
    if meeting is not None:
        services.agenda_propose(meeting=meeting, author=rep, text=PROPOSAL)
    goal = vendor.goals.filter(status__in=Goal.ACTIVE_STATUSES).order_by("due_date", "pk").first()
    if goal is not None and not goal.check_ins.filter(date=now.date()).exists():
        # A goal whose dates take no check-in today is left as it is.
        with contextlib.suppress(ValidationError):
            services.goal_check_in_add(
                goal=goal,
                date=now.date(),
                value=goal.current_value if goal.current_value is not None else goal.target_value,
                note="Holding steady; the new runbook goes live next week.",
                author=rep,
            )
    return {VendorActivity._meta.label: VendorActivity.objects.count() - before}


def _past_reviews(vendor, count, now):
    """Up to ``count`` reviews of ``vendor`` held before its first one (newest first), as
    the calendar would have had them: one cadence apart, each completed on its date with
    six scores and an action item, within the year of history the demo keeps."""
    cadence = vendor.effective_cadence
    following = vendor.reviews.order_by("scheduled_for").first()
    if following is None:
        return []
    horizon = min(now.date(), following.scheduled_for) - dt.timedelta(days=365)
    held = []
    for _ in range(count):
        scheduled_for = scheduling.add_cadence(following.scheduled_for, cadence, times=-1)
        start = scheduling.add_cadence(following.period_start, cadence, times=-1)
        if scheduled_for < horizon or scheduled_for > now.date():
            break
        review = Review(
            vendor=vendor,
            period_start=start,
            period_end=following.period_start - dt.timedelta(days=1),
            scheduled_for=scheduled_for,
            reviewer=vendor.owner,
            summary="Steady service; responsiveness and innovation below what was agreed.",
        )
        services.review_save(
            review,
            scores=[
                {"criterion": criterion, "score": score, "comment": ""}
                for criterion, score in PAST_SCORES.items()
            ],
            action_items=[
                {
                    "description": "Share the automation roadmap",
                    "owner": vendor.owner,
                    "due_date": scheduled_for + dt.timedelta(days=30),
                    "status": "done",
                }
            ],
        )
        held_at = dt.datetime.combine(scheduled_for, dt.time(10), tzinfo=dt.UTC)
        services.review_complete(review, today=scheduled_for, now=held_at)
        held.append(review)
        following = review
    return held
