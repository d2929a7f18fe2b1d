"""Performance reviews: scores per criterion, action items, completing and the next one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from governance import services
from governance.domain import access
from governance.domain.dates import day_text
from governance.domain.scheduling import add_cadence, next_period
from governance.models import ActionItem, Review, ReviewScore
from governance.web.forms import (
    ActionItemFormSet,
    DisputeAnswerForm,
    ReviewForm,
    action_items_from,
    action_items_initial,
)
from governance.web.pages import act
from governance.web.views.base import (
    internal_view,
    section_view,
    vendor_record,
)
from governance.web.views.editing import RecordFormView

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


review_list = section_view(
    "reviews",
    "Reviews",
    lambda request, vendor: vendor.reviews.select_related("reviewer").prefetch_related("scores"),
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


class ReviewFormView(RecordFormView):
    """A review with its scores and action items; "Save and complete" saves it and asks to
    confirm the completion (``services.review_save_to_complete``: a review that could not be
    completed is not saved either)."""

    model = Review
    form_class = ReviewForm
    detail_view = "governance:review-detail"

    def prepare(self):
        refusal = super().prepare()
        if refusal is None and not self.adding and self.record.status == Review.Status.COMPLETED:
            messages.info(self.request, "A completed review is kept as it was.")
            return redirect("governance:review-detail", self.vendor.pk, self.record.pk)
        return refusal

    def form_kwargs(self):
        kwargs = super().form_kwargs()
        if self.adding:
            kwargs["initial"] = _initial_for_new(self.vendor, self.request.user)
        return kwargs

    def get_form(self):
        form = super().get_form()
        self.formset = ActionItemFormSet(
            self.request.POST or None,
            initial=action_items_initial(form.instance),
            prefix="items",
            form_kwargs={"vendor": self.vendor},
        )
        return form

    def forms_valid(self, form):
        # Both validated, so that every error shows at once.
        return all([form.is_valid(), self.formset.is_valid()])

    def save(self, form):
        rows = {"scores": form.scores(), "action_items": action_items_from(self.formset)}
        self.completing = "complete" in self.request.POST
        try:
            if self.completing:
                services.review_save_to_complete(form.instance, **rows)
                return form.instance
            return services.review_save(form.instance, **rows)
        except services.RowErrors as error:
            form.show_row_errors(self.formset, error.rows)
            raise ValidationError("Correct the scores and action items marked below.") from error

    def success_message(self, review):
        if self.completing:
            return "The review was saved. Check what completing it does, then confirm."
        return "The review was saved."

    def success_url(self, saved):
        if self.completing:
            return reverse("governance:review-complete", args=[self.vendor.pk, saved.pk])
        return super().success_url(saved)

    def extra_context(self):
        return {"formset": self.formset}


def completed_message(review, next_review):
    review.refresh_from_db()
    score = f" with an overall score of {review.overall_score}" if review.overall_score else ""
    return (
        f"The review was completed{score}. The next review is scheduled for "
        f"{day_text(next_review.scheduled_for)}."
    )


def _review_with_outcome(vendor):
    return vendor.reviews.select_related(
        "reviewer", "vendor_acknowledged_by", "dispute_answered_by"
    ).prefetch_related("scores", "action_items__owner")


@internal_view
def review_detail(request, pk, review_pk):
    vendor, review = vendor_record(request, pk, _review_with_outcome, review_pk)
    return _detail_page(request, vendor, review)


NOTHING_TO_ANSWER = "Only an open dispute can be answered."


@require_POST
@internal_view
def review_answer_dispute(request, pk, review_pk):
    """The manager's answer to the vendor's open dispute (upheld or revised, and why)."""
    vendor, review = vendor_record(request, pk, _review_with_outcome, review_pk, edit=True)
    form = DisputeAnswerForm(request.POST)
    answered = form.save_with(
        lambda: services.review_dispute_answer(
            review,
            by=request.user,
            outcome=form.cleaned_data["outcome"],
            answer=form.cleaned_data["dispute_answer"],
        )
    )
    if answered:
        messages.success(request, "Your answer to the dispute was recorded.")
        return redirect("governance:review-detail", vendor.pk, review.pk)
    if review.dispute_status != Review.DisputeStatus.OPEN:
        # No form to show the refusal beside: the page has no open dispute.
        messages.error(request, " ".join(form.non_field_errors()) or NOTHING_TO_ANSWER)
        return redirect("governance:review-detail", vendor.pk, review.pk)
    return _detail_page(request, vendor, review, dispute_form=form)


def _detail_page(request, vendor, review, *, dispute_form=None):
    scores = {s.criterion: s for s in review.scores.all()}
    rows = [(label, scores.get(value)) for value, label in ReviewScore.Criterion.choices]
    next_review = None
    if review.status == Review.Status.COMPLETED:
        next_review = (
            vendor.reviews.filter(scheduled_for__gt=review.scheduled_for)
            .order_by("scheduled_for")
            .first()
        )
    can_edit = access.can_edit_vendor(request.user, vendor)
    if dispute_form is None and can_edit and review.dispute_status == Review.DisputeStatus.OPEN:
        dispute_form = DisputeAnswerForm()
    return render(
        request,
        "governance/reviews/detail.html",
        {
            "vendor": vendor,
            "review": review,
            "rows": rows,
            "next_review": next_review,
            "can_edit": can_edit,
            "dispute_form": dispute_form,
        },
    )


@require_http_methods(["GET", "POST"])
@internal_view
def review_complete(request, pk, review_pk):
    """Completing a review, which is final: GET shows what it will do (or why it cannot be
    done yet) with the button that confirms it; POST completes it
    (``services.review_complete``) and returns to the review."""
    vendor, review = vendor_record(request, pk, _review_with_outcome, review_pk, edit=True)
    detail = reverse("governance:review-detail", args=[vendor.pk, review.pk])
    if request.method == "POST":
        act(
            request,
            lambda: services.review_complete(review),
            lambda next_review: completed_message(review, next_review),
        )
        return redirect(detail)
    if review.status not in Review.OPEN_STATUSES:
        messages.info(request, f"This review is {review.get_status_display().lower()}.")
        return redirect(detail)
    completion = services.review_completion(review)
    scores = list(review.scores.all())
    return render(
        request,
        "governance/reviews/confirm_complete.html",
        {
            "vendor": vendor,
            "review": review,
            "refusals": [message for message in completion.refusals.values()],
            "next_review": completion.next_review,
            "scored": len(scores),
            "criteria": len(ReviewScore.Criterion.choices),
            "unscored": [
                label
                for value, label in ReviewScore.Criterion.choices
                if value not in {score.criterion for score in scores}
            ],
            "open_items": sum(
                1 for item in review.action_items.all() if item.status in ActionItem.OPEN_STATUSES
            ),
        },
    )
