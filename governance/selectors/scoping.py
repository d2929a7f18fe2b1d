"""What a user may see, and counting rows without reading them."""

from django.db.models import (
    Count,
    IntegerField,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce


def vendors_for(user):
    """The vendors ``user`` may see internally (rules: ``governance.domain.access``)."""
    from governance.domain import access

    return access.vendors_for(user)


def count_subquery(queryset):
    """A correlated ``COUNT(*)`` of ``queryset`` (already filtered on ``OuterRef``)."""
    return Coalesce(
        Subquery(
            queryset.order_by()
            .annotate(_group=Value(1))
            .values("_group")
            .annotate(_n=Count("*"))
            .values("_n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def counted_rows(model, *, plus=None):
    """How many rows of ``model`` (one of ``figures.COUNTED``) belong to a vendor, from the
    stored row count, not a COUNT(*) over them; plus the rows of the queryset ``plus`` (rows
    of no vendor), counted in the same query."""
    from governance.models import RowCount

    total = Coalesce(Sum("delta"), 0)
    if plus is not None:
        total = total + count_subquery(plus)
    return RowCount.objects.filter(table_name=model._meta.db_table).aggregate(total=total)["total"]
