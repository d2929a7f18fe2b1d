"""Service credits: policies, monthly statements (computed on request), and a vendor's SLA
compliance for any period."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from governance import selectors, services
from governance.models import CreditPolicy, CreditStatement

from .. import filters, serializers
from ..scoping import VendorScopedQuerysetMixin, visible_vendors
from .base import GovernanceAPIMixin, VendorScopedViewSet


@extend_schema_view(
    list=extend_schema(summary="List credit policies"),
    create=extend_schema(
        summary="Add a vendor's credit policy",
        description="One per vendor. A blank `monthly_fee` is the vendor's annual value / 12.",
    ),
)
class CreditPolicyViewSet(VendorScopedViewSet):
    """How each vendor's contract turns missed SLAs into service credits."""

    queryset = CreditPolicy.objects.select_related("vendor")
    serializer_class = serializers.CreditPolicySerializer
    filterset_class = filters.CreditPolicyFilter
    ordering_fields = ["vendor", "updated_at"]
    ordering = ["vendor"]


@extend_schema_view(
    list=extend_schema(summary="List monthly credit statements"),
    retrieve=extend_schema(summary="A monthly credit statement"),
    update=extend_schema(summary="Set a statement's status"),
    partial_update=extend_schema(
        summary="Set a statement's status",
        description="`waived` needs the reason in `status_note`; a statement with nothing "
        "due stays `none`.",
    ),
)
class CreditStatementViewSet(
    GovernanceAPIMixin,
    VendorScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Each vendor's SLA results per month and the credit they earn."""

    queryset = CreditStatement.objects.select_related("vendor")
    serializer_class = serializers.CreditStatementSerializer
    filterset_class = filters.CreditStatementFilter
    ordering_fields = ["month", "vendor", "credit_due", "status"]
    # Newest month first, then by vendor (its id: ordering by the vendor's name joined and
    # sorted every statement; this order is the index credit_statement_month_idx's).
    ordering = ["-month", "vendor_id"]

    @extend_schema(
        summary="Compute or recompute a month's statement",
        description="Counts the vendor's incidents opened in the month as of now. A status "
        "set by hand is kept while the amount stays the same.",
        request=serializers.CreditComputeSerializer,
        responses={200: serializers.CreditStatementSerializer},
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def compute(self, request):
        query = serializers.CreditComputeSerializer(data=request.data, context={"request": request})
        query.is_valid(raise_exception=True)
        vendor = query.validated_data["vendor"]
        self.check_vendor_editable(vendor)
        statement = services.credit_statement_compute(vendor, month=query.validated_data["month"])
        statement = self.get_queryset().get(pk=statement.pk)
        return Response(self.get_serializer(statement).data, status=status.HTTP_200_OK)


class VendorSLAComplianceView(GovernanceAPIMixin, APIView):
    """A vendor's SLA compliance for any period."""

    @extend_schema(
        summary="A vendor's SLA compliance for a period",
        description="Resolution targets of the incidents opened from `start` to `end` (both "
        "included) met and breached as of now; an incident still open past its target counts "
        "as breached.",
        parameters=[
            OpenApiParameter("start", str, required=True, description="YYYY-MM-DD"),
            OpenApiParameter("end", str, required=True, description="YYYY-MM-DD"),
        ],
        responses=serializers.SLAComplianceSerializer,
    )
    def get(self, request, pk):
        vendor = get_object_or_404(visible_vendors(request), pk=pk)
        query = serializers.PeriodSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        period = query.validated_data
        figures = selectors.sla_compliance_for_period(
            vendor, start=period["start"], end=period["end"]
        )
        return Response(serializers.SLAComplianceSerializer({**period, **figures}).data)
