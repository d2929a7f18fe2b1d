import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from governance.models import RequiredClause, Review, Vendor
from tests.factories import (
    ClauseFactory,
    GoalFactory,
    IncidentFactory,
    ReviewFactory,
    SLATargetFactory,
    UserFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/vendors/"


def vendor_payload(**overrides):
    return {
        "name": "Northwind Networks",
        "services": ["network_management", "security"],
        "tier": "critical",
        "status": "active",
        "time_zone": "Europe/Warsaw",
        "country": "PL",
        "contract_start": "2026-01-01",
        "contract_end": "2028-12-31",
        "renewal_notice_days": 120,
        "annual_value": "250000.00",
        "currency": "EUR",
        "notes": "Runs the WAN.",
        **overrides,
    }


def test_a_new_vendor_is_owned_by_its_creator_and_gets_its_tiers_cadence(api, owner):
    response = api.post(URL, vendor_payload(), format="json")

    assert response.status_code == 201, response.data
    body = response.json()
    assert body["owner"] == owner.pk
    assert body["review_cadence"] == "monthly"  # the critical tier's default
    assert body["services"] == ["network_management", "security"]
    assert body["annual_value"] == "250000.00"
    assert body["next_review_date"] is None
    assert body["sla_compliance_90d"] is None  # no incidents yet
    assert body["clause_coverage"] == 0.0  # none of the critical tier's clauses yet
    assert body["health_score"] == 0.0
    vendor = Vendor.objects.get(pk=body["id"])
    assert vendor.owner == owner
    assert vendor.time_zone == "Europe/Warsaw"


def test_a_vendor_can_be_created_for_another_owner(api, member):
    response = api.post(URL, vendor_payload(owner=member.pk, review_cadence="annual"))

    assert response.status_code == 201, response.data
    assert response.json()["owner"] == member.pk
    assert response.json()["review_cadence"] == "annual"


def test_a_vendor_is_read_updated_and_deleted(api, vendor):
    detail = f"{URL}{vendor.pk}/"

    assert api.get(detail).json()["name"] == "Acme Hosting"

    response = api.patch(detail, {"status": "on_watch", "notes": "Two P1s in May."})
    assert response.status_code == 200, response.data
    assert response.json()["status"] == "on_watch"

    replaced = api.put(detail, vendor_payload(name="Acme Hosting GmbH"))
    assert replaced.status_code == 200, replaced.data
    vendor.refresh_from_db()
    assert vendor.name == "Acme Hosting GmbH"
    assert vendor.tier == "critical"

    assert api.delete(detail).status_code == 204
    assert not Vendor.objects.filter(pk=vendor.pk).exists()


def test_a_vendor_with_history_cannot_be_deleted(api, vendor):
    GoalFactory(vendor=vendor)

    response = api.delete(f"{URL}{vendor.pk}/")

    assert response.status_code == 409
    assert "set its status to ended" in response.json()["detail"]
    assert Vendor.objects.filter(pk=vendor.pk).exists()


@time_machine.travel(dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC), tick=False)
def test_the_vendor_shows_its_derived_figures(api, vendor):
    ReviewFactory(vendor=vendor, scheduled_for=dt.date(2026, 6, 30))
    ReviewFactory(
        vendor=vendor,
        status=Review.Status.COMPLETED,
        completed_at=timezone.now(),
        overall_score=4,
        scheduled_for=dt.date(2026, 3, 31),
    )
    SLATargetFactory(vendor=vendor, priority="P1", response_minutes=30, resolution_minutes=60)
    opened = timezone.now() - dt.timedelta(days=3)
    met = IncidentFactory(vendor=vendor, opened_at=opened)
    late = IncidentFactory(vendor=vendor, opened_at=opened)
    from governance import services

    services.incident_resolve(met, at=opened + dt.timedelta(minutes=30))
    services.incident_resolve(late, at=opened + dt.timedelta(minutes=90))
    required = RequiredClause.objects.filter(tier=vendor.tier).count()
    ClauseFactory(vendor=vendor, clause_type="confidentiality", status="agreed")

    body = api.get(f"{URL}{vendor.pk}/").json()

    assert body["next_review_date"] == "2026-06-30"
    assert body["sla_compliance_90d"] == 50.0
    assert body["clause_coverage"] == round(100 / required, 1)
    assert body["health_score"] is not None
    assert 0 <= body["health_score"] <= 100


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("tier", "platinum", "not a valid choice"),
        ("status", "dormant", "not a valid choice"),
        ("review_cadence", "weekly", "not a valid choice"),
        ("time_zone", "CEST", "not an IANA time zone name"),
        ("time_zone", "+02:00", "not an IANA time zone name"),
        ("services", ["hosting", "hosting"], "listed twice"),
        ("services", ["catering"], "not a valid choice"),
        ("services", "hosting", "Expected a list"),
        ("renewal_notice_days", "ninety", "valid integer"),
        ("renewal_notice_days", -1, "greater than or equal to 0"),
        ("annual_value", "-5", "cannot be negative"),
        ("country", "Poland", "two-letter"),
        ("currency", "euro", "three-letter"),
        ("contract_start", "2026-02-30", "Date has wrong format"),
        ("contract_end", "0001-01-01", "between 1900-01-01 and 2199-12-31"),
        ("owner", 999999, "does not exist"),
        ("owner", "me", "Incorrect type"),
        ("name", "", "may not be blank"),
    ],
)
def test_invalid_vendor_fields_get_a_message_each_and_nothing_is_saved(api, field, value, message):
    response = api.post(URL, vendor_payload(**{field: value}), format="json")

    assert response.status_code == 400
    assert message in str(response.json()[field])
    assert not Vendor.objects.exists()


def test_a_service_listed_twice_is_refused(api):
    response = api.post(URL, vendor_payload(services=["hosting", "hosting"]), format="json")

    assert response.status_code == 400
    assert response.json()["services"] == ["A service is listed twice."]


def test_a_contract_cannot_end_before_it_starts(api, vendor):
    response = api.patch(f"{URL}{vendor.pk}/", {"contract_end": "2024-12-31"})

    assert response.status_code == 400
    assert response.json() == {"contract_end": ["The contract cannot end before it starts."]}
    vendor.refresh_from_db()
    assert vendor.contract_end == dt.date(2027, 12, 31)


def test_vendor_names_are_unique(api, vendor):
    response = api.post(URL, vendor_payload(name="Acme Hosting"))

    assert response.status_code == 400
    assert "already exists" in response.json()["name"][0]


def test_malformed_json_is_a_400(api):
    response = api.post(URL, '{"name": "Broken', content_type="application/json")

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]
    assert not Vendor.objects.exists()


def test_a_lone_surrogate_in_json_is_a_400(api):
    body = '{"name": "\\ud800", "services": ["hosting"]}'

    response = api.post(URL, body, content_type="application/json")

    assert response.status_code == 400
    assert not Vendor.objects.exists()


def test_a_body_that_is_not_json_is_a_415(api):
    response = api.post(URL, "name=Acme", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 415


def test_vendors_filter_by_tier_status_service_owner_and_contract_end(api, owner, member):
    a = VendorFactory(name="A", tier="critical", status="active", services=["hosting"])
    b = VendorFactory(
        name="B",
        tier="low",
        status="on_watch",
        services=["security", "software_development"],
        owner=member,
        contract_end=dt.date(2026, 6, 30),
    )
    c = VendorFactory(name="C", tier="low", status="ended", services=["security"], owner=owner)

    def names(query):
        response = api.get(URL + query)
        assert response.status_code == 200, response.data
        return [row["name"] for row in response.json()["results"]]

    assert names("?tier=low") == ["B", "C"]
    assert names("?status=on_watch") == ["B"]
    assert names("?status__in=active,ended") == ["A", "C"]
    assert names("?service=security") == ["B", "C"]
    assert names("?service=software_development") == ["B"]
    assert names(f"?owner={member.pk}") == ["B"]
    assert names("?contract_end__lte=2026-12-31") == ["B"]
    assert names("?contract_end__gte=2027-01-01") == ["A", "C"]
    assert {a.pk, b.pk, c.pk} == set(Vendor.objects.values_list("pk", flat=True))


@pytest.mark.parametrize(
    "query",
    ["?tier=platinum", "?service=catering", "?contract_end__lte=soon", "?owner=abc"],
)
def test_an_invalid_filter_value_is_a_400(api, query):
    response = api.get(URL + query)

    assert response.status_code == 400
    assert response.json()


def test_vendors_are_searched_by_name_and_ordered(api):
    VendorFactory(name="Globex Security", contract_end=dt.date(2027, 1, 1))
    VendorFactory(name="Initech Hosting", contract_end=dt.date(2026, 1, 1))
    VendorFactory(name="Globex Hosting", contract_end=dt.date(2028, 1, 1))

    searched = api.get(URL + "?search=globex").json()["results"]
    ordered = api.get(URL + "?ordering=-contract_end").json()["results"]

    assert [row["name"] for row in searched] == ["Globex Hosting", "Globex Security"]
    assert [row["name"] for row in ordered] == [
        "Globex Hosting",
        "Globex Security",
        "Initech Hosting",
    ]


def test_vendor_lists_are_paginated(api):
    owner = UserFactory()
    for number in range(7):
        VendorFactory(name=f"Vendor {number:02d}", owner=owner)

    first = api.get(URL + "?page_size=3").json()
    last = api.get(URL + "?page_size=3&page=3").json()

    assert first["count"] == 7
    assert [row["name"] for row in first["results"]] == ["Vendor 00", "Vendor 01", "Vendor 02"]
    assert first["previous"] is None
    assert "page=2" in first["next"]
    assert [row["name"] for row in last["results"]] == ["Vendor 06"]
    assert last["next"] is None
    assert api.get(URL + "?page=9").status_code == 404


@time_machine.travel(dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC), tick=False)
def test_the_scorecard_shows_the_health_figure_and_its_parts(api, vendor):
    ReviewFactory(
        vendor=vendor,
        status=Review.Status.COMPLETED,
        completed_at=timezone.now(),
        overall_score=5,
        scheduled_for=dt.date(2026, 3, 31),
    )
    GoalFactory(vendor=vendor, status="on_track")
    GoalFactory(vendor=vendor, status="missed")

    response = api.get(f"{URL}{vendor.pk}/scorecard/")

    assert response.status_code == 200
    card = response.json()
    assert card["vendor"] == vendor.pk
    assert card["parts"]["reviews"] == 100.0
    assert card["parts"]["goals"] == 50.0
    assert card["parts"]["sla"] is None
    assert card["goals"] == {"measured": 2, "on_track_or_achieved": 1, "percent": 50.0}
    assert card["latest_score"] == "5.00"
    assert "confidentiality" in card["clauses"]["missing"]
    assert card["health"] is not None


def test_an_unknown_vendor_is_a_404(api):
    assert api.get(f"{URL}987654/").status_code == 404
    assert api.get(f"{URL}987654/scorecard/").status_code == 404
    assert api.get(f"{URL}not-a-number/").status_code == 404
    assert api.get(f"{URL}99999999999999999999999/").status_code == 404
