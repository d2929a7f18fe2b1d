"""The weekly digest comes on the day and at the hour each person chose, in their own time
zone, once a week; those who chose nothing get it on the site's day and hour as before."""

import datetime as dt

import pytest
from django.urls import reverse

from governance.models import UserProfile
from tests.factories import UserFactory, VendorFactory
from tests.reminders.conftest import set_profile

pytestmark = pytest.mark.django_db

UTC = dt.UTC
FRIDAY = 4


def digests(messages):
    return sorted(
        address
        for message in messages
        if message.subject.startswith("Your vendor governance week")
        for address in message.to
    )


@pytest.fixture
def tokyo(db):
    """A manager in Tokyo who asked for the digest on Fridays at 08:00."""
    user = UserFactory(username="kenji", email="kenji@example.com")
    set_profile(user, "Asia/Tokyo", digest_enabled=True, digest_weekday=FRIDAY, digest_hour=8)
    VendorFactory(name="Kanto Networks", owner=user)
    return user


def test_a_person_in_tokyo_gets_the_digest_on_friday_at_eight_tokyo_time_once(run_sweep, tokyo):
    # Friday 10 Apr 2026, 08:00 in Tokyo (UTC+9) is Thursday 9 Apr, 23:00 UTC.
    friday_eight = dt.datetime(2026, 4, 9, 23, 0, tzinfo=UTC)

    # Turned on mid-week: nothing at once, nor a minute before the hour.
    assert digests(run_sweep(dt.datetime(2026, 4, 8, 3, 0, tzinfo=UTC))) == []
    assert digests(run_sweep(friday_eight - dt.timedelta(minutes=1))) == []
    assert digests(run_sweep(friday_eight)) == ["kenji@example.com"]
    # Once: not again later that day, the next day, or on the site's Monday.
    for later in (dt.timedelta(minutes=5), dt.timedelta(hours=7), dt.timedelta(days=1)):
        assert digests(run_sweep(friday_eight + later)) == []
    monday_eight_warsaw = dt.datetime(2026, 4, 13, 6, 0, tzinfo=UTC)
    assert digests(run_sweep(monday_eight_warsaw)) == []
    # And the next Friday again.
    next_friday = friday_eight + dt.timedelta(days=7)
    assert digests(run_sweep(next_friday - dt.timedelta(minutes=1))) == []
    assert digests(run_sweep(next_friday)) == ["kenji@example.com"]


def test_a_sweep_missed_for_hours_only_delays_the_digest_but_a_day_skips_the_week(run_sweep, tokyo):
    friday_eight = dt.datetime(2026, 4, 9, 23, 0, tzinfo=UTC)

    assert digests(run_sweep(friday_eight + dt.timedelta(hours=12))) == ["kenji@example.com"]
    assert digests(run_sweep(friday_eight + dt.timedelta(days=8))) == []


def test_those_who_chose_nothing_keep_the_sites_day_and_hour(run_sweep, owner, tokyo):
    set_profile(owner, digest_enabled=True)  # Europe/Warsaw; the site's Monday at 08:00
    monday_eight_warsaw = dt.datetime(2026, 4, 6, 6, 0, tzinfo=UTC)

    assert digests(run_sweep(monday_eight_warsaw - dt.timedelta(minutes=1))) == []
    assert digests(run_sweep(monday_eight_warsaw)) == ["owner@example.com"]
    assert digests(run_sweep(monday_eight_warsaw + dt.timedelta(days=2))) == []
    assert digests(run_sweep(dt.datetime(2026, 4, 9, 23, 0, tzinfo=UTC))) == ["kenji@example.com"]


def test_the_preferences_page_offers_the_digests_day_and_hour(client, owner):
    client.force_login(owner)
    page = client.get(reverse("governance:preferences"))
    html = page.content.decode()
    assert "Send me the weekly digest" in html
    assert '<option value="4">Friday</option>' in html
    assert '<option value="8">08:00</option>' in html
    data = {
        "time_zone": "Asia/Tokyo",
        "digest_enabled": "on",
        "digest_weekday": "4",
        "digest_hour": "8",
    }

    client.post(reverse("governance:preferences"), data)

    profile = UserProfile.objects.get(user=owner)
    assert (profile.digest_enabled, profile.digest_weekday, profile.digest_hour) == (True, 4, 8)

    client.post(reverse("governance:preferences"), {**data, "digest_hour": "24"})

    assert UserProfile.objects.get(user=owner).digest_hour == 8  # refused: no such hour
