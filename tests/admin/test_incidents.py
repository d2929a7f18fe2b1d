"""Incidents in the admin: their SLA due times derived from the vendor's target."""

import datetime as dt

import pytest

from governance import services
from governance.models import ClauseType, Incident
from tests.admin.helpers import admin_url
from tests.factories import ClauseFactory, IncidentFactory, SLATargetFactory, VendorFactory

pytestmark = pytest.mark.django_db


def test_saving_an_incident_in_the_admin_derives_its_due_times(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user)
    target = SLATargetFactory(vendor=vendor, priority="P1", response_minutes=30)
    data = {
        "vendor": vendor.pk,
        "external_id": "INC-42",
        "title": "Core switch down",
        "description": "",
        "priority": "P1",
        "service": "network_management",
        "status": "open",
        "opened_at_0": "2026-03-02",
        "opened_at_1": "10:00:00",
        "acknowledged_at_0": "",
        "acknowledged_at_1": "",
        "resolved_at_0": "",
        "resolved_at_1": "",
        "root_cause": "",
        "category": "service",
    }

    response = admin_client.post(admin_url(Incident, "add"), data)

    assert response.status_code == 302
    incident = Incident.objects.get(external_id="INC-42")
    assert incident.response_due_at == incident.opened_at + dt.timedelta(minutes=30)
    assert (incident.response_due_at, incident.resolution_due_at) == services.incident_due_times(
        opened_at=incident.opened_at, target=target
    )


def test_an_incident_with_an_external_id_in_use_gets_a_form_error(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user)
    IncidentFactory(vendor=vendor, external_id="INC-1")
    data = {
        "vendor": vendor.pk,
        "external_id": "INC-1",
        "title": "Duplicate",
        "priority": "P3",
        "status": "open",
        "opened_at_0": "2026-03-02",
        "opened_at_1": "10:00:00",
    }

    response = admin_client.post(admin_url(Incident, "add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert Incident.objects.count() == 1


def test_a_security_incident_is_recorded_in_the_admin_and_shows_its_clocks(
    admin_client, admin_user
):
    vendor = VendorFactory(owner=admin_user)
    ClauseFactory(vendor=vendor, clause_type=ClauseType.BREACH_NOTIFICATION, notification_hours=24)
    data = {
        "vendor": vendor.pk,
        "external_id": "SEC-1",
        "title": "Phishing led to a mailbox takeover",
        "priority": "P1",
        "status": "open",
        "category": "security",
        "opened_at_0": "2026-03-02",
        "opened_at_1": "12:00:00",
        "detected_at_0": "2026-03-02",
        "detected_at_1": "10:00:00",
        "vendor_notified_at_0": "2026-03-02",
        "vendor_notified_at_1": "12:00:00",
        "notified_by": "Service desk lead",
        "personal_data_affected": "on",
        "data_involved": "Customer emails",
    }

    response = admin_client.post(admin_url(Incident, "add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    incident = Incident.objects.get(external_id="SEC-1")
    assert incident.detected_at == dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
    page = admin_client.get(admin_url(Incident, "change", incident.pk)).content.decode()
    assert "On time" in page
    assert "Overdue by" in page  # the authority: 72 h from 2 March 12:00 have passed


def test_the_admin_refuses_security_details_on_a_service_incident(admin_client, admin_user):
    vendor = VendorFactory(owner=admin_user)
    data = {
        "vendor": vendor.pk,
        "title": "Disk full",
        "priority": "P3",
        "status": "open",
        "category": "service",
        "opened_at_0": "2026-03-02",
        "opened_at_1": "10:00:00",
        "personal_data_affected": "on",
    }

    response = admin_client.post(admin_url(Incident, "add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["personal_data_affected"] == [
        "Only a security incident records this."
    ]
    assert not Incident.objects.exists()
