import datetime as dt
import zoneinfo

import pytest

from governance.domain import recurrence, scheduling

UTC = dt.UTC
WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("day", "cadence", "expected"),
    [
        (dt.date(2026, 1, 15), "monthly", dt.date(2026, 2, 15)),
        (dt.date(2026, 1, 31), "monthly", dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), "monthly", dt.date(2028, 2, 29)),
        (dt.date(2026, 2, 28), "monthly", dt.date(2026, 3, 31)),
        (dt.date(2026, 4, 30), "monthly", dt.date(2026, 5, 31)),
        (dt.date(2026, 1, 30), "monthly", dt.date(2026, 2, 28)),
        (dt.date(2026, 11, 30), "quarterly", dt.date(2027, 2, 28)),
        (dt.date(2026, 8, 31), "semiannual", dt.date(2027, 2, 28)),
        (dt.date(2028, 2, 29), "annual", dt.date(2029, 2, 28)),
    ],
)
def test_cadences_keep_month_ends_at_month_end(day, cadence, expected):
    assert scheduling.add_cadence(day, cadence) == expected


def test_a_monthly_month_end_calendar_does_not_drift_to_the_28th():
    day = dt.date(2026, 1, 31)
    seen = []
    for _ in range(4):
        day = scheduling.add_cadence(day, "monthly")
        seen.append(day)
    assert seen == [
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 31),
        dt.date(2026, 4, 30),
        dt.date(2026, 5, 31),
    ]


def test_each_tier_has_a_default_cadence():
    assert scheduling.default_cadence_for_tier("critical") == "monthly"
    assert scheduling.default_cadence_for_tier("high") == "quarterly"
    assert scheduling.default_cadence_for_tier("medium") == "semiannual"
    assert scheduling.default_cadence_for_tier("low") == "annual"


def test_a_late_review_does_not_shift_the_calendar():
    # Scheduled 15 Jan, held 20 Feb: the next quarterly one is still 15 Apr.
    assert scheduling.next_review_date(
        dt.date(2026, 1, 15), "quarterly", today=dt.date(2026, 2, 20)
    ) == dt.date(2026, 4, 15)


def test_a_next_review_date_already_past_is_due_today():
    assert scheduling.next_review_date(
        dt.date(2026, 1, 15), "monthly", today=dt.date(2026, 3, 3)
    ) == dt.date(2026, 3, 3)


def test_the_next_period_follows_the_last_one():
    assert scheduling.next_period(dt.date(2026, 3, 31), "quarterly") == (
        dt.date(2026, 4, 1),
        dt.date(2026, 6, 30),
    )
    assert scheduling.next_period(dt.date(2026, 1, 31), "monthly") == (
        dt.date(2026, 2, 1),
        dt.date(2026, 2, 28),
    )


@pytest.mark.parametrize(
    "text", ["FREQ=WEEKLY;BYDAY=MO", "RRULE:FREQ=MONTHLY;BYMONTHDAY=1;COUNT=12"]
)
def test_valid_rrules_parse(text):
    recurrence.parse_rrule(text)


@pytest.mark.parametrize(
    "text",
    [
        "FREQ=SOMETIMES",
        "BYDAY=MO",
        "FREQ=WEEKLY;BYDAY=XX",
        "DTSTART:20260101T000000\nRRULE:FREQ=DAILY",
        "",
        "FREQ=WEEKLY;COUNT=abc",
        "FREQ=MINUTELY",
        "FREQ=DAILY;BYHOUR=9,17",
    ],
)
def test_invalid_rrules_are_refused(text):
    with pytest.raises(ValueError):
        recurrence.parse_rrule(text)


def _weekly_0900_warsaw(**kwargs):
    first = dt.datetime(2026, 3, 2, 9, 0, tzinfo=WARSAW)  # a Monday, CET (UTC+1)
    return recurrence.meeting_occurrences(
        starts_at=first.astimezone(UTC),
        duration_minutes=45,
        time_zone="Europe/Warsaw",
        recurrence=kwargs.get("recurrence", "FREQ=WEEKLY;BYDAY=MO"),
        start=kwargs.get("start", dt.datetime(2026, 3, 1, tzinfo=UTC)),
        end=kwargs.get("end", dt.datetime(2026, 4, 14, tzinfo=UTC)),
    )


def test_a_weekly_meeting_keeps_its_local_time_across_the_spring_dst_change():
    occurrences = _weekly_0900_warsaw()
    local = [o.starts_at.astimezone(WARSAW) for o in occurrences]
    assert [d.date() for d in local] == [
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 9),
        dt.date(2026, 3, 16),
        dt.date(2026, 3, 23),
        dt.date(2026, 3, 30),  # the day after Europe/Warsaw moves to CEST (29 March)
        dt.date(2026, 4, 6),
        dt.date(2026, 4, 13),
    ]
    assert {d.time() for d in local} == {dt.time(9, 0)}
    # The UTC time moves by the hour the clocks moved.
    assert occurrences[3].starts_at.time() == dt.time(8, 0)
    assert occurrences[4].starts_at.time() == dt.time(7, 0)
    assert occurrences[4].ends_at - occurrences[4].starts_at == dt.timedelta(minutes=45)


def test_occurrences_are_limited_to_the_requested_window():
    occurrences = _weekly_0900_warsaw(
        start=dt.datetime(2026, 3, 16, 8, 0, tzinfo=UTC),
        end=dt.datetime(2026, 3, 30, 7, 0, tzinfo=UTC),
    )
    # 16 Mar 08:00 UTC is included, 30 Mar 07:00 UTC is the (exclusive) end.
    assert [o.starts_at for o in occurrences] == [
        dt.datetime(2026, 3, 16, 8, 0, tzinfo=UTC),
        dt.datetime(2026, 3, 23, 8, 0, tzinfo=UTC),
    ]


def test_a_meeting_in_the_skipped_hour_moves_forward_by_the_gap():
    # 02:30 does not exist in New York on 8 March 2026: it becomes 03:30 EDT.
    first = dt.datetime(2026, 3, 1, 2, 30, tzinfo=NEW_YORK)
    occurrences = recurrence.meeting_occurrences(
        starts_at=first.astimezone(UTC),
        duration_minutes=30,
        time_zone="America/New_York",
        recurrence="FREQ=WEEKLY",
        start=dt.datetime(2026, 3, 7, tzinfo=UTC),
        end=dt.datetime(2026, 3, 10, tzinfo=UTC),
    )
    assert [o.starts_at for o in occurrences] == [dt.datetime(2026, 3, 8, 7, 30, tzinfo=UTC)]


def test_a_one_off_meeting_has_one_occurrence():
    first = dt.datetime(2026, 5, 5, 10, 0, tzinfo=UTC)
    kwargs = {
        "starts_at": first,
        "duration_minutes": 60,
        "time_zone": "UTC",
        "recurrence": "",
    }
    inside = recurrence.meeting_occurrences(
        **kwargs, start=dt.datetime(2026, 5, 1, tzinfo=UTC), end=dt.datetime(2026, 6, 1, tzinfo=UTC)
    )
    outside = recurrence.meeting_occurrences(
        **kwargs, start=dt.datetime(2026, 6, 1, tzinfo=UTC), end=dt.datetime(2026, 7, 1, tzinfo=UTC)
    )
    assert [o.starts_at for o in inside] == [first]
    assert outside == []


def test_an_until_given_in_utc_ends_the_series():
    occurrences = _weekly_0900_warsaw(recurrence="FREQ=WEEKLY;UNTIL=20260317T000000Z")
    assert len(occurrences) == 3


def test_an_unbounded_daily_rule_over_a_huge_window_is_capped():
    occurrences = recurrence.meeting_occurrences(
        starts_at=dt.datetime(2026, 1, 1, 9, tzinfo=UTC),
        duration_minutes=15,
        time_zone="UTC",
        recurrence="FREQ=DAILY",
        start=dt.datetime(2026, 1, 1, tzinfo=UTC),
        end=dt.datetime(2036, 1, 1, tzinfo=UTC),
    )
    assert len(occurrences) == recurrence.MAX_OCCURRENCES


def test_a_rule_that_never_matches_is_refused_quickly():
    start = dt.datetime(2026, 1, 1, 9, tzinfo=UTC)
    with pytest.raises(ValueError, match="never"):
        recurrence.check_meeting_rule(
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", starts_at=start, time_zone="UTC"
        )
    recurrence.check_meeting_rule("FREQ=MONTHLY;BYMONTHDAY=-1", starts_at=start, time_zone="UTC")


def test_expanding_a_sparse_rule_stops_at_the_window():
    occurrences = recurrence.meeting_occurrences(
        starts_at=dt.datetime(2026, 1, 1, 9, tzinfo=UTC),
        duration_minutes=60,
        time_zone="UTC",
        recurrence="FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        start=dt.datetime(2026, 1, 1, tzinfo=UTC),
        end=dt.datetime(2026, 12, 31, tzinfo=UTC),
    )
    assert occurrences == []


def test_an_autumn_dst_meeting_keeps_its_local_time():
    first = dt.datetime(2026, 10, 19, 9, 0, tzinfo=WARSAW)  # CEST (UTC+2)
    occurrences = recurrence.meeting_occurrences(
        starts_at=first.astimezone(UTC),
        duration_minutes=30,
        time_zone="Europe/Warsaw",
        recurrence="FREQ=WEEKLY",
        start=dt.datetime(2026, 10, 1, tzinfo=UTC),
        end=dt.datetime(2026, 11, 3, tzinfo=UTC),
    )
    assert [o.starts_at.hour for o in occurrences] == [7, 8, 8]  # clocks went back 25 October
    assert {o.starts_at.astimezone(WARSAW).hour for o in occurrences} == {9}
