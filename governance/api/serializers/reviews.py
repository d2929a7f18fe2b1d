"""Performance reviews with their scores and action items."""

from rest_framework import serializers

from governance import services
from governance.models import ActionItem, Review, ReviewScore

from .base import ModelSerializer, VendorRecordSerializer


class ReviewScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewScore
        fields = ["criterion", "score", "comment"]


class ActionItemSerializer(ModelSerializer):
    class Meta:
        model = ActionItem
        fields = ["id", "description", "owner", "due_date", "status"]
        extra_kwargs = {
            "owner": {
                "help_text": "An internal user, or a representative of the review's vendor "
                "(who then sees the item in the vendor portal)."
            },
        }


class ReviewSerializer(VendorRecordSerializer):
    scores = ReviewScoreSerializer(
        many=True,
        required=False,
        max_length=len(ReviewScore.Criterion.choices),
        help_text="One 1-5 score per criterion; when given, replaces the review's scores.",
    )
    action_items = ActionItemSerializer(
        many=True,
        required=False,
        max_length=100,
        help_text="When given, replaces the review's action items.",
    )
    save_with = staticmethod(services.review_save)
    save_separately = ("scores", "action_items")

    class Meta:
        model = Review
        fields = [
            "id",
            "vendor",
            "period_start",
            "period_end",
            "scheduled_for",
            "status",
            "reviewer",
            "scores",
            "overall_score",
            "summary",
            "action_items",
            "completed_at",
            "vendor_acknowledged_at",
            "vendor_comment",
            "dispute_status",
            "dispute_answer",
            "dispute_answered_at",
            "dispute_answered_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "overall_score",
            "completed_at",
            "vendor_acknowledged_at",
            "vendor_comment",
            "dispute_status",
            "dispute_answer",
            "dispute_answered_at",
            "dispute_answered_by",
        ]
        extra_kwargs = {
            "overall_score": {"help_text": "The mean of the criterion scores."},
            "status": {"help_text": "Complete a review with POST reviews/{id}/complete/."},
            "vendor_comment": {
                "help_text": "The vendor's comment with its acknowledgement, or why it "
                "disputes the outcome (in the vendor portal)."
            },
            "dispute_status": {
                "help_text": "`` (not disputed), `open` (disputed, waiting for our answer: "
                "POST reviews/{id}/answer-dispute/), `upheld` or `revised`."
            },
        }


class ReviewCompletionSerializer(serializers.Serializer):
    review = ReviewSerializer(help_text="The review just completed.")
    next_review = ReviewSerializer(help_text="The review scheduled after it.")
