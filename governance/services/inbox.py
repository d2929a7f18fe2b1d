"""The vendor's voice: recording what a representative did, and who has read it.

``activity_record`` is called by the services that make the change (acknowledging a review,
proposing an agenda item, signing off minutes, checking in on a goal, reporting or updating
an incident, moving an action item along), inside their transaction: the activity exists
exactly when the change does. Only a vendor representative's doings are recorded; what our
own people do is in the history, not in the inbox.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone

from governance.domain import access
from governance.domain.models.inbox import ACTIVITY_COMMENT_MAX, KIND_SUBJECTS
from governance.models import Review, VendorActivity
from governance.selectors.inbox import inbox_activities
from governance.services.saving import use_case, validated_save

# How many read marks one INSERT writes at most ("mark all read" over a long backlog).
READ_BATCH = 1000


def activity_record(kind, *, by, vendor_id, comment="", meeting=None, **subject):
    """Record that ``by`` did ``kind`` (a ``VendorActivity.Kind``) about ``subject`` (the one
    record ``KIND_SUBJECTS`` names, as a keyword) of vendor ``vendor_id``.

    Returns the activity, or None when ``by`` is not a vendor representative (our own
    people's actions are not the vendor's voice). The comment is cut to what the inbox keeps.
    """
    if by is None or not access.is_vendor_rep(by):
        return None
    if set(subject) != {KIND_SUBJECTS[kind]}:
        raise TypeError(f"{kind} is about its {KIND_SUBJECTS[kind]}, given {sorted(subject)}")
    activity = VendorActivity(
        kind=kind,
        vendor_id=vendor_id,
        actor=by,
        comment=(comment or "").strip()[:ACTIVITY_COMMENT_MAX],
        meeting=meeting,
        **subject,
    )
    return validated_save(activity)


# --- read state ----------------------------------------------------------------------------


def _mark_read(user, activity_ids):
    """Mark the activities ``activity_ids`` read for ``user``; marks already there stay."""
    through = VendorActivity.read_by.through
    rows = [through(vendoractivity_id=pk, user_id=user.pk) for pk in activity_ids]
    through.objects.bulk_create(rows, batch_size=READ_BATCH, ignore_conflicts=True)
    return len(rows)


@use_case
def activities_mark_read(user, *, ids):
    """Mark the activities ``ids`` read for ``user``, those of the user's inbox only (others
    are ignored). Returns how many were in the inbox. Two queries (plus one per
    ``READ_BATCH``), however many."""
    ids = list(ids)
    found = list(inbox_activities(user).filter(pk__in=ids).values_list("pk", flat=True))
    return _mark_read(user, found)


def activity_mark_read(activity, *, user):
    """Mark one activity read for ``user`` (nothing when it is not in their inbox)."""
    return activities_mark_read(user, ids=[activity.pk])


@use_case
def inbox_mark_all_read(user):
    """Mark every unread activity of ``user``'s inbox read. Returns how many were unread."""
    unread = inbox_activities(user, unread=True).values_list("pk", flat=True)
    return _mark_read(user, list(unread))


# --- disputes ------------------------------------------------------------------------------


@use_case
def review_dispute_answer(review, *, by, outcome, answer, at=None):
    """Answer a vendor's open dispute of a review: the outcome stands (``upheld``) or was
    revised (``revised``), saying why. The answer, who gave it and when are on the review
    and in its history; refused (per field) unless the dispute is open and an answer given."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    errors = {}
    if review.dispute_status != Review.DisputeStatus.OPEN:
        errors["dispute_status"] = "Only an open dispute can be answered."
    if outcome not in (Review.DisputeStatus.UPHELD, Review.DisputeStatus.REVISED):
        errors["outcome"] = "Choose whether the outcome stands (upheld) or was revised."
    answer = (answer or "").strip()
    if not answer:
        errors["dispute_answer"] = "Say how you answer the dispute."
    if errors:
        raise ValidationError(errors)
    review.dispute_status = outcome
    review.dispute_answer = answer
    review.dispute_answered_by = by
    review.dispute_answered_at = at or timezone.now()
    return validated_save(review)
