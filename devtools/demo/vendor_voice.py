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
# The representative's answers to the latest completed reviews: (comment, dispute, our answer).
ANSWERS = [
    (OPEN_DISPUTE, True, None),
    (ACKNOWLEDGEMENT, False, None),
    (ANSWERED_DISPUTE, True, ANSWER),
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
    """``count`` reviews of ``vendor`` held before its first one, one cadence apart, scored
    and completed through the services (newest first)."""
    cadence = vendor.effective_cadence
    first = vendor.reviews.order_by("period_start").first()
    end = (first.period_start if first else now.date()) - dt.timedelta(days=1)
    held = []
    for _ in range(count):
        start = scheduling.add_cadence(end + dt.timedelta(days=1), cadence, times=-1)
        review = Review(
            vendor=vendor,
            period_start=start,
            period_end=end,
            scheduled_for=end + dt.timedelta(days=14),
            reviewer=vendor.owner,
            summary="Steady service; responsiveness and innovation below what was agreed.",
        )
        services.review_save(
            review,
            scores=[
                {"criterion": criterion, "score": score, "comment": ""}
                for criterion, score in PAST_SCORES.items()
            ],
        )
        services.review_complete(review, today=now.date(), now=now)
        held.append(review)
        end = start - dt.timedelta(days=1)
    return held
