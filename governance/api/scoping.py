"""What a request may see and refer to: the one place the API's visibility rule lives.

Every queryset and every vendor-owned foreign key in the API goes through
``selectors.vendors_for(user)`` (the rules: ``governance.access``): objects of vendors the
user may not see are 404s and their ids invalid choices. Which of the visible ones the user
may change is checked by ``permissions.RolePermission`` and the views.
"""

from django.db.models import Q
from rest_framework import serializers

from governance import selectors
from governance.models import Contact


def visible_vendors(request):
    return selectors.vendors_for(request.user)


class VendorScopedQuerysetMixin:
    """A viewset mixin: ``queryset`` narrowed to objects whose vendor the user may see.

    ``vendor_lookup`` is the path from the model to its vendor (``""`` for vendors themselves).
    """

    vendor_lookup = "vendor"

    def get_queryset(self):
        queryset = super().get_queryset()
        vendors = visible_vendors(self.request)
        if not self.vendor_lookup:
            return queryset.filter(pk__in=vendors.values("pk"))
        return queryset.filter(**{f"{self.vendor_lookup}__in": vendors.values("pk")})


def reminder_visibility(request):
    """Reminders about visible vendors, plus the user's own vendor-less ones (digests)."""
    return Q(vendor__in=visible_vendors(request).values("pk")) | Q(
        vendor__isnull=True, recipient=request.user
    )


class VisibleVendorField(serializers.PrimaryKeyRelatedField):
    """A vendor by id, among the vendors the requesting user may see."""

    def get_queryset(self):
        return visible_vendors(self.context["request"])


class VisibleContactField(serializers.PrimaryKeyRelatedField):
    """A vendor contact by id, among the contacts of the vendors the user may see."""

    def get_queryset(self):
        vendors = visible_vendors(self.context["request"])
        return Contact.objects.filter(vendor__in=vendors.values("pk"))
