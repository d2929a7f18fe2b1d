"""Performance reviews: the review, a score and comment per criterion, its action items."""

from django import forms

from governance.domain import access
from governance.models import ActionItem, Review, ReviewScore
from governance.web.forms.base import (
    DateInput,
    UIForm,
    UIModelForm,
    UserChoiceField,
    internal_user_choices,
    user_choices,
)

SCORE_CHOICES = [("", "Not scored")] + [(str(n), str(n)) for n in range(1, 6)]


class ReviewForm(UIModelForm):
    """A review with one score (1-5, optional) and comment per criterion."""

    reviewer = UserChoiceField(queryset=user_choices(), required=False)

    class Meta(UIModelForm.Meta):
        model = Review
        fields = ["period_start", "period_end", "scheduled_for", "status", "reviewer", "summary"]
        labels = {"scheduled_for": "Scheduled for"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = internal_user_choices()
        # Completing is its own action (it schedules the next review).
        self.fields["status"].choices = [
            choice for choice in Review.Status.choices if choice[0] != Review.Status.COMPLETED
        ]
        existing = {}
        if self.instance.pk:
            existing = {score.criterion: score for score in self.instance.scores.all()}
        for criterion, label in ReviewScore.Criterion.choices:
            current = existing.get(criterion)
            self.fields[f"score_{criterion}"] = forms.TypedChoiceField(
                label=f"{label} score",
                choices=SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                initial=str(current.score) if current else "",
            )
            self.fields[f"comment_{criterion}"] = forms.CharField(
                label=f"{label} comment",
                required=False,
                initial=current.comment if current else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    @property
    def criteria_rows(self):
        return [
            (label, self[f"score_{criterion}"], self[f"comment_{criterion}"])
            for criterion, label in ReviewScore.Criterion.choices
        ]

    def clean(self):
        cleaned = super().clean()
        # A criterion's two fields make one score: a comment alone would be dropped unseen.
        for criterion, _label in ReviewScore.Criterion.choices:
            if cleaned.get(f"comment_{criterion}") and cleaned.get(f"score_{criterion}") is None:
                self.add_error(f"score_{criterion}", "Give a score for this comment.")
        return cleaned

    def scores(self):
        """The criterion scores for ``services.review_save``."""
        return [
            {
                "criterion": criterion,
                "score": self.cleaned_data[f"score_{criterion}"],
                "comment": self.cleaned_data.get(f"comment_{criterion}", ""),
            }
            for criterion in self._scored()
        ]

    def _scored(self):
        return [
            criterion
            for criterion, _label in ReviewScore.Criterion.choices
            if self.cleaned_data.get(f"score_{criterion}") is not None
        ]

    def show_row_errors(self, formset, rows):
        """Put what the service refused in the scores and action items (``RowErrors.rows``)
        beside the criterion or the row it is about."""
        for criterion, errors in zip(self._scored(), rows.get("scores", ()), strict=False):
            for field, messages in errors.items():
                name = f"{field}_{criterion}"
                self.add_error(name if name in self.fields else None, messages)
        items = _filled(formset)
        for form, errors in zip(items, rows.get("action_items", ()), strict=False):
            for field, messages in errors.items():
                form.add_error(field if field in form.fields else None, messages)


class ActionItemForm(UIForm):
    """One row of the review's action items; a row without a description is no item."""

    description = forms.CharField(required=False, widget=forms.TextInput())
    owner = UserChoiceField(queryset=user_choices(), required=False)
    due_date = forms.DateField(required=False, widget=DateInput())
    status = forms.ChoiceField(choices=ActionItem.Status.choices, initial=ActionItem.Status.OPEN)

    def __init__(self, *args, vendor, **kwargs):
        super().__init__(*args, **kwargs)
        # Who may own an item is the domain's rule; these are the people it allows.
        self.fields["owner"].queryset = access.action_item_owner_candidates(vendor.pk).order_by(
            "username"
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("description") and (cleaned.get("owner") or cleaned.get("due_date")):
            self.add_error("description", "Describe the action or clear its owner and date.")
        return cleaned


ActionItemFormSet = forms.formset_factory(ActionItemForm, extra=2, can_delete=True)


def action_items_initial(review):
    if not review.pk:
        return []
    return [
        {
            "description": item.description,
            "owner": item.owner_id,
            "due_date": item.due_date,
            "status": item.status,
        }
        for item in review.action_items.all()
    ]


def _filled(formset):
    """The forms of ``formset`` that are action items: described and not deleted."""
    return [
        form
        for form in formset.forms
        if (getattr(form, "cleaned_data", None) or {}).get("description")
        and not form.cleaned_data.get("DELETE")
    ]


def action_items_from(formset):
    """The filled-in, not deleted rows of ``formset`` for ``services.review_save``."""
    return [
        {
            "description": form.cleaned_data["description"],
            "owner": form.cleaned_data.get("owner"),
            "due_date": form.cleaned_data.get("due_date"),
            "status": form.cleaned_data.get("status") or ActionItem.Status.OPEN,
        }
        for form in _filled(formset)
    ]


class DisputeAnswerForm(UIForm):
    """The manager's answer to a vendor's dispute of a review
    (``services.review_dispute_answer``)."""

    outcome = forms.ChoiceField(
        choices=[
            (Review.DisputeStatus.UPHELD, "The outcome stands (upheld)"),
            (Review.DisputeStatus.REVISED, "The outcome was revised"),
        ],
        widget=forms.RadioSelect,
        initial=Review.DisputeStatus.UPHELD,
    )
    dispute_answer = forms.CharField(
        label="Answer",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you tell the vendor: why the outcome stands, or what was revised.",
    )
