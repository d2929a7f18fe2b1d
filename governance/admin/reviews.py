"""Performance reviews, with their scores and action items inline; completing them."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.utils import timezone

from governance import services
from governance.admin.base import AdministratorsOnly, CompactInline, Writes
from governance.admin.filters import ConditionFilter
from governance.models import ActionItem, Review, ReviewScore, ReviewScoreCriterion


class ReviewForm(forms.ModelForm):
    """A review's fields. Completing one stamps its time and schedules the next review, which
    the “Complete selected reviews” action does: the status field offers the other ones."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        if self.instance.status != Review.Status.COMPLETED:
            status.choices = [c for c in status.choices if c[0] != Review.Status.COMPLETED]
            status.help_text = (
                "Complete a review with the “Complete selected reviews” action: it also "
                "schedules the next one."
            )


class ReviewScoreInline(CompactInline):
    model = ReviewScore
    fields = ["criterion", "score", "comment"]
    max_num = len(ReviewScoreCriterion.values)
    writes = Writes(services.review_score_save, services.review_score_delete)

    def get_extra(self, request, obj=None, **kwargs):
        return len(_missing_criteria(obj))


def _missing_criteria(review):
    """The criteria ``review`` has no score for yet, in display order."""
    present = set(review.scores.values_list("criterion", flat=True)) if review and review.pk else ()
    return [criterion for criterion in ReviewScoreCriterion.values if criterion not in present]


class ActionItemInline(CompactInline):
    model = ActionItem
    fields = ["description", "owner", "due_date", "status"]
    autocomplete_fields = ["owner"]
    writes = Writes(services.action_item_save, services.record_delete)


class OverdueFilter(ConditionFilter):
    title = "overdue"
    parameter_name = "overdue"

    def conditions(self):
        overdue = Q(status__in=Review.OPEN_STATUSES, scheduled_for__lt=timezone.localdate())
        return {"yes": ("Overdue", overdue), "no": ("Not overdue", ~overdue)}


@admin.register(Review)
class ReviewAdmin(AdministratorsOnly, admin.ModelAdmin):
    list_display = [
        "__str__",
        "vendor",
        "scheduled_for",
        "status",
        "reviewer",
        "overall_score",
        "completed_at",
    ]
    list_filter = ["status", OverdueFilter, "vendor__tier"]
    search_fields = ["vendor__name", "summary"]
    date_hierarchy = "scheduled_for"
    autocomplete_fields = ["vendor", "reviewer"]
    list_select_related = ["vendor", "reviewer"]
    readonly_fields = [
        "overall_score",
        "completed_at",
        "vendor_acknowledged_at",
        "vendor_acknowledged_by",
        "vendor_comment",
    ]
    form = ReviewForm
    fields = [
        "vendor",
        ("period_start", "period_end"),
        "scheduled_for",
        "status",
        "reviewer",
        "summary",
        ("overall_score", "completed_at"),
        ("vendor_acknowledged_at", "vendor_acknowledged_by"),
        "vendor_comment",
    ]
    inlines = [ReviewScoreInline, ActionItemInline]
    actions = ["complete_reviews"]
    show_full_result_count = False
    writes = Writes(services.review_save, services.record_delete)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, ReviewScoreInline):
            # One blank row per missing criterion; given on POST too, so untouched rows
            # compare equal to their initial data and are skipped rather than "required".
            kwargs["initial"] = [{"criterion": c} for c in _missing_criteria(obj)]
        return kwargs

    @admin.action(description="Complete selected reviews", permissions=["change"])
    def complete_reviews(self, request, queryset):
        reviews = queryset.select_related("vendor").order_by("scheduled_for")
        completed = self.write_each(request, reviews, services.review_complete)
        if completed:
            self.message_user(
                request,
                f"Completed {completed} review(s) and scheduled the next one(s).",
                messages.SUCCESS,
            )
