"""The inbox of what vendor representatives did, and the agenda items they propose."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.response import Response

from governance import services
from governance.models import AgendaProposal
from governance.selectors.inbox import inbox_activities

from .. import filters, serializers
from ..exceptions import validation_error
from ..permissions import IsInternalUser
from ..scoping import VendorScopedQuerysetMixin
from .base import GovernanceAPIMixin, VendorScopedViewSet


@extend_schema_view(
    list=extend_schema(
        summary="Your inbox",
        description="What vendor representatives did in the portal (acknowledged or disputed "
        "a review, proposed an agenda item, signed off minutes or asked for changes, checked "
        "in on a goal, reported or updated an incident, updated an action item), newest "
        "first, with `is_read` for you. A manager's inbox holds the vendors they own or are "
        "assigned to; other internal roles see every vendor's. Filter by `unread`, `kind`, "
        "`vendor`.",
    ),
    retrieve=extend_schema(summary="One activity of your inbox"),
)
class InboxViewSet(
    GovernanceAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Read only; marking read is each person's own (any internal role may)."""

    permission_classes = [IsInternalUser]
    serializer_class = serializers.VendorActivitySerializer
    filterset_class = filters.InboxFilter
    ordering_fields = ["at"]
    # Newest first, then the key (the inbox's index).
    keeps_own_order = True

    def get_queryset(self):
        # The representation names records by id only: no join needed.
        return inbox_activities(self.request.user)

    @extend_schema(
        summary="Mark an activity read",
        request=None,
        responses={200: serializers.ActivitiesReadSerializer},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def read(self, request, pk=None):
        activity = self.get_object()
        return Response({"marked": services.activity_mark_read(activity, user=request.user)})

    @extend_schema(
        summary="Mark your whole inbox read",
        request=None,
        responses={200: serializers.ActivitiesReadSerializer},
    )
    @action(detail=False, methods=["post"], url_path="read-all", filter_backends=[])
    def read_all(self, request):
        return Response({"marked": services.inbox_mark_all_read(request.user)})


@extend_schema_view(
    list=extend_schema(
        summary="List agenda proposals",
        description="Items proposed for meetings' agendas, by vendor representatives in the "
        "portal or by us. Filter by `meeting`, `vendor`, `status`.",
    ),
    create=extend_schema(
        summary="Propose an agenda item",
        description="For any meeting you may see (managers and administrators); the "
        "meeting's vendor's managers accept or decline it.",
    ),
)
class AgendaProposalViewSet(
    GovernanceAPIMixin,
    VendorScopedQuerysetMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Proposed agenda items; answered (accepted or declined) with `answer/`, never edited."""

    queryset = AgendaProposal.objects.select_related("meeting", "author")
    serializer_class = serializers.AgendaProposalSerializer
    filterset_class = filters.AgendaProposalFilter
    search_fields = ["text"]
    ordering_fields = ["created_at", "status"]
    ordering = ["-created_at"]
    vendor_lookup = "meeting__vendor"
    refetch = VendorScopedViewSet.refetch

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = self.refetch(
            services.agenda_propose(
                meeting=data["meeting"], author=self.request.user, text=data.get("text", "")
            )
        )

    @extend_schema(
        summary="Accept or decline a proposal",
        description="`accept` true adds the item to the meeting's agenda; false declines it. "
        "Only a proposal still `proposed` is answered; for those who may change the "
        "meeting's vendor.",
        request=serializers.AgendaProposalAnswerSerializer,
        responses={
            200: serializers.AgendaProposalSerializer,
            400: OpenApiResponse(description="Already answered, or `accept` missing."),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def answer(self, request, pk=None):
        proposal = self.get_object()
        body = serializers.AgendaProposalAnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.agenda_proposal_decide(proposal, accept=body.validated_data["accept"])
        return Response(self.get_serializer(self.refetch(proposal)).data)


def answer_dispute(view, review, data):
    """``POST reviews/{id}/answer-dispute/``: the service's refusals under the body's names."""
    body = serializers.DisputeAnswerSerializer(data=data)
    body.is_valid(raise_exception=True)
    try:
        services.review_dispute_answer(
            review,
            by=view.request.user,
            outcome=body.validated_data["outcome"],
            answer=body.validated_data["answer"],
        )
    except ValidationError as error:
        detail = validation_error(error).detail
        if "dispute_answer" in detail:
            detail["answer"] = detail.pop("dispute_answer")
        raise APIValidationError(detail) from error
    return Response(view.get_serializer(view.refetch(review)).data)
