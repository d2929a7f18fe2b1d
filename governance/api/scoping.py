"""What a request may see and refer to: the one place the API's visibility rule lives.

Every queryset and every vendor-owned foreign key in the API goes through
``selectors.vendors_for(user)`` (the rules: ``governance.domain.access``): objects of vendors the
user may not see are 404s and their ids invalid choices. Which of the visible ones the user
may change is checked by ``permissions.RolePermission`` and the views.
"""

from django.db.models import Q
from rest_framework import serializers

from governance import selectors
from governance.models import Contact, Meeting


def visible_vendors(request):
    return selectors.vendors_for(request.user)


def is_every_vendor(vendors):
    """True when the queryset ``vendors`` is the whole vendor table, with no condition at all.

    Narrowing to it then changes nothing for a record that reaches its vendor through
    non-null foreign keys, and only costs: ``vendor_id IN (SELECT id FROM governance_vendor)``
    joins every row of a list to the vendor table before the page can be taken from an index.
    """
    return not vendors.query.has_filters() and not vendors.query.is_sliced


def scoped_to(queryset, vendor_lookup, vendors):
    """``queryset`` narrowed to records whose vendor (``vendor_lookup``: the path from the
    model to its vendor, ``""`` for vendors themselves, every step a non-null foreign key) is
    among ``vendors``."""
    if is_every_vendor(vendors):
        return queryset
    return queryset.filter(**{f"{vendor_lookup or 'pk'}__in": vendors.values("pk")})


class VendorScopedQuerysetMixin:
    """A viewset mixin: ``queryset`` narrowed to objects whose vendor the user may see.

    ``vendor_lookup`` is the path from the model to its vendor (``""`` for vendors themselves).
    """

    vendor_lookup = "vendor"

    def get_queryset(self):
        return scoped_to(super().get_queryset(), self.vendor_lookup, visible_vendors(self.request))


def reminder_visibility(request):
    """Reminders about visible vendors, plus the user's own vendor-less ones (digests)."""
    vendors = visible_vendors(request)
    own_digests = Q(vendor__isnull=True, recipient=request.user)
    if is_every_vendor(vendors):
        return Q(vendor__isnull=False) | own_digests
    return Q(vendor__in=vendors.values("pk")) | own_digests


class VisibleVendorField(serializers.PrimaryKeyRelatedField):
    """A vendor by id, among the vendors the requesting user may see."""

    def get_queryset(self):
        return visible_vendors(self.context["request"])


class VisibleContactField(serializers.PrimaryKeyRelatedField):
    """A vendor contact by id, among the contacts of the vendors the user may see."""

    def get_queryset(self):
        return scoped_to(Contact.objects.all(), "vendor", visible_vendors(self.context["request"]))


class VisibleMeetingField(serializers.PrimaryKeyRelatedField):
    """A meeting by id, among the meetings of the vendors the user may see."""

    def get_queryset(self):
        return scoped_to(Meeting.objects.all(), "vendor", visible_vendors(self.context["request"]))
