"""iCalendar output: one meeting, one occurrence, and feeds of many (RFC 5545)."""

import datetime as dt

import icalendar
import pytest
from dateutil.rrule import rrulestr

from governance.domain import ical, recurrence
from tests.factories import MeetingFactory, VendorFactory

pytestmark = pytest.mark.django_db


def parse(data):
    assert isinstance(data, bytes)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    return icalendar.Calendar.from_ical(data)


def test_a_series_carries_its_rrule_on_the_meetings_wall_clock(vendor, settings):
    settings.SITE_URL = "https://governance.example.com"
    meeting = MeetingFactory(
        vendor=vendor,
        title="Ops sync",
        agenda="Incidents\nChanges",
        location="https://meet.example.com/ops",
        starts_at=dt.datetime(2026, 3, 23, 8, 0, tzinfo=dt.UTC),
        duration_minutes=45,
        recurrence="FREQ=WEEKLY;BYDAY=MO",
    )

    cal = parse(ical.meeting_ics(meeting))

    assert cal["VERSION"] == "2.0"
    assert cal["METHOD"] == "PUBLISH"
    assert cal["PRODID"] == ical.PRODID
    [event] = cal.walk("VEVENT")
    assert event["UID"] == f"meeting-{meeting.pk}@governance.example.com"
    assert event["SUMMARY"] == "Ops sync (Acme Hosting)"
    assert event["DTSTART"].to_ical() == b"20260323T090000"
    assert event["DTSTART"].params["TZID"] == "Europe/Warsaw"
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(minutes=45)
    assert event["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=MO"
    assert event["LOCATION"] == "https://meet.example.com/ops"
    assert event["URL"] == f"https://governance.example.com/vendors/{vendor.pk}/#meetings"
    assert event["DESCRIPTION"].startswith("Incidents\nChanges\n\n")
    assert "DTSTAMP" in event
    [zone] = cal.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Warsaw"
    # The zone's summer and winter rules are both there, so the series survives DST.
    assert {sub.name for sub in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}


def test_expanding_the_feed_gives_the_apps_own_occurrences_across_dst(vendor):
    meeting = MeetingFactory(
        vendor=vendor,
        starts_at=dt.datetime(2026, 3, 23, 8, 0, tzinfo=dt.UTC),
        recurrence="FREQ=WEEKLY;BYDAY=MO;COUNT=3",
    )
    [event] = parse(ical.meeting_ics(meeting)).walk("VEVENT")
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=event.decoded("DTSTART"))
    from_calendar = [moment.astimezone(dt.UTC) for moment in rule]
    expected = [
        occurrence.starts_at
        for occurrence in recurrence.meeting_occurrences(
            starts_at=meeting.starts_at,
            duration_minutes=60,
            time_zone="Europe/Warsaw",
            recurrence=meeting.recurrence,
            start=meeting.starts_at,
            end=meeting.starts_at + dt.timedelta(days=30),
        )
    ]

    assert from_calendar == expected
    assert [moment.hour for moment in from_calendar] == [8, 7, 7]  # 09:00 local throughout


def test_a_local_until_is_written_in_utc_as_rfc_5545_requires(vendor):
    meeting = MeetingFactory(
        vendor=vendor,
        starts_at=dt.datetime(2026, 3, 23, 8, 0, tzinfo=dt.UTC),
        recurrence="RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20260406T090000",
    )

    [event] = parse(ical.meeting_ics(meeting)).walk("VEVENT")

    assert event["RRULE"].to_ical() == b"FREQ=WEEKLY;UNTIL=20260406T070000Z;BYDAY=MO"


def test_one_occurrence_is_a_standalone_event_with_its_own_uid(vendor, settings):
    settings.SITE_URL = "https://governance.example.com"
    meeting = MeetingFactory(
        vendor=vendor,
        starts_at=dt.datetime(2026, 3, 23, 8, 0, tzinfo=dt.UTC),
        recurrence="FREQ=WEEKLY;BYDAY=MO",
    )
    occurrence = recurrence.Occurrence(
        dt.datetime(2026, 3, 30, 7, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 30, 8, 0, tzinfo=dt.UTC),
    )

    cal = parse(ical.meeting_ics(meeting, occurrence))

    [event] = cal.walk("VEVENT")
    assert event["UID"] == f"meeting-{meeting.pk}-20260330T070000Z@governance.example.com"
    assert "RRULE" not in event
    assert event["DTSTART"].to_ical() == b"20260330T090000"
    assert event.decoded("DTSTART") == occurrence.starts_at
    assert [zone["TZID"] for zone in cal.walk("VTIMEZONE")] == ["Europe/Warsaw"]


def test_a_meeting_in_utc_needs_no_vtimezone(vendor):
    meeting = MeetingFactory(vendor=vendor, time_zone="UTC", recurrence="")

    cal = parse(ical.meeting_ics(meeting))

    [event] = cal.walk("VEVENT")
    assert event["DTSTART"].to_ical() == b"20260302T080000Z"
    assert cal.walk("VTIMEZONE") == []


def test_a_feed_lists_every_meeting_with_one_vtimezone_per_zone(owner):
    acme = VendorFactory(owner=owner, name="Acme")
    globex = VendorFactory(owner=owner, name="Globex")
    first = MeetingFactory(vendor=acme, time_zone="Europe/Warsaw")
    second = MeetingFactory(vendor=globex, time_zone="America/New_York", recurrence="")
    third = MeetingFactory(vendor=globex, time_zone="Europe/Warsaw", title="Steering")

    cal = parse(ical.calendar_ics([first, second, third], name="Globex and Acme"))

    assert cal["X-WR-CALNAME"] == "Globex and Acme"
    assert cal["NAME"] == "Globex and Acme"
    assert "REFRESH-INTERVAL" in cal
    assert "METHOD" not in cal  # a subscription, not a message
    uids = [event["UID"] for event in cal.walk("VEVENT")]
    assert len(uids) == len(set(uids)) == 3
    assert sorted(zone["TZID"] for zone in cal.walk("VTIMEZONE")) == [
        "America/New_York",
        "Europe/Warsaw",
    ]


def test_a_feed_is_stable_between_fetches_but_for_its_timestamps(vendor):
    meeting = MeetingFactory(vendor=vendor)

    first = parse(ical.calendar_ics([meeting], name="Acme"))
    second = parse(ical.calendar_ics([meeting], name="Acme"))

    assert first["UID"] == second["UID"]
    assert [e["UID"] for e in first.walk("VEVENT")] == [e["UID"] for e in second.walk("VEVENT")]


def test_an_empty_feed_is_still_a_valid_calendar():
    cal = parse(ical.calendar_ics([], name="Nothing yet"))

    assert cal.walk("VEVENT") == []
    assert cal["X-WR-CALNAME"] == "Nothing yet"


def test_a_meeting_with_a_broken_rule_is_published_as_its_first_meeting_alone(vendor):
    good = MeetingFactory(vendor=vendor, title="Good")
    broken = MeetingFactory(vendor=vendor, title="Broken")
    type(broken).objects.filter(pk=broken.pk).update(recurrence="FREQ=SOMETIMES")
    broken.refresh_from_db()

    cal = parse(ical.calendar_ics([good, broken], name="Acme"))

    events = {str(event["SUMMARY"]): event for event in cal.walk("VEVENT")}
    assert set(events) == {"Good (Acme Hosting)", "Broken (Acme Hosting)"}
    assert "RRULE" in events["Good (Acme Hosting)"]
    assert "RRULE" not in events["Broken (Acme Hosting)"]
