"""What no rule needs is not asked for: a vendor's services and a goal's start date.

A vendor may be registered before anyone has agreed what it does (services default to none),
and a goal starts today unless told otherwise. Both hold at the API and in the web forms.
"""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from governance.models import Goal, Vendor
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 30)


def test_the_api_registers_a_vendor_without_services(owner):
    response = client_for(owner).post(
        "/api/v1/vendors/", {"name": "Unsorted Ltd", "time_zone": "UTC"}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["services"] == []
    assert Vendor.objects.get(name="Unsorted Ltd").services == []


def test_the_web_form_registers_a_vendor_without_services(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("governance:vendor-create"),
        {
            "name": "Unsorted Ltd",
            "tier": "low",
            "status": "onboarding",
            "owner": owner.pk,
            "time_zone": "UTC",
            "renewal_notice_days": "90",
            "currency": "EUR",
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    assert Vendor.objects.get(name="Unsorted Ltd").services == []


@time_machine.travel(dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC), tick=False)
def test_the_api_starts_a_goal_today_when_no_start_date_is_given(owner, vendor):
    response = client_for(owner).post(
        "/api/v1/goals/",
        {
            "vendor": vendor.pk,
            "title": "Faster patching",
            "metric": "Days to patch",
            "target_value": "7",
            "due_date": "2027-06-30",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["start_date"] == TODAY.isoformat()


@time_machine.travel(dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC), tick=False)
def test_the_web_form_offers_today_as_a_goals_start(client, owner, vendor):
    client.force_login(owner)
    page = client.get(reverse("governance:goal-create", args=[vendor.pk]))
    response = client.post(
        reverse("governance:goal-create", args=[vendor.pk]),
        {
            "title": "Faster patching",
            "metric": "Days to patch",
            "target_value": "7",
            "direction": "lower_is_better",
            "start_date": page.context["form"]["start_date"].value(),
            "due_date": "2027-06-30",
            "status": "agreed",
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    assert Goal.objects.get(title="Faster patching").start_date == TODAY
