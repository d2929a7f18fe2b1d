"""Meeting recurrence (RFC 5545 RRULE): which rules are accepted, and their occurrences,
expanded in the meeting's own time zone with bounded work whatever is stored."""

import calendar
import datetime as dt
import functools
import itertools
import logging
import re
import zoneinfo
from dataclasses import dataclass

from dateutil.rrule import rrulestr

from governance.domain import bounds
from governance.domain.zones import zone as _zone

log = logging.getLogger(__name__)

#
# Every rule is checked before it is stored (``check_meeting_rule``, from ``Meeting.clean``),
# and every expansion is bounded in work whatever is stored: dateutil compares UNTIL and COUNT
# only with the occurrences it finds, so a rule that matches nothing (30 February) or never
# moves (INTERVAL=0) would keep a worker busy until year 9999, or forever.

# An expansion lists at most this many occurrences, whatever the window.
MAX_OCCURRENCES = 1000
# Meetings repeat at most daily, at the time of day of their start: finer rules would make
# every expansion walk millions of instants from the first meeting.
MEETING_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
TIME_OF_DAY_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")
# The RFC 5545 parts a meeting rule may use. dateutil's BYEASTER and RFC 7529's RSCALE/SKIP
# are refused: the calendars our feeds reach would not read them as the app does.
RULE_PARTS = (
    "FREQ",
    "INTERVAL",
    "COUNT",
    "UNTIL",
    "BYMONTH",
    "BYWEEKNO",
    "BYYEARDAY",
    "BYMONTHDAY",
    "BYDAY",
    "BYSETPOS",
    "WKST",
)
# The parts that name days: without one, dateutil takes the day (and month, or weekday) of the
# series from its start.
DAY_PARTS = ("BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO")
# The longest sensible meeting rule lists every day of a month from both ends (about 200
# characters); a longer text is not a schedule.
MAX_RULE_LENGTH = 500
# One step of a series (INTERVAL periods) is at most ten years: a meeting that repeats less
# often is not a recurring meeting, and a huge INTERVAL overflows the calendar.
MAX_INTERVAL = {"DAILY": 3653, "WEEKLY": 521, "MONTHLY": 120, "YEARLY": 10}
# A COUNT series is walked from its first meeting on every expansion (the count runs from
# there, so it cannot be fast-forwarded like the others). 1,000 is MAX_OCCURRENCES: a daily
# meeting for three years, a weekly one for nineteen; a longer series ends with UNTIL.
MAX_COUNT = 1000
# The periods of its rule (days, weeks, months or years) one expansion or check may examine:
# about 30 ms on one core whatever the rule (a yearly period costs ten times a daily one).
# Each covers at least ten years of a rule (RULE_HORIZON), MAX_COUNT weekly or monthly
# meetings, and every year of the date window (bounds.EARLIEST_DATE to LATEST_DATE).
PERIOD_BUDGET = {"DAILY": 4000, "WEEKLY": 1200, "MONTHLY": 1200, "YEARLY": 400}
# How far ahead the next occurrence of a series is looked for.
RULE_HORIZON = dt.timedelta(days=10 * 366)
# Average length of one period in days, to say how far a budget reaches.
PERIOD_LENGTH_DAYS = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 365.25 / 12, "YEARLY": 365.25}
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Numbered list parts: the largest value, and whether counting from the end (-1) is allowed.
NUMBER_LISTS = {
    "BYMONTH": (12, False),
    "BYWEEKNO": (53, True),
    "BYYEARDAY": (366, True),
    "BYMONTHDAY": (31, True),
    "BYSETPOS": (366, True),
}
# Where expansion stops whatever the rule or the window says: the date window every stored
# value keeps, with a year's margin for time zones; far from year 9999, where dates overflow.
EXPANSION_FLOOR = dt.datetime(bounds.EARLIEST_DATE.year - 1, 1, 1, tzinfo=dt.UTC)
EXPANSION_CEILING = dt.datetime(bounds.LATEST_DATE.year + 1, 12, 31, tzinfo=dt.UTC)
_LOCAL_CEILING = EXPANSION_CEILING.replace(tzinfo=None)

_NUMBER = re.compile(r"([+-]?)(\d{1,3})")
_WEEKDAY = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
_DIGITS = re.compile(r"\d+")
_UNTIL = re.compile(r"(\d{8})(?:T(\d{6})(Z?))?")


@dataclass(frozen=True)
class Recurrence:
    """A meeting rule that passed every check of ``parse_rrule``."""

    body: str  # the rule in upper case, without the RRULE: prefix
    frequency: str
    interval: int
    count: int | None
    own_days: bool  # one of DAY_PARTS is given
    week_start: int  # WKST, 0 for Monday
    rule: object  # dateutil's rrule, from a placeholder start


def parse_rrule(text):
    """Parse an RFC 5545 RRULE, with or without the ``RRULE:`` prefix; ValueError if invalid.

    Returns dateutil's rule (from a placeholder start). The ValueError's text says what to
    change, for a person: the forms and the API show it on the ``recurrence`` field.
    """
    return parse_recurrence(text).rule


@functools.lru_cache(maxsize=1024)
def parse_recurrence(text):
    """``text`` checked as a meeting rule, as a ``Recurrence``; ValueError otherwise.

    The rule's own limits, whatever the start: single line, no DTSTART, FREQ daily to yearly,
    no time of day, known parts each given once, INTERVAL from 1 to ten years' worth, COUNT
    from 1 to MAX_COUNT and not with UNTIL, UNTIL within the date window, the combinations
    RFC 5545 forbids refused. Whether it produces a meeting depends on the start:
    ``check_meeting_rule``.
    """
    body = text.strip()
    if body[:6].upper() == "RRULE:":
        body = body[6:]
    if len(body) > MAX_RULE_LENGTH:
        raise ValueError(f"a rule is at most {MAX_RULE_LENGTH} characters long")
    if not body or "\n" in body or "\r" in body or "DTSTART" in body.upper():
        raise ValueError("give a single RRULE line such as FREQ=WEEKLY;BYDAY=MO")
    if any(character.isspace() for character in body):
        raise ValueError("remove the spaces: a rule reads like FREQ=WEEKLY;BYDAY=MO")
    parts = _parts(body.upper())
    frequency = parts.get("FREQ")
    if frequency is None:
        raise ValueError("start the rule with FREQ=DAILY, WEEKLY, MONTHLY or YEARLY")
    if frequency in ("HOURLY", "MINUTELY", "SECONDLY"):
        raise ValueError("meetings repeat daily, weekly, monthly or yearly at most")
    if frequency not in MEETING_FREQUENCIES:
        raise ValueError(
            "FREQ is DAILY, WEEKLY, MONTHLY or YEARLY: meetings repeat daily, "
            "weekly, monthly or yearly at most"
        )
    interval = _whole_number(parts, "INTERVAL", default=1)
    if interval > MAX_INTERVAL[frequency]:
        raise ValueError(
            f"INTERVAL={interval} repeats less often than every 10 years (with FREQ={frequency} "
            f"the largest INTERVAL is {MAX_INTERVAL[frequency]:,})"
        )
    count = _whole_number(parts, "COUNT", default=None)
    if count is not None and count > MAX_COUNT:
        raise ValueError(
            f"COUNT is at most {MAX_COUNT:,} meetings; end a longer series with UNTIL instead"
        )
    if count is not None and "UNTIL" in parts:
        raise ValueError("give COUNT or UNTIL, not both")
    if "UNTIL" in parts:
        _check_until(parts["UNTIL"])
    for name, (largest, from_end) in NUMBER_LISTS.items():
        if name in parts:
            _check_numbers(name, parts[name], largest=largest, from_end=from_end)
    if "BYDAY" in parts:
        _check_weekdays(parts, frequency)
    if parts.get("WKST", "MO") not in WEEKDAYS:
        raise ValueError("WKST is a weekday: MO, TU, WE, TH, FR, SA or SU")
    _check_combinations(parts, frequency)
    body = ";".join(f"{name}={value}" for name, value in parts.items())
    # An UNTIL in UTC (…Z) needs an aware start to parse; expansion reads it on the wall clock.
    utc_until = parts.get("UNTIL", "").endswith("Z")
    placeholder = dt.datetime(2000, 1, 1, tzinfo=dt.UTC if utc_until else None)
    try:
        rule = rrulestr(body, dtstart=placeholder)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as error:
        raise ValueError(str(error) or "unparsable rule") from error
    return Recurrence(
        body=body,
        frequency=frequency,
        interval=interval,
        count=count,
        own_days=any(name in parts for name in DAY_PARTS),
        week_start=WEEKDAYS.index(parts.get("WKST", "MO")),
        rule=rule,
    )


def _parts(body):
    parts = {}
    for item in body.split(";"):
        if not item:
            raise ValueError("remove the empty part (a ';' at either end, or two in a row)")
        name, equals, value = item.partition("=")
        if not equals or not name:
            raise ValueError(f"each part reads NAME=VALUE, such as FREQ=WEEKLY, not {item[:40]}")
        if name in TIME_OF_DAY_PARTS:
            raise ValueError(
                "the time of day comes from the start; remove BYHOUR/BYMINUTE/BYSECOND"
            )
        if name not in RULE_PARTS:
            raise ValueError(
                f"{name[:40]} is not a part a meeting rule can use ({', '.join(RULE_PARTS)})"
            )
        if name in parts:
            raise ValueError(f"{name} is given twice")
        if not value:
            raise ValueError(f"{name} has no value")
        parts[name] = value
    return parts


def _whole_number(parts, name, *, default):
    if name not in parts:
        return default
    value = parts[name]
    number = int(value) if _DIGITS.fullmatch(value) else 0
    if number < 1:
        raise ValueError(f"{name} is a whole number of at least 1, not {value[:20]}")
    return number


def _check_until(value):
    match = _UNTIL.fullmatch(value)
    if match is None:
        raise ValueError(
            "UNTIL is a date such as 20271231, or a date and time such as 20271231T170000Z"
        )
    try:
        day = dt.datetime.strptime(match[1], "%Y%m%d").date()
        if match[2]:
            dt.datetime.strptime(match[2], "%H%M%S")
    except ValueError as error:
        raise ValueError(f"UNTIL={value} is not a real date and time") from error
    if not bounds.EARLIEST_DATE <= day <= bounds.LATEST_DATE:
        raise ValueError(
            f"UNTIL is between {bounds.EARLIEST_DATE:%Y%m%d} and {bounds.LATEST_DATE:%Y%m%d}"
        )


def _check_numbers(name, value, *, largest, from_end):
    for item in value.split(","):
        match = _NUMBER.fullmatch(item)
        number = int(match[2]) if match else 0
        if not match or not 1 <= number <= largest or (match[1] == "-" and not from_end):
            allowed = f"-{largest} to -1 or 1 to {largest}" if from_end else f"1 to {largest}"
            raise ValueError(f"{name} takes numbers from {allowed}, not {item[:20] or 'nothing'}")


def _check_weekdays(parts, frequency):
    for item in parts["BYDAY"].split(","):
        match = _WEEKDAY.fullmatch(item)
        if match is None:
            raise ValueError(
                f"BYDAY takes weekdays such as MO,WE or 1MO,-1FR, not {item[:20] or 'nothing'}"
            )
        if match[1] is None:
            continue
        if frequency not in ("MONTHLY", "YEARLY") or "BYWEEKNO" in parts:
            raise ValueError(
                "a numbered weekday such as 1MO goes with FREQ=MONTHLY or YEARLY (without BYWEEKNO)"
            )
        # Within the month for a monthly rule, or a yearly one with BYMONTH; else the year.
        largest = 5 if frequency == "MONTHLY" or "BYMONTH" in parts else 53
        if not 1 <= abs(int(match[1])) <= largest:
            raise ValueError(
                f"the number before a weekday is 1 to {largest} or -{largest} to -1 with "
                f"FREQ={frequency}, not {match[1]}"
            )


def _check_combinations(parts, frequency):
    """The combinations RFC 5545 (3.3.10) forbids: a calendar may read them otherwise."""
    if "BYWEEKNO" in parts and frequency != "YEARLY":
        raise ValueError("BYWEEKNO goes with FREQ=YEARLY only")
    if "BYYEARDAY" in parts and frequency != "YEARLY":
        raise ValueError("BYYEARDAY goes with FREQ=YEARLY only")
    if "BYMONTHDAY" in parts and frequency == "WEEKLY":
        raise ValueError("BYMONTHDAY does not go with FREQ=WEEKLY")
    if "BYSETPOS" in parts and not any(
        name.startswith("BY") for name in parts if name != "BYSETPOS"
    ):
        raise ValueError("BYSETPOS picks among the days another BY part gives; add one")


def check_meeting_rule(recurrence, *, starts_at, time_zone):
    """Raise ValueError unless ``recurrence`` is a rule a meeting starting at ``starts_at`` may
    keep: it parses (``parse_recurrence``), it produces a meeting, and a COUNT series has all
    its meetings within the rule's PERIOD_BUDGET (every expansion walks it from the start).

    Costs at most PERIOD_BUDGET periods of the rule however sparse it is (bounded by
    iterations, not by dates). A start outside the date window is left to its own validator.
    """
    if not recurrence:
        return
    rule = parse_recurrence(recurrence)
    if not EXPANSION_FLOOR <= starts_at <= EXPANSION_CEILING:
        return
    zone = _zone(time_zone)
    first = _wall_clock(starts_at, zone)
    rule_until = _local_until(rule, zone)
    until = _LOCAL_CEILING if rule_until is None else min(rule_until, _LOCAL_CEILING)
    walk = _Walk(rule, first, until)
    wanted = rule.count or 1
    found = sum(1 for _ in itertools.islice(walk, wanted))
    if found >= wanted:
        return
    if walk.stopped_by_budget:
        years = int(walk.periods * rule.interval * PERIOD_LENGTH_DAYS[rule.frequency] / 365.25)
        if not found:
            raise ValueError(
                f"this rule never produces a meeting within {years} years of the start"
            )
        raise ValueError(
            f"only {found} of its {rule.count:,} meetings come within {years} years of the "
            "start; end the series with UNTIL instead of COUNT"
        )
    if not found:
        if rule_until is not None and rule_until < _LOCAL_CEILING:
            raise ValueError("this rule never produces a meeting before its UNTIL")
        raise ValueError("this rule never produces a meeting")
    # The rest of a COUNT series falls after the date window: no expansion goes there.


class _BudgetSpent(Exception):
    """A walk examined every period it may."""


class _PeriodBudget(tuple):
    """A rule's BYSETPOS positions that count the periods a walk examines.

    dateutil's iterator tests ``bysetpos`` once at every period of its rule, whether or not
    the period has an occurrence; it compares UNTIL and COUNT only with occurrences. Counting
    here is the one way to stop a walk through periods that never match (30 February), since
    dateutil has no public hook. ``tests/test_recurrence_limits.py`` pins this behaviour of
    the dateutil version in requirements.txt.
    """

    def __new__(cls, positions, periods):
        budget = super().__new__(cls, positions or ())
        budget.left = periods
        return budget

    def __bool__(self):
        self.left -= 1
        if self.left < 0:
            raise _BudgetSpent
        return len(self) > 0


class _Walk:
    """The wall-clock starts (naive, in the meeting's zone) of ``rule`` from ``dtstart``, in
    order, none after ``until``: at most its COUNT of them (counted from ``dtstart``), from at
    most PERIOD_BUDGET periods, and no more periods than reach ``until``."""

    def __init__(self, rule, dtstart, until):
        self.count = rule.count
        self.periods = min(PERIOD_BUDGET[rule.frequency], _periods_between(rule, dtstart, until))
        self.budget_bound = self.periods == PERIOD_BUDGET[rule.frequency]
        self.out_of_budget = False
        # A copy per walk: the parsed rule is shared (cached) and the budget is the walk's.
        self.rule = rule.rule.replace(dtstart=dtstart, count=None, until=until)
        self.rule._bysetpos = _PeriodBudget(self.rule._bysetpos, self.periods)

    @property
    def stopped_by_budget(self):
        """The walk ended because PERIOD_BUDGET ran out, before ``until``."""
        return self.out_of_budget and self.budget_bound

    def __iter__(self):
        left = self.count
        occurrences = iter(self.rule)
        while left is None or left > 0:
            try:
                local = next(occurrences)
            except StopIteration:
                return
            except _BudgetSpent:
                self.out_of_budget = True
                return
            yield local
            if left is not None:
                left -= 1


def _periods_between(rule, start, end):
    """Periods (steps of INTERVAL) of ``rule`` a walk from ``start`` examines to reach ``end``,
    with one to spare at each end."""
    if end <= start:
        return 2
    if rule.frequency in ("DAILY", "WEEKLY"):
        days = rule.interval * (7 if rule.frequency == "WEEKLY" else 1)
        return (end - start).days // days + 2
    months = (end.year - start.year) * 12 + end.month - start.month
    return months // (rule.interval * (12 if rule.frequency == "YEARLY" else 1)) + 2


def _local_until(rule, zone):
    until = rule.rule._until  # dateutil exposes no public accessor
    if until is not None and until.tzinfo is not None:
        # UNTIL given in UTC (…Z): compare it on the same wall clock as the occurrences.
        until = until.astimezone(zone).replace(tzinfo=None)
    return until


def usable_recurrence(recurrence):
    """The stored rule as a ``Recurrence``; None for a one-off meeting, or for a rule that no
    longer validates (stored before a check existed, or by a raw UPDATE): such a meeting is
    read as a one-off at its start, and the rule is logged once per process."""
    if not recurrence:
        return None
    try:
        return parse_recurrence(recurrence)
    except ValueError as error:
        _warn_unusable(recurrence[:200], str(error))
        return None


@functools.lru_cache(maxsize=256)
def _warn_unusable(text, reason):
    # Cached: one line per rule and process, not one per page that lists the meeting.
    log.warning("Stored meeting rule %r read as a one-off meeting: %s", text, reason)


@dataclass(frozen=True)
class Occurrence:
    starts_at: dt.datetime
    ends_at: dt.datetime
    # The instance of the series it stands for (its RECURRENCE-ID) when it was moved.
    original_start: dt.datetime | None = None

    @property
    def recurrence_id(self):
        """The series instance's start: its own unless it was moved."""
        return self.original_start or self.starts_at


@dataclass(frozen=True)
class Override:
    """An exception to a series: its instance at ``original_start`` is cancelled, or moved
    to ``starts_at``."""

    original_start: dt.datetime
    starts_at: dt.datetime | None = None
    cancelled: bool = False


def is_instance(*, starts_at, duration_minutes, time_zone, recurrence, moment):
    """Whether the series gives an occurrence starting exactly at ``moment`` (UTC)."""
    return bool(
        meeting_occurrences(
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            time_zone=time_zone,
            recurrence=recurrence,
            start=moment,
            end=moment + dt.timedelta(microseconds=1),
        )
    )


def with_overrides(occurrences, overrides, *, series, start, end):
    """``occurrences`` (of ``series``, a dict of ``meeting_occurrences``' schedule arguments,
    in [start, end)) with the ``overrides`` applied: a cancelled instance left out, a moved
    one at its new time (if that falls in [start, end)), in order of start.

    An override applies only to an instance the series still has (a rule changed since
    leaves it behind, ignored), so the calendar and the app never disagree.
    """
    changed = {o.original_start: o for o in overrides if o.cancelled or o.starts_at is not None}
    if not changed:
        return list(occurrences)
    kept = [o for o in occurrences if o.starts_at not in changed]
    duration = dt.timedelta(minutes=series["duration_minutes"])
    for override in changed.values():
        if override.cancelled or not start <= override.starts_at < end:
            continue
        if is_instance(**series, moment=override.original_start):
            kept.append(
                Occurrence(
                    override.starts_at,
                    override.starts_at + duration,
                    original_start=override.original_start,
                )
            )
    kept.sort(key=lambda occurrence: occurrence.starts_at)
    return kept[:MAX_OCCURRENCES]


def meeting_occurrences(*, starts_at, duration_minutes, time_zone, recurrence, start, end):
    """Occurrences of a meeting that start within [start, end), as UTC-aware datetimes; at
    most MAX_OCCURRENCES, from at most PERIOD_BUDGET periods of its rule.

    The rule is expanded in the meeting's own time zone on wall-clock time, so a weekly 09:00
    meeting in Europe/Warsaw stays at 09:00 local across DST changes (its UTC time moves). A
    stored rule that no longer validates gives the first meeting alone (``usable_recurrence``).
    """
    return list(
        itertools.islice(
            _occurrences(starts_at, duration_minutes, time_zone, recurrence, start, end),
            MAX_OCCURRENCES,
        )
    )


def next_occurrence(*, starts_at, duration_minutes, time_zone, recurrence, after, overrides=()):
    """The start of the first occurrence at or after ``after`` (UTC), or None when the series
    has none left within ``RULE_HORIZON``; ``overrides`` (``Override``) cancel or move
    instances."""
    changed = {o.original_start: o for o in overrides if o.cancelled or o.starts_at is not None}
    series = {
        "starts_at": starts_at,
        "duration_minutes": duration_minutes,
        "time_zone": time_zone,
        "recurrence": recurrence,
    }
    moved = sorted(
        o.starts_at
        for o in changed.values()
        if not o.cancelled
        and o.starts_at >= after
        and is_instance(**series, moment=o.original_start)
    )
    rule = usable_recurrence(recurrence)
    if rule is None or not EXPANSION_FLOOR <= starts_at <= EXPANSION_CEILING:
        own = starts_at if starts_at >= after and starts_at not in changed else None
    else:
        end = after + RULE_HORIZON if after < EXPANSION_CEILING else after
        found = _occurrences(starts_at, duration_minutes, time_zone, recurrence, after, end)
        own = next((o.starts_at for o in found if o.starts_at not in changed), None)
    return min((moment for moment in (own, *moved[:1]) if moment is not None), default=None)


def _occurrences(starts_at, duration_minutes, time_zone, recurrence, start, end):
    duration = dt.timedelta(minutes=duration_minutes)
    zone = _zone(time_zone)
    start, end = max(start, EXPANSION_FLOOR), min(end, EXPANSION_CEILING)
    rule = usable_recurrence(recurrence)
    if rule is None or not EXPANSION_FLOOR <= starts_at <= EXPANSION_CEILING:
        if start <= starts_at < end:
            yield Occurrence(starts_at, starts_at + duration)
        return
    if start >= end:
        return
    first = _wall_clock(starts_at, zone)
    # A day of margin each side on the wall clock; the UTC window is applied at the end.
    local_start = _wall_clock(start, zone) - dt.timedelta(days=1)
    local_end = _wall_clock(end, zone) + dt.timedelta(days=1)
    rule_until = _local_until(rule, zone)
    until = local_end if rule_until is None else min(rule_until, local_end)
    # Expanding from a recent start walks the window, not the whole history of a long series.
    anchor = _recent_start(rule, first, local_start)
    if _periods_between(rule, anchor, local_start) > PERIOD_BUDGET[rule.frequency]:
        # A COUNT series, walked from its first meeting, has all its meetings within the
        # budget (check_meeting_rule): none is left this far on, and no walk would get here.
        return
    for local in _Walk(rule, anchor, until):
        if local < local_start:
            continue
        aware = _localize(local, zone).astimezone(dt.UTC)
        if start <= aware < end:
            yield Occurrence(aware, aware + duration)


def recent_series_start(starts_at, zone_name, recurrence, now):
    """A later first start of a series that has the same occurrences from ``now`` on.

    Moving the start of a series without a COUNT forward by whole steps (INTERVAL periods, on
    the wall clock of the meeting's zone) to shortly before ``now`` keeps every occurrence from
    there on, and expanding it walks days, not the series' whole history. A COUNT series, a
    one-off meeting, a rule that no longer validates, or a new start the zone's clock skips
    keep the start.
    """
    rule = usable_recurrence(recurrence)
    if rule is None or rule.count is not None:
        return starts_at
    try:
        zone = _zone(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return starts_at
    if not EXPANSION_FLOOR <= starts_at <= EXPANSION_CEILING or now < EXPANSION_FLOOR:
        return starts_at
    first = _wall_clock(starts_at, zone)
    # Two days of margin: occurrences are looked for from a day before ``now``, locally.
    before = _wall_clock(min(now, EXPANSION_CEILING) - dt.timedelta(days=2), zone)
    moved = _recent_start(rule, first, before)
    if moved == first:
        return starts_at
    aware = _localize(moved, zone).astimezone(dt.UTC)
    if _wall_clock(aware, zone) != moved:
        return starts_at  # a wall-clock time the DST change skips
    return aware


def _recent_start(rule, first, before):
    """The latest start of a period of the series at or before ``before`` (naive wall clock)
    from which ``rule`` gives the same occurrences as from ``first``; ``first`` if none.

    Periods are whole: a weekly rule that names its days moves to the first day of a week
    (WKST), a monthly or yearly one to the 1st of a month or of January, so BYSETPOS counts
    the same days. A rule that takes its day from its start (FREQ=MONTHLY alone) keeps that
    day, in a month that has it. A COUNT series is never moved.
    """
    if rule.count is not None or before <= first:
        return first
    if rule.frequency in ("DAILY", "WEEKLY"):
        step = dt.timedelta(days=rule.interval * (7 if rule.frequency == "WEEKLY" else 1))
        steps = (before - first) // step
        if steps < 1:
            return first
        moved = first + steps * step
        if rule.frequency == "WEEKLY" and rule.own_days:
            moved -= dt.timedelta(days=(moved.weekday() - rule.week_start) % 7)
        return moved
    months = rule.interval * (12 if rule.frequency == "YEARLY" else 1)
    first_month = first.year * 12 + first.month - 1
    steps = (before.year * 12 + before.month - 1 - first_month) // months
    # A few steps back at most: a day taken from the start (the 31st, 29 February) is in
    # one of any few consecutive months or years of the series.
    for back in range(steps, max(steps - 12, 0), -1):
        year, month = divmod(first_month + back * months, 12)
        month += 1
        if rule.own_days:
            day = 1
            month = 1 if rule.frequency == "YEARLY" else month
        else:
            day = first.day
        if day > calendar.monthrange(year, month)[1]:
            continue
        moved = first.replace(year=year, month=month, day=day)
        if moved <= before:
            return moved
    return first


def _wall_clock(moment, zone):
    return moment.astimezone(zone).replace(tzinfo=None)


def _localize(naive, zone):
    """Attach ``zone`` to a wall-clock time.

    fold=0 (PEP 495): a time skipped by spring-forward keeps the pre-change offset, which
    lands it after the gap (02:30 becomes 03:30); a repeated autumn time is the first one.
    """
    return naive.replace(tzinfo=zone, fold=0)
