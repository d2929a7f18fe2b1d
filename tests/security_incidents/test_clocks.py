"""The two clocks of a security incident: arithmetic only, no database."""

import datetime as dt
import zoneinfo

import pytest

from governance.domain.notification import (
    ClauseVersion,
    NotificationStatus,
    authority_clock,
    clause_in_force_at,
    describe_clock,
    vendor_clock,
)
from governance.models import ClauseType, Incident, SecurityClause

UTC = dt.UTC
WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")
DETECTED = dt.datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def clause(hours=24, **fields):
    fields = {"status": SecurityClause.Status.AGREED, **fields}
    return SecurityClause(
        clause_type=ClauseType.BREACH_NOTIFICATION, notification_hours=hours, **fields
    )


def incident(**fields):
    fields = {"opened_at": DETECTED, "detected_at": DETECTED, **fields}
    return Incident(category=Incident.Category.SECURITY, **fields)


def versions(*pairs):
    return [ClauseVersion(recorded_at, version) for recorded_at, version in pairs]


def test_the_vendor_clock_runs_from_detection_with_the_time_left():
    now = DETECTED + dt.timedelta(hours=10)

    clock = vendor_clock(incident(), clause(24), now)

    assert clock.status == NotificationStatus.RUNNING
    assert clock.due_at == DETECTED + dt.timedelta(hours=24)
    assert clock.left == dt.timedelta(hours=14)


def test_a_notification_exactly_at_the_deadline_is_on_time():
    due = DETECTED + dt.timedelta(hours=24)

    clock = vendor_clock(incident(vendor_notified_at=due), clause(24), due + dt.timedelta(days=9))

    assert clock.status == NotificationStatus.ON_TIME
    assert clock.due_at == due


def test_a_notification_a_minute_after_the_deadline_is_late_by_that_minute():
    notified = DETECTED + dt.timedelta(hours=24, minutes=1)

    clock = vendor_clock(incident(vendor_notified_at=notified), clause(24), notified)

    assert clock.status == NotificationStatus.LATE
    assert clock.late_by == dt.timedelta(minutes=1)


def test_a_deadline_passed_with_no_notification_is_overdue():
    now = DETECTED + dt.timedelta(hours=30)

    clock = vendor_clock(incident(), clause(24), now)

    assert clock.status == NotificationStatus.OVERDUE
    assert clock.late_by == dt.timedelta(hours=6)


def test_the_clock_at_its_deadline_still_runs_with_nothing_left():
    due = DETECTED + dt.timedelta(hours=24)

    clock = vendor_clock(incident(), clause(24), due)

    assert (clock.status, clock.left) == (NotificationStatus.RUNNING, dt.timedelta(0))


def test_no_clause_in_force_is_a_finding_without_a_deadline():
    clock = vendor_clock(incident(), None, DETECTED)

    assert clock.status == NotificationStatus.NO_CLAUSE
    assert clock.due_at is None


def test_a_clause_in_force_without_a_window_gives_no_deadline():
    assert vendor_clock(incident(), clause(None), DETECTED).status == NotificationStatus.NO_CLAUSE


def test_a_service_incident_has_no_clocks():
    service = Incident(opened_at=DETECTED, personal_data_affected=False)

    assert vendor_clock(service, clause(24), DETECTED) is None
    assert authority_clock(service, 72, DETECTED) is None


def test_a_window_across_the_change_to_summer_time_counts_elapsed_hours():
    # Saturday 28 March 2026, 10:00 in Warsaw (CET); the clocks go forward that night.
    detected = dt.datetime(2026, 3, 28, 10, 0, tzinfo=WARSAW)

    clock = vendor_clock(incident(opened_at=detected, detected_at=detected), clause(24), detected)

    assert clock.due_at - detected == dt.timedelta(hours=24)
    # On the wall clock the deadline is an hour later: 11:00 CEST on Sunday.
    assert clock.due_at.astimezone(WARSAW).replace(tzinfo=None) == dt.datetime(2026, 3, 29, 11, 0)


def test_the_clause_in_force_is_judged_on_the_detection_day_in_the_vendors_zone():
    # 23:30 UTC on 31 March is already 1 April in Warsaw, the day the clause takes effect.
    detected = dt.datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    starting = clause(24, effective_date=dt.date(2026, 4, 1))
    on_file = versions((dt.datetime(2026, 1, 1, tzinfo=UTC), starting))

    assert clause_in_force_at(on_file, detected, "Europe/Warsaw") is starting
    assert clause_in_force_at(on_file, detected, "UTC") is None


def test_a_clause_replaced_during_the_incident_leaves_the_one_in_force_at_detection():
    old, new = clause(24), clause(72)
    on_file = versions(
        (DETECTED - dt.timedelta(days=100), old), (DETECTED + dt.timedelta(hours=2), new)
    )

    in_force = clause_in_force_at(on_file, DETECTED, "Europe/Warsaw")

    assert in_force is old
    clock = vendor_clock(incident(), in_force, DETECTED + dt.timedelta(hours=30))
    assert clock.status == NotificationStatus.OVERDUE


def test_a_clause_recorded_only_after_detection_counts_from_its_effective_date():
    later = clause(48, effective_date=dt.date(2026, 1, 1))
    on_file = versions((DETECTED + dt.timedelta(days=3), later))

    assert clause_in_force_at(on_file, DETECTED, "UTC") is later


@pytest.mark.parametrize(
    "version",
    [
        clause(24, status=SecurityClause.Status.NEGOTIATING),
        clause(24, expires_on=dt.date(2026, 5, 3)),
        clause(24, effective_date=dt.date(2026, 5, 5)),
        None,  # deleted before detection
    ],
    ids=["negotiating", "expired", "not-yet-effective", "deleted"],
)
def test_a_clause_not_in_force_at_detection_gives_no_clause(version):
    on_file = versions((DETECTED - dt.timedelta(days=30), clause(24)), (DETECTED, version))

    assert clause_in_force_at(on_file, DETECTED, "UTC") is None


def test_a_vendor_without_a_breach_clause_has_none_in_force():
    assert clause_in_force_at([], DETECTED, "UTC") is None


def test_the_authority_clock_runs_only_when_personal_data_is_affected():
    assert authority_clock(incident(), 72, DETECTED) is None

    clock = authority_clock(incident(personal_data_affected=True), 72, DETECTED)

    assert clock.status == NotificationStatus.RUNNING
    assert clock.due_at == DETECTED + dt.timedelta(hours=72)


def test_we_become_aware_when_the_vendor_tells_us_unless_we_recorded_it_first():
    told = DETECTED + dt.timedelta(hours=20)
    told_us = incident(opened_at=told, vendor_notified_at=told, personal_data_affected=True)
    found_first = incident(
        opened_at=DETECTED + dt.timedelta(hours=1),
        vendor_notified_at=told,
        personal_data_affected=True,
    )

    assert authority_clock(told_us, 72, told).due_at == told + dt.timedelta(hours=72)
    assert authority_clock(found_first, 72, told).due_at == DETECTED + dt.timedelta(hours=73)


def test_the_authority_notified_after_the_hours_is_late():
    notified = DETECTED + dt.timedelta(hours=80)
    late = incident(personal_data_affected=True, authority_notified_at=notified)

    clock = authority_clock(late, 72, notified)

    assert (clock.status, clock.late_by) == (NotificationStatus.LATE, dt.timedelta(hours=8))


@pytest.mark.parametrize(
    ("hours_after_detection", "words"),
    [(10, "Running, 14 h left"), (24, "Running, 0 min left"), (50, "Overdue by 1 d 2 h")],
)
def test_a_clock_in_words(hours_after_detection, words):
    now = DETECTED + dt.timedelta(hours=hours_after_detection)

    assert describe_clock(vendor_clock(incident(), clause(24), now)) == words


def test_a_late_notification_in_words():
    notified = DETECTED + dt.timedelta(hours=25, minutes=5)

    clock = vendor_clock(incident(vendor_notified_at=notified), clause(24), notified)

    assert describe_clock(clock) == "Late by 1 h 5 min"
