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
