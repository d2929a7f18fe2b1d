"""Action item overdue: once its due date has passed by ``GOVERNANCE_ESCALATION_MARGIN_DAYS``
with the item still open, escalated once to the next level: our side of the vendor's service
escalation path at the management level, or the relationship owner where it has none; and,
where the vendor allows it, the vendor's side of that level (its contacts, by email).
Waits while anybody snoozed the item."""

import datetime as dt

from django.conf import settings

from governance.models import ActionItem, EscalationContact, Reminder, Vendor
from governance.reminders import messages, registry
from governance.reminders.due import Due, midnight, not_in_outbox
from governance.reminders.kinds import action_item_due
from governance.selectors.escalation import escalation_contact_ids, escalation_user_ids

KIND = Reminder.Kind.ACTION_ITEM_OVERDUE
NO_LEAD = dt.timedelta(0)
ESCALATION_LEVEL = EscalationContact.Level.MANAGEMENT
# Items overdue longer than this when first seen (a new deployment, beat down for weeks) are
# not escalated: the register shows them.
LOOKBACK = dt.timedelta(days=30)


def due(sweep):
    return not_in_outbox(KIND, ActionItem, _due(sweep))


def _due(sweep):
    last_due = sweep.today - dt.timedelta(days=settings.GOVERNANCE_ESCALATION_MARGIN_DAYS + 1)
    rows = list(
        # action_item_status_due_idx
        ActionItem.objects.filter(
            status__in=ActionItem.OPEN_STATUSES,
            due_date__lte=last_due,
            due_date__gte=last_due - LOOKBACK,
        )
        .exclude(vendor__status=Vendor.Status.ENDED)
        .order_by("pk")
        .values_list("pk", "vendor_id", "vendor__owner_id", "due_date")
    )
    if not rows:
        return
    vendor_ids = {row[1] for row in rows}
    topic = EscalationContact.Topic.SERVICE
    paths = escalation_user_ids(vendor_ids, topic=topic, level=ESCALATION_LEVEL)
    contacts = escalation_contact_ids(vendor_ids, topic=topic, level=ESCALATION_LEVEL)
    sweep.recipients.load(
        [*(row[2] for row in rows), *(pk for ids in paths.values() for pk in ids)]
    )
    for pk, vendor_id, owner_id, due_date in rows:
        people = paths.get(vendor_id) or [owner_id]
        for recipient in sweep.recipients.each(people, KIND):
            yield Due(
                KIND, ActionItem, pk, vendor_id, midnight(due_date), NO_LEAD, recipient.user_id
            )
        for contact_id in contacts.get(vendor_id, ()):
            yield Due(
                KIND, ActionItem, pk, vendor_id, midnight(due_date), NO_LEAD, None, contact_id
            )


def message(reminder, item):
    return messages.email(
        reminder,
        {"item": item, "vendor": item.vendor},
        url=messages.url_of(item),
    )


registry.register(
    registry.Kind(
        code=KIND,
        model=ActionItem,
        template="action-item-overdue",
        due=due,
        # Open still, and due on the day it was escalated for: as its due reminder.
        still_due=action_item_due.still_due,
        message=message,
        related=("vendor", "vendor__owner", "owner", "vendor_contact"),
        can_mute=False,
        escalates=True,
    )
)
