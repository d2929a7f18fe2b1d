"""Meeting reminders: 24 hours before each occurrence, DST-correct, in each recipient's zone."""

import datetime as dt

import icalendar
import pytest
import time_machine

from governance import reminders
from governance.models import Reminder
from tests.factories import MeetingFactory
from tests.reminders.conftest import recipients_of, set_profile

pytestmark = pytest.mark.django_db
HOUR = dt.timedelta(hours=1)
WARSAW_DST_STARTS = dt.date(2026, 3, 29)  # clocks go from 02:00 to 03:00


def ics_of(message):
    [(name, content, mimetype)] = message.attachments
    assert name == "meeting.ics"
    assert mimetype.startswith("text/calendar")
    return icalendar.Calendar.from_ical(content)


def test_a_one_off_meeting_is_reminded_24_hours_before_to_attendees_and_owner(
    vendor, owner, member, outsider, run_sweep
):
    starts_at = dt.datetime(2026, 4, 10, 7, 30, tzinfo=dt.UTC)
    meeting = MeetingFactory(vendor=vendor, starts_at=starts_at, recurrence="", title="QBR")
    meeting.attendees.set([member, owner])

    assert run_sweep(starts_at - 24 * HOUR - dt.timedelta(minutes=1)) == []
    sent = run_sweep(starts_at - 24 * HOUR)

    assert recipients_of(sent) == ["member@example.com", "owner@example.com"]
    assert run_sweep(starts_at - HOUR) == []


def test_a_meeting_the_day_after_a_dst_change_is_reminded_24_hours_before_local_time(
    vendor, owner, member, outsider, run_sweep
):
    # A weekly Monday 09:00 Warsaw meeting that started in winter (08:00 UTC).
    meeting = MeetingFactory(
        vendor=vendor,
        title="Operations sync",
        starts_at=dt.datetime(2026, 3, 23, 8, 0, tzinfo=dt.UTC),
        time_zone="Europe/Warsaw",
        recurrence="FREQ=WEEKLY;BYDAY=MO",
    )
    meeting.attendees.set([member, outsider])
    # The Monday after the change, 09:00 summer time, is 07:00 UTC.
    occurrence = dt.datetime(2026, 3, 30, 7, 0, tzinfo=dt.UTC)

    assert run_sweep(occurrence - 24 * HOUR - dt.timedelta(seconds=1)) == []
    sent = run_sweep(occurrence - 24 * HOUR)  # Sunday 09:00 in Warsaw, after the change

    assert recipients_of(sent) == [
        "member@example.com",
        "outsider@example.com",
        "owner@example.com",
    ]
    assert set(Reminder.objects.values_list("occurrence", flat=True)) == {occurrence}
    by_address = {message.to[0]: message for message in sent}
    warsaw = by_address["member@example.com"]
    assert warsaw.subject == "Operations sync with Acme Hosting, Mon 30 Mar 09:00 CEST"
    assert "Monday 30 March 2026, 09:00 to 10:00 CEST (Europe/Warsaw)" in warsaw.body
    new_york = by_address["outsider@example.com"]  # already on summer time (UTC-4)
    assert new_york.subject == "Operations sync with Acme Hosting, Mon 30 Mar 03:00 EDT"
    assert "Monday 30 March 2026, 03:00 to 04:00 EDT (America/New_York)" in new_york.body
    assert "09:00 CEST in Europe/Warsaw, the meeting's time zone" in new_york.body
    html = new_york.alternatives[0][0]
    assert "03:00" in html

    calendar = ics_of(warsaw)
    [zone] = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Warsaw"
    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == occurrence
    assert event["DTSTART"].to_ical() == b"20260330T090000"
    assert event["DTSTART"].params["TZID"] == "Europe/Warsaw"


def test_each_occurrence_of_a_series_gets_its_own_reminder(vendor, owner, run_sweep):
    MeetingFactory(
        vendor=vendor,
        starts_at=dt.datetime(2026, 3, 23, 8, 0, tzinfo=dt.UTC),
        recurrence="FREQ=WEEKLY;BYDAY=MO;COUNT=3",
    )
    sent = []
    moment = dt.datetime(2026, 3, 21, 0, 0, tzinfo=dt.UTC)
    while moment < dt.datetime(2026, 4, 14, tzinfo=dt.UTC):
        sent += run_sweep(moment)
        moment += 12 * HOUR

    assert [message.subject for message in sent] == [
        "Weekly operations sync with Acme Hosting, Mon 23 Mar 09:00 CET",
        "Weekly operations sync with Acme Hosting, Mon 30 Mar 09:00 CEST",
        "Weekly operations sync with Acme Hosting, Mon 6 Apr 09:00 CEST",
    ]


def test_a_personal_meeting_lead_time_in_hours(vendor, owner, run_sweep):
    set_profile(owner, lead_times={"meeting": ["2h"]})
    starts_at = dt.datetime(2026, 4, 10, 7, 30, tzinfo=dt.UTC)
    MeetingFactory(vendor=vendor, starts_at=starts_at, recurrence="")

    assert run_sweep(starts_at - 24 * HOUR) == []
    assert recipients_of(run_sweep(starts_at - 2 * HOUR)) == ["owner@example.com"]


def test_a_moved_meeting_drops_the_reminder_for_the_old_time(vendor, owner):
    starts_at = dt.datetime(2026, 4, 10, 7, 30, tzinfo=dt.UTC)
    meeting = MeetingFactory(vendor=vendor, starts_at=starts_at, recurrence="")
    with time_machine.travel(starts_at - 24 * HOUR, tick=False):
        result = reminders.sweep(enqueue=False)
    meeting.starts_at = starts_at + 48 * HOUR
    meeting.save()

    with time_machine.travel(starts_at - 23 * HOUR, tick=False):
        outcome = reminders.deliver(result.to_send[0])

    assert outcome.status == reminders.DROPPED
    assert outcome.detail == "the meeting no longer has this occurrence"
    assert not Reminder.objects.exists()


def test_two_occurrences_a_dst_change_brings_within_24_hours_are_both_reminded(
    vendor, owner, run_sweep
):
    # Daily at 09:00 in Warsaw: Saturday 28 March is 08:00 UTC, Sunday (summer time) 07:00.
    saturday, sunday = (
        dt.datetime(2026, 3, 28, 8, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 29, 7, 0, tzinfo=dt.UTC),
    )
    with time_machine.travel(saturday - 23 * HOUR, tick=False):
        # Saved now, so its stored next occurrence (Saturday's) is one the sweep trusts.
        MeetingFactory(
            vendor=vendor,
            starts_at=dt.datetime(2026, 3, 20, 8, 0, tzinfo=dt.UTC),
            time_zone="Europe/Warsaw",
            recurrence="FREQ=DAILY",
        )

    assert len(run_sweep(saturday - 23 * HOUR)) == 1  # Saturday's
    sent = run_sweep(sunday - 24 * HOUR)  # Saturday's meeting has not begun yet

    assert [message.subject.endswith("Sun 29 Mar 09:00 CEST") for message in sent] == [True]
    assert set(Reminder.objects.values_list("occurrence", flat=True)) == {saturday, sunday}
