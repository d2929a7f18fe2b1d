"""The required clause set through the API: internal users read it, administrators change it,
and a vendor's clause coverage follows."""

import pytest

from governance.models import RequiredClause, Role
from tests.api.conftest import client_for
from tests.factories import ClauseFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_api():
    return client_for(UserFactory(username="root", role=Role.ADMINISTRATOR))


def coverage(api, vendor):
    return api.get(f"/api/v1/vendors/{vendor.pk}/").json()["clause_coverage"]


def test_an_administrator_changes_the_set_and_coverage_follows(admin_api, vendor):
    RequiredClause.objects.filter(tier=vendor.tier).delete()
    RequiredClause.objects.create(tier=vendor.tier, clause_type="confidentiality")
    ClauseFactory(vendor=vendor, clause_type="confidentiality", status="agreed")
    assert coverage(admin_api, vendor) == 100.0

    added = admin_api.post(
        "/api/v1/required-clauses/", {"tier": vendor.tier, "clause_type": "iso27001"}, format="json"
    )

    assert added.status_code == 201, added.json()
    assert coverage(admin_api, vendor) == 50.0
    listed = admin_api.get(f"/api/v1/required-clauses/?tier={vendor.tier}").json()["results"]
    assert sorted(row["clause_type"] for row in listed) == ["confidentiality", "iso27001"]
    assert admin_api.delete(f"/api/v1/required-clauses/{added.json()['id']}/").status_code == 204
    assert coverage(admin_api, vendor) == 100.0


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"tier": "cosmic", "clause_type": "soc2"}, "tier"),
        ({"tier": "high", "clause_type": "astrology"}, "clause_type"),
    ],
)
def test_bad_entries_are_refused_per_field(admin_api, payload, field):
    before = RequiredClause.objects.count()

    response = admin_api.post("/api/v1/required-clauses/", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert RequiredClause.objects.count() == before


def test_a_pair_is_required_once(admin_api):
    RequiredClause.objects.get_or_create(tier="high", clause_type="soc2")

    again = admin_api.post(
        "/api/v1/required-clauses/", {"tier": "high", "clause_type": "soc2"}, format="json"
    )

    assert again.status_code == 400
    assert "This tier already requires this clause type." in str(again.json())


def test_managers_read_and_representatives_are_refused(owner, vendor):
    from governance import services

    rep = UserFactory(username="rep")
    services.user_role_set(rep, role=Role.VENDOR_REP, vendor=vendor)
    manager = client_for(owner)

    assert manager.get("/api/v1/required-clauses/").status_code == 200
    refused = manager.post(
        "/api/v1/required-clauses/", {"tier": "high", "clause_type": "soc2"}, format="json"
    )
    assert refused.status_code == 403
    assert client_for(rep).get("/api/v1/required-clauses/").status_code == 403
