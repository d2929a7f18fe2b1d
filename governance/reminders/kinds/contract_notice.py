"""Contract notice deadline (the contract's end minus its notice period): 90, 30 and 7 days
before, to the relationship owner."""

from governance.domain import scheduling
from governance.models import Reminder, Vendor
from governance.reminders import messages, registry
from governance.reminders.due import (
    DATE_MARGIN,
    DaysBefore,
    Midnight,
    date_lead_bound,
    date_window,
    dated,
    midnight,
    not_yet_reminded,
)

KIND = Reminder.Kind.CONTRACT_NOTICE


def due(sweep):
    first, last = date_window(sweep, KIND)
    # vendor_contract_end_idx narrows to contracts not yet ended; the deadline is computed.
    vendors = (
        Vendor.objects.exclude(status=Vendor.Status.ENDED)
        .filter(contract_end__gte=sweep.today - DATE_MARGIN)
        .annotate(deadline=DaysBefore("contract_end", "renewal_notice_days"))
        .filter(deadline__gte=first, deadline__lte=last)
    )
    vendors = not_yet_reminded(
        vendors,
        KIND,
        occurrence=Midnight("deadline"),
        recipients=("owner_id",),
        lead_bound=date_lead_bound("deadline", sweep, KIND),
    )
    rows = vendors.order_by().values_list("pk", "deadline", "owner_id")
    return dated(
        KIND, Vendor, ((pk, pk, deadline, (owner,)) for pk, deadline, owner in rows), sweep
    )


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
