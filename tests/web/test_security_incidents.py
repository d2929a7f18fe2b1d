"""Security incidents in the web UI: logged with their details, their clocks on the page."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from governance import services
from governance.models import ClauseType, Incident, Meeting, SecurityClause
from tests.factories import ClauseFactory, IncidentFactory, MeetingFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)
SIGNED = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)


def breach_clause(vendor, hours=24):
    with time_machine.travel(SIGNED, tick=False):
        return ClauseFactory(
            vendor=vendor, clause_type=ClauseType.BREACH_NOTIFICATION, notification_hours=hours
        )


def security_incident(vendor, detected_at, **fields):
    return services.incident_save(
        IncidentFactory.build(
            vendor=vendor,
            category=Incident.Category.SECURITY,
            opened_at=detected_at,
            detected_at=detected_at,
            **fields,
        )
    )


def test_a_service_incident_form_has_no_security_fields_and_offers_a_security_one(
    owner_client, vendor
):
    page = owner_client.get(reverse("governance:incident-create", args=[vendor.pk]))

    assert "detected_at" not in page.context["form"].fields
    assert b"Log a security incident instead" in page.content
    security = owner_client.get(
        reverse("governance:incident-create", args=[vendor.pk]) + "?category=security"
    )
    assert "detected_at" in security.context["form"].fields


@time_machine.travel(NOW, tick=False)
def test_a_security_incident_is_logged_and_its_clocks_show_on_the_vendors_page(
    owner_client, vendor
):
    breach_clause(vendor, hours=24)
    review = MeetingFactory(vendor=vendor, kind=Meeting.Kind.POSTMORTEM, recurrence="")

    response = owner_client.post(
        reverse("governance:incident-create", args=[vendor.pk]),
        {
            "title": "Leaked API key",
            "category": "security",
            "priority": "P1",
            "opened_at": "2026-03-10T09:00",  # the owner's time zone is UTC
            "detected_at": "2026-03-10T08:00",
            "vendor_notified_at": "2026-03-10T09:00",
            "notified_by": "Their CISO",
            "personal_data_affected": "on",
            "systems_affected": "Billing API",
            "data_involved": "Invoices",
            "postmortem_meeting": review.pk,
        },
        follow=True,
    )

    assert response.status_code == 200
    incident = Incident.objects.get()
    assert incident.category == Incident.Category.SECURITY
    assert incident.postmortem_meeting == review
    page = owner_client.get(reverse("governance:incident-list", args=[vendor.pk])).content
    assert b"Vendor: On time" in page
    assert b"Authority: Running, 2 d 21 h left" in page
    edit = owner_client.get(reverse("governance:incident-edit", args=[vendor.pk, incident.pk]))
    assert b"Vendor: On time" in edit.content


@time_machine.travel(NOW, tick=False)
def test_the_form_shows_the_domains_refusal_on_its_field(owner_client, vendor):
    response = owner_client.post(
        reverse("governance:incident-create", args=[vendor.pk]),
        {
            "title": "Leaked API key",
            "category": "security",
            "priority": "P1",
            "opened_at": "2026-03-10T09:00",
            "detected_at": "2026-03-10T08:00",
            "vendor_notified_at": "2026-03-10T07:00",
        },
    )

    assert response.context["form"].errors["vendor_notified_at"] == [
        "The vendor cannot notify us before it detected it."
    ]
    assert not Incident.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_the_clause_form_takes_the_window_and_the_table_shows_it(owner_client, vendor):
    owner_client.post(
        reverse("governance:clause-create", args=[vendor.pk]),
        {
            "clause_type": "breach_notification",
            "status": "agreed",
            "notification_hours": "36",
            "notify_whom": "security@customer.example",
            "notify_how": "Email",
        },
    )

    assert SecurityClause.objects.get().notification_hours == 36
    page = owner_client.get(reverse("governance:clause-list", args=[vendor.pk])).content
    assert b"Notify within 36 h of detection" in page


@time_machine.travel(NOW, tick=False)
def test_the_incident_list_with_clocks_costs_the_same_for_few_and_many(
    owner_client, vendor, django_assert_max_num_queries
):
    breach_clause(vendor)
    url = reverse("governance:incident-list", args=[vendor.pk])
    for hours in range(3):
        security_incident(vendor, NOW - dt.timedelta(hours=hours + 1))
    with django_assert_max_num_queries(30) as few:
        assert owner_client.get(url).status_code == 200
    for hours in range(3, 40):
        security_incident(vendor, NOW - dt.timedelta(hours=hours + 1))

    # The incident list's 9 (tests/web/test_query_counts.py) and the clocks' 2.
    with django_assert_max_num_queries(11) as many:
        owner_client.get(url)

    assert len(many) == len(few)


@time_machine.travel(NOW, tick=False)
def test_the_csv_export_carries_the_security_details(owner_client, vendor):
    security_incident(vendor, NOW - dt.timedelta(hours=2), notified_by="Their CISO")

    response = owner_client.get(
        reverse("governance:incident-list", args=[vendor.pk]) + "?export=csv"
    )

    header, row = response.content.decode().splitlines()[:2]
    assert header.endswith(
        "Category,Detected,Vendor notified,Notified by,Personal data affected,Contained,"
        "Authority notified"
    )
    assert ",security," in row and "Their CISO" in row
