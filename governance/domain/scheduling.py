"""Pure date arithmetic: review cadences, notice deadlines, lead times. No database access.

Meeting recurrence has its own module, ``governance.domain.recurrence``."""

import calendar
import datetime as dt
import logging
import re

from dateutil.relativedelta import relativedelta

from governance.domain import bounds
from governance.domain.tiers import TIERS

log = logging.getLogger(__name__)

CADENCE_MONTHS = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}


def notice_deadline(contract_end, notice_days):
    """The last day to give notice before a contract ends; None for an open-ended contract."""
    if contract_end is None:
        return None
    return contract_end - dt.timedelta(days=notice_days)


# --- lead times ---------------------------------------------------------------------------

_LEAD_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_LEAD_PATTERN = re.compile(r"(\d+(?:\.\d+)?)\s*([mhdw]?)")
# As long as the longest contract notice period. Far longer ones are typing mistakes:
# looking that far ahead overflowed the sweep's date arithmetic and stopped every reminder.
MAX_LEAD_TIME = dt.timedelta(days=bounds.MAX_NOTICE_DAYS)
# How far ahead a person may ask to be reminded (their profile's lead times).
MAX_PERSONAL_LEAD_TIME = dt.timedelta(days=366)


def parse_lead_time(value):
    """``value`` as a timedelta: a number of days (``14``), or ``"90m"``, ``"24h"``, ``"2d"``,
    ``"1w"``. Raises ValueError for anything else, including negative times and times longer
    than ``MAX_LEAD_TIME``."""
    try:
        if isinstance(value, dt.timedelta):
            lead = value
        elif isinstance(value, int | float) and not isinstance(value, bool):
            lead = dt.timedelta(days=value)
        elif isinstance(value, str) and (match := _LEAD_PATTERN.fullmatch(value.strip().lower())):
            lead = dt.timedelta(**{_LEAD_UNITS[match[2] or "d"]: float(match[1])})
        else:
            raise ValueError(f"{value!r} is not a lead time (use days, or 90m, 24h, 2d, 1w)")
    except OverflowError as error:
        raise ValueError(f"{value!r} is too long") from error
    if lead < dt.timedelta(0):
        raise ValueError(f"{value!r} is negative")
    if lead > MAX_LEAD_TIME:
        raise ValueError(f"{value!r} is longer than {MAX_LEAD_TIME.days} days")
    return lead


def parse_lead_times(values):
    """A list of lead times as a sorted tuple of distinct timedeltas; ValueError if invalid."""
    if not isinstance(values, list | tuple):
        raise ValueError("give a list of lead times")
    return tuple(sorted({parse_lead_time(value) for value in values}))


def personal_lead_times(values):
    """``parse_lead_times`` for a person's own lead times, each within a year."""
    parsed = parse_lead_times(values)
    if any(lead > MAX_PERSONAL_LEAD_TIME for lead in parsed):
        raise ValueError("keep each lead time within a year")
    return parsed


def default_cadence_for_tier(tier):
    """The review cadence a vendor of ``tier`` gets unless it has its own."""
    rules = TIERS.get(tier)
    return rules.review_cadence if rules else "quarterly"


def add_cadence(day, cadence, times=1):
    """``day`` moved ``times`` cadences forward.

    A month-end date stays at month end (31 Jan -> 28/29 Feb -> 31 Mar for a monthly cadence),
    so a review calendar anchored at month end does not drift to the 28th.
    """
    months = CADENCE_MONTHS[cadence] * times
    moved = day + relativedelta(months=months)
    if _is_month_end(day):
        moved = moved.replace(day=calendar.monthrange(moved.year, moved.month)[1])
    return moved


def _is_month_end(day):
    return day.day == calendar.monthrange(day.year, day.month)[1]


def next_review_date(scheduled_for, cadence, today):
    """When the review after one scheduled for ``scheduled_for`` is due.

    One cadence after the scheduled date, not after the day it was actually held, so a late
    review does not shift the calendar; a date already past becomes ``today``.
    """
    return max(add_cadence(scheduled_for, cadence), today)


def next_period(period_end, cadence):
    """The (start, end) period that follows one ending on ``period_end``."""
    start = period_end + dt.timedelta(days=1)
    return start, add_cadence(start, cadence) - dt.timedelta(days=1)
