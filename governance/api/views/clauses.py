"""Security clauses."""

from drf_spectacular.utils import extend_schema, extend_schema_view

from governance import services
from governance.models import SecurityClause

from .. import filters, serializers
from .base import VendorScopedViewSet


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
