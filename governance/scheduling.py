"""Pure date arithmetic: review cadences, meeting recurrence, lead times. No database access."""

import calendar
import datetime as dt
import functools
import re
import zoneinfo
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr

CADENCE_MONTHS = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}

# Critical relationships are reviewed more often than low-risk ones.
TIER_DEFAULT_CADENCE = {
    "critical": "monthly",
    "high": "quarterly",
    "medium": "semiannual",
    "low": "annual",
}

# Occurrence expansion stops here whatever the rule says, so an unbounded rule cannot loop.
MAX_OCCURRENCES = 1000
# Meetings repeat at most daily, at the time of day of their start: finer rules would make
# every expansion walk millions of instants from the first meeting.
MEETING_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
TIME_OF_DAY_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")
# A rule with no occurrence this soon after the first meeting is a mistake (30 February...).
RULE_HORIZON = dt.timedelta(days=10 * 366)


def notice_deadline(contract_end, notice_days):
    """The last day to give notice before a contract ends; None for an open-ended contract."""
    if contract_end is None:
        return None
    return contract_end - dt.timedelta(days=notice_days)


def default_cadence_for_tier(tier):
    """The review cadence a vendor of ``tier`` gets unless it has its own."""
    return TIER_DEFAULT_CADENCE.get(tier, "quarterly")


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


@functools.lru_cache(maxsize=1024)
def parse_rrule(text):
    """Parse an RFC 5545 RRULE, with or without the ``RRULE:`` prefix; ValueError if invalid.

    DTSTART inside the text is refused: a meeting's start is its own field.
    """
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    if not body or "\n" in body or "DTSTART" in body.upper():
        raise ValueError("give a single RRULE line such as FREQ=WEEKLY;BYDAY=MO")
    parts = _rule_parts(body)
    if parts.get("FREQ") not in MEETING_FREQUENCIES:
        raise ValueError("meetings repeat daily, weekly, monthly or yearly at most")
    if any(part in parts for part in TIME_OF_DAY_PARTS):
        raise ValueError("the time of day comes from the start; remove BYHOUR/BYMINUTE/BYSECOND")
    # An UNTIL in UTC (…Z) needs an aware start to parse; meeting_occurrences() converts it.
    utc_until = re.search(r"UNTIL=\d{8}T\d{6}Z", body.upper()) is not None
    dtstart = dt.datetime(2000, 1, 1, tzinfo=dt.UTC if utc_until else None)
    try:
        rule = rrulestr(body, dtstart=dtstart)
    except (ValueError, TypeError, KeyError, IndexError) as error:
        raise ValueError(str(error) or "unparsable rule") from error
    return rule


def _rule_parts(body):
    parts = {}
    for item in body.split(";"):
        name, _, value = item.partition("=")
        parts[name.strip().upper()] = value.strip().upper()
    return parts


def check_meeting_rule(recurrence, *, starts_at, time_zone):
    """Raise ValueError unless ``recurrence`` yields a meeting within the horizon of its start."""
    if not recurrence:
        return
    rule = parse_rrule(recurrence)
    zone = _zone(time_zone)
    first = starts_at.astimezone(zone).replace(tzinfo=None)
    until = _local_until(rule, zone)
    if rule._count == 0:  # dateutil exposes no public accessor
        raise ValueError("this rule never produces a meeting")
    # Bounded probe: dateutil walks a never-matching rule forever without an UNTIL.
    horizon = first + RULE_HORIZON
    probe = rule.replace(dtstart=first, count=None, until=min(until or horizon, horizon))
    if next(iter(probe), None) is None:
        raise ValueError("this rule never produces a meeting after the start")


def _local_until(rule, zone):
    until = rule._until  # dateutil exposes no public accessor
    if until is not None and until.tzinfo is not None:
        # UNTIL given in UTC (…Z): compare it on the same wall clock as the occurrences.
        until = until.astimezone(zone).replace(tzinfo=None)
    return until


@dataclass(frozen=True)
class Occurrence:
    starts_at: dt.datetime
    ends_at: dt.datetime


def meeting_occurrences(*, starts_at, duration_minutes, time_zone, recurrence, start, end):
    """Occurrences of a meeting that start within [start, end), as UTC-aware datetimes.

    The rule is expanded in the meeting's own time zone on wall-clock time, so a weekly 09:00
    meeting in Europe/Warsaw stays at 09:00 local across DST changes (its UTC time moves).
    """
    zone = _zone(time_zone)
    duration = dt.timedelta(minutes=duration_minutes)
    # Expanding from a recent start walks days, not the whole history of a long series.
    starts_at = recent_series_start(starts_at, time_zone, recurrence, start)
    local_first = starts_at.astimezone(zone).replace(tzinfo=None)
    if not recurrence:
        candidates = [local_first]
    else:
        rule = parse_rrule(recurrence)
        local_start = start.astimezone(zone).replace(tzinfo=None) - dt.timedelta(days=1)
        local_end = end.astimezone(zone).replace(tzinfo=None) + dt.timedelta(days=1)
        if rule._count is None:  # dateutil exposes no public accessor
            # Bounding the rule by the window keeps dateutil from walking a sparse rule
            # forever (a COUNT already bounds it, and dateutil refuses both together).
            until = _local_until(rule, zone)
            rule = rule.replace(dtstart=local_first, until=min(until or local_end, local_end))
        else:
            rule = rule.replace(dtstart=local_first)
        candidates = []
        for local in rule.xafter(max(local_start, local_first), inc=True):
            if local > local_end or len(candidates) >= MAX_OCCURRENCES:
                break
            candidates.append(local)
    occurrences = []
    for local in candidates:
        aware = _localize(local, zone).astimezone(dt.UTC)
        if start <= aware < end:
            occurrences.append(Occurrence(aware, aware + duration))
    return occurrences


# Windows searched in turn for a meeting's next occurrence: most rules answer in the first.
NEXT_OCCURRENCE_WINDOWS = (dt.timedelta(days=35), dt.timedelta(days=400), RULE_HORIZON)


def next_occurrence(*, starts_at, duration_minutes, time_zone, recurrence, after):
    """The start of the first occurrence at or after ``after`` (UTC), or None when the series
    has none left within ``RULE_HORIZON``."""
    if not recurrence:
        return starts_at if starts_at >= after else None
    for window in NEXT_OCCURRENCE_WINDOWS:
        found = meeting_occurrences(
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            time_zone=time_zone,
            recurrence=recurrence,
            start=after,
            end=after + window,
        )
        if found:
            return found[0].starts_at
    return None


PERIOD_DAYS = {"DAILY": 1, "WEEKLY": 7}


def recent_series_start(starts_at, zone_name, recurrence, now):
    """A later first start of a series that has the same occurrences from it on.

    Without a COUNT, a daily or weekly rule repeats every INTERVAL periods from its start, and
    a monthly one whose days are given (BYDAY or BYMONTHDAY) every INTERVAL months. Moving the
    start forward by whole periods (on the wall clock of the meeting's zone) to shortly before
    ``now`` keeps every occurrence from there on, and expanding it walks days, not the series'
    whole history. Other rules, or a new start the zone's clock skips, keep the start.
    """
    if not recurrence:
        return starts_at
    parts = _rule_parts(recurrence.strip().upper().removeprefix("RRULE:"))
    frequency, interval = parts.get("FREQ"), parts.get("INTERVAL", "1")
    if "COUNT" in parts or not interval.isdigit():
        return starts_at
    interval = max(1, int(interval))
    zone = _zone(zone_name)
    first = starts_at.astimezone(zone).replace(tzinfo=None)
    # Two days of margin: occurrences are looked for from a day before ``now``, locally.
    before = (now - dt.timedelta(days=2)).astimezone(zone).replace(tzinfo=None)
    if frequency in PERIOD_DAYS:
        step = dt.timedelta(days=PERIOD_DAYS[frequency] * interval)
        periods = (before - first) // step
        moved = first + periods * step
    elif frequency == "MONTHLY" and ("BYDAY" in parts or "BYMONTHDAY" in parts):
        # The 1st of a month of the series, a month before ``before``: the days come from the
        # rule, only the time of day from the start, which the 1st keeps.
        start_month = first.year * 12 + first.month - 1
        periods = (before.year * 12 + before.month - 2 - start_month) // interval
        month = start_month + periods * interval
        moved = first.replace(year=month // 12, month=month % 12 + 1, day=1)
    else:
        return starts_at
    if periods <= 0:
        return starts_at
    aware = moved.replace(tzinfo=zone, fold=0).astimezone(dt.UTC)
    if aware.astimezone(zone).replace(tzinfo=None) != moved:
        return starts_at  # a wall-clock time the DST change skips
    return aware


@functools.lru_cache(maxsize=512)
def _zone(name):
    return zoneinfo.ZoneInfo(name)


def _localize(naive, zone):
    """Attach ``zone`` to a wall-clock time.

    fold=0 (PEP 495): a time skipped by spring-forward keeps the pre-change offset, which
    lands it after the gap (02:30 becomes 03:30); a repeated autumn time is the first one.
    """
    return naive.replace(tzinfo=zone, fold=0)
