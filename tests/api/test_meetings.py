import datetime as dt

import pytest

from governance.models import Meeting
from tests.factories import ContactFactory, MeetingFactory, VendorFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/meetings/"


def meeting_payload(vendor, **overrides):
    return {
        "vendor": vendor.pk,
        "title": "Weekly operations sync",
        "kind": "operational",
        "starts_at": "2026-03-02T08:00:00Z",
        "duration_minutes": 45,
        "time_zone": "Europe/Warsaw",
        "recurrence": "FREQ=WEEKLY;BYDAY=MO",
        "channel": "video",
        "location": "https://meet.example.com/ops",
        **overrides,
    }


def test_a_meeting_is_scheduled_with_attendees_and_vendor_contacts(api, vendor, owner, member):
    contact = ContactFactory(vendor=vendor)

    response = api.post(
        URL,
        meeting_payload(vendor, attendees=[owner.pk, member.pk], contacts=[contact.pk]),
        format="json",
    )

    assert response.status_code == 201, response.data
    body = response.json()
    assert sorted(body["attendees"]) == sorted([owner.pk, member.pk])
    assert body["contacts"] == [contact.pk]
    meeting = Meeting.objects.get(pk=body["id"])
    assert set(meeting.attendees.all()) == {owner, member}


def test_attendees_are_replaced_when_given_and_kept_when_omitted(api, vendor, owner, member):
    meeting = MeetingFactory(vendor=vendor)
    meeting.attendees.set([owner])

    kept = api.patch(f"{URL}{meeting.pk}/", {"agenda": "KPIs"}, format="json")
    replaced = api.patch(f"{URL}{meeting.pk}/", {"attendees": [member.pk]}, format="json")

    assert kept.json()["attendees"] == [owner.pk]
    assert replaced.json()["attendees"] == [member.pk]


def test_a_contact_of_another_vendor_cannot_attend(api, vendor):
    stranger = ContactFactory(vendor=VendorFactory())

    response = api.post(URL, meeting_payload(vendor, contacts=[stranger.pk]), format="json")

    assert response.status_code == 400
    assert response.json() == {"contacts": ["Contacts must belong to the meeting's vendor."]}
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("time_zone", "Central European Time", "not an IANA time zone name"),
        ("recurrence", "EVERY MONDAY", "Not a valid RRULE"),
        ("recurrence", "FREQ=WEEKLY;BYDAY=XX", "Not a valid RRULE"),
        ("recurrence", "DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY", "Not a valid RRULE"),
        ("recurrence", "FREQ=MINUTELY", "daily, weekly, monthly or yearly"),
        ("recurrence", "FREQ=DAILY;BYHOUR=9,17", "time of day comes from the start"),
        ("recurrence", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never produces"),
        ("recurrence", "FREQ=WEEKLY;UNTIL=20250101T000000Z", "never produces"),
        ("kind", "party", "not a valid choice"),
        ("channel", "pigeon", "not a valid choice"),
        ("duration_minutes", 0, "between 1 minute and 24 hours"),
        ("duration_minutes", 24 * 60 + 1, "between 1 minute and 24 hours"),
        ("starts_at", "next monday", "Datetime has wrong format"),
        ("starts_at", "2300-01-01T09:00:00Z", "between 1900-01-01 and 2199-12-31"),
        ("starts_at", "9999-12-31T23:59:59-12:00", "between 1900-01-01 and 2199-12-31"),
        ("attendees", [424242], "does not exist"),
        ("attendees", "everyone", "Expected a list"),
    ],
)
def test_invalid_meetings_get_a_message_on_the_field(api, vendor, field, value, message):
    response = api.post(URL, meeting_payload(vendor, **{field: value}), format="json")

    assert response.status_code == 400
    assert message in str(response.json()[field])
    assert not Meeting.objects.exists()


def test_a_one_off_meeting_has_no_recurrence(api, vendor):
    response = api.post(URL, meeting_payload(vendor, recurrence=""), format="json")

    assert response.status_code == 201, response.data
    assert response.json()["recurrence"] == ""


def test_meetings_filter_by_kind_vendor_attendee_and_start(api, vendor, owner):
    sync = MeetingFactory(vendor=vendor, title="Sync", kind="operational")
    sync.attendees.add(owner)
    MeetingFactory(
        vendor=vendor,
        title="QBR",
        kind="qbr",
        starts_at=dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC),
    )
    MeetingFactory(title="Elsewhere", starts_at=dt.datetime(2026, 9, 1, 9, tzinfo=dt.UTC))

    def titles(query):
        response = api.get(URL + query)
        assert response.status_code == 200, response.data
        return [row["title"] for row in response.json()["results"]]

    assert titles("?kind=qbr") == ["QBR"]
    assert titles(f"?vendor={vendor.pk}") == ["Sync", "QBR"]
    assert titles(f"?attendee={owner.pk}") == ["Sync"]
    assert titles("?starts_at__gte=2026-05-01T00:00:00Z") == ["QBR", "Elsewhere"]
    assert titles("?search=qbr") == ["QBR"]
    assert titles("?ordering=-starts_at") == ["Elsewhere", "QBR", "Sync"]


def test_weekly_occurrences_keep_their_local_time_across_dst(api, vendor):
    # Mondays 09:00 in Warsaw: 08:00 UTC in winter, 07:00 UTC after the 29 March change.
    meeting = MeetingFactory(
        vendor=vendor,
        starts_at=dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC),
        duration_minutes=60,
        recurrence="FREQ=WEEKLY;BYDAY=MO",
    )

    response = api.get(
        f"{URL}{meeting.pk}/occurrences/?start=2026-03-20T00:00:00Z&end=2026-04-07T00:00:00Z"
    )

    assert response.status_code == 200, response.data
    assert response.json()["count"] == 3
    # Each occurrence also names the series instance it is (its own start: none moved).
    assert response.json()["results"] == [
        {"starts_at": start, "ends_at": end, "original_start": start}
        for start, end in [
            ("2026-03-23T08:00:00Z", "2026-03-23T09:00:00Z"),
            ("2026-03-30T07:00:00Z", "2026-03-30T08:00:00Z"),
            ("2026-04-06T07:00:00Z", "2026-04-06T08:00:00Z"),
        ]
    ]


def test_occurrences_are_paginated(api, vendor):
    meeting = MeetingFactory(vendor=vendor, recurrence="FREQ=DAILY")
    url = f"{URL}{meeting.pk}/occurrences/?start=2026-03-02T00:00:00Z&end=2027-03-02T00:00:00Z"

    first = api.get(url).json()
    large = api.get(url + "&page_size=500").json()

    assert first["count"] == 365
    assert len(first["results"]) == 50
    assert "page=2" in first["next"]
    assert len(large["results"]) == 365


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "start"),
        ("?start=2026-01-01T00:00:00Z", "end"),
        ("?start=soon&end=2026-02-01T00:00:00Z", "start"),
        ("?start=2026-02-01T00:00:00Z&end=2026-01-01T00:00:00Z", "end"),
        ("?start=2026-01-01T00:00:00Z&end=2027-01-03T00:00:00Z", "end"),
        ("?start=0001-01-01T00:00:00Z&end=0001-01-02T00:00:00Z", "start"),
        ("?start=2026-01-01T00:00:00Z&end=2026-02-01T00:00:00Z&page_size=0", "page_size"),
        (
            "?start=2026-01-01T00:00:00Z&start=2026-01-02T00:00:00Z&end=2026-02-01T00:00:00Z",
            "start",
        ),
    ],
)
def test_a_missing_invalid_or_too_wide_range_is_a_400(api, vendor, query, field):
    meeting = MeetingFactory(vendor=vendor)

    response = api.get(f"{URL}{meeting.pk}/occurrences/{query}")

    assert response.status_code == 400
    assert field in response.json()


def test_occurrences_of_an_unknown_meeting_are_a_404(api):
    response = api.get(
        f"{URL}424242/occurrences/?start=2026-01-01T00:00:00Z&end=2026-02-01T00:00:00Z"
    )

    assert response.status_code == 404


def test_a_meeting_is_deleted(api, vendor):
    meeting = MeetingFactory(vendor=vendor)

    assert api.delete(f"{URL}{meeting.pk}/").status_code == 204
    assert not Meeting.objects.exists()
