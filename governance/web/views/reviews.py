"""Performance reviews: scores per criterion, action items, completing and the next one."""

from copy import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from governance import services
from governance.domain import access
from governance.domain.scheduling import add_cadence, next_period
from governance.models import Review, ReviewScore
from governance.web.forms import (
    ActionItemFormSet,
    ReviewForm,
    action_items_from,
    action_items_initial,
)
from governance.web.views.base import (
    add_service_error,
    editable_vendor_for,
    internal_view,
    section_page,
    vendor_for,
)

CSV_HEADER = [
    "Period start",
    "Period end",
    "Scheduled for",
    "Status",
    "Reviewer",
    "Overall score",
    *[label for _value, label in ReviewScore.Criterion.choices],
    "Summary",
    "Completed at",
]


def _csv_row(review):
    scores = {s.criterion: s.score for s in review.scores.all()}
    return [
        review.period_start,
        review.period_end,
        review.scheduled_for,
        review.status,
        review.reviewer.username if review.reviewer else "",
        review.overall_score,
        *[scores.get(value) for value, _label in ReviewScore.Criterion.choices],
        review.summary,
        review.completed_at,
    ]


@internal_view
def review_list(request, pk):
    vendor = vendor_for(request, pk)
    reviews = vendor.reviews.select_related("reviewer").prefetch_related("scores")
    return section_page(
        request,
        vendor,
        section="reviews",
        title="Reviews",
        items=reviews,
        template="governance/vendors/_reviews_table.html",
        csv=(CSV_HEADER, _csv_row),
    )


def _initial_for_new(vendor, user):
    """A new review covers the period after the vendor's latest one (or the last cadence)."""
    today = timezone.localdate()
    cadence = vendor.effective_cadence
    latest = vendor.reviews.order_by("-period_end").first()
    if latest:
        start, end = next_period(latest.period_end, cadence)
    else:
        start = add_cadence(today, cadence, times=-1)
        end = today
    return {"period_start": start, "period_end": end, "scheduled_for": today, "reviewer": user}


def _review_form_view(request, vendor, review, template_review):
    form = ReviewForm(
        request.POST or None,
        instance=review,
        initial=None if review.pk else _initial_for_new(vendor, request.user),
    )
    formset = ActionItemFormSet(
        request.POST or None,
        initial=action_items_initial(review),
        prefix="items",
        form_kwargs={"vendor": vendor},
    )
    # Validate both so every error shows at once.
    valid = request.method == "POST" and all([form.is_valid(), formset.is_valid()])
    if valid:
        complete = "complete" in request.POST
        try:
            with transaction.atomic():
                saved = services.review_save(
                    form.instance, scores=form.scores(), action_items=action_items_from(formset)
                )
                next_review = services.review_complete(saved) if complete else None
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if next_review:
                _completed_message(request, saved, next_review)
            else:
                messages.success(request, "The review was saved.")
            return redirect("governance:review-detail", vendor.pk, saved.pk)
    return render(
        request,
        "governance/reviews/form.html",
        {"vendor": vendor, "form": form, "formset": formset, "review": template_review},
    )


def _completed_message(request, review, next_review):
    review.refresh_from_db()
    score = f" with an overall score of {review.overall_score}" if review.overall_score else ""
    messages.success(
        request,
        f"The review was completed{score}. The next review is scheduled for "
        f"{next_review.scheduled_for:%d %b %Y}.",
    )


@internal_view
def review_create(request, pk):
    vendor = editable_vendor_for(request, pk)
    return _review_form_view(request, vendor, Review(vendor=vendor), None)


@internal_view
def review_edit(request, pk, review_pk):
    vendor = editable_vendor_for(request, pk)
    review = get_object_or_404(vendor.reviews, pk=review_pk)
    if review.status == Review.Status.COMPLETED:
        messages.info(request, "A completed review is kept as it was.")
        return redirect("governance:review-detail", vendor.pk, review.pk)
    return _review_form_view(request, vendor, copy(review), review)


@internal_view
def review_detail(request, pk, review_pk):
    vendor = vendor_for(request, pk)
    review = get_object_or_404(
        vendor.reviews.select_related("reviewer").prefetch_related("scores", "action_items__owner"),
        pk=review_pk,
    )
    scores = {s.criterion: s for s in review.scores.all()}
    rows = [(label, scores.get(value)) for value, label in ReviewScore.Criterion.choices]
    next_review = None
    if review.status == Review.Status.COMPLETED:
        next_review = (
            vendor.reviews.filter(scheduled_for__gt=review.scheduled_for)
            .order_by("scheduled_for")
            .first()
        )
    return render(
        request,
        "governance/reviews/detail.html",
        {
            "vendor": vendor,
            "review": review,
            "rows": rows,
            "next_review": next_review,
            "can_edit": access.can_edit_vendor(request.user, vendor),
        },
    )


@require_POST
@internal_view
def review_complete(request, pk, review_pk):
    vendor = editable_vendor_for(request, pk)
    review = get_object_or_404(vendor.reviews, pk=review_pk)
    try:
        next_review = services.review_complete(review)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("governance:review-detail", vendor.pk, review.pk)
    _completed_message(request, review, next_review)
    return redirect("governance:review-detail", vendor.pk, review.pk)
