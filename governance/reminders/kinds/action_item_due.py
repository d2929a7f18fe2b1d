"""Action item due: 3 days before and on its due date while it is open, to its owner (or the
relationship owner when the item is the vendor's side to do)."""

from django.db.models import Case, F, Q, When

from governance.domain.access import INTERNAL_ROLES
from governance.models import ActionItem, Reminder, Vendor
from governance.reminders import messages, registry
from governance.reminders.due import dated_objects, midnight

KIND = Reminder.Kind.ACTION_ITEM_DUE


def due(sweep):
    # action_item_status_due_idx
    ours = Q(owner__is_active=True) & (
        Q(owner__profile__role__in=INTERNAL_ROLES) | Q(owner__is_superuser=True)
    )
    items = (
        ActionItem.objects.filter(status__in=ActionItem.OPEN_STATUSES)
        .exclude(vendor__status=Vendor.Status.ENDED)
        .annotate(reminded=Case(When(ours, then=F("owner_id")), default=F("vendor__owner_id")))
    )
    return dated_objects(sweep, KIND, items, "due_date", recipients=("reminded",))


def still_due(reminder, item):
    if item.status not in ActionItem.OPEN_STATUSES:
        return f"the item is {item.get_status_display().lower()}"
    if item.due_date is None or midnight(item.due_date) != reminder.occurrence:
        return "the due date changed"
    return ""


def message(reminder, item):
    return messages.email(
        reminder,
        {"item": item, "vendor": item.vendor, "days": reminder.lead_time.days},
        url=messages.url_of(item),
    )


registry.register(
    registry.Kind(
        code=KIND,
        model=ActionItem,
        template="action-item-due",
        due=due,
        still_due=still_due,
        message=message,
        default_lead_times=(3, 0),
        related=("vendor", "vendor__owner", "owner", "vendor_contact"),
    )
)
