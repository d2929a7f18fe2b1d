import datetime as dt
import json
import threading

import pytest
import time_machine
from django.db import connections
from django.test import Client

from governance.models import Incident, SLATarget
from tests.api.conftest import token_for
from tests.factories import IncidentFactory, SLATargetFactory, VendorFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 5, 4, 12, 0, tzinfo=dt.UTC)


# --- SLA targets ---------------------------------------------------------------------------


def test_a_target_is_set_changed_and_removed_and_incident_due_times_follow(api, vendor):
    incident = IncidentFactory(vendor=vendor, priority="P2", opened_at=NOW)

    created = api.post(
        "/api/v1/sla-targets/",
        {"vendor": vendor.pk, "priority": "P2", "response_minutes": 60, "resolution_minutes": 480},
    )
    assert created.status_code == 201, created.data
    incident.refresh_from_db()
    assert incident.resolution_due_at == NOW + dt.timedelta(hours=8)

    target_url = f"/api/v1/sla-targets/{created.json()['id']}/"
    assert api.patch(target_url, {"resolution_minutes": 240}).status_code == 200
    incident.refresh_from_db()
    assert incident.resolution_due_at == NOW + dt.timedelta(hours=4)

    assert api.delete(target_url).status_code == 204
    incident.refresh_from_db()
    assert incident.resolution_due_at is None
    assert not SLATarget.objects.exists()


def test_one_target_per_vendor_and_priority(api, vendor):
    SLATargetFactory(vendor=vendor, priority="P1")

    response = api.post(
        "/api/v1/sla-targets/",
        {"vendor": vendor.pk, "priority": "P1", "response_minutes": 15, "resolution_minutes": 60},
    )

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["This vendor already has a target for this priority."]
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"priority": "P5", "response_minutes": 1, "resolution_minutes": 2}, "priority"),
        ({"priority": "P1", "response_minutes": 0, "resolution_minutes": 2}, "response_minutes"),
        (
            {"priority": "P1", "response_minutes": 90, "resolution_minutes": 60},
            "resolution_minutes",
        ),
        (
            {"priority": "P1", "response_minutes": 1, "resolution_minutes": 10**12},
            "resolution_minutes",
        ),
        (
            {"priority": "P1", "response_minutes": "fast", "resolution_minutes": 2},
            "response_minutes",
        ),
    ],
)
def test_invalid_targets_are_refused(api, vendor, body, field):
    response = api.post("/api/v1/sla-targets/", {"vendor": vendor.pk, **body}, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not SLATarget.objects.exists()


def test_targets_filter_by_vendor_and_priority(api, vendor):
    SLATargetFactory(vendor=vendor, priority="P1")
    SLATargetFactory(vendor=vendor, priority="P3")
    SLATargetFactory(vendor=VendorFactory(), priority="P1")

    by_vendor = api.get(f"/api/v1/sla-targets/?vendor={vendor.pk}").json()
    by_priority = api.get("/api/v1/sla-targets/?priority=P1").json()

    assert [row["priority"] for row in by_vendor["results"]] == ["P1", "P3"]
    assert by_priority["count"] == 2


# --- incidents -----------------------------------------------------------------------------


def incident_payload(of, **overrides):
    return {
        "vendor": of.pk,
        "external_id": "INC-1042",
        "title": "VPN down for the Kraków office",
        "priority": "P1",
        "service": "network_management",
        "opened_at": "2026-05-04T09:00:00Z",
        **overrides,
    }


@time_machine.travel(NOW, tick=False)
def test_an_incident_post_creates_then_updates_the_same_incident(api, vendor):
    SLATargetFactory(vendor=vendor, priority="P1", response_minutes=30, resolution_minutes=240)

    created = api.post("/api/v1/incidents/", incident_payload(vendor), format="json")
    updated = api.post(
        "/api/v1/incidents/",
        incident_payload(vendor, status="resolved", resolved_at="2026-05-04T11:00:00Z"),
        format="json",
    )

    assert created.status_code == 201, created.data
    assert updated.status_code == 200, updated.data
    assert updated.json()["id"] == created.json()["id"]
    assert Incident.objects.count() == 1
    body = updated.json()
    assert body["status"] == "resolved"
    assert body["response_due_at"] == "2026-05-04T09:30:00Z"
    assert body["resolution_due_at"] == "2026-05-04T13:00:00Z"
    # Resolving implies the acknowledgement, at the resolution time: 90 min after a 30 min target.
    assert body["acknowledged_at"] == "2026-05-04T11:00:00Z"
    assert body["response_breached"] is True
    assert body["resolution_breached"] is False


def test_the_same_external_id_at_another_vendor_is_another_incident(api, vendor, owner):
    # Both owned by the caller: writing to a vendor needs that (tests/access covers the rest).
    other = VendorFactory(owner=owner)

    first = api.post("/api/v1/incidents/", incident_payload(vendor), format="json")
    second = api.post("/api/v1/incidents/", incident_payload(other), format="json")

    assert (first.status_code, second.status_code) == (201, 201)
    assert Incident.objects.count() == 2


def test_incidents_without_an_external_id_are_always_new(api, vendor):
    for _ in range(2):
        response = api.post("/api/v1/incidents/", incident_payload(vendor, external_id=""))
        assert response.status_code == 201

    assert Incident.objects.count() == 2


def test_an_invalid_update_through_the_upsert_changes_nothing(api, vendor):
    api.post("/api/v1/incidents/", incident_payload(vendor), format="json")

    response = api.post(
        "/api/v1/incidents/", incident_payload(vendor, priority="P9", title="Changed")
    )

    assert response.status_code == 400
    assert "priority" in response.json()
    assert Incident.objects.get().title == "VPN down for the Kraków office"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"acknowledged_at": "2026-05-04T08:00:00Z"}, "acknowledged_at", "before it was opened"),
        ({"resolved_at": "2026-05-03T08:00:00Z"}, "resolved_at", "before it was opened"),
        ({"status": "escalated"}, "status", "not a valid choice"),
        ({"service": "catering"}, "service", "not a valid choice"),
        ({"opened_at": "yesterday"}, "opened_at", "wrong format"),
        ({"opened_at": None}, "opened_at", "may not be null"),
        ({"vendor": 424242}, "vendor", "does not exist"),
        ({"title": ["a", "list"]}, "title", "Not a valid string"),
    ],
)
def test_invalid_incidents_get_per_field_messages(api, vendor, overrides, field, message):
    response = api.post("/api/v1/incidents/", incident_payload(vendor, **overrides), format="json")

    assert response.status_code == 400
    assert message in str(response.json()[field])
    assert not Incident.objects.exists()


def test_an_incident_is_read_patched_and_deleted(api, vendor):
    incident = IncidentFactory(vendor=vendor, opened_at=NOW)
    url = f"/api/v1/incidents/{incident.pk}/"

    assert api.get(url).json()["external_id"] == incident.external_id
    patched = api.patch(url, {"status": "acknowledged", "root_cause": "Expired certificate"})
    assert patched.status_code == 200, patched.data
    assert patched.json()["acknowledged_at"] is not None
    moved = api.patch(url, {"vendor": VendorFactory().pk})
    assert moved.status_code == 400
    assert api.delete(url).status_code == 204
    assert not Incident.objects.exists()


def test_an_external_id_cannot_be_changed_to_one_already_taken(api, vendor):
    IncidentFactory(vendor=vendor, external_id="INC-1")
    other = IncidentFactory(vendor=vendor, external_id="INC-2")

    response = api.patch(f"/api/v1/incidents/{other.pk}/", {"external_id": "INC-1"})

    assert response.status_code == 400
    assert response.json() == {"external_id": ["This vendor already has an incident with this id."]}
    other.refresh_from_db()
    assert other.external_id == "INC-2"


@time_machine.travel(NOW, tick=False)
def test_incidents_filter_by_breach_flags_priority_status_and_opening_time(api, vendor):
    SLATargetFactory(vendor=vendor, priority="P1", response_minutes=30, resolution_minutes=240)
    breached = IncidentFactory(
        vendor=vendor, title="Old open P1", opened_at=NOW - dt.timedelta(hours=5)
    )
    fresh = IncidentFactory(
        vendor=vendor, title="Fresh P1", opened_at=NOW - dt.timedelta(minutes=10)
    )
    low = IncidentFactory(
        vendor=vendor, title="P3", priority="P3", opened_at=NOW - dt.timedelta(days=2)
    )
    from governance import services

    for incident in (breached, fresh, low):
        services.incident_save(incident)

    def titles(query):
        response = api.get("/api/v1/incidents/" + query)
        assert response.status_code == 200, response.data
        return [row["title"] for row in response.json()["results"]]

    assert titles("?resolution_breached=true") == ["Old open P1"]
    assert titles("?response_breached=false") == ["Fresh P1", "P3"]
    assert titles("?priority=P3") == ["P3"]
    assert titles("?priority__in=P1,P2") == ["Fresh P1", "Old open P1"]
    assert titles("?status=open&opened_at__gte=2026-05-04T00:00:00Z") == ["Fresh P1", "Old open P1"]
    assert titles("?opened_at__lte=2026-05-03T00:00:00Z") == ["P3"]
    assert titles(f"?external_id={low.external_id}") == ["P3"]
    assert titles("?search=old open") == ["Old open P1"]
    assert titles("?ordering=opened_at") == ["P3", "Old open P1", "Fresh P1"]
    assert api.get("/api/v1/incidents/?resolution_breached=maybe").status_code == 400
    assert api.get("/api/v1/incidents/?priority__in=P1,P9").status_code == 400


# --- concurrent intake ---------------------------------------------------------------------


@pytest.mark.postgres  # row locks and concurrent connections
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_identical_posts_make_one_incident():
    vendor = VendorFactory()
    token = token_for(vendor.owner)
    body = json.dumps(incident_payload(vendor))
    start = threading.Barrier(2)
    statuses = []

    def post():
        try:
            client = Client(HTTP_AUTHORIZATION=f"Token {token}")
            start.wait(timeout=10)
            response = client.post("/api/v1/incidents/", body, content_type="application/json")
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses) == [200, 201]
    assert Incident.objects.filter(vendor=vendor, external_id="INC-1042").count() == 1
