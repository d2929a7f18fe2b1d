"""Performance reviews: scores, completion and the next review, acknowledgement, action items."""

import datetime as dt
from typing import NamedTuple

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Avg
from django.utils import timezone

from governance.domain import access, bounds, scheduling
from governance.domain.dates import day_text, period_text
from governance.domain.zones import zone
from governance.models import (
    ActionItem,
    ActivityKind,
    Review,
    ReviewScore,
    Vendor,
)
from governance.services import figures, webhooks
from governance.services.actions import check_action_item_owner
from governance.services.inbox import activity_record
from governance.services.saving import use_case, validated_save

# --- reviews -------------------------------------------------------------------------------


@use_case
def review_save(review, *, scores=None, action_items=None):
    """Save a review and, when given, replace its criterion scores and action items.

    ``scores``: iterable of dicts with ``criterion``, ``score``, ``comment``.
    ``action_items``: iterable of dicts with ``description``, ``owner``, ``due_date``, ``status``.
    All or nothing: an invalid score leaves the review as it was; what is wrong with scores or
    action items is a ``RowErrors``. The reviewer is an internal user; a review is completed by
    ``review_complete`` only, which also schedules the next one.
    """
    completing = review.status == Review.Status.COMPLETED and not (
        Review.objects.filter(pk=review.pk, status=Review.Status.COMPLETED).exists()
    )
    if completing:
        raise ValidationError({"status": COMPLETE_SEPARATELY})
    internal = access.internal_users()
    if review.reviewer_id is not None and not internal.filter(pk=review.reviewer_id).exists():
        raise ValidationError({"reviewer": "Choose an internal user as the reviewer."})
    check_no_overlap(review)
    new = review.pk is None
    validated_save(review, exclude=["overall_score"])
    if new and review.status == Review.Status.SCHEDULED:
        webhooks.review_event(webhooks.EventType.REVIEW_SCHEDULED, review)
    if scores is not None:
        _replace_rows(review, ReviewScore, scores, name="scores")
    if action_items is not None:
        _replace_rows(
            review,
            ActionItem,
            [
                {**row, "vendor_id": review.vendor_id, "source": ActionItem.Source.REVIEW}
                for row in action_items
            ],
            name="action_items",
            check=check_action_item_owner,
        )
    review_refresh_overall_score(review)
    return review


COMPLETE_SEPARATELY = (
    "Complete a review with its own complete action, which also schedules the next one."
)


class RowErrors(ValidationError):
    """What is wrong with the rows of a list argument (a review's scores or action items).

    ``rows`` maps the argument's name to one dict of messages per field for each row, empty
    for a valid row, for a door that shows each beside its row; as a ``ValidationError`` it
    holds the same messages under the argument's name, for a door that shows them together.
    """

    def __init__(self, name, rows):
        self.rows = {name: rows}
        super().__init__(
            {
                name: [
                    message if field == NON_FIELD_ERRORS else f"{field}: {message}"
                    for row in rows
                    for field, messages in row.items()
                    for message in messages
                ]
            }
        )


def _replace_rows(review, model, rows, *, name, check=None):
    """Replace ``review``'s rows of ``model`` (scores, action items) with ``rows``, judging
    each with the model's validation and ``check``; ``RowErrors`` when any is invalid."""
    model.objects.filter(review=review).delete()
    errors = []
    for row in rows:
        instance = model(review=review, **row)
        errors.append(_row_errors(instance, check))
        if not errors[-1]:
            validated_save(instance)
    if any(errors):
        raise RowErrors(name, errors)


def _row_errors(instance, check):
    """The messages per field of what is wrong with ``instance`` (empty when nothing is)."""
    errors = {}
    try:
        instance.full_clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if check is not None:
        try:
            check(instance)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    return ValidationError(errors).message_dict if errors else {}


def check_no_overlap(review):
    """Refuse a review whose period shares a day with another of its vendor's reviews that is
    scheduled, in progress or completed: one review per stretch of time. Checked when the
    review is new or its vendor, period or status changes, so that an older overlap does not
    block editing a review that has it. The vendor's row is locked first, so two doors saving
    at once cannot both pass."""
    start, end = review.period_start, review.period_end
    if review.status == Review.Status.CANCELLED or review.vendor_id is None:
        return
    if not isinstance(start, dt.date) or not isinstance(end, dt.date) or end <= start:
        return  # the model's own validation words what is wrong with the period
    if review.pk is not None:
        stored = (
            Review.objects.filter(pk=review.pk)
            .values_list("vendor_id", "period_start", "period_end", "status")
            .first()
        )
        if (
            stored is not None
            and stored[:3] == (review.vendor_id, start, end)
            and stored[3] != Review.Status.CANCELLED
        ):
            return
    list(Vendor.objects.select_for_update().filter(pk=review.vendor_id).values_list("pk"))
    other = (
        Review.objects.filter(
            vendor_id=review.vendor_id,
            period_start__lte=end,
            period_end__gte=start,
        )
        .exclude(status=Review.Status.CANCELLED)
        .exclude(pk=review.pk)
        .select_related("vendor")
        .order_by("period_start")
        .first()
    )
    if other is not None:
        raise ValidationError({"period_start": overlap_message(other)})


def overlap_message(other):
    return (
        f"A review of {other.vendor.name} for "
        f"{period_text(other.period_start, other.period_end)} already exists."
    )


def review_refresh_overall_score(review):
    """The overall score is the mean of the criterion scores (None when there are none)."""
    mean = review.scores.aggregate(mean=Avg("score"))["mean"]
    review.overall_score = None if mean is None else round(mean, 2)
    changed = (
        Review.objects.filter(pk=review.pk)
        .exclude(overall_score=review.overall_score)
        .update(overall_score=review.overall_score)
    )
    if changed:  # an UPDATE sends no signal: the vendor's stored figures are refreshed here
        figures.stale([review.vendor_id])
    return review.overall_score


@use_case
def review_score_save(score):
    """Save one criterion's score; the review's overall score follows."""
    validated_save(score)
    review_refresh_overall_score(score.review)
    return score


@use_case
def review_score_delete(score):
    """Delete one criterion's score; the review's overall score follows."""
    score.delete()
    review_refresh_overall_score(score.review)


NO_SCORES = "Score at least one criterion before completing."


class Completion(NamedTuple):
    """What completing a review would do: why it cannot be completed yet (``refusals``,
    messages by field, empty when it can), else the next review: an open one reused, or the
    one that would be scheduled (not saved yet)."""

    refusals: dict
    next_review: Review | None


def review_completion(review, *, today=None, now=None):
    """What completing ``review`` would do, writing nothing: the confirm page shows it and
    ``review_complete`` does it, so both say the same.

    Refused: a review already completed or cancelled, one with no criterion scored, one whose
    period has not ended yet (on ``today``, the vendor's date by default). The next review is
    one cadence after this one's scheduled date (a late review does not shift the calendar;
    a date already past becomes today) and covers the following period; an open review
    already scheduled after this one, or any review already covering that period, is reused
    rather than duplicated.
    """
    vendor = review.vendor
    today = today or timezone.localdate(now or timezone.now(), timezone=zone(vendor.time_zone))
    if review.status in (Review.Status.COMPLETED, Review.Status.CANCELLED):
        return Completion({"status": f"This review is already {review.status}."}, None)
    refusals = {}
    if not review.scores.exists():
        refusals["scores"] = NO_SCORES
    if today <= review.period_end:
        refusals["period_end"] = (
            f"The period ends on {day_text(review.period_end)}; complete the review after that."
        )
    if refusals:
        return Completion(refusals, None)
    existing = (
        vendor.reviews.filter(
            status__in=Review.OPEN_STATUSES, scheduled_for__gt=review.scheduled_for
        )
        .order_by("scheduled_for")
        .first()
    )
    if existing:
        return Completion({}, existing)
    cadence = vendor.effective_cadence
    period_start, period_end = scheduling.next_period(review.period_end, cadence)
    scheduled_for = scheduling.next_review_date(review.scheduled_for, cadence, today)
    if max(period_end, scheduled_for) > bounds.LATEST_DATE:
        return Completion(
            {
                "scheduled_for": "The next review would fall after "
                f"{bounds.LATEST_DATE:%Y-%m-%d}, the last date this application keeps; "
                "correct this review's dates or cancel it instead."
            },
            None,
        )
    covering = (
        vendor.reviews.filter(period_start__lte=period_end, period_end__gte=period_start)
        .exclude(status=Review.Status.CANCELLED)
        .exclude(pk=review.pk)
        .order_by("period_start")
        .first()
    )
    if covering:
        return Completion({}, covering)
    next_review = Review(
        vendor=vendor,
        period_start=period_start,
        period_end=period_end,
        scheduled_for=scheduled_for,
        # A reviewer who has since left (or lost an internal role) is not carried over.
        reviewer_id=(
            review.reviewer_id
            if access.internal_users().filter(pk=review.reviewer_id).exists()
            else None
        ),
        status=Review.Status.SCHEDULED,
    )
    return Completion({}, next_review)


@use_case
def review_complete(review, *, today=None, now=None):
    """Complete a review and schedule the next one; returns the next review.

    Refused (a ``ValidationError``, nothing changed) for the reasons ``review_completion``
    gives; what it says the next review is, is the one returned.
    """
    review = Review.objects.select_for_update().select_related("vendor").get(pk=review.pk)
    now = now or timezone.now()
    completion = review_completion(review, today=today, now=now)
    if completion.refusals:
        raise ValidationError(completion.refusals)
    review.status = Review.Status.COMPLETED
    review.completed_at = now
    review_refresh_overall_score(review)
    validated_save(review)
    webhooks.review_event(webhooks.EventType.REVIEW_COMPLETED, review)
    next_review = completion.next_review
    if next_review.pk is None:
        validated_save(next_review)
        webhooks.review_event(webhooks.EventType.REVIEW_SCHEDULED, next_review)
    return next_review


@use_case
def review_save_and_complete(review, *, scores=None, action_items=None, today=None, now=None):
    """``review_save`` then ``review_complete``, all or nothing: a review that cannot be
    completed is not saved either. Returns the next review."""
    review_save(review, scores=scores, action_items=action_items)
    return review_complete(review, today=today, now=now)


@use_case
def review_save_to_complete(review, *, scores=None, action_items=None, today=None, now=None):
    """``review_save`` for a review about to be completed (the form's "Save and complete",
    which then asks to confirm), all or nothing: when the review could not be completed as
    saved (``review_completion``), nothing is saved and the refusal is the error. Returns
    the completion's outlook."""
    review_save(review, scores=scores, action_items=action_items)
    completion = review_completion(review, today=today, now=now)
    if completion.refusals:
        raise ValidationError(completion.refusals)
    return completion


@use_case
def review_acknowledge(review, *, by, comment="", at=None, dispute=False):
    """Record the vendor's answer to a completed review's outcome, once: an acknowledgement
    (with an optional comment), or with ``dispute`` a dispute of it, saying why, which stays
    open until the manager answers it (``review_dispute_answer``). A representative's answer
    reaches the inbox of the vendor's managers."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.status != Review.Status.COMPLETED:
        raise ValidationError("Only a completed review can be acknowledged.")
    if review.vendor_acknowledged_at is not None:
        raise ValidationError("This review was already acknowledged.")
    comment = (comment or "").strip()
    if dispute and not comment:
        raise ValidationError({"vendor_comment": "Say what you dispute and why."})
    review.vendor_acknowledged_at = at or timezone.now()
    review.vendor_acknowledged_by = by
    review.vendor_comment = comment
    if dispute:
        review.dispute_status = Review.DisputeStatus.OPEN
    validated_save(review)
    webhooks.review_event(
        webhooks.EventType.REVIEW_DISPUTED if dispute else webhooks.EventType.REVIEW_ACKNOWLEDGED,
        review,
    )
    activity_record(
        ActivityKind.REVIEW_DISPUTED if dispute else ActivityKind.REVIEW_ACKNOWLEDGED,
        by=by,
        vendor_id=review.vendor_id,
        comment=comment,
        review=review,
    )
    return review
