"""Service credits: what a month's SLA results cost the vendor under its credit policy.

Pure arithmetic on ``Decimal``; the counts come from the database (``services.credits``).

- The monthly fee is the policy's own, or the vendor's annual value / 12; with neither it
  counts as 0 (the policy refuses to be saved so, see ``CreditPolicy.clean``).
- Bands: the lowest band the month's compliance falls below gives its ``credit_percent`` of
  the fee. "Falls below" compares the exact share met / (met + breached), not the rounded
  percent shown, so 98.96 % is below 99 though it shows as 99.0.
- Per breach: each breached resolution target adds the amount of its priority.
- Cap: the sum is at most ``cap_percent`` of the fee.
- Money is rounded once, at the end, to cents, half up (the fee derived from the annual
  value too); compliance is shown with two decimals, half up.
- A month with no incident that met or breached its target owes nothing.
"""

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

CENTS = Decimal("0.01")
HUNDRED = Decimal(100)


def to_cents(amount):
    """``amount`` rounded to cents, half up."""
    return Decimal(amount).quantize(CENTS, rounding=ROUND_HALF_UP)


def monthly_fee(policy_fee, annual_value):
    """The fee a month's credit is a share of: the policy's, else annual value / 12, else 0."""
    if policy_fee is not None:
        return to_cents(policy_fee)
    if annual_value is not None:
        return to_cents(Decimal(annual_value) / 12)
    return Decimal("0.00")


def compliance_percent(met, breached):
    """The share of targets met, in percent with two decimals (half up); None with none."""
    total = met + breached
    if not total:
        return None
    return to_cents(Decimal(met) * HUNDRED / total)


def band_percent(bands, met, breached):
    """The ``credit_percent`` of the lowest band the exact compliance falls below (0 when it
    falls below none, or with no targets)."""
    total = met + breached
    if not total:
        return Decimal(0)
    # met / total < below / 100, without dividing.
    below = [
        band
        for band in bands
        if Decimal(met) * HUNDRED < Decimal(str(band["below_percent"])) * total
    ]
    if not below:
        return Decimal(0)
    lowest = min(below, key=lambda band: Decimal(str(band["below_percent"])))
    return Decimal(str(lowest["credit_percent"]))


def per_breach_amount(per_breach, breaches_by_priority):
    """The sum of the amount of each breach's priority (a priority without one adds 0)."""
    return sum(
        (
            Decimal(str(per_breach.get(priority, 0))) * count
            for priority, count in breaches_by_priority.items()
        ),
        Decimal(0),
    )


def credit_due(*, fee, bands, per_breach, cap_percent, met, breached, breaches_by_priority):
    """The credit owed for a month, in cents: band share of the fee plus the per-breach
    amounts, at most ``cap_percent`` of the fee."""
    if not met + breached:
        return Decimal("0.00")
    total = fee * band_percent(bands, met, breached) / HUNDRED
    total += per_breach_amount(per_breach, breaches_by_priority)
    cap = fee * Decimal(cap_percent) / HUNDRED
    return to_cents(min(total, cap))


MONTH_MESSAGE = "Use a month as YYYY-MM, between 1900-01 and 2199-12."


def parse_month(text):
    """The first day of the month written ``YYYY-MM``; ``ValueError`` (``MONTH_MESSAGE``) for
    anything else or a month outside the stored window."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", text or "")
    if not match:
        raise ValueError(MONTH_MESSAGE)
    year, month = int(match[1]), int(match[2])
    if not (1900 <= year <= 2199 and 1 <= month <= 12):
        raise ValueError(MONTH_MESSAGE)
    return dt.date(year, month, 1)


# A period of SLA compliance: at most this many days (a decade), so one count stays cheap.
MAX_PERIOD_DAYS = 3660


def period_errors(start, end):
    """``{field: message}`` for a period from ``start`` to ``end`` (both included) that ends
    before it starts or is longer than ``MAX_PERIOD_DAYS``."""
    if end < start:
        return {"end": "The period cannot end before it starts."}
    if (end - start).days >= MAX_PERIOD_DAYS:
        return {"end": f"Use a period of at most {MAX_PERIOD_DAYS} days."}
    return {}


def month_closes_on(month):
    """The first day after the month of the date ``month``: when its statement can be final."""
    return (dt.date(month.year, month.month, 28) + dt.timedelta(days=4)).replace(day=1)


def claim_deadline(month, claim_window_days):
    """The last day on which the credit of ``month`` can be claimed: ``claim_window_days``
    after the month's last day."""
    return month_closes_on(month) + dt.timedelta(days=claim_window_days - 1)
