"""Security clauses."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from governance import services
from governance.models import RequiredClause, SecurityClause

from .. import filters, serializers
from ..permissions import AdministratorsWrite
from .base import GovernanceAPIMixin, VendorScopedViewSet


@extend_schema_view(
    list=extend_schema(summary="List security clauses"),
    create=extend_schema(summary="Add a security clause"),
)
class ClauseViewSet(VendorScopedViewSet):
    """Security clauses of the vendors' contracts."""

    queryset = SecurityClause.objects.all()
    serializer_class = serializers.ClauseSerializer
    filterset_class = filters.ClauseFilter
    search_fields = ["requirement", "clause_type"]
    ordering_fields = ["expires_on", "next_verification_due", "clause_type", "status", "vendor"]
    ordering = ["vendor", "clause_type"]
    delete_with = staticmethod(services.clause_delete)


@extend_schema_view(
    list=extend_schema(
        summary="List the required clause set",
        description="The clause types every vendor of a tier must have (its clause coverage "
        "is measured against them). Filter by `tier`.",
    ),
    create=extend_schema(summary="Require a clause type of a tier (administrators)"),
    destroy=extend_schema(summary="Stop requiring it (administrators)"),
)
class RequiredClauseViewSet(
    GovernanceAPIMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The required clause set per tier: internal users read it, administrators change it."""

    permission_classes = [AdministratorsWrite]
    queryset = RequiredClause.objects.all()
    serializer_class = serializers.RequiredClauseSerializer
    filterset_class = filters.RequiredClauseFilter
    ordering_fields = ["tier", "clause_type"]
    ordering = ["tier", "clause_type"]

    def perform_destroy(self, instance):
        services.record_delete(instance)
