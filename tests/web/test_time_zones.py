"""Every date and time is shown in the signed-in user's own time zone."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from governance import services
from governance.models import Incident
from tests.factories import IncidentFactory, SLATargetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_yorker(owner):
    profile = services.profile_for(owner)
    profile.time_zone = "America/New_York"
    profile.save()
    return owner


@time_machine.travel(dt.datetime(2026, 3, 10, 20, tzinfo=dt.UTC), tick=False)
def test_times_are_shown_in_the_users_zone(client, new_yorker, vendor):
    SLATargetFactory(vendor=vendor, priority="P1", response_minutes=30, resolution_minutes=240)
    services.incident_save(
        IncidentFactory.build(
            vendor=vendor, title="Disk full", opened_at=dt.datetime(2026, 3, 10, 14, tzinfo=dt.UTC)
        )
    )
    client.force_login(new_yorker)
    html = client.get(reverse("governance:incident-list", args=[vendor.pk])).content.decode()
    assert "10 Mar 2026, 10:00" in html  # 14:00 UTC is 10:00 in New York (EDT since 8 March)
    assert "Resolution 10 Mar 14:00" in html
    assert "All times in America/New_York" in html


@time_machine.travel(dt.datetime(2026, 3, 10, 20, tzinfo=dt.UTC), tick=False)
def test_times_typed_in_a_form_are_read_in_the_users_zone(client, new_yorker, vendor):
    client.force_login(new_yorker)
    client.post(
        reverse("governance:incident-create", args=[vendor.pk]),
        {"title": "VPN down", "priority": "P2", "opened_at": "2026-03-10T09:30"},
    )
    assert Incident.objects.get().opened_at == dt.datetime(2026, 3, 10, 13, 30, tzinfo=dt.UTC)


@time_machine.travel(dt.datetime(2026, 3, 11, 2, tzinfo=dt.UTC), tick=False)
def test_today_is_the_users_local_day(client, new_yorker, vendor):
    # 02:00 UTC on the 11th is still the evening of the 10th in New York.
    client.force_login(new_yorker)
    response = client.get("/")
    assert response.context["today"] == dt.date(2026, 3, 10)
    assert "Tuesday 10 March 2026" in response.content.decode()
