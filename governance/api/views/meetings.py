"""Meetings and their occurrences."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework.decorators import action

from governance import selectors
from governance.models import Meeting

from .. import filters, serializers
from .base import VendorScopedViewSet


@extend_schema_view(
    list=extend_schema(summary="List meetings"),
    create=extend_schema(summary="Schedule a meeting"),
)
class MeetingViewSet(VendorScopedViewSet):
    """Meetings with a vendor, possibly recurring (RFC 5545 RRULE)."""

    queryset = Meeting.objects.prefetch_related("attendees", "contacts")
    serializer_class = serializers.MeetingSerializer
    filterset_class = filters.MeetingFilter
    search_fields = ["title", "agenda"]
    ordering_fields = ["starts_at", "title", "kind", "vendor"]
    ordering = ["starts_at"]

    @extend_schema(
        summary="A meeting's occurrences in a range",
        description="The recurrence expanded in the meeting's time zone (a 09:00 meeting "
        "stays at 09:00 local time across DST changes); times are in UTC.",
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATETIME, required=True),
            OpenApiParameter(
                "end",
                OpenApiTypes.DATETIME,
                required=True,
                description="After start, at most 366 days later.",
            ),
        ],
        responses={
            200: serializers.OccurrenceSerializer(many=True),
            400: OpenApiResponse(description="Missing, invalid or too wide a range."),
        },
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def occurrences(self, request, pk=None):
        meeting = self.get_object()
        query = serializers.OccurrenceRangeSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        occurrences = selectors.meeting_occurrences(meeting, **query.validated_data)
        page = self.paginate_queryset(occurrences)
        return self.get_paginated_response(serializers.OccurrenceSerializer(page, many=True).data)
