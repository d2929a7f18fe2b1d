"""The action-item register: follow-ups of reviews, meetings, incidents, or of nothing else."""

from django.core.exceptions import ValidationError

from governance.domain import access
from governance.models import ActionItem, ActivityKind
from governance.services.inbox import activity_record
from governance.services.saving import use_case, validated_save

ACTION_ITEM_FIELDS = (
    "vendor",
    "source",
    "review",
    "meeting",
    "incident",
    "occurrence",
    "description",
    "owner",
    "vendor_contact",
    "due_date",
    "status",
)


def check_action_item_owner(item):
    """An item is owned by one of our users or a representative of its vendor."""
    owners = access.action_item_owner_candidates(item.vendor_id)
    if item.owner_id is not None and not owners.filter(pk=item.owner_id).exists():
        raise ValidationError(
            {"owner": "Choose an internal user or a representative of this item's vendor."}
        )


@use_case
def action_item_save(item):
    """Save an action item. An item that names one record (a review, a meeting, an incident)
    with no source given comes from it, and belongs to its vendor when none is given."""
    item.fill_from_source()
    check_action_item_owner(item)
    return validated_save(item)


@use_case
def action_item_status_set(item, *, status, by=None):
    """Move an action item along (open, in progress, done, cancelled); each move is in its
    history, and a representative's (``by``) in the inbox."""
    if status not in ActionItem.Status.values:
        raise ValidationError({"status": f"Unknown status {status!r}."})
    item.status = status
    validated_save(item)
    activity_record(
        ActivityKind.ACTION_ITEM_UPDATED,
        by=by,
        vendor_id=item.vendor_id,
        comment=f"Now {item.get_status_display().lower()}.",
        action_item=item,
    )
    return item
