"""The action-item register: every vendor's follow-ups, open ones first, overdue first."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.exceptions import ValidationError

from governance.models import ActionItem
from governance.selectors.actions import SCOPES, action_item_register

from .. import filters, serializers
from .base import VendorScopedViewSet

SCOPE = OpenApiParameter(
    "scope",
    OpenApiTypes.STR,
    enum=list(SCOPES),
    description="`mine` (you own them), `my_vendors` (of vendors you own or are assigned "
    "to) or `all` (the default).",
)


@extend_schema_view(
    list=extend_schema(
        summary="List action items",
        description="Open and in-progress items first, by due date, so the overdue ones "
        "come first (undated last); then done and cancelled ones by due date. Filter by "
        "`vendor`, `status`, `owner`, `source`, `overdue`, `due_date__gte/lte`, `scope`.",
        parameters=[SCOPE],
    ),
    create=extend_schema(
        summary="Add an action item",
        description="`source` `review`, `meeting` or `incident` needs `source_id`, a record "
        "of the same vendor; `other` (the default) names none.",
    ),
)
class ActionItemViewSet(VendorScopedViewSet):
    """Follow-ups of every vendor, from reviews, meetings, incidents or elsewhere."""

    queryset = ActionItem.objects.select_related("vendor", "owner", "vendor_contact")
    serializer_class = serializers.ActionItemRecordSerializer
    filterset_class = filters.ActionItemFilter
    search_fields = ["description"]
    ordering_fields = ["due_date", "status", "vendor", "created_at"]
    # The register's own order (open first by due date, so overdue first; undated last; then
    # done and cancelled ones; then the key), read from an index.
    keeps_own_order = True

    def get_queryset(self):
        if self.action != "list":
            return super().get_queryset()
        scope = self.request.query_params.get("scope", "all")
        if scope not in SCOPES:
            raise ValidationError({"scope": [f"Use one of {', '.join(SCOPES)}."]})
        # The serializer shows the vendor, owner and contact by id: the rows the register
        # page joins for their names are not read (a third of the list's time).
        return action_item_register(self.request.user, scope=scope).select_related(None)
