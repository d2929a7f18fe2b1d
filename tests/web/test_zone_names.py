"""A time zone name that reaches the file system as something else than a zone (a directory
such as "America", a name too long for a file) is an unknown zone at every door: a form error
or a 400, never a 500 (the property tests found a meeting form answering 500)."""

import pytest
from django.urls import reverse

from governance.domain import zones
from governance.models import Meeting
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

NAMES = ["America", "Europe", "a" * 5000]


@pytest.mark.parametrize("name", NAMES)
def test_such_a_name_is_an_unknown_zone_and_output_falls_back_to_utc(name):
    with pytest.raises(zones.zoneinfo.ZoneInfoNotFoundError):
        zones.zone(name)
    assert zones.zone_or_utc(name) is zones.UTC


@pytest.mark.parametrize("name", NAMES)
def test_the_meeting_form_names_the_field(owner_client, vendor, name):
    response = owner_client.post(
        reverse("governance:meeting-create", args=[vendor.pk]),
        {
            "title": "Operations sync",
            "kind": "operational",
            "start_date": "2026-03-02",
            "start_time": "09:00",
            "duration_minutes": 45,
            "time_zone": name,
            "channel": "video",
        },
    )

    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("name", NAMES)
def test_the_api_answers_400_on_the_field(owner, vendor, name):
    response = client_for(owner).post(
        "/api/v1/meetings/",
        {
            "vendor": vendor.pk,
            "title": "Operations sync",
            "starts_at": "2026-03-02T08:00:00Z",
            "duration_minutes": 45,
            "time_zone": name,
        },
        format="json",
    )

    assert response.status_code == 400
    assert "time_zone" in response.json()
    assert not Meeting.objects.exists()
