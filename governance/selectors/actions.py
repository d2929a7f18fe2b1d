"""The action-item register across vendors: scoped to a person, overdue first."""

from django.db.models import BooleanField, Case, F, Q, Value, When
from django.utils import timezone

from governance.domain import access
from governance.domain.models.actions import overdue_condition
from governance.models import ActionItem, Vendor

# Whose items: the person's own, those of the vendors they own or are assigned to, or all
# they may see.
SCOPES = {"mine": "Mine", "my_vendors": "My vendors'", "all": "All"}


def action_item_register(user, *, scope="all", today=None):
    """The action items ``user`` may see in ``scope`` (``SCOPES``), each annotated
    ``overdue``, overdue first, then by due date (none last)."""
    today = today or timezone.localdate()
    items = ActionItem.objects.filter(vendor__in=access.vendors_for(user).values("pk"))
    if scope == "mine":
        items = items.filter(owner=user)
    elif scope == "my_vendors":
        mine = Vendor.objects.filter(Q(owner=user) | Q(managers=user)).values("pk")
        items = items.filter(vendor__in=mine)
    return (
        items.annotate(
            overdue=Case(
                When(overdue_condition(today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .select_related("vendor", "owner", "vendor_contact")
        .order_by("-overdue", F("due_date").asc(nulls_last=True), "pk")
    )
