"""The audit trail: every change to a vendor and its records, who made it, before and after."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from governance import services
from governance.models import CreditPolicy, Incident, Role
from tests.api.conftest import client_for
from tests.factories import ContactFactory, IncidentFactory, VendorFactory
from tests.world import build, person

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


def at(minutes):
    return time_machine.travel(T0 + dt.timedelta(minutes=minutes), tick=False)


def history(api, vendor, query=""):
    response = api.get(f"/api/v1/vendors/{vendor.pk}/history/{query}")
    assert response.status_code == 200, response.content
    return response.json()


def change(entry, field):
    [found] = [c for c in entry["changes"] if c["field"] == field]
    return found


@pytest.fixture
def auditor(db):
    return person("auditor", Role.AUDITOR)


def test_a_change_made_through_the_api_is_recorded_with_its_user_and_values(vendor, owner, auditor):
    with at(0):
        services.vendor_update(vendor, tier="high")
    with at(5):
        response = client_for(owner).patch(
            f"/api/v1/vendors/{vendor.pk}/", {"tier": "low", "notes": "Cheaper"}, format="json"
        )
        assert response.status_code == 200

    latest = history(client_for(auditor), vendor)["results"][0]

    assert (latest["kind"], latest["action"], latest["object"]) == (
        "vendor",
        "changed",
        "Acme Hosting",
    )
    assert (latest["user"], latest["user_name"]) == (owner.pk, "owner")
    assert latest["at"] == "2026-03-10T09:05:00Z"
    assert change(latest, "tier") == {
        "field": "tier",
        "label": "Tier",
        "before": "high",
        "after": "low",
        "before_text": "High",
        "after_text": "Low",
    }
    assert change(latest, "notes")["after"] == "Cheaper"
    assert {c["field"] for c in latest["changes"]} == {"tier", "notes"}
    reader = Client()
    reader.force_login(auditor)
    page = reader.get(reverse("governance:vendor-history", args=[vendor.pk])).content.decode()
    assert "<del>High</del> → <ins>Low</ins>" in page
    assert "<del>(empty)</del> → <ins>Cheaper</ins>" in page


def test_a_change_made_in_the_ui_shows_on_the_history_page_and_in_the_api(vendor, owner, auditor):
    with at(0):  # an incident cannot open in the future
        incident = services.incident_save(Incident(vendor=vendor, title="VPN down", opened_at=T0))
    browser = Client()
    browser.force_login(owner)
    with at(30):
        acknowledged = browser.post(
            reverse("governance:incident-acknowledge", args=[vendor.pk, incident.pk])
        )
        assert acknowledged.status_code == 302

    entry = history(client_for(auditor), vendor, "?kind=incident")["results"][0]
    reader = Client()
    reader.force_login(auditor)
    page = reader.get(reverse("governance:vendor-history", args=[vendor.pk]))

    assert (entry["action"], entry["user_name"]) == ("changed", "owner")
    assert entry["object"] == "VPN down"
    assert change(entry, "status")["before_text"] == "Open"
    assert change(entry, "status")["after_text"] == "Acknowledged"
    assert change(entry, "acknowledged_at")["after"] == "2026-03-10T09:30:00+00:00"
    html = page.content.decode()
    assert page.status_code == 200
    assert "<del>Open</del> → <ins>Acknowledged</ins>" in html
    assert "VPN down" in html and ">owner<" in html


def test_the_history_covers_related_records_and_deletions_and_no_other_vendor(
    vendor, owner, auditor
):
    other = VendorFactory(name="Other Networks", owner=owner)
    ContactFactory(vendor=other, name="Not ours")
    with at(0):
        contact = ContactFactory(vendor=vendor, name="Vera Vendor")
    with at(10):
        response = client_for(owner).delete(f"/api/v1/contacts/{contact.pk}/")
        assert response.status_code == 204

    entries = history(client_for(auditor), vendor, "?kind=contact")["results"]

    assert [(e["action"], e["object"]) for e in entries] == [
        ("deleted", "Vera Vendor"),
        ("created", "Vera Vendor"),
    ]
    assert change(entries[0], "name") == {
        "field": "name",
        "label": "Name",
        "before": "Vera Vendor",
        "after": None,
        "before_text": "Vera Vendor",
        "after_text": "",
    }
    assert entries[0]["user_name"] == "owner"


def test_what_vendor_representatives_do_in_the_portal_is_theirs_in_the_history(
    owner, member, vendor
):
    world = build(owner, member, vendor)
    rep = world.people["rep"]
    portal = Client()
    portal.force_login(rep)
    with at(60):
        portal.post(
            reverse("governance:portal:review-detail", args=[world.own.review.pk]),
            {"comment": "We accept the outcome."},
        )
        portal.post(
            reverse("governance:portal:goal-detail", args=[world.own.goal.pk]),
            {"date": "2026-03-09", "value": "77", "note": "From our side"},
        )

    results = history(client_for(world.people["auditor"]), vendor, "?page_size=2")["results"]
    by_kind = {entry["kind"]: entry for entry in results}

    assert by_kind["goalcheckin"]["user_name"] == "rep"
    assert by_kind["goalcheckin"]["object"] == "Acme Hosting goal: 77 on 2026-03-09"
    assert by_kind["review"]["user_name"] == "rep"
    assert change(by_kind["review"], "vendor_comment")["after"] == "We accept the outcome."


def test_the_history_is_paginated_and_filtered_by_kind(owner, member, vendor):
    world = build(owner, member, vendor)
    api = client_for(world.people["auditor"])

    page = history(api, vendor, "?page_size=5")
    goals = history(api, vendor, "?kind=goal&page_size=100")
    refused = api.get(f"/api/v1/vendors/{vendor.pk}/history/?kind=password")

    assert len(page["results"]) == 5 and page["count"] > 5 and page["next"]
    assert {entry["kind"] for entry in goals["results"]} == {"goal"}
    assert refused.status_code == 400
    assert "kind" in refused.json()


def test_the_history_reads_in_the_same_queries_for_few_and_many_changes(
    owner, member, vendor, django_assert_max_num_queries
):
    world = build(owner, member, vendor)
    api = client_for(world.people["auditor"])
    browser = Client()
    browser.force_login(world.people["auditor"])
    url = f"/api/v1/vendors/{vendor.pk}/history/?page_size=200"
    page_url = reverse("governance:vendor-history", args=[vendor.pk])

    def count():
        # The ceiling: 2 queries per kind of record on the page (its rows, the rows before
        # them), the labels they refer to, the page and its count, authentication.
        with django_assert_max_num_queries(40) as endpoint:
            assert api.get(url).status_code == 200
        with django_assert_max_num_queries(40):
            assert browser.get(page_url).status_code == 200
        return len(endpoint)

    few = count()
    for number in range(30):
        services.goal_check_in_add(
            goal=world.own.goal, date=dt.date(2026, 2, 2) + dt.timedelta(days=number), value=number
        )
        services.contact_save(ContactFactory.build(vendor=vendor, name=f"Contact {number}"))
    many = count()

    assert many == few


def test_the_schema_documents_the_history_endpoint():
    from drf_spectacular.generators import SchemaGenerator

    document = SchemaGenerator().get_schema(request=None, public=True)
    operation = document["paths"]["/api/v1/vendors/{id}/history/"]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    entry = document["components"]["schemas"]["HistoryEntry"]["properties"]

    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PaginatedHistoryEntryList"
    }
    assert {"page", "page_size", "kind"} <= set(parameters)
    assert {"kind", "object_id", "action", "at", "user", "changes"} <= set(entry)
    assert set(operation["responses"]) >= {"200", "401", "403", "404"}


def test_api_changes_name_their_user_even_without_the_history_middleware(vendor, owner, settings):
    # Token requests are authenticated by DRF, after every middleware ran: the API itself
    # hands simple-history the authenticated request (and clears it afterwards).
    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if not name.startswith("simple_history.")
    ]
    with at(15):
        response = client_for(owner).patch(
            f"/api/v1/vendors/{vendor.pk}/", {"status": "on_watch"}, format="json"
        )

    assert response.status_code == 200
    record = vendor.history.latest("history_date")
    assert (record.status, record.history_user) == ("on_watch", owner)
    from simple_history.models import HistoricalRecords

    assert not hasattr(HistoricalRecords.context, "request")


def test_a_credit_statements_status_change_is_in_the_vendors_history(vendor, owner, auditor):
    vendor.annual_value = 12000
    vendor.save()
    services.credit_policy_save(
        CreditPolicy(vendor=vendor, bands=[{"below_percent": 99, "credit_percent": 10}])
    )
    with at(0):
        IncidentFactory(
            vendor=vendor,
            opened_at=T0 - dt.timedelta(days=5),
            resolution_due_at=T0 - dt.timedelta(days=5),
        )
        statement = services.credit_statement_compute(vendor, month=T0.date())
    assert statement.status == "due"
    api = client_for(owner)
    with at(10):
        response = api.patch(
            f"/api/v1/credit-statements/{statement.pk}/", {"status": "claimed"}, format="json"
        )
        assert response.status_code == 200

    entry = history(client_for(auditor), vendor, "?kind=creditstatement")["results"][0]

    assert (entry["action"], entry["user_name"]) == ("changed", "owner")
    assert change(entry, "status")["before_text"] == "Due"
    assert change(entry, "status")["after_text"] == "Claimed"
