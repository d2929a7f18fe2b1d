"""What the two service credit reminders share: the statements with a credit still due whose
claim window has not ended, with the last day of that window."""

import datetime as dt

from django.db.models import DateField, F, Func, Max, Value
from django.db.models.functions import Coalesce

from governance.domain import credits
from governance.models import CreditPolicy, CreditStatement, Vendor
from governance.reminders import messages
from governance.reminders.due import DATE_MARGIN

# A statement whose policy was removed keeps the window a policy starts with.
DEFAULT_WINDOW = CreditPolicy._meta.get_field("claim_window_days").default


class FollowingMonth(Func):
    """The first day of the month after ``month`` (a first of month): the day it closes,
    ``credits.month_closes_on()`` in SQL."""

    arity = 1
    output_field = DateField()
    template = "((%(expressions)s) + interval '1 month')::date"

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="date(%(expressions)s, '+1 month')", **extra_context
        )


class DaysAfter(Func):
    """``date + days`` (an integer expression) as a date, in each database's own syntax."""

    arity = 2
    output_field = DateField()
    # PostgreSQL: date + integer is a date.
    template = "(%(expressions)s)"
    arg_joiner = " + "

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="date(%(expressions)s || ' days')",
            arg_joiner=", '+' || ",
            **extra_context,
        )


def claim_deadline():
    """A statement's last day to claim its credit (``credits.claim_deadline()``) in SQL: the
    day its month closes plus its vendor's claim window, less one."""
    window = Coalesce(F("vendor__credit_policy__claim_window_days"), Value(DEFAULT_WINDOW))
    return DaysAfter(FollowingMonth("month"), window - Value(1))


def claimable(sweep):
    """The statements still due whose month may have closed (in some time zone) and whose
    claim window may not have ended.

    Read by the ``credit_statement_status_idx`` index (status, month): only the months that
    the longest claim window of any policy can still reach, and have closed (a month closes
    on the first day of the next).
    """
    today = sweep.today
    longest = CreditPolicy.objects.aggregate(days=Max("claim_window_days"))["days"]
    longest = max(longest or 0, DEFAULT_WINDOW)
    earliest = CreditStatement.first_of_month(today - dt.timedelta(days=longest + 31))
    closed = CreditStatement.first_of_month(today + DATE_MARGIN)
    return CreditStatement.objects.filter(
        status=CreditStatement.Status.DUE, month__gte=earliest, month__lt=closed
    ).exclude(vendor__status=Vendor.Status.ENDED)


def open_claims(sweep, statements=None):
    """``(statement id, vendor id, owner id, month, claim deadline)`` of ``statements`` (by
    default every ``claimable()`` one) whose month has closed and whose claim window has not
    ended (in any time zone)."""
    today = sweep.today
    statements = claimable(sweep) if statements is None else statements
    rows = statements.order_by().values_list(
        "pk",
        "vendor_id",
        "vendor__owner_id",
        "month",
        "vendor__credit_policy__claim_window_days",
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
