"""What every resource's viewset shares: role checks, history naming the user, refetching,
deleting through a service."""

from django.core.exceptions import ValidationError
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied
from simple_history.models import HistoricalRecords

from governance import services
from governance.domain import access

from .. import filters
from ..exceptions import Conflict
from ..permissions import RolePermission
from ..scoping import VendorScopedQuerysetMixin


class GovernanceAPIMixin:
    """Every resource: role checks (``governance.domain.access``), history naming the user.

    simple-history takes the user from the request its middleware saw, when a token
    request was still anonymous (DRF authenticates later, in ``initial``): the authenticated
    user is put on that request here, so every change made through the API is theirs.
    """

    permission_classes = [RolePermission]
    filter_backends = filters.BACKENDS

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        http_request = request._request
        http_request.user = request.user
        self._history_context_owned = not hasattr(HistoricalRecords.context, "request")
        HistoricalRecords.context.request = http_request

    def finalize_response(self, request, response, *args, **kwargs):
        if getattr(self, "_history_context_owned", False):
            # Set here, not by the middleware: never leave it behind for the next request.
            del HistoricalRecords.context.request
            self._history_context_owned = False
        return super().finalize_response(request, response, *args, **kwargs)

    def check_vendor_editable(self, vendor):
        """403 unless the user may change ``vendor``'s records (a write's target vendor)."""
        if not access.can_edit_vendor(self.request.user, vendor):
            raise PermissionDenied("You may read this vendor's records but not change them.")


class VendorScopedViewSet(GovernanceAPIMixin, VendorScopedQuerysetMixin, viewsets.ModelViewSet):
    """CRUD on objects of visible vendors; the response shows the object as the list would.

    ``delete_with``: the service that deletes one (a record with no rule of its own beyond
    its foreign keys by default).
    """

    delete_with = staticmethod(services.record_delete)

    def perform_create(self, serializer):
        vendor = serializer.validated_data.get("vendor")
        if vendor is not None:
            self.check_vendor_editable(vendor)
        serializer.save()
        serializer.instance = self.refetch(serializer.instance)

    def perform_update(self, serializer):
        serializer.save()
        serializer.instance = self.refetch(serializer.instance)

    def perform_destroy(self, instance):
        try:
            self.delete_with(instance)
        except ValidationError as error:
            # Refused for what still depends on it: a conflict with the current state.
            raise Conflict(" ".join(error.messages)) from error

    def refetch(self, instance):
        """The saved object re-read with the list's annotations and fresh prefetches."""
        return self.get_queryset().get(pk=instance.pk)
