"""The two notification deadlines stored on a security incident (for "Needs attention", which
filters and orders by them) are the clocks' own, whatever door wrote what they come from: the
incident (API, web form), the breach-notification clause (web form, API), the vendor's time
zone; and the periodic refresh puts right what a door that sends no signal left behind."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from governance.models import ClauseType, Incident, SecurityClause
from governance.selectors import notification_clocks
from governance.services import figures
from tests.api.conftest import client_for
from tests.factories import ClauseFactory, VendorFactory

pytestmark = pytest.mark.django_db

SIGNED = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
DETECTED = dt.datetime(2026, 3, 9, 22, 30, tzinfo=dt.UTC)
NOW = DETECTED + dt.timedelta(hours=3)
HOUR = dt.timedelta(hours=1)


@pytest.fixture
def vendor(owner):
    vendor = VendorFactory(owner=owner, time_zone="UTC")
    with time_machine.travel(SIGNED, tick=False):
        ClauseFactory(
            vendor=vendor, clause_type=ClauseType.BREACH_NOTIFICATION, notification_hours=24
        )
    return vendor


@pytest.fixture
def api(owner):
    return client_for(owner)


def reported(api, vendor, **fields):
    """A security incident recorded through the API; the stored row."""
    with time_machine.travel(NOW, tick=False):
        response = api.post(
            "/api/v1/incidents/",
            {
                "vendor": vendor.pk,
                "title": "Exposed bucket",
                "priority": "P1",
                "category": "security",
                "opened_at": (DETECTED + HOUR).isoformat(),
                "detected_at": DETECTED.isoformat(),
                "personal_data_affected": True,
                **fields,
            },
            format="json",
        )
    assert response.status_code == 201, response.content
    return Incident.objects.get(pk=response.json()["id"])


def assert_stored_as_computed(incident):
    incident.refresh_from_db()
    clocks = notification_clocks([incident], now=NOW)[incident.pk]
    vendor_due = clocks.vendor.due_at if clocks.vendor else None
    authority_due = clocks.authority.due_at if clocks.authority else None
    assert (incident.vendor_notice_due_at, incident.authority_notice_due_at) == (
        vendor_due,
        authority_due,
    )


def test_an_incident_reported_through_the_api_stores_both_deadlines(api, vendor):
    incident = reported(api, vendor)

    assert incident.vendor_notice_due_at == DETECTED + 24 * HOUR
    # Our awareness: the opening here, an hour after detection.
    assert incident.authority_notice_due_at == DETECTED + HOUR + 72 * HOUR
    assert_stored_as_computed(incident)


def test_no_clause_in_force_and_no_personal_data_store_no_deadline(api, owner):
    incident = reported(api, VendorFactory(owner=owner), personal_data_affected=False)

    assert (incident.vendor_notice_due_at, incident.authority_notice_due_at) == (None, None)


def test_the_vendors_notification_moves_our_deadline_to_its_awareness(api, vendor):
    incident = reported(api, vendor, opened_at=NOW.isoformat())
    assert incident.authority_notice_due_at == NOW + 72 * HOUR
    with time_machine.travel(NOW + 3 * HOUR, tick=False):
        response = api.patch(
            f"/api/v1/incidents/{incident.pk}/",
            {"vendor_notified_at": (DETECTED + 2 * HOUR).isoformat()},
            format="json",
        )
    assert response.status_code == 200, response.content

    incident.refresh_from_db()
    assert incident.authority_notice_due_at == DETECTED + 2 * HOUR + 72 * HOUR


def test_a_clause_recorded_before_detection_through_the_web_sets_the_deadline(api, owner, client):
    vendor = VendorFactory(owner=owner, time_zone="UTC")
    incident = reported(api, vendor)
    assert incident.vendor_notice_due_at is None
    client.force_login(owner)

    # Recorded after the detection: the first version on file counts (the clause was agreed
    # before; it is on file only now).
    with time_machine.travel(NOW + HOUR, tick=False):
        response = client.post(
            reverse("governance:clause-create", args=[vendor.pk]),
            {
                "clause_type": ClauseType.BREACH_NOTIFICATION,
                "requirement": "Notify us within 48 hours.",
                "status": "agreed",
                "notification_hours": 48,
                "effective_date": "2026-01-01",
            },
        )
    assert response.status_code == 302, response.context and response.context["form"].errors

    incident.refresh_from_db()
    assert incident.vendor_notice_due_at == DETECTED + 48 * HOUR
    assert_stored_as_computed(incident)


def test_a_clause_deleted_through_the_api_clears_nothing_already_on_file(api, vendor):
    incident = reported(api, vendor)
    clause = SecurityClause.objects.get(vendor=vendor)

    with time_machine.travel(NOW + HOUR, tick=False):
        assert api.delete(f"/api/v1/clauses/{clause.pk}/").status_code == 204

    # The version on file at detection still counts: the deadline stays.
    incident.refresh_from_db()
    assert incident.vendor_notice_due_at == DETECTED + 24 * HOUR
    assert_stored_as_computed(incident)


def test_the_vendors_time_zone_decides_whether_a_clause_was_in_force(api, owner, vendor):
    # Effective from 10 March: in force on the detection day in Tokyo (already 10 March
    # there), not in London (still 9 March).
    clause = SecurityClause.objects.get(vendor=vendor)
    with time_machine.travel(SIGNED, tick=False):
        clause.effective_date = dt.date(2026, 3, 10)
        clause.save()
    vendor.time_zone = "Europe/London"
    vendor.save()
    incident = reported(api, vendor)
    assert incident.vendor_notice_due_at is None

    response = api.patch(
        f"/api/v1/vendors/{vendor.pk}/", {"time_zone": "Asia/Tokyo"}, format="json"
    )
    assert response.status_code == 200, response.content

    incident.refresh_from_db()
    assert incident.vendor_notice_due_at == DETECTED + 24 * HOUR
    assert_stored_as_computed(incident)


def test_the_periodic_refresh_repairs_what_a_signal_free_write_left(api, vendor):
    incident = reported(api, vendor)
    # QuerySet.update sends no signal: the stored deadlines are left as they were.
    Incident.objects.filter(pk=incident.pk).update(detected_at=DETECTED - 10 * HOUR)
    incident.refresh_from_db()
    assert incident.vendor_notice_due_at == DETECTED + 24 * HOUR

    with time_machine.travel(NOW, tick=False):
        figures.refresh_all()

    incident.refresh_from_db()
    assert incident.vendor_notice_due_at == DETECTED - 10 * HOUR + 24 * HOUR
    assert_stored_as_computed(incident)


def test_an_incident_notified_leaves_needs_attention(api, owner, vendor, client):
    incident = reported(api, vendor)
    client.force_login(owner)
    with time_machine.travel(NOW, tick=False):
        keys = [
            item.key
            for group in client.get("/").context["attention_groups"]
            for item in group.items
        ]
        assert f"incident:{incident.pk}:vendor_notification_due" in keys

        api.patch(
            f"/api/v1/incidents/{incident.pk}/",
            {"vendor_notified_at": (DETECTED + 2 * HOUR).isoformat()},
            format="json",
        )

        keys = [
            item.key
            for group in client.get("/").context["attention_groups"]
            for item in group.items
        ]
    assert f"incident:{incident.pk}:vendor_notification_due" not in keys
