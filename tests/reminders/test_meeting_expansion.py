"""The sweep expands a long meeting series from a recent start: same occurrences, less work."""

import datetime as dt

import pytest

from governance.domain import recurrence

RULES = [
    "FREQ=WEEKLY;BYDAY=MO",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH",
    "RRULE:FREQ=DAILY;INTERVAL=3",
    "FREQ=WEEKLY;BYDAY=FR;UNTIL=20270101T000000",
    "FREQ=MONTHLY;BYDAY=1WE",
    "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TH",
    "FREQ=MONTHLY;BYMONTHDAY=31",
    "FREQ=MONTHLY",
    "FREQ=WEEKLY;COUNT=80",
]


def occurrences(starts_at, rule, zone, now):
    return recurrence.meeting_occurrences(
        starts_at=starts_at,
        duration_minutes=30,
        time_zone=zone,
        recurrence=rule,
        start=now,
        end=now + dt.timedelta(days=15),
    )


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("zone", ["Europe/Warsaw", "America/New_York", "Asia/Kolkata"])
@pytest.mark.parametrize(
    "now",
    [
        dt.datetime(2026, 3, 27, 10, 0, tzinfo=dt.UTC),  # Warsaw changes clocks on 29 March
        dt.datetime(2026, 11, 2, 6, 30, tzinfo=dt.UTC),  # New York changed on 1 November
        dt.datetime(2026, 7, 15, 23, 59, tzinfo=dt.UTC),
    ],
)
def test_a_series_expanded_from_its_recent_start_has_the_same_occurrences(rule, zone, now):
    starts_at = dt.datetime(2025, 1, 6, 8, 30, tzinfo=dt.UTC)

    recent = recurrence.recent_series_start(starts_at, zone, rule, now)

    assert occurrences(recent, rule, zone, now) == occurrences(starts_at, rule, zone, now)


def test_series_with_a_count_are_not_moved_and_days_taken_from_their_start_are_kept():
    starts_at = dt.datetime(2025, 1, 6, 8, 30, tzinfo=dt.UTC)
    now = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)

    assert recurrence.recent_series_start(
        starts_at, "UTC", "FREQ=WEEKLY;BYDAY=MO", now
    ) > now - dt.timedelta(days=9)
    assert (
        recurrence.recent_series_start(starts_at, "UTC", "FREQ=WEEKLY;COUNT=80", now) == starts_at
    )
    assert recurrence.recent_series_start(
        starts_at, "UTC", "FREQ=MONTHLY;BYDAY=1WE", now
    ) > now - dt.timedelta(days=63)
    monthly = recurrence.recent_series_start(starts_at, "UTC", "FREQ=MONTHLY", now)
    assert monthly > now - dt.timedelta(days=63) and monthly.day == starts_at.day
    assert recurrence.recent_series_start(starts_at, "UTC", "", now) == starts_at
