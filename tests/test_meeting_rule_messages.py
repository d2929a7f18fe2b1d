"""A meeting rule that is not even an RRULE is reported once, whichever door it came through."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from governance.models import Meeting
from tests.api.conftest import client_for
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def test_the_model_reports_a_malformed_rule_once_on_its_field(vendor):
    meeting = MeetingFactory.build(vendor=vendor, recurrence="EVERY MONDAY")

    with pytest.raises(ValidationError) as refused:
        meeting.full_clean()

    [message] = refused.value.message_dict["recurrence"]
    assert message.startswith("Not a valid RRULE")


def test_the_api_reports_a_malformed_rule_once(owner, vendor):
    response = client_for(owner).post(
        "/api/v1/meetings/",
        {
            "vendor": vendor.pk,
            "title": "Weekly operations sync",
            "starts_at": "2026-03-02T08:00:00Z",
            "duration_minutes": 45,
            "time_zone": "Europe/Warsaw",
            "recurrence": "EVERY MONDAY",
        },
        format="json",
    )

    assert response.status_code == 400
    assert len(response.json()["recurrence"]) == 1
    assert "Not a valid RRULE" in response.json()["recurrence"][0]
    assert not Meeting.objects.exists()


def test_the_admin_reports_a_malformed_rule_once(admin_client, vendor):
    response = admin_client.post(
        reverse("admin:governance_meeting_add"),
        {
            "vendor": vendor.pk,
            "title": "Weekly operations sync",
            "kind": "operational",
            "starts_at_0": "2026-03-02",
            "starts_at_1": "08:00",
            "duration_minutes": 45,
            "time_zone": "Europe/Warsaw",
            "recurrence": "EVERY MONDAY",
            "channel": "video",
        },
    )

    assert response.status_code == 200
    assert response.content.decode().count("Not a valid RRULE") == 1
    assert not Meeting.objects.exists()
