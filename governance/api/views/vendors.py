"""Vendors (with their managers, history and scorecard) and their contacts."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from governance import selectors, services
from governance.domain import access
from governance.models import Contact, Vendor
from governance.selectors import history as change_history

from .. import filters, serializers
from ..permissions import HistoryPermission, RolePermission
from .base import VendorScopedViewSet


@extend_schema_view(
    list=extend_schema(summary="List vendors", description="With their derived figures."),
    create=extend_schema(
        summary="Add a vendor",
        description="`owner` defaults to you; an empty `review_cadence` takes the tier's.",
    ),
    retrieve=extend_schema(summary="A vendor"),
    update=extend_schema(summary="Replace a vendor"),
    partial_update=extend_schema(summary="Change a vendor"),
    destroy=extend_schema(
        summary="Delete a vendor without history",
        description="A vendor with goals, reviews, meetings, incidents or clauses cannot be "
        "deleted (409): set its status to `ended` instead.",
    ),
)
class VendorViewSet(VendorScopedViewSet):
    """Vendors (the outsourcing relationships) with their derived health figures."""

    queryset = Vendor.objects.all()
    vendor_lookup = ""
    serializer_class = serializers.VendorSerializer
    delete_with = staticmethod(services.vendor_delete)
    filterset_class = filters.VendorFilter
    search_fields = ["name", "notes"]
    ordering_fields = [
        "name",
        "tier",
        "status",
        "contract_end",
        "next_review_date",
        "latest_score",
        "health_score",
        "created_at",
    ]
    ordering = ["name"]

    def get_queryset(self):
        # Without the selector's owner join: the API shows the owner's id, which the vendor
        # row holds, and building a user per row cost more than the rest of the query.
        return selectors.vendors_with_figures(super().get_queryset()).select_related(None)

    def check_may_assign(self, vendor):
        if not access.can_assign_vendor(self.request.user, vendor):
            raise PermissionDenied(
                "Only the vendor's owner or an administrator may hand it over or delete it."
            )

    def perform_update(self, serializer):
        owner = serializer.validated_data.get("owner")
        if owner is not None and owner.pk != serializer.instance.owner_id:
            self.check_may_assign(serializer.instance)
        super().perform_update(serializer)

    def perform_destroy(self, instance):
        self.check_may_assign(instance)
        super().perform_destroy(instance)

    @extend_schema(
        summary="A vendor's change history",
        description="Every change to the vendor and to the records that belong to it (contacts, "
        "goals and their check-ins, reviews with their scores and action items, meetings and "
        "agenda proposals, SLA targets, incidents, security clauses), deleted records "
        "included, newest first: who made it, when, and each field's value before and after. "
        "For administrators, managers and auditors.",
        parameters=[
            OpenApiParameter(
                "kind",
                str,
                enum=list(change_history.KINDS),
                description="Only changes to this kind of record.",
            )
        ],
        responses=serializers.HistoryEntrySerializer(many=True),
    )
    @action(
        detail=True,
        methods=["get"],
        filter_backends=[],
        permission_classes=[RolePermission, HistoryPermission],
    )
    def history(self, request, pk=None):
        vendor = self.get_object()
        query = serializers.HistoryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = change_history.vendor_history(vendor, kind=query.validated_data.get("kind", ""))
        page = self.paginate_queryset(rows)
        data = serializers.HistoryEntrySerializer(change_history.entries(page), many=True).data
        return self.get_paginated_response(data)

    @extend_schema(
        summary="The managers assigned to a vendor",
        description="Managers who change the vendor's records besides its owner.",
        responses=serializers.VendorManagersSerializer,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def managers(self, request, pk=None):
        vendor = self.get_object()
        return Response(serializers.VendorManagersSerializer(vendor).data)

    @extend_schema(
        summary="Assign a vendor's managers",
        description="Replaces the managers assigned to the vendor (user ids of managers or "
        "administrators). Only the vendor's owner or an administrator may.",
        request=serializers.VendorManagersSerializer,
        responses=serializers.VendorManagersSerializer,
    )
    @managers.mapping.put
    def set_managers(self, request, pk=None):
        vendor = self.get_object()
        self.check_may_assign(vendor)
        serializer = serializers.VendorManagersSerializer(vendor, data=request.data)
        serializer.is_valid(raise_exception=True)
        services.vendor_managers_set(vendor, managers=serializer.validated_data["managers"])
        return Response(serializers.VendorManagersSerializer(vendor).data)

    @extend_schema(
        summary="A vendor's scorecard",
        description="The health figure and every part it is made of, derived from reviews, "
        "SLA incidents, goals and security clauses.",
        responses=serializers.ScorecardSerializer,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def scorecard(self, request, pk=None):
        scorecard = selectors.vendor_scorecard(self.get_object())
        return Response(serializers.ScorecardSerializer(scorecard).data)


@extend_schema_view(
    list=extend_schema(summary="List vendor contacts"),
    create=extend_schema(
        summary="Add a contact",
        description="Marking a contact primary unmarks the vendor's previous primary contact.",
    ),
)
class ContactViewSet(VendorScopedViewSet):
    """The vendors' representatives."""

    queryset = Contact.objects.all()
    serializer_class = serializers.ContactSerializer
    filterset_class = filters.ContactFilter
    search_fields = ["name", "email", "role"]
    ordering_fields = ["name", "is_primary", "vendor"]
    ordering = ["-is_primary", "name"]
