"""Performance reviews and their completion."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from governance import services
from governance.models import Review

from .. import filters, serializers
from .base import VendorScopedViewSet
from .inbox import answer_dispute


@extend_schema_view(
    list=extend_schema(summary="List performance reviews"),
    create=extend_schema(
        summary="Schedule or record a review",
        description="`scores` and `action_items` are written with the review, all or nothing.",
    ),
    update=extend_schema(description="Given `scores` / `action_items` replace the old ones."),
    partial_update=extend_schema(
        description="Given `scores` / `action_items` replace the old ones; omitted ones stay."
    ),
)
class ReviewViewSet(VendorScopedViewSet):
    """Periodic performance reviews with their criterion scores and action items."""

    queryset = Review.objects.prefetch_related("scores", "action_items")
    serializer_class = serializers.ReviewSerializer
    filterset_class = filters.ReviewFilter
    search_fields = ["vendor__name", "summary"]
    ordering_fields = ["scheduled_for", "period_start", "overall_score", "status", "vendor"]
    ordering = ["-scheduled_for"]

    @extend_schema(
        summary="Complete a review",
        description="Completes the review and schedules the next one, one cadence after this "
        "one's scheduled date (today if that has passed), covering the following period. "
        "Completing is final and needs at least one criterion scored and the review's "
        "period over (in the vendor's time zone); there is no confirmation step here.",
        request=None,
        responses={
            200: serializers.ReviewCompletionSerializer,
            400: OpenApiResponse(
                description="Refused, nothing changed: `status` (already completed or "
                "cancelled), `scores` (no criterion scored) or `period_end` (the period has "
                "not ended yet)."
            ),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def complete(self, request, pk=None):
        review = self.get_object()
        next_review = services.review_complete(review)
        body = {"review": self.refetch(review), "next_review": self.refetch(next_review)}
        context = self.get_serializer_context()
        return Response(serializers.ReviewCompletionSerializer(body, context=context).data)

    @extend_schema(
        summary="Answer the vendor's dispute",
        description="The vendor disputed the outcome in the portal (`dispute_status` `open`, "
        "its reason in `vendor_comment`): `outcome` `upheld` (it stands) or `revised`, and "
        "`answer`, what you tell the vendor. Refused unless the dispute is open.",
        request=serializers.DisputeAnswerSerializer,
        responses={
            200: serializers.ReviewSerializer,
            400: OpenApiResponse(description="No open dispute, or no answer."),
        },
    )
    @action(detail=True, methods=["post"], url_path="answer-dispute", filter_backends=[])
    def answer_dispute(self, request, pk=None):
        return answer_dispute(self, self.get_object(), request.data)
