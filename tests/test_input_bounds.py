"""Values a page cannot show are refused by every door, because the bounds live in the model.

The defects this pins: an incident opened at 0001-01-01 through the web form was stored as a
BC timestamp and the dashboard, CSV, admin and portal answered 500 for everyone after; a
meeting in year 9999 west of UTC did the same; a review scheduled for 9999-12-31 failed on
completion; a newline in a meeting title or vendor name broke the .ics, the CSVs and the
meeting's reminders for good. Each is refused here at two doors at least, with a message,
and nothing is stored.
"""

import datetime as dt
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from governance import services
from governance.models import Incident, Meeting, Review, SLATarget, Vendor
from tests.api.conftest import client_for
from tests.factories import ReviewFactory, SLATargetFactory, VendorFactory, scored

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
RANGE = "between 1900-01-01 and 2199-12-31"


@pytest.fixture
def browser(owner):
    client = Client(raise_request_exception=False)
    client.force_login(owner)
    services.profile_update(services.profile_for(owner), time_zone="Asia/Tokyo")
    return client


@pytest.fixture
def api(owner):
    return client_for(owner)


def incident_form(**overrides):
    return {
        "title": "Core switch down",
        "external_id": "INC-1",
        "priority": "P1",
        "service": "network_management",
        "opened_at": "2026-03-10T06:00",
        "description": "",
        **overrides,
    }


def meeting_form(**overrides):
    return {
        "title": "Weekly ops",
        "kind": "operational",
        "start_date": "2026-03-02",
        "start_time": "09:00",
        "time_zone": "Europe/Warsaw",
        "duration_minutes": "30",
        "repeat": "",
        "rrule": "",
        "channel": "video",
        "location": "",
        "agenda": "",
        "minutes": "",
        **overrides,
    }


def meeting_payload(vendor, **overrides):
    return {
        "vendor": vendor.pk,
        "title": "Weekly operations sync",
        "starts_at": "2026-03-02T08:00:00Z",
        "duration_minutes": 45,
        "time_zone": "Europe/Warsaw",
        **overrides,
    }


# --- dates outside the window ---------------------------------------------------------------


@pytest.mark.parametrize("opened", ["0001-01-01T00:00", "9999-12-31T23:59", "1899-12-31T23:00"])
def test_the_incident_form_refuses_an_opening_time_outside_the_window(browser, vendor, opened):
    response = browser.post(
        reverse("governance:incident-create", args=[vendor.pk]), incident_form(opened_at=opened)
    )

    assert response.status_code == 200
    errors = str(response.context["form"].errors["opened_at"])
    assert RANGE in errors or "cannot open in the future" in errors
    assert not Incident.objects.exists()
    assert browser.get("/").status_code == 200


@pytest.mark.parametrize("opened", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:00:00-12:00"])
def test_the_api_refuses_an_opening_time_outside_the_window(api, vendor, opened):
    response = api.post(
        "/api/v1/incidents/",
        {"vendor": vendor.pk, "title": "Down", "priority": "P1", "opened_at": opened},
        format="json",
    )

    assert response.status_code == 400
    assert RANGE in str(response.json()["opened_at"])
    assert not Incident.objects.exists()


def test_the_services_refuse_an_opening_time_outside_the_window_whatever_the_caller(vendor):
    far = dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=14)))

    with pytest.raises(ValidationError, match="1900-01-01"):
        services.incident_save(Incident(vendor=vendor, title="Down", opened_at=far))

    assert not Incident.objects.exists()


def test_the_meeting_form_refuses_year_9999_west_of_utc(browser, vendor):
    response = browser.post(
        reverse("governance:meeting-create", args=[vendor.pk]),
        meeting_form(start_date="9999-12-31", start_time="23:00", time_zone="America/New_York"),
    )

    assert response.status_code == 200
    assert RANGE in response.content.decode()
    assert not Meeting.objects.exists()


def test_the_api_refuses_a_meeting_in_year_9999_west_of_utc(api, vendor):
    response = api.post(
        "/api/v1/meetings/",
        meeting_payload(vendor, starts_at="9999-12-31T23:00:00-05:00", time_zone="America/Lima"),
        format="json",
    )

    assert response.status_code == 400
    assert RANGE in str(response.json()["starts_at"])
    assert not Meeting.objects.exists()


def test_the_api_refuses_a_review_scheduled_for_9999(api, vendor):
    response = api.post(
        "/api/v1/reviews/",
        {
            "vendor": vendor.pk,
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
            "scheduled_for": "9999-12-31",
        },
        format="json",
    )

    assert response.status_code == 400
    assert RANGE in str(response.json()["scheduled_for"])


def test_the_review_form_refuses_a_review_scheduled_for_9999(browser, vendor):
    response = browser.post(
        reverse("governance:review-create", args=[vendor.pk]),
        {"period_start": "2026-01-01", "period_end": "2026-03-31", "scheduled_for": "9999-12-31"},
    )

    assert response.status_code == 200
    assert RANGE in str(response.context["form"].errors["scheduled_for"])
    assert not Review.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_completing_the_last_review_the_window_holds_says_why_at_both_doors(api, browser, vendor):
    # Scored and its period over, so that the window is what stops it.
    review = ReviewFactory(
        vendor=vendor,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 2, 28),
        scheduled_for=dt.date(2199, 12, 31),
    )
    scored(review)

    by_api = api.post(f"/api/v1/reviews/{review.pk}/complete/")
    by_form = browser.post(
        reverse("governance:review-complete", args=[vendor.pk, review.pk]), follow=True
    )

    assert by_api.status_code == 400
    assert "after 2199-12-31" in str(by_api.json()["scheduled_for"])
    assert by_form.status_code == 200
    assert "after 2199-12-31" in by_form.content.decode()
    review.refresh_from_db()
    assert review.status == Review.Status.SCHEDULED
    assert vendor.reviews.count() == 1


# --- text that must stay on one line --------------------------------------------------------


@pytest.mark.parametrize("title", ["Weekly\nsync", "Weekly\r\nsync", "Weekly\u2028sync"])
def test_the_api_refuses_a_line_break_in_a_meeting_title(api, vendor, title):
    response = api.post("/api/v1/meetings/", meeting_payload(vendor, title=title), format="json")

    assert response.status_code == 400
    assert "single line" in str(response.json()["title"])
    assert not Meeting.objects.exists()


def test_the_meeting_form_refuses_a_line_break_in_the_title(browser, vendor):
    response = browser.post(
        reverse("governance:meeting-create", args=[vendor.pk]), meeting_form(title="Ops\r\nsync")
    )

    assert "single line" in str(response.context["form"].errors["title"])
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("name", ["Acme\nHosting", "Acme\x1bHosting", "Acme\x00Hosting"])
def test_the_api_and_the_vendor_form_refuse_control_characters_in_a_vendor_name(
    api, browser, owner, name
):
    by_api = api.post("/api/v1/vendors/", {"name": name}, format="json")
    by_form = browser.post(
        reverse("governance:vendor-create"),
        {
            "name": name,
            "tier": "low",
            "status": "active",
            "owner": owner.pk,
            "time_zone": "UTC",
            "renewal_notice_days": "90",
            "currency": "EUR",
        },
    )

    assert by_api.status_code == 400 and "name" in by_api.json()
    assert by_form.status_code == 200 and "name" in by_form.context["form"].errors
    assert not Vendor.objects.exists()


def test_multi_line_text_keeps_its_line_breaks_but_not_control_characters(api, vendor):
    kept = api.post(
        "/api/v1/meetings/", meeting_payload(vendor, agenda="1. SLA\n2. Risks\r\n"), format="json"
    )
    refused = api.post(
        "/api/v1/meetings/", meeting_payload(vendor, agenda="1. SLA\x0b2. Risks"), format="json"
    )

    assert kept.status_code == 201
    assert refused.status_code == 400 and "U+000B" in str(refused.json()["agenda"])


# --- numbers whose arithmetic would leave the window ----------------------------------------


def test_an_sla_target_longer_than_ten_years_is_refused_at_both_doors(api, browser, vendor):
    minutes = 10 * 366 * 24 * 60 + 1
    by_api = api.post(
        "/api/v1/sla-targets/",
        {
            "vendor": vendor.pk,
            "priority": "P1",
            "response_minutes": 30,
            "resolution_minutes": minutes,
        },
        format="json",
    )
    by_form = browser.post(
        reverse("governance:sla-target-create", args=[vendor.pk]),
        {"priority": "P1", "response_minutes": "30", "resolution_minutes": str(minutes)},
    )

    assert by_api.status_code == 400 and "resolution_minutes" in by_api.json()
    assert "resolution_minutes" in by_form.context["form"].errors
    assert not SLATarget.objects.exists()


# --- concurrent duplicates: 409 with the rule's message, never the database's text ---------


def _lose_the_race(model, check="validate_constraints"):
    """Let the first ``check`` pass as if the rival row were not committed yet."""
    real = getattr(model, check)
    calls = {"n": 0}

    def validate(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            return None
        return real(self, *args, **kwargs)

    return mock.patch.object(model, check, validate)


def test_a_concurrent_duplicate_sla_target_is_a_409_with_a_human_message(api, vendor):
    SLATargetFactory(vendor=vendor, priority="P2")
    payload = {"vendor": vendor.pk, "priority": "P2", "response_minutes": 5}
    payload["resolution_minutes"] = 60

    with (
        _lose_the_race(SLATarget),
        mock.patch("rest_framework.validators.UniqueTogetherValidator.__call__", return_value=None),
    ):
        response = api.post("/api/v1/sla-targets/", payload, format="json")

    assert response.status_code == 409
    body = str(response.json())
    assert "already has a target for this priority" in body
    assert "duplicate key" not in body and "UNIQUE constraint" not in body
    assert SLATarget.objects.filter(vendor=vendor).count() == 1


def test_a_concurrent_duplicate_in_a_form_is_shown_as_a_form_error(browser, owner):
    VendorFactory(name="Twin Ltd", owner=owner)

    with (
        _lose_the_race(Vendor, "validate_unique"),
        mock.patch("django.forms.models.BaseModelForm.validate_unique", return_value=None),
    ):
        response = browser.post(
            reverse("governance:vendor-create"),
            {
                "name": "Twin Ltd",
                "tier": "low",
                "status": "active",
                "owner": owner.pk,
                "time_zone": "UTC",
                "renewal_notice_days": "90",
                "currency": "EUR",
            },
        )

    assert response.status_code == 200
    assert "already exists" in str(response.context["form"].errors["name"])
    assert Vendor.objects.filter(name="Twin Ltd").count() == 1


def test_a_conflict_with_no_rule_to_name_still_says_what_to_do(vendor):
    target = SLATarget(vendor=vendor, priority="P3", response_minutes=5, resolution_minutes=9)

    with (
        mock.patch.object(SLATarget, "save", side_effect=IntegrityError("boom")),
        pytest.raises(services.Conflict) as conflict,
    ):
        services.sla_target_save(target)

    assert conflict.value.messages == [services.CONFLICT_MESSAGE]


def test_a_vendor_name_taken_concurrently_is_a_409_naming_the_field(api, owner):
    VendorFactory(name="Twin Ltd", owner=owner)

    with (
        _lose_the_race(Vendor, "validate_unique"),
        mock.patch("rest_framework.validators.UniqueValidator.__call__", return_value=None),
    ):
        response = api.post("/api/v1/vendors/", {"name": "Twin Ltd"}, format="json")

    assert response.status_code == 409
    assert "name" in response.json()
