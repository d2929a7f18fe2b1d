"""Shared goals and their check-ins."""

from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from governance.models import Goal, GoalCheckIn

from .. import filters, serializers
from ..scoping import VendorScopedQuerysetMixin, scoped_to, visible_vendors
from .base import GovernanceAPIMixin, VendorScopedViewSet


@extend_schema_view(
    list=extend_schema(summary="List shared goals"),
    create=extend_schema(summary="Add a shared goal"),
)
class GoalViewSet(VendorScopedViewSet):
    """Goals agreed with a vendor, measured by a metric moving from baseline to target."""

    queryset = Goal.objects.all()
    serializer_class = serializers.GoalSerializer
    filterset_class = filters.GoalFilter
    search_fields = ["title", "metric", "description"]
    ordering_fields = ["due_date", "start_date", "title", "status", "vendor"]
    ordering = ["due_date"]


@extend_schema_view(
    list=extend_schema(summary="A goal's check-ins, latest first"),
    create=extend_schema(
        summary="Record progress on a goal",
        description="The goal's `current_value` becomes that of its latest check-in.",
    ),
)
class GoalCheckInViewSet(
    GovernanceAPIMixin,
    VendorScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Dated progress values of a goal."""

    queryset = GoalCheckIn.objects.all()
    vendor_lookup = "goal__vendor"
    serializer_class = serializers.CheckInSerializer
    filterset_class = filters.CheckInFilter
    search_fields = ["note"]
    ordering_fields = ["date", "value"]
    ordering = ["-date", "-id"]

    @cached_property
    def goal(self):
        """The goal in the URL; 404 when it does not exist or its vendor is not visible."""
        goals = scoped_to(Goal.objects.all(), "vendor", visible_vendors(self.request))
        return get_object_or_404(goals, pk=self.kwargs["goal_id"])

    def get_queryset(self):
        return super().get_queryset().filter(goal=self.goal)

    def perform_create(self, serializer):
        self.check_vendor_editable(self.goal.vendor_id)
        serializer.save(goal=self.goal, author=self.request.user)
