"""Contract notice deadline (the contract's end minus its notice period): 90, 30 and 7 days
before, to the relationship owner."""

from governance.domain import scheduling
from governance.models import Reminder, Vendor
from governance.reminders import messages, registry
from governance.reminders.due import (
    DATE_MARGIN,
    DaysBefore,
    dated_objects,
    midnight,
)

KIND = Reminder.Kind.CONTRACT_NOTICE


def due(sweep):
    # vendor_contract_end_idx narrows to contracts not yet ended; the deadline is computed.
    vendors = (
        Vendor.objects.exclude(status=Vendor.Status.ENDED)
        .filter(contract_end__gte=sweep.today - DATE_MARGIN)
        .annotate(deadline=DaysBefore("contract_end", "renewal_notice_days"))
    )
    return dated_objects(sweep, KIND, vendors, "deadline", recipients=("owner_id",), vendor="pk")


def still_due(reminder, vendor):
    if vendor.contract_end is None:
        return "the contract has no end date"
    deadline = scheduling.notice_deadline(vendor.contract_end, vendor.renewal_notice_days)
    if midnight(deadline) != reminder.occurrence:
        return "the notice deadline changed"
    return ""


def message(reminder, vendor):
    return messages.email(
        reminder,
        {"vendor": vendor, "deadline": reminder.occurrence.date(), "days": reminder.lead_time.days},
        url=messages.url_of(vendor),
    )


registry.register(
    registry.Kind(
        code=KIND,
        model=Vendor,
        template="contract-notice",
        due=due,
        still_due=still_due,
        message=message,
        default_lead_times=(90, 30, 7),
        related=("owner",),
    )
)
