"""SLA targets and incidents."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from governance import selectors, services
from governance.models import Incident, SLATarget

from .. import filters, serializers
from .base import VendorScopedViewSet


@extend_schema_view(
    list=extend_schema(summary="List SLA targets"),
    create=extend_schema(
        summary="Set a vendor's target for a priority",
        description="The due times of the vendor's incidents of that priority follow.",
    ),
)
class SLATargetViewSet(VendorScopedViewSet):
    """Response and resolution targets per vendor and priority."""

    queryset = SLATarget.objects.all()
    serializer_class = serializers.SLATargetSerializer
    filterset_class = filters.SLATargetFilter
    search_fields = ["vendor__name"]
    ordering_fields = ["vendor", "priority", "response_minutes", "resolution_minutes"]
    ordering = ["vendor", "priority"]
    delete_with = staticmethod(services.sla_target_delete)


@extend_schema_view(
    list=extend_schema(summary="List SLA incidents"),
    create=extend_schema(
        summary="Report an incident (idempotent by vendor + external_id)",
        description="When an incident with this `vendor` and `external_id` exists, it is "
        "updated with the fields given and the answer is 200; otherwise it is created (201). "
        "Safe to retry, and two concurrent identical requests still make one incident.",
        responses={
            201: serializers.IncidentSerializer,
            200: serializers.IncidentSerializer,
        },
    ),
)
class IncidentViewSet(VendorScopedViewSet):
    """SLA incidents, with due times and breach flags derived from the SLA targets."""

    queryset = Incident.objects.all()
    serializer_class = serializers.IncidentSerializer
    filterset_class = filters.IncidentFilter
    search_fields = ["title", "external_id", "description"]
    ordering_fields = [
        "opened_at",
        "priority",
        "status",
        "response_due_at",
        "resolution_due_at",
        "vendor",
    ]
    ordering = ["-opened_at"]

    def get_queryset(self):
        return selectors.incidents_with_breach_flags(super().get_queryset())

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        self.check_vendor_editable(fields["vendor"])
        incident, created = services.incident_upsert(
            vendor=fields.pop("vendor"), external_id=fields.pop("external_id", ""), **fields
        )
        body = self.get_serializer(self.refetch(incident)).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
