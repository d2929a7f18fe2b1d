"""iCalendar feeds: parse with icalendar, expand to the right local times, revocable tokens."""

import datetime as dt
import zoneinfo

import icalendar
import pytest
from dateutil.rrule import rrulestr
from django.urls import reverse

from governance import selectors, services
from tests.factories import MeetingFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")


def events(body):
    calendar = icalendar.Calendar.from_ical(body)
    return calendar, list(calendar.walk("VEVENT"))


def expand(event, count):
    """The first ``count`` starts of an event, expanded as a calendar client would."""
    start = event.decoded("DTSTART")
    if "RRULE" not in event:
        return [start]
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=start)
    return list(rule)[:count]


def feed_url(user, vendor=None):
    token = services.profile_for(user).calendar_token
    if vendor is None:
        return reverse("governance:user-feed", args=[token])
    return reverse("governance:vendor-feed", args=[token, vendor.pk])


def test_the_users_feed_keeps_a_weekly_meeting_at_9_local_across_dst(client, vendor, owner):
    # 2 March 2026, 09:00 in Warsaw (08:00 UTC); DST starts there on 29 March.
    meeting = MeetingFactory(vendor=vendor, title="Ops sync", recurrence="FREQ=WEEKLY;BYDAY=MO")
    response = client.get(feed_url(owner))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar, (event,) = events(response.content)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Warsaw"]
    starts = expand(event, 6)
    assert [s.astimezone(WARSAW).hour for s in starts] == [9] * 6
    assert [s.astimezone(dt.UTC).hour for s in starts] == [8, 8, 8, 8, 7, 7]
    assert [s.astimezone(WARSAW).date().isoformat() for s in starts][-2:] == [
        "2026-03-30",
        "2026-04-06",
    ]
    # The app expands the same occurrences.
    app = selectors.meeting_occurrences(
        meeting,
        start=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
        end=dt.datetime(2026, 4, 7, tzinfo=dt.UTC),
    )
    assert [o.starts_at for o in app] == [s.astimezone(dt.UTC) for s in starts]
    assert "Ops sync" in str(event["SUMMARY"])


def test_the_users_feed_has_only_meetings_of_vendors_owned_or_attended(client, owner, member):
    owned = MeetingFactory(vendor=VendorFactory(owner=owner), title="Owned")
    attended = MeetingFactory(vendor=VendorFactory(owner=member), title="Attended")
    attended.attendees.add(owner)
    MeetingFactory(vendor=VendorFactory(owner=member), title="Not mine")
    _, found = events(client.get(feed_url(owner)).content)
    titles = sorted(str(e["SUMMARY"]).split(" (")[0] for e in found)
    assert titles == sorted([owned.title, attended.title])


def test_a_vendor_feed_has_that_vendors_meetings(client, owner, vendor):
    MeetingFactory(vendor=vendor, title="Steering", recurrence="")
    MeetingFactory(vendor=VendorFactory(owner=owner), title="Elsewhere")
    _, found = events(client.get(feed_url(owner, vendor)).content)
    assert [str(e["SUMMARY"]) for e in found] == ["Steering (Acme Hosting)"]
    assert expand(found[0], 1)[0].astimezone(dt.UTC) == dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC)


def test_a_regenerated_token_revokes_the_old_feed_urls(client, owner, vendor):
    MeetingFactory(vendor=vendor)
    old_user_url, old_vendor_url = feed_url(owner), feed_url(owner, vendor)
    assert client.get(old_user_url).status_code == 200
    client.force_login(owner)
    response = client.post(reverse("governance:calendar-token-regenerate"), follow=True)
    assert b"the old one no longer works" in response.content
    client.logout()
    assert client.get(old_user_url).status_code == 404
    assert client.get(old_vendor_url).status_code == 404
    assert client.get(feed_url(owner)).status_code == 200
    assert client.get(feed_url(owner, vendor)).status_code == 200


def test_unknown_tokens_vendors_and_inactive_users_get_404(client, owner, vendor):
    assert client.get(reverse("governance:user-feed", args=["nope"])).status_code == 404
    missing = reverse(
        "governance:vendor-feed", args=[services.profile_for(owner).calendar_token, 999999]
    )
    assert client.get(missing).status_code == 404
    gone = UserFactory(username="gone", is_active=False)
    assert client.get(feed_url(gone)).status_code == 404


def test_the_preferences_page_shows_the_feed_url(owner_client, owner):
    response = owner_client.get(reverse("governance:preferences"))
    assert services.profile_for(owner).calendar_token in response.content.decode()


def test_a_meeting_downloads_as_an_ics_file(owner_client, vendor):
    meeting = MeetingFactory(vendor=vendor, recurrence="FREQ=WEEKLY;BYDAY=MO;COUNT=3")
    response = owner_client.get(reverse("governance:meeting-ics", args=[vendor.pk, meeting.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    _, (event,) = events(response.content)
    assert [s.astimezone(WARSAW).strftime("%a %H:%M") for s in expand(event, 10)] == [
        "Mon 09:00"
    ] * 3
