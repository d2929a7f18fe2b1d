"""What a vendor owes under its contract, read for its pages: the notification clocks still
ticking on its security incidents, and its service credits (recent statements and totals)."""

import dataclasses
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from governance.domain.credits import to_cents
from governance.domain.notification import awaiting_notification, is_unanswered
from governance.models import CreditStatement, Incident
from governance.selectors.credits import credit_policy_of
from governance.selectors.notification import notification_clocks

# Security incidents still missing a notification looked at for the clocks card: a vendor
# with more than this many has a problem the incident list shows better than a card.
CLOCK_CANDIDATES = 200
CLOCKS_SHOWN = 20
RECENT_STATEMENTS = 6


@dataclasses.dataclass(frozen=True)
class TickingClocks:
    """A security incident with at least one notification clock running or overdue, and
    both its clocks (``notification.Clock``, None where one does not run)."""

    incident: Incident
    vendor: object
    authority: object

    @property
    def due_at(self):
        """The earliest deadline of its ticking clocks (the card is sorted by it)."""
        return min(clock.due_at for clock in (self.vendor, self.authority) if is_unanswered(clock))


def ticking_clocks(vendor, *, now=None):
    """``vendor``'s security incidents with a notification clock running or overdue, the
    earliest ticking deadline first, at most ``CLOCKS_SHOWN``.

    Three queries (the incidents still missing a notification, then ``notification_clocks``'s
    two), one when there is none.
    """
    now = now or timezone.now()
    candidates = list(
        Incident.objects.filter(awaiting_notification(), vendor=vendor).order_by(
            "-detected_at", "-id"
        )[:CLOCK_CANDIDATES]
    )
    clocks = notification_clocks(candidates, now=now)
    rows = [
        TickingClocks(incident, clocks[incident.pk].vendor, clocks[incident.pk].authority)
        for incident in candidates
        if is_unanswered(clocks[incident.pk].vendor) or is_unanswered(clocks[incident.pk].authority)
    ]
    rows.sort(key=lambda row: (row.due_at, row.incident.pk))
    return rows[:CLOCKS_SHOWN]


@dataclasses.dataclass(frozen=True)
class CreditTotals:
    """Sums of a vendor's statements in one currency, by status (see ``credit_totals``)."""

    currency: str
    statements: int = 0
    earned: Decimal = Decimal("0.00")
    due: Decimal = Decimal("0.00")
    claimed: Decimal = Decimal("0.00")
    received: Decimal = Decimal("0.00")
    waived: Decimal = Decimal("0.00")

    @property
    def outstanding(self):
        """Owed and not yet received: due or claimed."""
        return self.due + self.claimed


def credit_totals(vendor, *, first_month, last_month):
    """``[CreditTotals]`` (one per currency, by its code) of ``vendor``'s statements for the
    months from ``first_month`` to ``last_month`` (both included): ``earned`` is every credit
    due, then the credits by the status they are in. Summed in the database; one query."""
    return totals_of(
        CreditStatement.objects.filter(
            vendor=vendor, month__gte=first_month.replace(day=1), month__lte=last_month
        )
    )


def totals_of(statements):
    """``[CreditTotals]`` (one per currency, by its code) of the queryset ``statements``,
    summed in the database by currency and status; one query."""
    rows = (
        statements.values("currency", "status")
        .annotate(total=Sum("credit_due"), count=Count("id"))
        .order_by("currency", "status")
    )
    return totals_from_sums(rows)


def totals_from_sums(rows):
    """``[CreditTotals]`` (one per currency, by its code) from sums by currency and status:
    rows of ``currency``, ``status``, ``total`` and ``count``; those counting no statement
    are left out."""
    by_currency = defaultdict(dict)
    for row in rows:
        if row["count"]:
            by_currency[row["currency"]][row["status"]] = (row["total"], row["count"])
    totals = []
    for currency, statuses in by_currency.items():
        # Cents again: SQLite's SUM gives 40 for one 40.00.
        sums = {status: to_cents(total or 0) for status, (total, _) in statuses.items()}
        totals.append(
            CreditTotals(
                currency=currency,
                statements=sum(count for _, count in statuses.values()),
                earned=sum(sums.values(), Decimal("0.00")),
                **{
                    status: sums.get(status, Decimal("0.00"))
                    for status in ("due", "claimed", "received", "waived")
                },
            )
        )
    return totals


@dataclasses.dataclass(frozen=True)
class CreditCard:
    """The workspace's service credits card."""

    policy: object  # CreditPolicy or None
    recent: list
    year: int
    year_totals: list


def credit_card(vendor, *, now=None):
    """``vendor``'s credit policy, its last ``RECENT_STATEMENTS`` statements (newest first)
    and this year's totals (the current time zone's year). Three queries."""
    today = timezone.localdate(now or timezone.now())
    return CreditCard(
        policy=credit_policy_of(vendor),
        recent=list(
            CreditStatement.objects.filter(vendor=vendor).order_by("-month")[:RECENT_STATEMENTS]
        ),
        year=today.year,
        year_totals=credit_totals(
            vendor, first_month=dt.date(today.year, 1, 1), last_month=dt.date(today.year, 12, 1)
        ),
    )


@dataclasses.dataclass(frozen=True)
class PeriodCredits:
    """The statements of the months a period touches, and their totals."""

    first_month: dt.date
    last_month: dt.date
    statements: list
    totals: list


def credits_in_period(vendor, *, start, end):
    """``vendor``'s statements (oldest month first) and totals for every calendar month that
    the period ``[start, end)`` (aware moments) touches, months as in the current time zone.
    Two queries."""
    first = timezone.localtime(start).date().replace(day=1)
    last = timezone.localtime(end - dt.timedelta(microseconds=1)).date().replace(day=1)
    return PeriodCredits(
        first_month=first,
        last_month=last,
        statements=list(
            CreditStatement.objects.filter(
                vendor=vendor, month__gte=first, month__lte=last
            ).order_by("month")
        ),
        totals=credit_totals(vendor, first_month=first, last_month=last),
    )
