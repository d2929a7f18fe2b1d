"""Escalation paths: each vendor's matrix of who to turn to, by level and topic."""

from drf_spectacular.utils import extend_schema, extend_schema_view

from governance.models import EscalationContact

from .. import filters, serializers
from .base import VendorScopedViewSet


@extend_schema_view(
    list=extend_schema(
        summary="List escalation contacts",
        description="Filter by `vendor`, `level`, `topic`, `side`.",
    ),
    create=extend_schema(
        summary="Add an escalation contact",
        description="Our side (`side` `ours`) names a `user`, the vendor's side a `contact` of "
        "that vendor; a person is at one level of a topic once.",
    ),
)
class EscalationContactViewSet(VendorScopedViewSet):
    """Who to turn to, per vendor, by level (1 operational, 2 management, 3 executive) and
    topic (service, security, commercial), on each side."""

    queryset = EscalationContact.objects.select_related("user", "contact")
    serializer_class = serializers.EscalationContactSerializer
    filterset_class = filters.EscalationContactFilter
    ordering_fields = ["vendor", "topic", "level", "side"]
    ordering = ["vendor", "topic", "level", "side"]
