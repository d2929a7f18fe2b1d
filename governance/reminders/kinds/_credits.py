"""What the two service credit reminders share: the statements with a credit still due whose
claim window has not ended, with the last day of that window."""

import datetime as dt

from django.db.models import Max

from governance.domain import credits
from governance.models import CreditPolicy, CreditStatement, Vendor
from governance.reminders import messages
from governance.reminders.due import DATE_MARGIN

# A statement whose policy was removed keeps the window a policy starts with.
DEFAULT_WINDOW = CreditPolicy._meta.get_field("claim_window_days").default


def open_claims(sweep):
    """``(statement id, vendor id, owner id, month, claim deadline)`` of the statements still
    due whose month has closed and whose claim window has not ended (in any time zone).

    Read by the ``credit_statement_status_idx`` index (status, month): only the months that
    the longest claim window of any policy can still reach.
    """
    today = sweep.today
    longest = CreditPolicy.objects.aggregate(days=Max("claim_window_days"))["days"]
    longest = max(longest or 0, DEFAULT_WINDOW)
    earliest = CreditStatement.first_of_month(today - dt.timedelta(days=longest + 31))
    rows = (
        CreditStatement.objects.filter(status=CreditStatement.Status.DUE, month__gte=earliest)
        .exclude(vendor__status=Vendor.Status.ENDED)
        .order_by()
        .values_list(
            "pk",
            "vendor_id",
            "vendor__owner_id",
            "month",
            "vendor__credit_policy__claim_window_days",
        )
    )
    for pk, vendor_id, owner_id, month, window in rows:
        if credits.month_closes_on(month) > today + DATE_MARGIN:
            continue
        deadline = credits.claim_deadline(month, DEFAULT_WINDOW if window is None else window)
        if deadline >= today - DATE_MARGIN:
            yield pk, vendor_id, owner_id, month, deadline


def claim_deadline_of(statement):
    policy = CreditPolicy.objects.filter(vendor_id=statement.vendor_id).first()
    window = policy.claim_window_days if policy else DEFAULT_WINDOW
    return credits.claim_deadline(statement.month, window)


def message(reminder, statement):
    return messages.email(
        reminder,
        {
            "statement": statement,
            "vendor": statement.vendor,
            "claim_by": claim_deadline_of(statement),
            "days": reminder.lead_time.days,
        },
        url=messages.url_of(statement),
    )
