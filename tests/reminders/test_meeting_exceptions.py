"""Meeting reminders follow the exceptions: a cancelled occurrence is not reminded (and a
pending reminder of it is dropped), a moved one is reminded 24 hours before its new time."""

import datetime as dt

import icalendar
import pytest
import time_machine

from governance import services
from governance.models import Reminder
from governance.reminders.kinds import meeting as meeting_kind
from tests.factories import MeetingFactory
from tests.reminders.conftest import NOW, recipients_of

pytestmark = pytest.mark.django_db
HOUR = dt.timedelta(hours=1)
# Weekly on Monday 09:00 Warsaw (summer time: 07:00 UTC).
FIRST = dt.datetime(2026, 4, 6, 7, 0, tzinfo=dt.UTC)
SECOND = dt.datetime(2026, 4, 13, 7, 0, tzinfo=dt.UTC)
THIRD = dt.datetime(2026, 4, 20, 7, 0, tzinfo=dt.UTC)


@pytest.fixture
def meeting(vendor, owner, member):
    with time_machine.travel(NOW, tick=False):
        meeting = MeetingFactory(vendor=vendor, starts_at=FIRST, time_zone="Europe/Warsaw")
        meeting.attendees.set([member])
    return meeting


def test_a_cancelled_occurrence_is_not_reminded_and_the_next_one_is(meeting, run_sweep):
    with time_machine.travel(NOW, tick=False):
        services.occurrence_cancel(services.occurrence_of(meeting, SECOND))

    assert recipients_of(run_sweep(FIRST - 24 * HOUR)) == [
        "member@example.com",
        "owner@example.com",
    ]
    assert run_sweep(SECOND - 24 * HOUR) == []
    assert run_sweep(SECOND - HOUR) == []
    assert len(run_sweep(THIRD - 24 * HOUR)) == 2
    assert not Reminder.objects.filter(occurrence=SECOND).exists()


def test_a_moved_occurrence_is_reminded_24_hours_before_its_new_time(meeting, run_sweep):
    moved_to = SECOND + dt.timedelta(days=1, hours=3)
    with time_machine.travel(NOW, tick=False):
        services.occurrence_move(services.occurrence_of(meeting, SECOND), starts_at=moved_to)

    assert run_sweep(SECOND - 24 * HOUR) == []
    assert run_sweep(moved_to - 24 * HOUR - HOUR) == []
    sent = run_sweep(moved_to - 24 * HOUR)

    assert recipients_of(sent) == ["member@example.com", "owner@example.com"]
    assert set(Reminder.objects.values_list("occurrence", flat=True)) == {moved_to}
    [(_, content, _)] = sent[0].attachments
    [event] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert event["DTSTART"].dt.astimezone(dt.UTC) == moved_to
    assert run_sweep(moved_to - HOUR) == []


def test_a_one_off_meeting_moved_is_reminded_at_its_new_time(vendor, owner, run_sweep):
    with time_machine.travel(NOW, tick=False):
        one_off = MeetingFactory(vendor=vendor, starts_at=SECOND, recurrence="")
        moved_to = SECOND + dt.timedelta(days=2)
        services.occurrence_move(services.occurrence_of(one_off, SECOND), starts_at=moved_to)

    assert run_sweep(SECOND - 24 * HOUR) == []
    assert recipients_of(run_sweep(moved_to - 24 * HOUR)) == ["owner@example.com"]


def test_a_pending_reminder_of_an_occurrence_cancelled_since_is_dropped(meeting):
    reminder = Reminder(occurrence=SECOND, lead_time=24 * HOUR)
    with time_machine.travel(SECOND - 24 * HOUR, tick=False):
        assert meeting_kind.still_due(reminder, meeting) == ""
        services.occurrence_cancel(services.occurrence_of(meeting, SECOND))
        assert meeting_kind.still_due(reminder, meeting) == (
            "the meeting no longer has this occurrence"
        )


def test_a_pending_reminder_of_an_occurrence_moved_since_is_dropped(meeting):
    reminder = Reminder(occurrence=SECOND, lead_time=24 * HOUR)
    with time_machine.travel(SECOND - 24 * HOUR, tick=False):
        services.occurrence_move(services.occurrence_of(meeting, SECOND), starts_at=SECOND + HOUR)
        assert meeting_kind.still_due(reminder, meeting) != ""
