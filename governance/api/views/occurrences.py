"""A meeting's occurrences as records, and the decisions taken at them."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from governance import services
from governance.models import Decision, MeetingOccurrence

from .. import filters, serializers
from ..scoping import VendorScopedQuerysetMixin
from .base import GovernanceAPIMixin, VendorScopedViewSet


@extend_schema_view(
    list=extend_schema(
        summary="List meeting occurrences",
        description="The records of instances of meetings that were cancelled, moved or "
        "held (an instance without one is scheduled as its series says). Filter by "
        "`meeting`, `vendor`, `status`, `minutes_status`, `original_start__gte/lte`.",
    ),
    create=extend_schema(
        summary="Record an occurrence",
        description="By `meeting` and `original_start` (an instance of its series; one record "
        "each): attendance, minutes, and `status` `held` once it has begun.",
    ),
)
class MeetingOccurrenceViewSet(
    GovernanceAPIMixin,
    VendorScopedQuerysetMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Occurrences of meetings: cancel, move, record who attended and the minutes, share the
    minutes with the vendor (whose representative signs them off in the portal)."""

    queryset = MeetingOccurrence.objects.select_related("meeting").prefetch_related(
        "attendees", "contacts"
    )
    serializer_class = serializers.MeetingOccurrenceSerializer
    filterset_class = filters.MeetingOccurrenceFilter
    ordering_fields = ["original_start", "status", "updated_at"]
    ordering = ["original_start"]
    vendor_lookup = "meeting__vendor"
    # Records are not deleted: cancel or restore says what happened to the instance.
    perform_update = VendorScopedViewSet.perform_update
    refetch = VendorScopedViewSet.refetch

    def perform_create(self, serializer):
        self.check_vendor_editable(serializer.validated_data["meeting"].vendor)
        serializer.save()
        serializer.instance = self.refetch(serializer.instance)

    def _answer(self, occurrence):
        occurrence = self.refetch(occurrence)
        return Response(self.get_serializer(occurrence).data)

    @extend_schema(summary="Cancel the occurrence", request=None)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._answer(services.occurrence_cancel(self.get_object()))

    @extend_schema(summary="Restore a cancelled occurrence", request=None)
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        return self._answer(services.occurrence_restore(self.get_object()))

    @extend_schema(
        summary="Move the occurrence",
        description="To `starts_at` (by at most 60 days, not onto another occurrence); its "
        "`original_start` stays its name in calendars (RECURRENCE-ID).",
        request=serializers.OccurrenceMoveSerializer,
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        occurrence = self.get_object()
        body = serializers.OccurrenceMoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._answer(
            services.occurrence_move(occurrence, starts_at=body.validated_data["starts_at"])
        )

    @extend_schema(summary="Share the minutes with the vendor", request=None)
    @action(detail=True, methods=["post"])
    def share(self, request, pk=None):
        return self._answer(services.minutes_share(self.get_object()))


@extend_schema_view(
    list=extend_schema(
        summary="List decisions",
        description="Decisions taken at held meeting occurrences. Filter by `occurrence`, "
        "`meeting`, `vendor`.",
    ),
    create=extend_schema(summary="Record a decision (of a held occurrence)"),
)
class DecisionViewSet(
    GovernanceAPIMixin,
    VendorScopedQuerysetMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """The decision log of every vendor's meetings."""

    queryset = Decision.objects.select_related("occurrence__meeting", "recorded_by")
    serializer_class = serializers.DecisionSerializer
    filterset_class = filters.DecisionFilter
    search_fields = ["text"]
    ordering_fields = ["created_at"]
    ordering = ["-created_at"]
    vendor_lookup = "occurrence__meeting__vendor"
    refetch = VendorScopedViewSet.refetch

    def perform_create(self, serializer):
        self.check_vendor_editable(serializer.validated_data["occurrence"].meeting.vendor)
        serializer.save()
        serializer.instance = self.refetch(serializer.instance)
